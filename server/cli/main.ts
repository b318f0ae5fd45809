/**
 * Headless ScimDesk: `npm run -s scimdesk -- <command>`.
 *
 *   enable    --connection okta|entra   turn a connection on (prints its first token once)
 *   disable   --connection okta|entra   refuse that connection's requests
 *   token new --connection okta|entra   issue a new token (printed once); the old one stops working
 *   serve                               run the SCIM server in the foreground
 *   status    [--json]                  connections and directory counts
 *   backup    [--out FILE]              a consistent copy of the database, while serve runs
 *   export    --format json|csv         the users and groups as SCIM JSON or CSV files
 *
 * Common options: --data-dir DIR (default: the desktop app's data folder), --secret-store
 * keychain|file (default keychain; file is an explicit opt-in for hosts without one).
 */
import { realpathSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULT_BODY_LIMIT } from './app';
import type { ConnectionState } from './connections';
import { defaultDataDir } from './paths';
import type { AppStatus, TunnelMode, TunnelSettings } from './api-types';
import { Controller, ControllerError } from './controller';
import { backupDatabase, defaultBackupFile, defaultExportPath, exportDirectory } from './export';
import { Core, DEFAULT_HOST, DEFAULT_PORT } from './runtime';
import { redactUrl } from './scim/redact';
import { InvalidSettingsError, normalizeTunnelSettings } from './tunnel/settings';
import { FileSecretStore } from './secrets/file-store';
import { KeytarSecretStore } from './secrets/keytar-store';
import { type SecretStore, SecretStoreUnavailableError, checkSecretStore } from './secrets/secret-store';
import { DEFAULT_RETENTION, type RetentionOptions } from './store/activity-log';
import { type ConnectionName, isConnectionName } from './store/connections-repo';
import { StoreError } from './store/database';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>;
}

const USAGE = `Usage: npm run -s scimdesk -- <command> [options]

Commands:
  enable    --connection okta|entra    Enable a connection; the first enable prints its token once
  disable   --connection okta|entra    Disable a connection (its requests get 403)
  token new --connection okta|entra    Issue a new token, printed once; the old token stops working
  serve     [--host H] [--port P] [--log-level L] [--body-limit BYTES]
            [--tunnel none|localtunnel] [--tunnel-host URL] [--subdomain NAME]
            [--public-url URL] [--activity-keep N] [--activity-days D]
                                       Run the SCIM server in the foreground (Ctrl-C stops it).
                                       --tunnel localtunnel publishes it through a tunnel
                                       (--tunnel-host: your own localtunnel server; the
                                       subdomain is remembered so the URL stays the same);
                                       --public-url: your own reverse proxy's public URL;
                                       the activity log keeps the newest N requests (default
                                       ${DEFAULT_RETENTION.maxEntries}) from the last D days (default ${DEFAULT_RETENTION.maxAgeDays}; 0: no age limit)
  status    [--json]                   Show connections and how many users and groups exist
  backup    [--out FILE]               Copy the database now, also while serve runs
  export    --format json|csv [--out PATH]
                                       Write the users and groups as SCIM JSON, or as CSV files

Options for every command:
  --data-dir DIR               Data folder (default: ${defaultDataDir()})
  --secret-store keychain|file Where token hashes are kept (default: keychain; "file" is an
                               explicit opt-in for servers without an OS keychain)`;

class UsageError extends Error {}

const OPTIONS = {
  connection: { type: 'string' },
  'data-dir': { type: 'string' },
  'secret-store': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  tunnel: { type: 'string' },
  'tunnel-host': { type: 'string' },
  subdomain: { type: 'string' },
  'log-level': { type: 'string' },
  'body-limit': { type: 'string' },
  'activity-keep': { type: 'string' },
  'activity-days': { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function connectionOf(values: Values): ConnectionName {
  const c = values.connection;
  if (!isConnectionName(c)) throw new UsageError(c === undefined ? '--connection okta|entra is required' : `unknown connection "${c}" (okta or entra)`);
  return c;
}

function secretStoreOf(values: Values, dataDir: string): SecretStore {
  const kind = values['secret-store'] ?? 'keychain';
  if (kind === 'keychain') return new KeytarSecretStore();
  if (kind === 'file') return new FileSecretStore(dataDir);
  throw new UsageError(`unknown --secret-store "${kind}" (keychain or file)`);
}

function portOf(values: Values): number {
  if (values.port === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
  return Number(values.port);
}

function publicUrlOf(values: Values): string | undefined {
  const url = values['public-url'];
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--public-url must be an absolute http(s) URL, not "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError('--public-url must be an http or https URL');
  return url.replace(/\/+$/, '');
}

function retentionOf(values: Values): RetentionOptions {
  const number = (flag: 'activity-keep' | 'activity-days', fallback: number, min: number): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${flag} must be a whole number of at least ${min}, not "${raw}"`);
    return Number(raw);
  };
  return { maxEntries: number('activity-keep', DEFAULT_RETENTION.maxEntries, 100), maxAgeDays: number('activity-days', DEFAULT_RETENTION.maxAgeDays, 0) };
}

const LABEL: Record<ConnectionName, string> = { okta: 'Okta', entra: 'Microsoft Entra ID' };

function describeState(s: ConnectionState): string {
  const parts = [s.enabled ? 'enabled' : 'disabled', s.hasToken ? `token issued ${s.tokenCreatedAt}` : 'no token yet'];
  if (s.lastUsedAt) parts.push(`last request ${s.lastUsedAt} from ${s.lastUsedIp ?? '?'} (${s.lastUsedAgent ?? 'unknown client'})`);
  return `${LABEL[s.name]} (${s.name}): ${parts.join(', ')}`;
}

function printToken(io: Io, name: ConnectionName, token: string): void {
  io.out(`The newly generated token will be shown only once. Make sure to copy and save it.`);
  io.out(`In ${LABEL[name]}, set the API Token (Authorization header) to "Bearer <token>".`);
  io.out(token);
}

async function withCore<T>(values: Values, fn: (core: Core, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const core = new Core({ dataDir, secretStore: secretStoreOf(values, dataDir) });
  try {
    return await fn(core, dataDir);
  } finally {
    core.close();
  }
}

/** The tunnel flags of `serve`, as overrides of the saved settings (not saved themselves). */
function tunnelOverrides(values: Values): Partial<TunnelSettings> {
  const out: { mode?: TunnelMode; host?: string; subdomain?: string; publicUrl?: string } = {};
  const mode = values.tunnel;
  if (mode !== undefined) {
    if (mode !== 'none' && mode !== 'localtunnel') throw new UsageError(`--tunnel must be none or localtunnel, not "${mode}"`);
    out.mode = mode;
  }
  if (values['tunnel-host'] !== undefined) out.host = values['tunnel-host'];
  if (values.subdomain !== undefined) out.subdomain = values.subdomain;
  const publicUrl = publicUrlOf(values);
  if (publicUrl) {
    if (out.mode === 'localtunnel') throw new UsageError('--public-url (your own reverse proxy) and --tunnel localtunnel exclude each other');
    out.mode = 'external';
    out.publicUrl = publicUrl;
  }
  if ((out.host !== undefined || out.subdomain !== undefined) && out.mode === undefined) out.mode = 'localtunnel';
  try {
    normalizeTunnelSettings(out);
  } catch (err) {
    if (err instanceof InvalidSettingsError) throw new UsageError(err.message);
    throw err;
  }
  return out;
}

/** One line per tunnel change worth telling the operator about. */
function tunnelLine(prev: AppStatus | undefined, next: AppStatus): string[] {
  const lines: string[] = [];
  const a = prev?.tunnel;
  const b = next.tunnel;
  if (next.tunnelSettings.mode === 'localtunnel' && (a?.phase !== b.phase || a?.url !== b.url || a?.lastError !== b.lastError)) {
    switch (b.phase) {
      case 'connecting':
        lines.push(`tunnel: connecting to ${b.host}${b.wantedSubdomain ? ` (asking for "${b.wantedSubdomain}")` : ''}…`);
        break;
      case 'online':
        lines.push(`tunnel: online at ${b.url}`);
        lines.push(`SCIM base URL: ${next.scimUrl}`);
        if (b.subdomainNotGranted) lines.push(`tunnel: WARNING ${b.lastError}`);
        break;
      case 'reconnecting':
      case 'error':
        lines.push(`tunnel: ${b.phase === 'error' ? 'cannot connect' : 'reconnecting'} (attempt ${b.attempt}${b.nextRetryAt ? `, next try ${b.nextRetryAt}` : ''}): ${b.lastError}`);
        break;
      case 'off':
        lines.push('tunnel: off');
        break;
    }
  }
  if (next.urlChange && (prev?.urlChange?.current !== next.urlChange.current)) {
    lines.push(`WARNING: the public URL changed from ${next.urlChange.previous} to ${next.urlChange.current}. Update the Base URL in Okta (and the Tenant URL in Entra) to ${next.scimUrl}`);
  }
  return lines;
}

async function serve(values: Values, io: Io): Promise<number> {
  const host = values.host ?? DEFAULT_HOST;
  const port = portOf(values);
  const tunnel = tunnelOverrides(values);
  const bodyLimit = values['body-limit'] === undefined ? DEFAULT_BODY_LIMIT : Number(values['body-limit']);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new UsageError('--body-limit must be a number of bytes, at least 1024');
  if (isIP(host) === 0 && host !== 'localhost') throw new UsageError(`--host must be an IP address, not "${host}"`);
  const retention = retentionOf(values);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Request lines only: method, URL (secret-looking query values masked), peer; never headers or bodies.
  const logger = pino(
    {
      level: values['log-level'] ?? 'info',
      serializers: {
        req: (req: { method?: string; url?: string; socket?: { remoteAddress?: string } }) => ({ method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.socket?.remoteAddress }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    pino.destination(2),
  );
  const secretStore = secretStoreOf(values, dataDir);
  // Fail now, with the one clear sentence, rather than answer every request with 503.
  await checkSecretStore(secretStore);
  let controller: Controller;
  try {
    controller = await Controller.start({ dataDir, secretStore, host, port, logger, bodyLimit, tunnel, retention });
  } catch (err) {
    if (err instanceof ControllerError && err.code === 'server-not-running') {
      io.err(`scimdesk: ${err.message}; stop the other program or pass --port`);
      return 1;
    }
    throw err;
  }
  try {
    const first = controller.status();
    if (!['127.0.0.1', '::1', 'localhost'].includes(host)) io.err(`scimdesk: warning: listening on ${host}, not loopback: the SCIM server is reachable from the network`);
    io.out(`ScimDesk SCIM server listening on ${first.server.localUrl} (data: ${dataDir}, secrets: ${controller.core.connections.secretStore.description})`);
    for (const c of first.connections) io.out(describeState(c));
    if (!first.connections.some((c) => c.enabled)) io.out('No connection is enabled yet: run "npm run -s scimdesk -- enable --connection okta" to get a token.');
    if (first.tunnelSettings.mode !== 'localtunnel') io.out(`SCIM base URL: ${first.scimUrl}`);
    if (first.reachable === 'local-only') io.out('Reachable from this machine only: use --tunnel localtunnel or --public-url for Okta.');
    let last: AppStatus | undefined;
    const print = (s: AppStatus): void => {
      for (const line of tunnelLine(last, s)) io.out(line);
      last = s;
    };
    print(first);
    const unsubscribe = controller.on('status', print);
    const signal = await io.stopSignal();
    unsubscribe();
    io.out(`Stopping (${signal})…`);
    return 0;
  } finally {
    await controller.stop();
    io.out('Stopped.');
  }
}

async function dispatch(command: string | undefined, rest: string[], values: Values, io: Io): Promise<number> {
  switch (command) {
    case 'enable':
    case 'disable': {
      const name = connectionOf(values);
      return withCore(values, async (core) => {
        const { state, token } = await core.connections.setEnabled(name, command === 'enable');
        io.out(`${LABEL[name]} connection ${command}d.`);
        if (token) printToken(io, name, token);
        else if (command === 'enable') io.out(`Its token was issued ${state.tokenCreatedAt}; run "token new --connection ${name}" to replace it.`);
        return 0;
      });
    }
    case 'token': {
      if (rest[0] !== 'new') throw new UsageError('the token command is "token new --connection okta|entra"');
      const name = connectionOf(values);
      return withCore(values, async (core) => {
        const token = await core.connections.rotateToken(name);
        io.out(`New ${LABEL[name]} token issued; the previous token is refused from the next request on.`);
        if (!core.connections.state(name).enabled) io.out(`Note: the ${name} connection is disabled; enable it to accept requests.`);
        printToken(io, name, token);
        return 0;
      });
    }
    case 'serve':
      return serve(values, io);
    case 'status':
      return withCore(values, async (core, dataDir) => {
        const counts = core.directory.counts();
        const connections = core.connections.states();
        if (values.json) io.out(JSON.stringify({ dataDir, connections, ...counts }, null, 2));
        else {
          io.out(`Data folder: ${dataDir}`);
          for (const s of connections) io.out(describeState(s));
          io.out(`Users: ${counts.users}, groups: ${counts.groups}`);
        }
        return 0;
      });
    case 'backup':
      return withCore(values, async (core, dataDir) => {
        const file = await backupDatabase(core, values.out ?? defaultBackupFile(dataDir));
        io.out(`Backup written: ${file}`);
        return 0;
      });
    case 'export': {
      const format = values.format;
      if (format !== 'json' && format !== 'csv') throw new UsageError('export needs --format json or --format csv');
      return withCore(values, async (core, dataDir) => {
        const result = await exportDirectory(core, format, values.out ?? defaultExportPath(dataDir, format));
        io.out(`Exported ${result.users} users and ${result.groups} groups:`);
        for (const file of result.files) io.out(`  ${file}`);
        return 0;
      });
    }
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
    io.err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    return await dispatch(positionals[0], positionals.slice(1), values, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`scimdesk: ${err.message}`);
      io.err(USAGE);
      return 2;
    }
    if (err instanceof SecretStoreUnavailableError || err instanceof StoreError) {
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
