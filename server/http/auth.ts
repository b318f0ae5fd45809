/**
 * Every SCIM request proves its connection with the token (Bearer or raw). Runs before the
 * body is read, so an unauthenticated client cannot make the server parse anything.
 */
import type { FastifyInstance } from 'fastify';
import type { Connections } from '../connections';

export function registerAuth(app: FastifyInstance, connections: Connections): void {
  app.addHook('onRequest', async (request) => {
    const agent = request.headers['user-agent'];
    const outcome = await connections.check({
      authorization: request.headers.authorization,
      ip: request.ip ?? null,
      userAgent: typeof agent === 'string' ? agent : null,
    });
    request.scim.connection = outcome.connection;
    if (outcome.error) throw outcome.error;
  });
}
