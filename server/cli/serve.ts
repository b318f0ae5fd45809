/** `serve`: the SCIM server in the foreground, with the tunnel, until SIGINT or SIGTERM. */
import pino from 'pino';
import { isLoopbackHost } from '../base/address';
import type { AppStatus, FaultDrill } from '../../contract/model';
import { Controller } from '../controller/controller';
import { ServiceError } from '../core/errors';
import { redactUrl } from '../scim/redact';
import { checkSecretStore } from '../secrets/secret-store';
import { type Values, auditDaysOf, bodyLimitOf, connectionLimitsOf, dataDirOf, hostOf, portOf, retentionOf, secretStoreOf, tunnelOverridesOf } from './options';
import { type Io, describeConnection, tunnelLines } from './output';
import { testLookup } from './localhost-lookup';
import { drillChangeLines } from './fault';

/** What to do when the server cannot listen, by cause. */
function listenAdvice(cause: unknown): string {
  switch ((cause as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return '; stop the other program or pass --port';
    case 'EADDRNOTAVAIL':
      return '; pass one of its addresses to --host (0.0.0.0 for all of them), or leave --host out to listen on 127.0.0.1';
    case 'EACCES':
      return '; pass --port 1024 or above';
    default:
      return '';
  }
}

/** Who can reach the server when no tunnel or public URL publishes it. */
function reachabilityLine(status: AppStatus, host: string): string | undefined {
  if (status.reachable !== 'local-only') return undefined;
  if (isLoopbackHost(host)) return 'Reachable from this machine only: use --tunnel localtunnel or --public-url for Okta.';
  return `Reachable from the network at ${status.server.localUrl ?? host}, with no public URL and no TLS: Okta and Entra ID need an https URL; put your reverse proxy in front and pass --public-url, or use --tunnel localtunnel.`;
}

export async function serve(values: Values, io: Io): Promise<number> {
  const port = portOf(values);
  const tunnel = tunnelOverridesOf(values);
  const bodyLimit = bodyLimitOf(values);
  const host = hostOf(values);
  const connectionLimits = connectionLimitsOf(values, host);
  const retention = retentionOf(values);
  const auditDaysAfterDelete = auditDaysOf(values);
  const dataDir = dataDirOf(values);
  // Request lines only: method, URL (secret-looking query values masked), peer; never headers or bodies.
  const logger = pino(
    {
      // warn by default: every request is in the request log already (`log`), and a JSON line
      // on stderr per request and response cost about a tenth of a lookup's CPU.
      level: values['log-level'] ?? 'warn',
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
    const lookup = testLookup();
    controller = await Controller.start({ dataDir, secretStore, host, port, logger, bodyLimit, connectionLimits, tunnel, retention, auditDaysAfterDelete, ...(lookup && { publicCheck: { lookup } }) });
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'server-not-running') {
      io.err(`scimdesk: ${err.message}${listenAdvice(err.cause)}`);
      return 1;
    }
    throw err;
  }
  try {
    const first = controller.status();
    if (!isLoopbackHost(host)) io.err(`scimdesk: warning: listening on ${host}, not loopback: the SCIM server is reachable from the network`);
    io.out(`ScimDesk SCIM server listening on ${first.server.localUrl} (data: ${dataDir}, secrets: ${secretStore.description})`);
    for (const c of first.connections) io.out(describeConnection(c));
    if (!first.connections.some((c) => c.enabled)) io.out('No connection is enabled yet: run "npm run -s scimdesk -- enable --connection okta" to get a token.');
    if (first.tunnelSettings.mode !== 'localtunnel') io.out(`SCIM base URL: ${first.scimUrl}`);
    const reach = reachabilityLine(first, host);
    if (reach) io.out(reach);
    let last: AppStatus | undefined;
    const print = (s: AppStatus): void => {
      for (const line of tunnelLines(last, s)) io.out(line);
      last = s;
    };
    print(first);
    // Only the tunnel's changes are printed: listening to every status (one after each burst
    // of requests, with the connections' health read from the request log) would cost the
    // server that work for nothing.
    const unsubscribe = controller.endpoint.on('change', () => print(controller.status()));
    // Every check from outside (after each change of the public URL) is a line: its result, cause and fix.
    const unsubscribeCheck = controller.on('publicCheck', (c) => io.out(`check from outside: ${c.ok ? 'passed' : 'FAILED'}: ${c.sentence}`));
    // Fault drills armed and ended (through the control channel or the panel), not each request they answer.
    let drills: readonly FaultDrill[] = controller.core.faultDrills.list();
    const unsubscribeDrills = controller.core.faultDrills.on('change', (next) => {
      for (const line of drillChangeLines(drills, next)) io.out(line);
      drills = next;
    });
    const signal = await io.stopSignal();
    unsubscribe();
    unsubscribeCheck();
    unsubscribeDrills();
    io.out(`Stopping (${signal})…`);
    return 0;
  } finally {
    await controller.stop();
    io.out('Stopped.');
  }
}
