/**
 * The simulator's HTTP client: real requests over node's http/https, the way an IdP's client
 * sends them (one keep-alive agent per run), to the public URL or to 127.0.0.1. The resolver
 * is the one the check from outside uses (ControllerOptions.publicCheck.lookup): tests resolve
 * the test tunnel server's `*.localhost` names with it, real runs use the system's DNS.
 */
import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

type LookupCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[] | string, family?: number) => void;
/** A lookup function like node's dns.lookup with `all: true` (the check from outside's type). */
export type Lookup = (hostname: string, options: { all: true }, callback: LookupCallback) => void;

export interface HttpAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | null;
}

/** How long one request may take before the IdP gives up on it (Okta's own limit is about a minute). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Node asks for one address or for all: both answered from the `all: true` lookup. */
function adapt(lookup: Lookup) {
  return (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void): void => {
    lookup(hostname, { all: true }, (err, answer, family) => {
      const addresses = typeof answer === 'string' ? [{ address: answer, family: family ?? 4 }] : answer;
      if (err || addresses.length === 0) return callback(err ?? Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : undefined);
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export class SimulatorHttp {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
  private readonly lookup;

  constructor(lookup?: Lookup) {
    this.lookup = adapt(lookup ?? (dnsLookup as unknown as Lookup));
  }

  send(req: HttpRequest): Promise<HttpAnswer> {
    const url = new URL(req.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== null) headers['content-length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        { hostname: url.hostname, port: url.port || (secure ? 443 : 80), path: `${url.pathname}${url.search}`, method: req.method, headers, agent: secure ? this.https : this.http, lookup: this.lookup as never, timeout: REQUEST_TIMEOUT_MS },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(req.body ?? undefined);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
