/**
 * Every SCIM request proves its connection with the token (Bearer or raw). Runs before the
 * body is read, so an unauthenticated client cannot make the server parse anything.
 */
import type { FastifyInstance } from 'fastify';
import type { Connections } from '../connections';

export function registerAuth(app: FastifyInstance, connections: Connections): void {
  app.addHook('onRequest', async (request) => {
    const agent = request.headers['user-agent'];
    request.scim.connection = await connections.authenticate({
      authorization: request.headers.authorization,
      ip: request.ip ?? null,
      userAgent: typeof agent === 'string' ? agent : null,
    });
  });
}
