/**
 * One simulation run's steps: sends a request the way the IdP does, retries after 429 and 503
 * the way the IdPs document it (Retry-After honoured, bounded), checks the answer the way the
 * IdP checks it, and records the step (redacted, bodies cut to 4 KiB). The first failure ends
 * the run: what comes after it depends on it (a user that was not created cannot be updated,
 * and Okta stops provisioning an app whose requests fail).
 */
import { CONNECTION_LABELS, type ConnectionName } from '../../contract/connections';
import type { SimulationScenario } from '../../contract/choices';
import type { SimulationStep } from '../../contract/model';
import { REDACTED, maskTokenShapes, redactedText } from '../scim/redact';
import type { HttpAnswer, SimulatorHttp } from './http';

/** Bodies in the report are cut to this (the request log has the rest). */
export const MAX_REPORT_BODY = 4096;
/** Retries after 429/503 before the IdP gives up on a request, and the longest wait it honours. */
export const MAX_RETRIES = 3;
export const MAX_RETRY_WAIT_MS = 30_000;

type Json = Record<string, unknown>;

/** What the IdP checks in an answer. */
export interface Expect {
  /** The statuses the IdP accepts (the first is the one it asks for). */
  readonly status: readonly number[];
  /** A URN `schemas` must list. */
  readonly schema?: string;
  readonly userName?: string;
  readonly displayName?: string;
  /** The id the answer must carry (a read or a write of that resource). */
  readonly id?: string;
  /** A create: an id, and a Location naming it. */
  readonly created?: 'Users' | 'Groups';
  /** Further checks on the body: [what, passed]. */
  readonly also?: (body: Json) => readonly (readonly [string, boolean])[];
}

/** Thrown by a failed step: the run stops there. */
export class StepFailed extends Error {}

export interface RunOptions {
  readonly connection: ConnectionName;
  readonly baseUrl: string;
  readonly token: string;
  readonly http: SimulatorHttp;
  readonly headers: Readonly<Record<string, string>>;
  /** After each step; the next one waits for what it returns (a caller may act between steps). */
  readonly onStep: (step: SimulationStep) => void | Promise<void>;
  /** Waits (tests of the retry policy never need a real clock: the wait is bounded anyway). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function parse(text: string): Json | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds (or an HTTP date), as a wait in ms; absent: the IdP's own backoff. */
function retryWait(answer: HttpAnswer, attempt: number): number {
  const header = answer.headers['retry-after'];
  const seconds = header === undefined ? NaN : /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  const ms = Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : 1000 * 2 ** attempt;
  return Math.min(ms, MAX_RETRY_WAIT_MS);
}

/** What to do about a failure, in one sentence, by what went wrong. */
function fixFor(status: number | null, label: string, baseUrl: string, retries: number): string {
  if (status === null) return `ScimDesk could not be reached at ${baseUrl}: check that the public URL works (is the tunnel online?) with Check from outside, or run the simulation through the local address`;
  if (status === 401) return `The token was refused: issue a New SCIM Token and paste it in ${label}`;
  if (status === 403) return `The ${label} connection is disabled in ScimDesk: enable it, then run the simulation again`;
  if (status === 404) return `Check the SCIM base URL in ${label}: it must be ${baseUrl}`;
  if (status === 409) return `A record with that name already exists in ScimDesk but ${label} does not know it: remove the duplicate in ScimDesk (or have ${label} match it on import), then push again`;
  if (status === 412) return `The record changed between ${label}'s read and its write: run the step again`;
  if (status === 429 || status === 503) return `ScimDesk kept answering ${status} after ${retries} retries: wait for the fault drill or the rate limit to end, then run the simulation again`;
  if (status >= 500) return `ScimDesk's SCIM server failed: see the request log's entry for this request, and the data folder's health in the status`;
  if (status >= 400) return `ScimDesk refused the request ${label} sends: see the request log's entry for the reason`;
  return `The answer is not what ${label} expects: see the request log's entry for this request`;
}

export class Run {
  readonly steps: SimulationStep[] = [];
  private readonly label: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: RunOptions) {
    this.label = CONNECTION_LABELS[o.connection];
    this.sleep = o.sleep ?? sleepFor;
  }

  /** Sends one request, checks its answer; returns the body, or throws StepFailed (the step is recorded either way). */
  async step(scenario: SimulationScenario, name: string, method: string, path: string, body: unknown, expect: Expect): Promise<Json> {
    const url = `${this.o.baseUrl}${path}`;
    const text = body === undefined ? null : JSON.stringify(body);
    const headers: Record<string, string> = { ...this.o.headers, authorization: `Bearer ${this.o.token}` };
    const started = performance.now();
    let answer: HttpAnswer | null = null;
    let failure: string | null = null;
    let retries = 0;
    for (;;) {
      try {
        answer = await this.o.http.send({ method, url, headers, body: text });
      } catch (err) {
        failure = `no answer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
        break;
      }
      if ((answer.status !== 429 && answer.status !== 503) || retries >= MAX_RETRIES) break;
      await this.sleep(retryWait(answer, retries));
      retries++;
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const parsed = answer ? parse(answer.text) : undefined;
    const checks: string[] = [];
    if (answer && failure === null) failure = this.check(answer, parsed, expect, checks);
    const step: SimulationStep = {
      index: this.steps.length + 1,
      scenario,
      name,
      request: { method, url, headers: { ...headers, authorization: REDACTED }, body: text === null ? null : this.redact(body) },
      response: answer && { status: answer.status, headers: answer.headers, body: answer.text ? this.redact(answer.text) : null },
      ms,
      verdict: failure === null ? 'passed' : 'failed',
      checks,
      conclusion: failure === null ? null : `${this.label} would mark the app's provisioning as failed: ${failure}`,
      fix: failure === null ? null : fixFor(answer?.status ?? null, this.label, this.o.baseUrl, retries),
      retries,
    };
    this.steps.push(step);
    await this.o.onStep(step);
    if (failure !== null) throw new StepFailed(step.conclusion!);
    return parsed ?? {};
  }

  /** Bodies as the report shows them: secrets and tokens masked, cut to 4 KiB. */
  private redact(body: unknown): string {
    const text = redactedText(body, MAX_REPORT_BODY) ?? '';
    return maskTokenShapes(text.split(this.o.token).join(REDACTED));
  }

  /** The IdP's checks, in order; the first that fails says why (and the ones passed are listed). */
  private check(answer: HttpAnswer, body: Json | undefined, e: Expect, checks: string[]): string | null {
    if (!e.status.includes(answer.status)) return `expected ${e.status.join(' or ')}, got ${answer.status}`;
    checks.push(`status ${answer.status}`);
    if (answer.status === 204 || (answer.status === 404 && !e.schema)) return null;
    if (!body) return `the answer to a ${answer.status} is not a JSON object`;
    const schemas = body['schemas'];
    if (e.schema) {
      if (!Array.isArray(schemas) || !schemas.includes(e.schema)) return `"schemas" does not list ${e.schema}`;
      checks.push('schemas');
    }
    if (e.userName !== undefined) {
      if (body['userName'] !== e.userName) return `userName "${String(body['userName'])}" is not the "${e.userName}" sent`;
      checks.push('userName echoed');
    }
    if (e.displayName !== undefined) {
      if (body['displayName'] !== e.displayName) return `displayName "${String(body['displayName'])}" is not the "${e.displayName}" sent`;
      checks.push('displayName echoed');
    }
    const id = body['id'];
    if (e.id !== undefined) {
      if (id !== e.id) return `id "${String(id)}" is not the "${e.id}" asked for`;
      checks.push('id echoed');
    }
    if (e.created) {
      if (typeof id !== 'string' || id === '') return 'the created resource has no id';
      checks.push('id');
      const location = answer.headers['location'];
      if (!location || !location.endsWith(`/${e.created}/${id}`)) return `Location "${location ?? ''}" does not name /${e.created}/${id}`;
      checks.push('Location');
    }
    // ETag where sent: it must be the version the body's meta carries.
    const etag = answer.headers['etag'];
    if (etag !== undefined) {
      const meta = body['meta'] as Json | undefined;
      if (meta?.['version'] !== undefined && meta['version'] !== etag) return `ETag ${etag} is not meta.version ${String(meta['version'])}`;
      checks.push('ETag');
    }
    for (const [what, ok] of e.also?.(body) ?? []) {
      if (!ok) return `${what} is not what was sent`;
      checks.push(what);
    }
    return null;
  }
}
