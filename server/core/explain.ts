/**
 * Sentences for people: why a request failed and what fixes it (one sentence, with an action
 * the panel can offer), and how a connection is doing. Made when the log is read, from what was
 * stored when the request was answered, so the wording can improve without rewriting the log.
 */
import type { FaultKind } from '../../contract/choices';
import { CONNECTION_LABELS, type ConnectionName, isConnectionName } from '../../contract/connections';
import type { ConnectionHealth, Remedy } from '../../contract/model';
import { TUNNEL_CLIENT } from '../base/address';
import { count } from '../scim/audit';

/** The detail of the 503 a directory write gets when the disk is full (errors.ts answers it). */
export const DISK_FULL_DETAIL = "The ScimDesk server's disk is full, so the change was not saved";

export interface Failure {
  readonly status: number;
  readonly connection: string | null;
  readonly method: string;
  readonly action: string;
  readonly resourceType: 'User' | 'Group' | null;
  readonly resourceId: string | null;
  readonly target: string | null;
  readonly scimType: string | null;
  readonly detail: string | null;
  /** Refused requests: why no connection accepted the token, and whose it was. */
  readonly reason?: string | null;
  readonly claimed?: string | null;
  readonly replacedAt?: string | null;
  readonly clientIp?: string | null;
  readonly count?: number;
}

export interface Explained {
  readonly explanation: string | null;
  readonly remedy: Remedy | null;
}

/** Finds the user that holds a userName (or the group a displayName), for the 409's "open it". */
export type Holder = (type: 'User' | 'Group', name: string) => string | undefined;

function labelOf(name: string | null | undefined): string {
  return name && isConnectionName(name) ? CONNECTION_LABELS[name] : 'The IdP';
}

/** "05:10" today, "4 Dec 05:10" on another day (the time of the machine ScimDesk runs on). */
export function clock(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.getDate()} ${d.toLocaleString('en-GB', { month: 'short' })} ${time}`;
}

function stripPeriod(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

function refusedToken(f: Failure, now: Date): Explained {
  const who = labelOf(f.claimed);
  switch (f.reason) {
    case 'missing':
      return { explanation: 'The request carried no SCIM token — set the IdP app\'s Authorization header to "Bearer " followed by the token ScimDesk showed', remedy: null };
    case 'replaced':
      return {
        explanation: `${who} is sending a token that has been replaced${f.replacedAt ? ` since ${clock(f.replacedAt, now)}` : ''} — paste the current token in ${who}, or make a new one`,
        remedy: f.claimed && isConnectionName(f.claimed) ? { kind: 'new-token', connection: f.claimed } : null,
      };
    default:
      return { explanation: 'The request carried a token ScimDesk never issued — copy the token from ScimDesk into the IdP again (all of it), or make a new one', remedy: null };
  }
}

/** The sentence and action for a failed request (null for successes). */
export function explainFailure(f: Failure, holder?: Holder, now: Date = new Date()): Explained {
  if (f.status < 400) return { explanation: null, remedy: null };
  const who = labelOf(f.connection ?? f.claimed);
  const detail = f.detail ? stripPeriod(f.detail) : null;
  const noun = f.resourceType === 'Group' ? 'group' : 'user';
  switch (f.status) {
    case 401:
      return refusedToken(f, now);
    case 403: {
      const name = f.connection ?? f.claimed;
      return {
        explanation: `${who} is disabled in ScimDesk, so its requests are refused — enable it to accept them`,
        remedy: name && isConnectionName(name) ? { kind: 'enable', connection: name } : null,
      };
    }
    case 429:
      return {
        explanation: `Throttled: too many requests with a wrong token came ${f.clientIp === TUNNEL_CLIENT ? 'through the tunnel (all its callers share one limit: the tunnel does not tell who they are)' : `from ${f.clientIp ?? 'this address'}`}${f.count && f.count > 1 ? ` (${count(f.count, 'request')} refused)` : ''}, so ScimDesk refuses its wrong tokens for a minute — fix the token in the IdP; a valid token is never throttled`,
        remedy: null,
      };
    case 409: {
      const id = f.target && holder ? holder(f.resourceType ?? 'User', f.target) : undefined;
      const remedy: Remedy | null = id && f.target ? (f.resourceType === 'Group' ? { kind: 'open-group', id, displayName: f.target } : { kind: 'open-user', id, userName: f.target }) : null;
      return {
        explanation: `A ${noun} ${f.target ? `"${f.target}" ` : ''}already exists (${f.resourceType === 'Group' ? 'displayName' : 'userName'} is unique, compared case-insensitively) — open it; the IdP should match it instead of creating it (in Okta: import users first, or remove the stale one)`,
        remedy,
      };
    }
    case 400:
      return { explanation: `${who}'s request was refused: ${detail ?? 'it is not valid SCIM'}${f.scimType ? ` (${f.scimType})` : ''} — fix the attribute mapping or the value in ${who}`, remedy: null };
    case 404:
      return {
        explanation: `${f.resourceType ? `The ${noun} ${f.target ? `"${f.target}"` : (f.resourceId ?? '')}` : 'That endpoint'} does not exist in ScimDesk (deleted here, or never created here) — ${f.resourceType ? `${who} creates it again on its next push, or unassign and reassign it` : 'check the SCIM URL in the IdP (it ends with /scim/v2)'}`,
        remedy: null,
      };
    case 408:
      return { explanation: 'The request took more than 30 s to arrive, so ScimDesk gave up on it — a slow or broken network between the IdP and ScimDesk; the IdP retries', remedy: null };
    case 412:
      return { explanation: `The ${noun} changed after ${who} read it (its version did not match If-Match) — ${who} reads it again and retries`, remedy: null };
    case 413:
      return { explanation: `${detail ?? 'The request body is too large'} — push fewer members per request or smaller groups`, remedy: null };
    case 415:
      return { explanation: 'The request body was not sent as JSON — the IdP app must send application/scim+json (or application/json)', remedy: null };
    case 431:
      return { explanation: 'The request headers were too large — check what the IdP or a proxy adds to the request', remedy: null };
    case 501:
      return { explanation: `ScimDesk does not support this: ${detail ?? 'the operation'} — turn the feature off in the IdP app`, remedy: null };
    case 503:
      // The detail names the store in use (the OS keychain or the token file).
      if (f.reason === 'secrets-unavailable') return { explanation: `${detail ?? 'ScimDesk could not read its secret store to check the token'} — the IdP retries`, remedy: null };
      if (detail?.startsWith(stripPeriod(DISK_FULL_DETAIL))) return { explanation: `${DISK_FULL_DETAIL} — free disk space on the ScimDesk machine; the IdP retries and nothing acknowledged was lost`, remedy: null };
      return { explanation: `${detail ?? 'ScimDesk was busy'} — the IdP retries`, remedy: null };
    default:
      if (f.status >= 500) return { explanation: 'ScimDesk failed on this request (an internal error; the details are in the ScimDesk log) — the IdP retries; if it repeats, report it', remedy: null };
      return { explanation: `Refused with status ${f.status}${detail ? `: ${detail}` : ''}`, remedy: null };
  }
}

export interface HealthInput {
  readonly name: ConnectionName;
  readonly enabled: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly failuresLastHour: number;
  /** Failed requests after the last successful one. */
  readonly failuresSinceSuccess: number;
  readonly replaced: { readonly count: number; readonly firstAt: string; readonly lastAt: string } | null;
  readonly disabledLastHour: number;
}

/**
 * Failing means the IdP's requests keep failing: this many in a row since the last success (or
 * any, before a first success). One refused duplicate among hundreds of successes is not a
 * failing connection; it shows as a failure in the last hour and in the request log.
 */
const FAILING_IN_A_ROW = 3;

/** A connection's state and its sentence. */
export function connectionHealth(h: HealthInput, now: Date = new Date()): ConnectionHealth {
  const label = CONNECTION_LABELS[h.name];
  const base = { lastSuccessAt: h.lastSuccessAt, lastFailureAt: h.lastFailureAt, failuresLastHour: h.failuresLastHour };
  if (h.replaced && h.replaced.lastAt > (h.lastSuccessAt ?? '')) {
    return { ...base, state: 'old-token', sentence: `${label} is using an old token since ${clock(h.replaced.firstAt, now)} — ${count(h.replaced.count, 'request')} refused` };
  }
  if (!h.enabled && h.disabledLastHour > 0) {
    return { ...base, state: 'disabled', sentence: `${label} keeps calling, but the connection is disabled — ${count(h.disabledLastHour, 'request')} refused in the last hour` };
  }
  const failing = h.lastSuccessAt ? h.failuresSinceSuccess >= FAILING_IN_A_ROW : h.failuresSinceSuccess > 0;
  if (failing && h.lastFailureAt && h.failuresLastHour > 0) {
    return { ...base, state: 'failing', sentence: `${label}'s requests are failing — the last at ${clock(h.lastFailureAt, now)}, ${count(h.failuresLastHour, 'failure')} in the last hour` };
  }
  if (h.lastSuccessAt) {
    const failures = h.failuresLastHour ? `; ${count(h.failuresLastHour, 'request')} failed in the last hour` : '';
    return { ...base, state: 'ok', sentence: `${label}'s last request succeeded at ${clock(h.lastSuccessAt, now)}${failures}` };
  }
  return { ...base, state: 'idle', sentence: `No requests from ${label} yet` };
}

/** An answer the fault drill changed: "Answered 429 by the fault drill armed at 14:02 — not a real failure". */
export function explainFault(f: { readonly fault?: FaultKind | null; readonly faultArmedAt?: string | null; readonly faultDelayMs?: number | null; readonly status: number }, now: Date = new Date()): string {
  const armed = f.faultArmedAt ? ` armed at ${clock(f.faultArmedAt, now)}` : '';
  if (f.fault === 'delay') return `Held ${f.faultDelayMs ?? 0} ms by the fault drill${armed} — not a real delay; the answer itself is real`;
  return `Answered ${f.status} by the fault drill${armed} — not a real failure; nothing was changed, and the IdP is expected to retry`;
}
