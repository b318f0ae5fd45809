/**
 * `simulate okta|entra [--scenario NAME|all] [--through public|local] [--users N] [--json]` and
 * `simulate --remove`. The run happens inside the running ScimDesk (it owns the server, the
 * tunnel and the run's credential, which never leaves its memory): this command reaches it
 * through the control channel named in serve.json, prints each step as it comes, then the
 * summary. Exit 0 when the report passed, 1 when it failed or nothing runs, 2 for bad arguments.
 */
import { isConnectionName } from '../../contract/connections';
import { MAX_SIMULATED_USERS as MAX_USERS, SIMULATION_ROUTES, SIMULATION_SCENARIOS } from '../../contract/choices';
import type { SimulationReport, SimulationStep } from '../../contract/model';
import type { RemovedCounts, SimulateOptions } from '../controller/control-socket';
import { readRuntime } from '../controller/runtime-file';
import { NotRunningError, controlRequest } from './control-client';
import { UsageError, type Values, dataDirOf } from './options';
import type { Io } from './output';

export function notRunning(dataDir: string): string {
  return `scimdesk: no ScimDesk is running on ${dataDir}: start \`serve\` first (or open the desktop app), then run simulate again.`;
}

/** A ScimDesk runs but could not open its channel (an older version, or a path too long for a socket). */
function noChannel(dataDir: string, pid: number): string {
  return `scimdesk: the ScimDesk running on ${dataDir} (pid ${pid}) has no control channel: restart it with this version of ScimDesk (its log says why when it could not open one).`;
}

/** The flags as the running ScimDesk takes them; a UsageError (exit 2) names what is wrong. */
export function simulateOptionsOf(rest: readonly string[], values: Values): SimulateOptions {
  const [connection, ...extra] = rest;
  if (connection === undefined) throw new UsageError('simulate needs a connection: simulate okta|entra (or simulate --remove)');
  if (!isConnectionName(connection)) throw new UsageError(`unknown connection "${connection}" (okta or entra)`);
  if (extra.length) throw new UsageError(`simulate takes one connection, not "${extra.join(' ')}"`);
  const { scenario, through, users } = values;
  if (scenario !== undefined && scenario !== 'all' && !(SIMULATION_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new UsageError(`--scenario must be one of ${SIMULATION_SCENARIOS.join(', ')} or all, not "${scenario}"`);
  }
  if (through !== undefined && !(SIMULATION_ROUTES as readonly string[]).includes(through)) throw new UsageError(`--through must be public or local, not "${through}"`);
  if (users !== undefined && (!/^\d+$/.test(users) || Number(users) < 1 || Number(users) > MAX_USERS)) throw new UsageError(`--users must be a whole number from 1 to ${MAX_USERS}, not "${users}"`);
  return {
    connection,
    // No scenario, or "all": every scenario in order (the running ScimDesk's default).
    ...(scenario !== undefined && scenario !== 'all' && { scenario: scenario as SimulateOptions['scenario'] }),
    // No --through: public when a public URL is configured, else local (decided by the running ScimDesk).
    ...(through !== undefined && { through: through as SimulateOptions['through'] }),
    ...(users !== undefined && { users: Number(users) }),
  };
}

/** One step, live: "✓ Create user ada@acme.example  201  34 ms", and on failure what the IdP concludes. */
export function stepLines(step: SimulationStep): string[] {
  const mark = step.verdict === 'passed' ? '✓' : '✗';
  const status = step.response ? String(step.response.status) : 'no answer';
  const lines = [`${mark} ${step.name}  ${status}  ${Math.round(step.ms)} ms`];
  if (step.verdict === 'failed' && step.conclusion) lines.push(`  ${step.conclusion}`);
  return lines;
}

export function summaryLine(report: SimulationReport): string {
  return `${report.state === 'passed' ? 'Passed' : 'FAILED'} (${report.connection}, through ${report.through}, ${report.baseUrl}): ${report.summary}`;
}

function removedLine(removed: RemovedCounts): string {
  return `Removed ${removed.users} simulated user${removed.users === 1 ? '' : 's'} and ${removed.groups} simulated group${removed.groups === 1 ? '' : 's'}.`;
}

/** The one sentence for an answer the channel could not give. */
export function failure(err: unknown, dataDir: string): string {
  if (err instanceof NotRunningError) return notRunning(dataDir);
  return `scimdesk: ${(err as Error).message}`;
}

export async function simulateCommand(rest: readonly string[], values: Values, io: Io, removeWithoutServer: () => Promise<RemovedCounts>): Promise<number> {
  const dataDir = dataDirOf(values);
  if (values.remove) {
    if (rest.length || values.scenario !== undefined || values.through !== undefined || values.users !== undefined) throw new UsageError('simulate --remove takes no connection, --scenario, --through or --users');
    return removeCommand(dataDir, values, io, removeWithoutServer);
  }
  const options = simulateOptionsOf(rest, values);
  const runtime = readRuntime(dataDir);
  const control = runtime?.control;
  if (!control) {
    io.err(runtime ? noChannel(dataDir, runtime.pid) : notRunning(dataDir));
    return 1;
  }
  try {
    const answer = await controlRequest(control, { op: 'simulate', options }, (step) => {
      if (!values.json) for (const line of stepLines(step)) io.out(line);
    });
    if (answer.type !== 'report') throw new Error('the running ScimDesk answered something else than a report');
    const report = answer.report;
    io.out(values.json ? JSON.stringify(report, null, 2) : summaryLine(report));
    return report.state === 'passed' ? 0 : 1;
  } catch (err) {
    io.err(failure(err, dataDir));
    return 1;
  }
}

/** Through the running ScimDesk when one runs (it owns the store), else through the core directly. */
async function removeCommand(dataDir: string, values: Values, io: Io, removeWithoutServer: () => Promise<RemovedCounts>): Promise<number> {
  const control = readRuntime(dataDir)?.control;
  let removed: RemovedCounts | undefined;
  if (control) {
    try {
      const answer = await controlRequest(control, { op: 'remove-simulated' });
      if (answer.type !== 'removed') throw new Error('the running ScimDesk answered something else than the counts');
      removed = answer.removed;
    } catch (err) {
      // It stopped since serve.json was read: the store is free, remove directly below.
      if (!(err instanceof NotRunningError)) {
        io.err(failure(err, dataDir));
        return 1;
      }
    }
  }
  removed ??= await removeWithoutServer();
  io.out(values.json ? JSON.stringify(removed) : removedLine(removed));
  return 0;
}
