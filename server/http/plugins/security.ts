/**
 * What every answer carries, including the ones Node sends before a request exists: an API
 * that serves JSON only, so nothing may be framed, sniffed, cached or embedded, and errors as
 * SCIM bodies.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../../scim/errors';
import { SCIM_CONTENT_TYPE } from '../scim-reply';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
}

/**
 * Errors Node reports before a request exists (timeouts, oversized headers, garbage) are
 * answered as SCIM errors too, then the connection is closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ScimError.requestTimeout('The request was not received in time')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ScimError.headersTooLarge('The request headers are too large')
        : ScimError.invalidSyntax('The request is not valid HTTP');
  answerRawAndClose(socket, error);
}

/** A SCIM error written straight to a socket (no request object exists), then the connection closes. */
export function answerRawAndClose(socket: Duplex, error: ScimError): void {
  const body = JSON.stringify(error.toBody());
  if (socket.writable) {
    const headers = Object.entries({ ...SECURITY_HEADERS, ...error.headers })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
