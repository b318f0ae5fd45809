/**
 * Stopping without losing answers. An IdP that sent a write and lost the connection before the
 * answer retries it, and a create that was in fact committed then meets 409 (Okta stops that
 * user's provisioning there). So when the server closes, it stops accepting connections and
 * drains: every request already received is answered (its write commits first, as always),
 * a request that arrives on a connection still open is refused with a SCIM 503 that says to
 * retry, and each connection closes after its answer. listen.ts bounds how long this may take.
 * (No per-response hook: the one check per request is a boolean.)
 */
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../../scim/errors';
import { sendScim } from '../scim-reply';
import { SECURITY_HEADERS } from './security';

/** Seconds an IdP is asked to wait before retrying a request refused while stopping. */
const RETRY_AFTER_SECONDS = 5;

export function registerDrain(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', (done) => {
    draining = true;
    // Node keeps a connection open after an answer for keepAliveTimeout; while draining, a
    // connection closes as soon as its answer is out (read when each response finishes).
    app.server.keepAliveTimeout = 1;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!draining) return done();
    const error = ScimError.unavailable('The SCIM server is stopping; retry in a moment', RETRY_AFTER_SECONDS);
    sendScim(reply, error.status, error.toBody(), { ...SECURITY_HEADERS, ...error.headers, connection: 'close' });
  });
}
