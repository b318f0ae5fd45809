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
import { REDACTED, cut as cutKept, maskTokenShapes, redactUrl, redactedText } from '../../scim/redact';
import { isObject } from '../../scim/resource';
import { tokenFromHeader } from '../../secrets/tokens';
import type { Activity } from '../../core/activity';
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

function filterOf(request: FastifyRequest): unknown {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const key = Object.keys(query).find((k) => k.toLowerCase() === 'filter');
  if (key) return query[key];
  return isObject(request.body) ? request.body['filter'] : undefined;
}

/** The name a request is about when the route did not say: a lookup's value, a create's name. */
function targetFromRequest(request: FastifyRequest, type: 'User' | 'Group' | null): string | null {
  const looked = lookedUp(filterOf(request));
  if (looked !== null) return looked;
  if (request.method === 'POST' && isObject(request.body) && type) {
    const name = request.body[type === 'User' ? 'userName' : 'displayName'];
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

export function registerActivity(app: FastifyInstance, activity: Pick<Activity, 'record'>, options: ActivityOptions): void {
  // The response text is kept by sendScim (scim-reply.ts), for every SCIM answer with a body.
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const at = Date.now();
    const elapsed = reply.elapsedTime;
    activity.record(() => build(request, status, at, elapsed, options));
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

function build(request: FastifyRequest, status: number, atMs: number, elapsed: number, options: ActivityOptions): RequestRecord | RefusedRecord {
  const at = new Date(atMs).toISOString();
  const durationMs = Math.round(elapsed * 100) / 100;
  const scim = request.scim;
  const mask = masker(tokenFromHeader(request.headers.authorization));
  const url = redactUrl(mask(request.url));
  const path = cut(url, MAX_PATH_CHARS);
  const rawAgent = request.headers['user-agent'];
  const agent = typeof rawAgent === 'string' ? cut(rawAgent, MAX_AGENT_CHARS) : null;
  const response = scim.responseText;
  const error = status >= 400 ? errorOf(response) : { scimType: null, detail: null };

  if (scim.connection === null) {
    const refusal = scim.refusal;
    return {
      clientIp: scim.client ?? '',
      status,
      reason: refusal?.reason ?? 'none',
      claimed: refusal?.claimed ?? '',
      replacedAt: refusal?.replacedAt ?? null,
      count: 1,
      firstAt: at,
      lastAt: at,
      sampleMethod: request.method,
      samplePath: path,
      sampleAgent: agent,
      detail: nullable(error.detail, mask),
    };
  }

  const query = url.indexOf('?');
  const pathOnly = query < 0 ? url : url.slice(0, query);
  const info = describeRequest({ method: request.method, path: pathOnly.slice(options.prefix.length) || '/', query: (request.query ?? {}) as Record<string, unknown>, body: request.body });
  const audit = scim.audit ?? null;
  const successfulRead = status < 400 && (request.method === 'GET' || info.action.startsWith('Look up') || info.action.startsWith('List') || info.action.startsWith('Search'));
  const resourceId = info.resourceId ?? scim.createdId ?? null;
  return {
    at,
    connection: scim.connection,
    method: request.method,
    path,
    status,
    durationMs,
    action: info.action,
    resourceType: info.resourceType,
    resourceId: nullable(resourceId, mask),
    target: nullable(scim.target ?? targetFromRequest(request, info.resourceType), mask),
    // A create's "Created" says nothing the action does not; a create with members says how many.
    summary: audit ? (audit.action === 'create' && !audit.members ? null : audit.summary) : successfulRead ? readSummary(response) : null,
    clientIp: scim.client,
    userAgent: agent,
    requestBody: nullable(redactedText(request.body, options.maxRequestChars), mask),
    // A successful answer is the server's own JSON, which never holds a secret (passwords are
    // discarded, tokens masked below): it is only cut. An error answer echoes the client's
    // input, so it gets the secret-member scan too (13 µs on a 4 KiB page cut, saved here).
    responseBody:
      response === undefined || response === '' || successfulRead
        ? null
        : mask(status < 400 ? cutKept(response, options.maxResponseChars) : redactedText(response, options.maxResponseChars)!),
    notes: scim.notes,
    changes: audit?.changes.length ? JSON.stringify(audit.changes) : null,
    members: audit?.members ? JSON.stringify(audit.members) : null,
    scimType: error.scimType,
    detail: nullable(error.detail, mask),
  };
}
