/**
 * Every SCIM request proves its connection with the token (Bearer or raw). Runs before the
 * body is read, so an unauthenticated client cannot make the server parse anything.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthOutcome, Connections } from '../../core/connections';
import { ScimError } from '../../scim/errors';
import { TUNNEL_CLIENT } from '../../base/address';
import type { AuthLimiter } from './auth-limiter';

export function registerAuth(app: FastifyInstance, connections: Connections, limiter: AuthLimiter): void {
  /** The error to answer with, or undefined when the request may go on. */
  const settle = (request: FastifyRequest, outcome: AuthOutcome): ScimError | undefined => {
    request.scim.connection = outcome.connection;
    request.scim.token = outcome.token;
    request.scim.simulated = outcome.simulated === true;
    if (!outcome.error) return undefined;
    request.scim.refusal = outcome.refusal;
    if (outcome.error.status === 401) {
      // Guessing tokens gets slow; a valid token (above) is never throttled.
      const client = request.scim.client ?? 'unknown';
      const wait = limiter.fail(client);
      if (wait > 0) {
        const from = client === TUNNEL_CLIENT ? 'through the tunnel (its callers share one limit)' : 'from this address';
        return ScimError.tooManyRequests(`Too many requests with an invalid SCIM token ${from}; try again in ${wait} s`, wait);
      }
    }
    return outcome.error;
  };

  // A callback hook: the check is synchronous once the token hashes are cached, so the usual
  // request pays for no promise here (connections.check returns one only when it must read).
  app.addHook('onRequest', (request, _reply, done) => {
    const agent = request.headers['user-agent'];
    let outcome: AuthOutcome | Promise<AuthOutcome>;
    try {
      outcome = connections.check({
        authorization: request.headers.authorization,
        ip: request.scim.client,
        userAgent: typeof agent === 'string' ? agent : null,
      });
    } catch (err) {
      done(err as Error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (o) => done(settle(request, o)),
        (err: Error) => done(err),
      );
      return;
    }
    const error = settle(request, outcome);
    if (error === undefined) {
      done();
      return;
    }
    // Refusals are answered a microtask later, as the async hook did: a request whose bytes
    // turn out malformed further on (a bad chunk) still gets its 400, not a 401 first.
    queueMicrotask(() => done(error));
  });
}
