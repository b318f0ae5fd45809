/**
 * The fault drill on the command line (issue 13): `fault arm|clear` through the running
 * ScimDesk's control channel (drills live in that process's memory only), and what `status`
 * and `fault status` say about armed drills, read from its serve.json.
 */
import { FAULT_DRILL_LIMITS, FAULT_KINDS, type FaultKind } from '../../contract/choices';
import { CONNECTION_LABELS, type ConnectionName, isConnectionName } from '../../contract/connections';
import type { FaultDrill } from '../../contract/model';
import type { ControlOperation } from '../controller/control-socket';
import type { ArmFaultOptions } from '../controller/fault-control';
import { type RuntimeInfo, readRuntime } from '../controller/runtime-file';
import { clock } from '../core/explain';
import { controlRequest } from './control-client';
import { UsageError, type Values, dataDirOf } from './options';
import type { Io } from './output';
import { failure, notRunning } from './simulate';

/** The running server's armed drills; one past its expiry has ended even if the file still lists it. */
export function armedDrills(runtime: RuntimeInfo | null, now: Date = new Date()): FaultDrill[] {
  return (runtime?.faultDrills ?? []).filter((d) => Date.parse(d.expiresAt) > now.getTime());
}

/** "Okta's next 3 requests get 429 (Retry-After 30 s)", "Entra ID's next request is held 2000 ms". */
export function describeDrill(d: FaultDrill): string {
  const who = CONNECTION_LABELS[d.connection];
  const next = d.remaining === 1 ? 'next request' : `next ${d.remaining} requests`;
  const what = d.kind === 'delay' ? `${d.remaining === 1 ? 'is' : 'are'} held ${d.delayMs} ms before the real answer` : `get ${d.kind} (Retry-After ${d.retryAfterSeconds} s)`;
  return `${who}'s ${next} ${what}`;
}

/** One line per armed drill, for `status`. */
export function faultLines(runtime: RuntimeInfo | null, now: Date = new Date()): string[] {
  return armedDrills(runtime, now).map((d) => `Fault drill: ${describeDrill(d)}; armed at ${clock(d.armedAt, now)}, ends by ${clock(d.expiresAt, now)} — not real failures`);
}

/** A whole number from `min` to `max`, or a UsageError naming the flag. */
function whole(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return Number(text);
}

function connectionArg(what: string, rest: readonly string[]): ConnectionName {
  const [connection, ...extra] = rest;
  if (connection === undefined) throw new UsageError(`fault ${what} needs a connection: fault ${what} okta|entra`);
  if (!isConnectionName(connection)) throw new UsageError(`unknown connection "${connection}" (okta or entra)`);
  if (extra.length) throw new UsageError(`fault ${what} takes one connection, not "${extra.join(' ')}"`);
  return connection;
}

/** `fault arm okta|entra --kind 429|503|delay --count N [--retry-after S] [--delay-ms MS]`, as the channel takes it. */
export function armOptionsOf(rest: readonly string[], values: Values): ArmFaultOptions {
  const connection = connectionArg('arm', rest);
  const kind = values.kind;
  if (!(FAULT_KINDS as readonly (string | undefined)[]).includes(kind)) throw new UsageError(`--kind must be 429, 503 or delay${kind === undefined ? '' : `, not "${kind}"`}`);
  const count = whole('--count', values.count ?? '', 1, FAULT_DRILL_LIMITS.count)!;
  const retryAfterSeconds = whole('--retry-after', values['retry-after'], 0, FAULT_DRILL_LIMITS.retryAfterSeconds);
  const delayMs = whole('--delay-ms', values['delay-ms'], 1, FAULT_DRILL_LIMITS.delayMs);
  if (kind === 'delay' && delayMs === undefined) throw new UsageError('--kind delay needs --delay-ms: how long to hold each answer');
  if (kind === 'delay' && retryAfterSeconds !== undefined) throw new UsageError('--retry-after goes with --kind 429 or 503, not delay');
  if (kind !== 'delay' && delayMs !== undefined) throw new UsageError('--delay-ms goes with --kind delay');
  return { connection, kind: kind as FaultKind, count, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }), ...(delayMs !== undefined && { delayMs }) };
}

/**
 * `fault arm|clear|status`. Drills live in the running ScimDesk's memory: arm and clear go
 * through its control channel (nothing to do without one), status reads its serve.json.
 * Exit 0 done, 1 nothing runs or it refused, 2 bad arguments.
 */
export async function faultCommand(rest: readonly string[], values: Values, io: Io): Promise<number> {
  const [sub, ...args] = rest;
  const dataDir = dataDirOf(values);
  if (sub === 'status') {
    if (args.length) throw new UsageError('fault status takes no connection');
    const runtime = readRuntime(dataDir);
    const drills = armedDrills(runtime);
    if (values.json) io.out(JSON.stringify(drills, null, 2));
    else if (!drills.length) io.out('No fault drill is armed.');
    else for (const line of faultLines(runtime)) io.out(line);
    return 0;
  }
  if (sub !== 'arm' && sub !== 'clear') throw new UsageError(`fault needs arm, clear or status${sub === undefined ? '' : `, not "${sub}"`}`);
  const operation: ControlOperation = sub === 'arm' ? { op: 'fault-arm', options: armOptionsOf(args, values) } : { op: 'fault-clear', connection: connectionArg('clear', args) };
  const control = readRuntime(dataDir)?.control;
  if (!control) {
    io.err(notRunning(dataDir));
    return 1;
  }
  try {
    const answer = await controlRequest(control, operation);
    if (answer.type !== 'faults') throw new Error('the running ScimDesk answered something else than the drills');
    if (values.json) io.out(JSON.stringify(answer.drills, null, 2));
    else if (operation.op === 'fault-arm') {
      const drill = answer.drills.find((d) => d.connection === operation.options.connection);
      io.out(drill ? `Fault drill armed: ${describeDrill(drill)}; it ends by itself by ${clock(drill.expiresAt)}` : 'Fault drill armed.');
    } else io.out(`Fault drill on ${CONNECTION_LABELS[operation.connection]} cleared.`);
    return 0;
  } catch (err) {
    io.err(failure(err, dataDir));
    return 1;
  }
}

/**
 * What `serve` prints when drills change: a line when one is armed (or replaced), one when it
 * ends (used up, expired, cleared); not one per request it answers.
 */
export function drillChangeLines(prev: readonly FaultDrill[], next: readonly FaultDrill[]): string[] {
  const lines: string[] = [];
  for (const d of next) {
    const before = prev.find((p) => p.connection === d.connection);
    if (before?.armedAt !== d.armedAt || before.kind !== d.kind) lines.push(`Fault drill armed: ${describeDrill(d)}; it ends by itself by ${clock(d.expiresAt)}`);
  }
  for (const p of prev) if (!next.some((d) => d.connection === p.connection)) lines.push(`Fault drill on ${CONNECTION_LABELS[p.connection]} ended: requests get their real answers again`);
  return lines;
}
