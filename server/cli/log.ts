/**
 * `log` and `history`: the request log and a record's audit trail, for people (a table) and
 * for scripts (--json). Both read the files directly, so they work while `serve` (or the
 * desktop app) runs.
 */
import { CONNECTION_LABELS, isConnectionName } from '../../contract/connections';
import type { ActivitySummary, RefusedSummary } from '../../contract/model';
import type { Core } from '../core/core';
import { auditEntry } from '../controller/panel-queries';
import { shown } from '../scim/audit';
import { type Values, UsageError, limitOf } from './options';
import type { Io } from './output';

/** One `log --json` entry: a request, or an aggregate of refused ones (count > 1 possible). */
export interface LogLine {
  readonly at: string;
  readonly connection: string | null;
  /** Requests only: which of the connection's tokens authenticated it (previous: during a rotation overlap). */
  readonly token?: ActivitySummary['token'];
  /** Requests only: sent by ScimDesk's simulator, not the real IdP. */
  readonly simulated?: boolean;
  /** Requests only: what the fault drill did to it ('429', '503', 'delay'), or null. */
  readonly fault?: ActivitySummary['fault'];
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly action: string;
  readonly target: string | null;
  readonly summary: string | null;
  readonly explanation: string | null;
  readonly durationMs?: number;
  readonly seq?: number;
  /** Refused requests only: how many, since when, from where. */
  readonly count?: number;
  readonly firstAt?: string;
  readonly clientIp?: string | null;
}

function fromRequest(e: ActivitySummary): LogLine {
  return { seq: e.seq, at: e.at, connection: e.connection, token: e.token, simulated: e.simulated, fault: e.fault, method: e.method, path: e.path, status: e.status, action: e.action, target: e.target, summary: e.summary, explanation: e.explanation, durationMs: e.durationMs };
}

function fromRefused(r: RefusedSummary): LogLine {
  return {
    at: r.lastAt,
    firstAt: r.firstAt,
    count: r.count,
    clientIp: r.clientIp,
    connection: null,
    method: r.sampleMethod,
    path: r.samplePath,
    status: r.status,
    action: r.status === 429 ? 'Throttled (wrong tokens)' : 'Refused (no valid token)',
    target: null,
    summary: null,
    explanation: r.explanation,
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function row(l: LogLine): string {
  const label = l.connection && isConnectionName(l.connection) ? CONNECTION_LABELS[l.connection] : null;
  const who = label ? (l.simulated ? `${label} (simulated)` : label) : l.count && l.count > 1 ? `${l.count}× no token` : 'no token';
  const what = [l.action, l.target, l.summary, l.token === 'previous' ? 'with the previous token' : null].filter(Boolean).join(' · ');
  const line = `${l.at.replace('T', ' ').slice(0, 19)}  ${String(l.status).padEnd(3)}  ${pad(who, 18)}  ${what}`;
  return l.explanation ? `${line}\n${' '.repeat(26)}${l.explanation}` : line;
}

async function lines(core: Core, values: Values, limit: number): Promise<LogLine[]> {
  const c = values.connection;
  if (c !== undefined && c !== 'none' && !isConnectionName(c)) throw new UsageError(`--connection must be okta, entra or none, not "${c}"`);
  const requests = c === 'none' ? [] : (await core.activity.list({ connection: c, errorsOnly: values.errors, limit })).map(fromRequest);
  const refused = c === undefined || c === 'none' ? (await core.activity.refused(limit)).map(fromRefused) : [];
  return [...requests, ...refused].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

export async function logCommand(core: Core, values: Values, io: Io): Promise<number> {
  const limit = limitOf(values, 50);
  const first = await lines(core, values, limit);
  if (values.json && !values.follow) io.out(JSON.stringify(first, null, 2));
  else {
    // Oldest first on a terminal (the newest line last, where the eye is); JSON lines when following.
    for (const l of [...first].reverse()) io.out(values.json ? JSON.stringify(l) : row(l));
  }
  if (!values.follow) return 0;
  let last = first.reduce((max, l) => Math.max(max, l.seq ?? 0), 0);
  const c = values.connection;
  const stop = io.stopSignal();
  let stopped = false;
  void stop.then(() => (stopped = true));
  while (!stopped) {
    await Promise.race([stop, new Promise((r) => setTimeout(r, 500))]);
    for (const e of core.activity.newer(last)) {
      last = e.seq;
      if ((c && c !== e.connection) || (values.errors && e.status < 400)) continue;
      const l = fromRequest(e);
      io.out(values.json ? JSON.stringify(l) : row(l));
    }
  }
  return 0;
}

export function historyCommand(core: Core, values: Values, io: Io): number {
  const type: 'User' | 'Group' | undefined = values.user !== undefined ? 'User' : values.group !== undefined ? 'Group' : undefined;
  const name = values.user ?? values.group;
  if (!type || name === undefined || (values.user !== undefined && values.group !== undefined)) throw new UsageError('history needs --user USERNAME or --group DISPLAYNAME');
  const id = type === 'User' ? core.browser.userIdByName(name) : core.browser.groupIdByName(name);
  const live = id === undefined ? undefined : type === 'User' ? core.browser.user(id) : core.browser.group(id);
  const key = live ? { type, seq: live.seq, id: live.id } : core.directory.audit.deleted(type, name);
  if (key === undefined) {
    io.err(`scimdesk: no ${type === 'User' ? 'user' : 'group'} "${name}" (nor a deleted one whose history is still kept)`);
    return 1;
  }
  const entries = core.directory.audit.all(key).map(auditEntry);
  if (values.json) {
    io.out(JSON.stringify(entries.map((e) => ({ at: e.at, connection: e.connection, action: e.action, target: e.target, summary: e.summary, changes: e.changes, members: e.members })), null, 2));
    return 0;
  }
  for (const e of entries) {
    const who = e.connection ? CONNECTION_LABELS[e.connection] : '—';
    io.out(`${e.at.replace('T', ' ').slice(0, 19)}  ${pad(e.action, 10)}  ${pad(who, 18)}  ${e.summary}`);
    for (const c of e.changes) io.out(`${' '.repeat(33)}${c.field}: ${shown(c.before)} → ${shown(c.after)}`);
    if (e.members?.addedSample.length) io.out(`${' '.repeat(33)}added: ${e.members.addedSample.join(', ')}${e.members.added > e.members.addedSample.length ? ', …' : ''}`);
    if (e.members?.removedSample.length) io.out(`${' '.repeat(33)}removed: ${e.members.removedSample.join(', ')}${e.members.removed > e.members.removedSample.length ? ', …' : ''}`);
  }
  return 0;
}
