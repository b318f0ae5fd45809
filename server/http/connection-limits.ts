/**
 * Caps on open connections. Every connection holds a file descriptor until it closes, and an
 * idle keep-alive or half-opened one costs its sender nothing: 19 980 of them once used up every
 * descriptor of a server exposed with --host, and the IdP's new connections were reset. So a
 * connection over a cap is answered at once with a SCIM 503 (Retry-After) and closed:
 * - in total, always (the descriptors the store, the log and the tunnel need stay free);
 * - per client address, when --host exposes the server beyond this machine. On loopback every
 *   client shares 127.0.0.1 (the tunnel's relay, local tools), so a per-address cap there
 *   would only count them together; the tunnel server in front counts the public clients.
 */
import type { Server, Socket } from 'node:net';
import { isLoopbackHost } from '../base/address';
import { ScimError } from '../scim/errors';
import { answerRawAndClose } from './plugins/security';

export interface ConnectionLimits {
  /** Open connections at most, from everyone. */
  readonly total: number;
  /** Open connections at most from one client address (Infinity: no per-address cap). */
  readonly perAddress: number;
}

/** Okta and Entra ID each use a handful of connections; a reverse proxy pools a few dozen. */
export const DEFAULT_MAX_CONNECTIONS = 1_000;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

/** The caps for a listening address (see the header for why loopback gets no per-address cap). */
export function connectionLimitsFor(host: string, given: Partial<ConnectionLimits> = {}): ConnectionLimits {
  return {
    total: given.total ?? DEFAULT_MAX_CONNECTIONS,
    perAddress: given.perAddress ?? (isLoopbackHost(host) ? Infinity : DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
  };
}

/** Seconds a refused client is asked to wait: long enough for idle connections to time out. */
const RETRY_AFTER_SECONDS = 10;

/** The connections a server holds open. */
export interface OpenConnections {
  /**
   * Closes the connections that never sent a byte: no request is in flight on them, and
   * Node counts them as busy until the headers timeout (20 s), which would hold up a stop.
   */
  closeSilent(): void;
}

/** Enforces the caps on a server's new connections. */
export function limitConnections(server: Server, limits: ConnectionLimits): OpenConnections {
  let open = 0;
  const byAddress = new Map<string, number>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = byAddress.get(address) ?? 0;
    if (open >= limits.total || fromAddress >= limits.perAddress) {
      const why = open >= limits.total ? 'the SCIM server has too many connections open' : `too many connections from ${address} are open`;
      answerRawAndClose(socket, ScimError.unavailable(`Refused: ${why}; close idle connections or retry later`, RETRY_AFTER_SECONDS));
      return;
    }
    open++;
    byAddress.set(address, fromAddress + 1);
    sockets.add(socket);
    socket.once('close', () => {
      open--;
      sockets.delete(socket);
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
    });
  });
  return {
    closeSilent() {
      for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
    },
  };
}
