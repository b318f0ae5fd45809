/**
 * The address of the client behind a request. Direct connections: the socket's peer. Requests
 * that came through ScimDesk's tunnel arrive from 127.0.0.1 (the tunnel's local relay), so for
 * those — and only those — the X-Forwarded-For entry the tunnel server added (the last one:
 * proxies append) is used. Earlier entries, and the header on any other connection, could be
 * forged by the client.
 */
import type { FastifyRequest } from 'fastify';

/** Tells whether a socket peer port belongs to the tunnel's local relay. */
export type TunnelPeer = (remotePort: number | undefined) => boolean;

export function clientAddress(request: FastifyRequest, viaTunnel: TunnelPeer): string | null {
  const socket = request.raw.socket;
  if (viaTunnel(socket.remotePort)) {
    const forwarded = request.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim();
    return last || 'tunnel';
  }
  return socket.remoteAddress ?? null;
}
