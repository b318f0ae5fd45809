/**
 * Every SCIM request proves its connection with the token (Bearer or raw). Runs before the
 * body is read, so an unauthenticated client cannot make the server parse anything.
 */
import type { FastifyInstance } from 'fastify';
import type { Connections } from '../../core/connections';
import { ScimError } from '../../scim/errors';
import type { AuthLimiter } from './auth-limiter';

export function registerAuth(app: FastifyInstance, connections: Connections, limiter: AuthLimiter): void {
  app.addHook('onRequest', async (request) => {
    const agent = request.headers['user-agent'];
    const client = request.scim.client ?? 'unknown';
    const outcome = await connections.check({
      authorization: request.headers.authorization,
      ip: request.scim.client,
      userAgent: typeof agent === 'string' ? agent : null,
    });
    request.scim.connection = outcome.connection;
    if (!outcome.error) return;
    request.scim.refusal = outcome.refusal;
    if (outcome.error.status === 401) {
      // Guessing tokens gets slow; a valid token (above) is never throttled.
      const wait = limiter.fail(client);
      if (wait > 0) {
        throw ScimError.tooManyRequests(`Too many requests with an invalid SCIM token from this address; try again in ${wait} s`, wait);
      }
    }
    throw outcome.error;
  });
}
