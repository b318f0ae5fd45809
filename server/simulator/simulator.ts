/**
 * A simulation: ScimDesk plays Okta or Entra ID against its own SCIM server over real HTTP,
 * with a credential of its own that the caller issues and revokes. Runs the scenarios in order,
 * reports each step as it ends, and stops at the first failure (what follows depends on it).
 */
import { randomBytes } from 'node:crypto';
import { CONNECTION_LABELS, type ConnectionName } from '../../contract/connections';
import { SIMULATION_SCENARIOS, type SimulationRoute, type SimulationScenario } from '../../contract/choices';
import type { SimulationReport, SimulationStep } from '../../contract/model';
import { type Lookup, SimulatorHttp } from './http';
import { Run, StepFailed } from './run';
import { type ScenarioContext, runScenario } from './scenarios';

/** Users the import creates unless told. */
export const DEFAULT_SIMULATED_USERS = 25;

/** The headers each IdP sends with every request (IDP-REQUESTS.md, "Headers"). */
export const IDP_HEADERS: Readonly<Record<ConnectionName, Readonly<Record<string, string>>>> = {
  okta: { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json', 'content-type': 'application/scim+json; charset=utf-8' },
  // Microsoft documents no User-Agent for its provisioning service; this one says who it is.
  entra: { 'user-agent': 'Microsoft Entra ID Provisioning (ScimDesk simulator)', accept: 'application/scim+json', 'content-type': 'application/scim+json' },
};

export interface SimulationOptions {
  readonly connection: ConnectionName;
  readonly scenario?: SimulationScenario;
  readonly through: SimulationRoute;
  /** The SCIM base URL (…/scim/v2) the requests go to. */
  readonly baseUrl: string;
  /** The simulator token (the caller issues it and revokes it when this resolves). */
  readonly token: string;
  readonly users?: number;
  readonly lookup?: Lookup;
  /** The report as it grows: after each step (the next waits for what this returns). */
  readonly onProgress?: (report: SimulationReport, step: SimulationStep) => void | Promise<void>;
}

/** "3 steps before it passed; " — nothing when it was the first step. */
function passedBefore(count: number): string {
  return count === 0 ? '' : `${count} step${count === 1 ? '' : 's'} before it passed; `;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function summaryOf(steps: readonly SimulationStep[], scenarios: readonly SimulationScenario[]): string {
  const failed = steps.find((s) => s.verdict === 'failed');
  if (!failed) return `${steps.length} of ${steps.length} steps passed`;
  const later = scenarios.slice(scenarios.indexOf(failed.scenario) + 1);
  const notSent = later.length ? `the rest of ${failed.scenario} and the scenarios after it (${later.join(', ')}) depended on it and were not sent` : `the rest of ${failed.scenario} depended on it and was not sent`;
  return `Step ${failed.index} (${failed.scenario}: ${failed.name}) failed. ${failed.conclusion}. Fix: ${failed.fix}. ${capitalised(passedBefore(steps.length - 1) + notSent)}.`;
}

export async function simulate(o: SimulationOptions): Promise<SimulationReport> {
  const scenarios = o.scenario ? [o.scenario] : [...SIMULATION_SCENARIOS];
  const http = new SimulatorHttp(o.lookup);
  const id = randomBytes(4).toString('hex');
  const startedAt = new Date().toISOString();
  const report = (state: SimulationReport['state'], steps: readonly SimulationStep[]): SimulationReport => ({
    id,
    connection: o.connection,
    through: o.through,
    baseUrl: o.baseUrl,
    scenarios,
    startedAt,
    finishedAt: state === 'running' ? null : new Date().toISOString(),
    state,
    steps: [...steps],
    summary: state === 'running' ? `Running: ${steps.length} step${steps.length === 1 ? '' : 's'} so far, as ${CONNECTION_LABELS[o.connection]}` : summaryOf(steps, scenarios),
  });
  const run: Run = new Run({
    connection: o.connection,
    baseUrl: o.baseUrl,
    token: o.token,
    http,
    headers: IDP_HEADERS[o.connection],
    onStep: (step) => o.onProgress?.(report('running', run.steps), step),
  });
  const context: ScenarioContext = { run, connection: o.connection, runId: id, users: o.users ?? DEFAULT_SIMULATED_USERS, pool: [], next: 0 };
  try {
    for (const scenario of scenarios) await runScenario(scenario, context);
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
  } finally {
    http.close();
  }
  return report(run.steps.some((s) => s.verdict === 'failed') ? 'failed' : 'passed', run.steps);
}
