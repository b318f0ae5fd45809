/** Sending SCIM bodies: always `application/scim+json; charset=utf-8`, pre-serialised. */
import type { FastifyReply } from 'fastify';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function sendScim(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  reply.code(status).headers(headers).header('content-type', SCIM_CONTENT_TYPE);
  if (body === undefined) return reply.send();
  const text = JSON.stringify(body);
  // The request log keeps (the start of) what was sent; kept here rather than in an onSend
  // hook, which every reply would run through.
  const context = reply.request.scim as { responseText?: string } | null;
  if (context) context.responseText = text;
  return reply.send(text);
}
