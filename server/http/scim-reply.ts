/** Sending SCIM bodies: always `application/scim+json; charset=utf-8`, pre-serialised. */
import type { FastifyReply } from 'fastify';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function sendScim(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  reply.code(status).headers(headers).header('content-type', SCIM_CONTENT_TYPE);
  return body === undefined ? reply.send() : reply.send(JSON.stringify(body));
}
