/**
 * The address of the client behind a request. Direct connections: the socket's peer.
 * Requests that came through ScimDesk's tunnel arrive from its local relay on 127.0.0.1 and
 * carry nothing trustworthy about the caller: the localtunnel server adds no X-Forwarded-For
 * (server/tunnel/LOCALTUNNEL.md), so such a header, when present, was written by the caller
 * and would let it pick a fresh address for every wrong token. They are all TUNNEL_CLIENT,
 * one client with one wrong-token budget; the header is never read, on any connection.
 */
import type { FastifyRequest } from 'fastify';
import { TUNNEL_CLIENT } from '../../base/address';

/** Tells whether a socket peer port belongs to the tunnel's local relay. */
export type TunnelPeer = (remotePort: number | undefined) => boolean;

export function clientAddress(request: FastifyRequest, viaTunnel: TunnelPeer): string | null {
  const socket = request.raw.socket;
  if (viaTunnel(socket.remotePort)) return TUNNEL_CLIENT;
  return socket.remoteAddress ?? null;
}
