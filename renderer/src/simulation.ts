/** How the simulator and the fault drill read in the panel: scenario and fault names, and the report's export. */
import type { FaultKind, SimulationRoute, SimulationScenario } from '../../contract/choices';
import type { FaultDrill, SimulationReport } from '../../contract/model';
import { formatNumber, plural } from './format';

export const SCENARIO_LABELS: Readonly<Record<SimulationScenario, string>> = {
  'test-credentials': 'Test API credentials',
  import: 'Import users',
  update: 'Update profiles',
  'push-groups': 'Push groups',
  'entra-cycle': 'Entra ID request shapes',
  offboard: 'Offboard',
};

export const ROUTE_LABELS: Readonly<Record<SimulationRoute, string>> = {
  public: 'Public URL',
  local: 'This computer',
};

export const FAULT_LABELS: Readonly<Record<FaultKind, string>> = {
  '429': '429 Too Many Requests, with Retry-After',
  '503': '503 Service Unavailable, with Retry-After',
  delay: 'Slow answers (a delay)',
};

/** The short mark on a request the drill answered: "fault drill 429", "fault drill delay". */
export function faultMark(kind: FaultKind): string {
  return `fault drill ${kind}`;
}

/** "429 with Retry-After 30 s", "a 2,000 ms delay": what an armed drill answers. */
export function faultSentence(d: FaultDrill): string {
  if (d.kind === 'delay') return `answers held ${formatNumber(d.delayMs ?? 0)} ms`;
  return `${d.kind} answers${d.retryAfterSeconds !== null ? ` with Retry-After ${formatNumber(d.retryAfterSeconds)} s` : ''}`;
}

export function remainingSentence(d: FaultDrill): string {
  return `${plural(d.remaining, 'request')} left`;
}

/**
 * Saves the report as a JSON file through a download link: the renderer has no Node and no
 * file dialog of its own; the browser (Electron's session) writes it where downloads go.
 */
export function downloadReport(report: SimulationReport): string {
  const name = `scimdesk-simulation-${report.connection}-${report.startedAt.replace(/[:.]/g, '-')}.json`;
  const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has handed the blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}
