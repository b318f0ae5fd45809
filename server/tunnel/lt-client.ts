/**
 * The localtunnel client (localtunnel 2.0.2) with one change: how the tunnel is requested.
 *
 * The stock client asks the server for a tunnel through axios and, when the server cannot be
 * reached, retries every second forever: its promise never settles and the retry loop cannot
 * be stopped (it ignores close()). It also silently follows http_proxy. This subclass makes
 * one request with a timeout and reports the failure; the supervisor decides when to retry.
 * Everything after that — the socket pool, piping, the 'error'/'dead' handling — is the real
 * client's own code.
 */
import { type EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export interface TunnelInfo {
  readonly name: string;
  readonly url: string;
}

interface TunnelOptions {
  host: string;
  port: number;
  subdomain?: string;
}

/** The parts of localtunnel's Tunnel class used here. */
interface TunnelClass {
  new (opts: TunnelOptions): TunnelClient;
}

export interface TunnelClient extends EventEmitter {
  clientId?: string;
  url?: string;
  opts: TunnelOptions;
  open(cb: (err?: Error) => void): void;
  close(): void;
  _getInfo(body: unknown): TunnelInfo;
}

const require = createRequire(import.meta.url);
/** Loaded on first use: only a run with a tunnel pays for localtunnel and its HTTP client. */
let Tunnel: TunnelClass | undefined;

export class TunnelRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TunnelRequestError';
  }
}

function describeFetchError(err: unknown, host: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `the tunnel server ${host} did not answer in time`;
  const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return `the tunnel server ${host} cannot be reached (${cause})`;
}

/** Opens a tunnel to `port` through `host`; rejects (never hangs) when the server does not grant one. */
export function openTunnel(options: { host: string; port: number; subdomain?: string; timeoutMs: number }): Promise<TunnelClient> {
  Tunnel ??= require('localtunnel/lib/Tunnel') as TunnelClass;
  class BoundedTunnel extends Tunnel {
    _init(cb: (err: Error | null, info?: TunnelInfo) => void): void {
      const uri = `${options.host}/${options.subdomain ?? '?new'}`;
      fetch(uri, { signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: 'application/json' } })
        .then(async (res) => {
          const body = (await res.json().catch(() => ({}))) as { message?: string };
          if (!res.ok) throw new TunnelRequestError(body.message ?? `the tunnel server answered HTTP ${res.status}`, res.status);
          cb(null, this._getInfo(body));
        })
        // The fetch error stays the cause: its code says why, for the tunnel's problem sentence.
        .catch((err: unknown) => cb(err instanceof TunnelRequestError ? err : new TunnelRequestError(describeFetchError(err, options.host), undefined, { cause: err })));
    }
  }
  const client = new BoundedTunnel({ host: options.host, port: options.port, ...(options.subdomain ? { subdomain: options.subdomain } : {}) });
  return new Promise((resolve, reject) => {
    client.open((err) => (err ? reject(err) : resolve(client)));
  });
}
