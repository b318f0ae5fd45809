/**
 * Records each SCIM request in the request log. The hook that runs after the response only
 * queues a capture; the record is built later in a batch (after the responses went out) and
 * written by the log's worker, so the request thread pays a closure and an array push.
 *
 * A request some connection's token authenticated becomes an entry: the IdP action, its target
 * by name, what a write changed, the error's detail, redacted bodies. A request no token
 * authenticated (401, 429, a secret store that cannot be read) is counted into an aggregate by
 * client address, status and reason, with one sample: a flood of them costs a counter, never
 * an authenticated entry, and its URLs and User-Agents are cut short.
 *
 * Tokens never reach the log: the token the request presented is masked wherever it appears
 * (a path segment, the id derived from it, a response that echoes it), and anything shaped
 * like a ScimDesk token is masked too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeRequest } from '../../scim/actions';
import { REDACTED, maskTokenShapes, redactUrl, redactedText } from '../../scim/redact';
import { isObject } from '../../scim/resource';
import { tokenFromHeader } from '../../secrets/tokens';
import type { Activity } from '../../core/activity';
import type { TokenKind } from '../../core/connections';
import type { ScimRequestContext } from './request-context';
import { MAX_AGENT_CHARS, MAX_PATH_CHARS, type RefusedRecord, type RequestRecord } from '../../store/request-log-schema';

export interface ActivityOptions {
  /** The mount point, stripped from paths before naming the action. */
  readonly prefix: string;
  /** Longest request body text kept (what the IdP sent matters most when debugging). */
  readonly maxRequestChars: number;
  /** Longest response body text kept: the gist of a list page, not all of it. */
  readonly maxResponseChars: number;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Masks the presented token wherever it appears (tokens shorter than 8 characters are not worth
 * hiding: nothing accepts them), and anything shaped like a ScimDesk token.
 */
function masker(token: string | undefined): (text: string) => string {
  if (!token || token.length < 8) return maskTokenShapes;
  return (text) => maskTokenShapes(text.includes(token) ? text.split(token).join(REDACTED) : text);
}

/** The value of a `attr eq "value"` lookup (Okta's and Entra's existence checks). */
function lookedUp(filter: unknown): string | null {
  if (typeof filter !== 'string') return null;
  const m = /^\s*[\w.:$-]+\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : null;
}

function filterOf(request: FastifyRequest): string | undefined {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const k in query) if (k.toLowerCase() === 'filter') return typeof query[k] === 'string' ? query[k] : undefined;
  const fromBody = isObject(request.body) ? request.body['filter'] : undefined;
  return typeof fromBody === 'string' ? fromBody : undefined;
}

/** The name a request is about when the route did not say: a lookup's value, a create's name. */
function targetFromRequest(c: Captured, type: 'User' | 'Group' | null): string | null {
  const looked = lookedUp(c.filter);
  if (looked !== null) return looked;
  if (c.method === 'POST' && isObject(c.body) && type) {
    const name = c.body[type === 'User' ? 'userName' : 'displayName'];
    if (typeof name === 'string') return name;
  }
  return null;
}

/** An error answer's scimType and detail (error bodies are small). */
function errorOf(text: string | undefined): { scimType: string | null; detail: string | null } {
  if (!text) return { scimType: null, detail: null };
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return { scimType: typeof body['scimType'] === 'string' ? body['scimType'] : null, detail: typeof body['detail'] === 'string' ? body['detail'] : null };
  } catch {
    return { scimType: null, detail: null };
  }
}

function nullable(text: string | null, mask: (t: string) => string): string | null {
  return text === null ? null : mask(text);
}

/**
 * What the recorder keeps of a request until its batch is built: plain values, and the body and
 * answer only when they will be written. Keeping the whole request object (a closure over it)
 * for the batch delay made every request outlive the young generation of the heap, and the
 * garbage collector's old-generation work was a third of the log's cost on a read.
 */
interface Captured {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly atMs: number;
  readonly elapsed: number;
  readonly connection: string | null;
  readonly token: TokenKind | null;
  readonly simulated: boolean;
  readonly refusal: ScimRequestContext['refusal'];
  readonly client: string | null;
  readonly agent: string | undefined;
  readonly authorization: string | undefined;
  readonly target: string | undefined;
  readonly audit: ScimRequestContext['audit'];
  readonly notes: string[];
  readonly createdId: string | undefined;
  readonly filter: string | undefined;
  readonly body: unknown;
  /** The answer, kept for writes and failures. */
  readonly response: string | undefined;
  /** A successful read's answer in a few words ("1 result"). */
  readonly readSummary: string | null;
  /** The fault drill's answer to it, when one was armed. */
  readonly fault: ScimRequestContext['fault'];
}

function isRead(method: string, url: string): boolean {
  return method === 'GET' || (method === 'POST' && /\/\.search(\?|$)/i.test(url));
}

export function registerActivity(app: FastifyInstance, activity: Pick<Activity, 'record'>, options: ActivityOptions): void {
  // The response text is kept by sendScim (scim-reply.ts), for every SCIM answer with a body.
  app.addHook('onResponse', (request, reply, done) => {
    const scim = request.scim;
    const status = reply.statusCode;
    const successfulRead = status < 400 && isRead(request.method, request.url);
    const agent = request.headers['user-agent'];
    const captured: Captured = {
      method: request.method,
      url: request.url,
      status,
      atMs: Date.now(),
      elapsed: reply.elapsedTime,
      connection: scim.connection,
      token: scim.token,
      simulated: scim.simulated,
      refusal: scim.refusal,
      client: scim.client,
      agent: typeof agent === 'string' ? agent : undefined,
      authorization: request.headers.authorization,
      target: scim.target,
      audit: scim.audit,
      notes: scim.notes,
      createdId: scim.createdId,
      filter: filterOf(request),
      body: request.body,
      // A success's answer is the record as stored (the directory shows it, the audit trail has
      // what changed): only a failure's answer is kept, for its error body.
      response: status < 400 ? undefined : scim.responseText,
      readSummary: successfulRead ? readSummary(scim.responseText) : null,
      fault: scim.fault,
    };
    activity.record(() => build(captured, options));
    done();
  });
}

/** "totalResults": N at the start of a list answer. */
const TOTAL_RESULTS = /"totalResults":(\d+)/;

/**
 * What a successful read answered, in a few words: "1 result", "no match". Its body is not kept:
 * lookups are most of an IdP's traffic, and their answers were most of the bytes the log copied
 * to its writer and wrote (a read's answer is the directory as it was, which the audit trail
 * and the directory itself show).
 */
function readSummary(response: string | undefined): string | null {
  const total = response === undefined ? null : TOTAL_RESULTS.exec(response.slice(0, 200));
  if (!total) return null;
  const n = Number(total[1]);
  return n === 0 ? 'no match' : n === 1 ? '1 result' : `${n.toLocaleString('en-US')} results`;
}

function build(c: Captured, options: ActivityOptions): RequestRecord | RefusedRecord {
  const at = new Date(c.atMs).toISOString();
  const durationMs = Math.round(c.elapsed * 100) / 100;
  const mask = masker(tokenFromHeader(c.authorization));
  const url = redactUrl(mask(c.url));
  const path = cut(url, MAX_PATH_CHARS);
  const agent = c.agent === undefined ? null : cut(c.agent, MAX_AGENT_CHARS);
  const response = c.response;
  const error = c.status >= 400 ? errorOf(response) : { scimType: null, detail: null };

  if (c.connection === null) {
    const refusal = c.refusal;
    return {
      clientIp: c.client ?? '',
      status: c.status,
      reason: refusal?.reason ?? 'none',
      claimed: refusal?.claimed ?? '',
      replacedAt: refusal?.replacedAt ?? null,
      count: 1,
      firstAt: at,
      lastAt: at,
      sampleMethod: c.method,
      samplePath: path,
      sampleAgent: agent,
      detail: nullable(error.detail, mask),
    };
  }

  const query = url.indexOf('?');
  const pathOnly = query < 0 ? url : url.slice(0, query);
  const info = describeRequest({ method: c.method, path: pathOnly.slice(options.prefix.length) || '/', query: c.filter === undefined ? {} : { filter: c.filter }, body: c.body });
  const audit = c.audit ?? null;
  const resourceId = info.resourceId ?? c.createdId ?? null;
  return {
    at,
    connection: c.connection,
    token: c.token,
    simulated: c.simulated,
    method: c.method,
    path,
    status: c.status,
    durationMs,
    action: info.action,
    resourceType: info.resourceType,
    resourceId: nullable(resourceId, mask),
    target: nullable(c.target ?? targetFromRequest(c, info.resourceType), mask),
    // A create's "Created" says nothing the action does not; a create with members says how many.
    summary: audit ? (audit.action === 'create' && !audit.members ? null : audit.summary) : c.readSummary,
    clientIp: c.client,
    userAgent: agent,
    requestBody: nullable(redactedText(c.body, options.maxRequestChars), mask),
    // An error answer echoes the client's input, so it gets the secret-member scan.
    responseBody: response === undefined || response === '' ? null : mask(redactedText(response, options.maxResponseChars)!),
    notes: c.notes,
    changes: audit?.changes.length ? JSON.stringify(audit.changes) : null,
    members: audit?.members ? JSON.stringify(audit.members) : null,
    scimType: error.scimType,
    detail: nullable(error.detail, mask),
    fault: c.fault?.kind ?? null,
    faultArmedAt: c.fault?.armedAt ?? null,
    faultDelayMs: c.fault?.delayMs ?? null,
  };
}
