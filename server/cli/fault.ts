/**
 * The fault drill on the command line (issue 13): what `status` says about armed drills, read
 * from the running server's serve.json (drills live in that process's memory only).
 */
import { CONNECTION_LABELS } from '../../contract/connections';
import type { FaultDrill } from '../../contract/model';
import type { RuntimeInfo } from '../controller/runtime-file';
import { clock } from '../core/explain';

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
