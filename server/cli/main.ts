/**
 * Headless ScimDesk: `npm run -s scimdesk -- <command>` (usage in output.ts).
 *
 *   enable    --connection okta|entra   turn a connection on (prints its first token once)
 *   disable   --connection okta|entra   refuse that connection's requests
 *   token new okta|entra [--overlap 1h|24h]   issue a new token (printed once); the old one stops
 *                                       working now, or after the overlap
 *   token end-overlap okta|entra        the previous token stops working now
 *   serve                               run the SCIM server in the foreground
 *   status    [--json]                  connections (with health), the tunnel, directory counts
 *   tunnel confirm                      the running server's public URL is the one Okta has
 *   log       [--json] [--follow] …     the request log
 *   history   --user U | --group G      one record's audit trail
 *   backup    [--out FILE] [--force]    a consistent copy of the database, while serve runs
 *   export    --format json|csv         the users and groups as SCIM JSON or CSV files [--out PATH] [--force]
 *   simulate  okta|entra [--scenario S] [--through public|local] [--users N] [--json]
 *                                       an IdP's provisioning run against the running server (simulate.ts)
 *   simulate  --remove                  delete the records simulations created
 *   fault     arm|clear|status …         the running server's fault drill (fault.ts)
 *
 * The one-shot commands open the core, call the same methods the desktop app's panel calls,
 * and close it. Common options: --data-dir DIR (default: the desktop app's data folder),
 * --secret-store keychain|file (default keychain; file is an explicit opt-in for hosts without one).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Core } from '../core/core';
import { ServiceError } from '../core/errors';
import { SecretStoreUnavailableError } from '../secrets/secret-store';
import { StoreError } from '../store/database';
import { OPTIONS, UsageError, type Values, connectionOf, dataDirOf, secretStoreOf } from './options';
import { type Io, describeConnection, printToken, statusJson, usage } from './output';
import { serve } from './serve';
import { historyCommand, logCommand } from './log';
import { readRuntime } from '../controller/runtime-file';
import { runtimeLines, tunnelCommand, tunnelJson } from './tunnel';
import { tokenCommand } from './token';
import { armedDrills, faultCommand, faultLines } from './fault';
import { simulateCommand } from './simulate';

export type { Io };

async function withCore<T>(values: Values, fn: (core: Core, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = dataDirOf(values);
  const core = new Core({ dataDir, secretStore: secretStoreOf(values, dataDir) });
  try {
    return await fn(core, dataDir);
  } finally {
    core.close();
  }
}

/** `backup [--out FILE] [--force]`: an existing file is replaced only with --force. */
async function backupCommand(core: Core, values: Values, io: Io): Promise<number> {
  const { file } = await core.files.backup(values.out, { force: values.force === true });
  io.out(`Backup written: ${file}`);
  return 0;
}

/** `export --format json|csv [--out PATH] [--force]`. */
function exportCommand(values: Values, io: Io): Promise<number> {
  const format = values.format;
  if (format !== 'json' && format !== 'csv') throw new UsageError('export needs --format json or --format csv');
  return withCore(values, async (core) => {
    const result = await core.files.export(format, values.out, { force: values.force === true });
    io.out(`Exported ${result.users} users and ${result.groups} groups:`);
    for (const file of result.files) io.out(`  ${file}`);
    return 0;
  });
}

async function dispatch(command: string | undefined, rest: string[], values: Values, io: Io): Promise<number> {
  switch (command) {
    case 'enable':
    case 'disable': {
      const name = connectionOf(values);
      return withCore(values, async (core) => {
        const { connection, token } = await core.connections.setEnabled(name, command === 'enable');
        io.out(`${connection.label} connection ${command}d.`);
        if (token) printToken(io, connection, token);
        else if (command === 'enable') io.out(`Its token was issued ${connection.tokenCreatedAt}; run "token new --connection ${name}" to replace it.`);
        return 0;
      });
    }
    case 'token': {
      const command = tokenCommand(rest, values);
      return withCore(values, (core) => command(core, io));
    }
    case 'serve':
      return serve(values, io);
    case 'status':
      return withCore(values, async (core, dataDir) => {
        const counts = core.directory.counts();
        // Reads the token hashes, so a connection whose hash is missing shows "needs a new token".
        await core.connections.checkTokens();
        const connections = core.connections.statuses();
        const runtime = readRuntime(dataDir);
        if (values.json) io.out(statusJson(dataDir, connections, counts, runtime, tunnelJson(runtime, core), armedDrills(runtime)));
        else {
          io.out(`Data folder: ${dataDir}`);
          for (const line of runtimeLines(runtime, core)) io.out(line);
          for (const line of faultLines(runtime)) io.out(line);
          for (const s of connections) io.out(describeConnection(s));
          io.out(`Users: ${counts.users}, groups: ${counts.groups}`);
        }
        return 0;
      });
    case 'tunnel':
      return withCore(values, async (core, dataDir) => tunnelCommand(rest, core, dataDir, io));
    case 'log':
      return withCore(values, (core) => logCommand(core, values, io));
    case 'history':
      return withCore(values, async (core) => historyCommand(core, values, io));
    case 'backup':
      return withCore(values, (core) => backupCommand(core, values, io));
    case 'export':
      return exportCommand(values, io);
    case 'fault':
      return faultCommand(rest, values, io);
    case 'simulate':
      return simulateCommand(rest, values, io, () =>
        // No ScimDesk runs on the folder: the core removes the simulated records itself.
        withCore(values, (core) => core.removeSimulated()),
      );
    default:
      throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
}

/** Runs one CLI invocation; returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`scimdesk: ${(err as Error).message}`);
    io.err(usage());
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    io.out(usage());
    return 0;
  }
  try {
    return await dispatch(positionals[0], positionals.slice(1), values, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`scimdesk: ${err.message}`);
      io.err(usage());
      return 2;
    }
    // A problem explained in one sentence: no keychain, a database from a newer ScimDesk…
    if (err instanceof ServiceError || err instanceof SecretStoreUnavailableError || err instanceof StoreError) {
      io.err(`scimdesk: ${err.message}`);
      return 1;
    }
    io.err(`scimdesk: unexpected error: ${(err as Error).message}`);
    return 1;
  }
}

function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopSignal: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  };
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  run(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`scimdesk: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
