/**
 * What the CLI prints: the usage, one line per connection, the token shown once, the tunnel's
 * state changes. The sentences the core and the controller answer with are printed as they are.
 */
import type { ConnectionName } from '../../contract/connections';
import { SIMULATION_SCENARIOS } from '../../contract/choices';
import type { AppStatus, ConnectionStatus, FaultDrill } from '../../contract/model';
import { defaultDataDir } from '../base/paths';
import { DEFAULT_LOG_RETENTION } from '../store/request-log-schema';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from '../http/connection-limits';
import type { RuntimeInfo } from '../controller/runtime-file';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>;
}

export function usage(): string {
  return `Usage: npm run -s scimdesk -- <command> [options]

Commands:
  enable    --connection okta|entra    Enable a connection; the first enable prints its token once
  disable   --connection okta|entra    Disable a connection (its requests get 403)
  token new okta|entra [--overlap none|1h|24h]
                                       Issue a new token, printed once. The old token stops
                                       working now (none, the default), or keeps working for
                                       1 hour or 24 hours, so the IdP is not refused until the
                                       new token is pasted in (one previous token at a time)
  token end-overlap okta|entra         The previous token stops working now
  serve     [--host H] [--port P] [--log-level L] [--body-limit BYTES]
            [--tunnel none|localtunnel] [--tunnel-host URL] [--subdomain NAME]
            [--public-url URL] [--activity-keep N] [--activity-days D]
            [--errors-keep N] [--errors-days D] [--audit-days D]
            [--max-connections N] [--max-connections-per-address N]
                                       Run the SCIM server in the foreground (Ctrl-C stops it).
                                       --tunnel localtunnel publishes it through a tunnel
                                       (--tunnel-host: your own localtunnel server; the
                                       subdomain is remembered so the URL stays the same);
                                       --public-url: your own reverse proxy's public URL;
                                       --log-level: server log on stderr (default warn: every
                                       request is in the request log already; info adds a line
                                       per request). The request log keeps the newest N
                                       successful requests (default ${DEFAULT_LOG_RETENTION.successes.maxEntries}) from the last D days
                                       (default ${DEFAULT_LOG_RETENTION.successes.maxAgeDays}; 0: no age limit), failed ones separately
                                       (default ${DEFAULT_LOG_RETENTION.errors.maxEntries}, ${DEFAULT_LOG_RETENTION.errors.maxAgeDays} days), requests without a valid
                                       token as ${DEFAULT_LOG_RETENTION.unauthenticated.maxEntries} aggregates at most (${DEFAULT_LOG_RETENTION.unauthenticated.maxAgeDays} days); a deleted
                                       record's history is kept D days after the delete (default 90).
                                       Open connections at most: ${DEFAULT_MAX_CONNECTIONS} in total, and
                                       ${DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} per client address when --host is not loopback
  status    [--json]                   Connections with their health, the tunnel of a running
                                       server, how many users and groups exist
  tunnel confirm                       After updating Okta's Base URL: the running server's
                                       public URL becomes the confirmed one (no more warning)
  log       [--json] [--limit N] [--connection okta|entra|none] [--errors] [--follow]
                                       The request log, newest first (--json: an array;
                                       with --follow, one JSON object per line as they come)
  history   --user USERNAME | --group DISPLAYNAME [--json]
                                       What happened to one user or group, oldest first
  backup    [--out FILE] [--force]     Copy the database now, also while serve runs
  export    --format json|csv [--out PATH] [--force]
                                       Write the users and groups as SCIM JSON, or as CSV files
                                       (--force replaces existing files; links are never followed)
  simulate  okta|entra [--scenario NAME|all] [--through public|local] [--users N] [--json]
                                       Provision the way Okta or Entra ID would, over real HTTP,
                                       against the running serve or desktop app on this data
                                       folder (start it first): each step is printed live
                                       (✓/✗, status, time), then the summary; --json prints the
                                       report only. Scenarios: ${SIMULATION_SCENARIOS.join(', ')}
                                       (default all, in that order). --through public (the default
                                       when a public URL is configured) goes through the tunnel
                                       or your reverse proxy, local to 127.0.0.1. --users: how
                                       many users the import creates (default 25). Records are
                                       marked "(simulated)"; the run's token lives in memory only.
                                       Exit 0 passed, 1 failed (the failed step and the fix)
  simulate  --remove                   Delete the records simulations created (never a real
                                       IdP's), with or without a running server
  fault arm okta|entra --kind 429|503|delay --count N [--retry-after S] [--delay-ms MS]
                                       Fault drill on the running serve or desktop app: the
                                       connection's next N requests get 429 or 503 (Retry-After
                                       S, default 30; nothing is written), or their real answer
                                       held MS ms. Ends by itself after N requests or 10 minutes;
                                       a restart ends it too. Marked in the request log
  fault clear okta|entra               End the connection's drill now
  fault status [--json]                The armed drills (status shows them too)

Options for every command:
  --data-dir DIR               Data folder (default: ${defaultDataDir()})
  --secret-store keychain|file Where token hashes are kept (default: keychain; "file" is an
                               explicit opt-in for servers without an OS keychain)`;
}

export function describeConnection(s: ConnectionStatus): string {
  const parts = [s.enabled ? 'enabled' : 'disabled', s.hasToken ? `token issued ${s.tokenCreatedAt}` : 'no token yet'];
  const previous = s.previousToken;
  if (previous) parts.push(`previous token works until ${previous.expiresAt} (${previous.lastUsedAt ? `last used ${previous.lastUsedAt}` : 'not used since the rotation'})`);
  if (s.lastUsedAt) parts.push(`last request ${s.lastUsedAt} from ${s.lastUsedIp ?? '?'} (${s.lastUsedAgent ?? 'unknown client'})`);
  return `${s.label} (${s.name}): ${parts.join(', ')}${s.health.state === 'idle' ? '' : `\n  ${s.health.sentence}`}`;
}

/** `status --json`: the data folder, each connection with its health, the running server, its tunnel (tunnel.ts) and its last check from outside, the counts. */
export function statusJson(
  dataDir: string,
  connections: readonly ConnectionStatus[],
  counts: { users: number; groups: number },
  runtime: RuntimeInfo | null,
  tunnel: Record<string, unknown>,
  faultDrills: readonly FaultDrill[],
): string {
  // The label is for people; the JSON keeps the fields scripts already read.
  const plain = connections.map(({ label: _label, ...rest }) => rest);
  const server = runtime ? { running: true, pid: runtime.pid, localUrl: runtime.localUrl, publicUrl: runtime.publicUrl } : { running: false };
  // The last check from outside of the running server's public URL (null: none yet, or not running).
  const publicCheck = runtime?.publicCheck ?? null;
  // Armed fault drills of the running server ([]: none, or not running).
  return JSON.stringify({ dataDir, server, tunnel, publicCheck, faultDrills, connections: plain, ...counts }, null, 2);
}

/** The token, shown once; the last line is the token alone (scripts take it with `tail -n 1`). */
export function printToken(io: Io, connection: { name: ConnectionName; label: string }, token: string): void {
  io.out(`The newly generated token will be shown only once. Make sure to copy and save it.`);
  io.out(`In ${connection.label}, set the API Token (Authorization header) to "Bearer <token>".`);
  io.out(token);
}

/** One line per tunnel change worth telling the operator about. */
export function tunnelLines(prev: AppStatus | undefined, next: AppStatus): string[] {
  const lines: string[] = [];
  const a = prev?.tunnel;
  const b = next.tunnel;
  // While down, every attempt is a line (attempts are at most 30 s apart): an operator watching
  // a long outage sees it is still being retried.
  const retried = (b.phase === 'reconnecting' || b.phase === 'error') && a?.attempt !== b.attempt;
  if (next.tunnelSettings.mode === 'localtunnel' && (a?.phase !== b.phase || a?.url !== b.url || a?.lastError !== b.lastError || retried)) {
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
        if (b.attempt === 0) {
          lines.push(`tunnel: ${b.lastError}`); // switching back to the wanted subdomain: no failure
          break;
        }
        lines.push(`tunnel: reconnecting (attempt ${b.attempt}${b.nextRetryAt ? `, next try ${b.nextRetryAt}` : ''}): ${b.lastError}`);
        break;
      case 'error':
        lines.push(`tunnel: cannot connect (attempt ${b.attempt}${b.nextRetryAt ? `, next try ${b.nextRetryAt}` : ''}): ${b.lastError}`);
        break;
      case 'off':
        lines.push('tunnel: off');
        break;
    }
  }
  // The cause in words and what to do: once per problem, not once per attempt.
  if (b.problem && b.problem.sentence !== a?.problem?.sentence) lines.push(`tunnel: ${b.problem.sentence} ${b.problem.fix}`);
  if (b.publicUrlWarning && b.publicUrlWarning !== a?.publicUrlWarning) lines.push(`tunnel: WARNING ${b.publicUrlWarning}`);
  if (next.urlChange && prev?.urlChange?.current !== next.urlChange.current) {
    lines.push(`WARNING: the public URL changed from ${next.urlChange.previous} to ${next.urlChange.current}. Update the Base URL in Okta (and the Tenant URL in Entra) to ${next.scimUrl}, then run "npm run -s scimdesk -- tunnel confirm"`);
  }
  return lines;
}
