/** Per-request SCIM context, filled by the hooks and routes and read by the activity recorder. */
import type { FastifyInstance } from 'fastify';

export interface ScimRequestContext {
  /** The connection whose token authenticated the request. */
  connection: string | null;
  /** What the server normalised in the client's input. */
  notes: string[];
  /** The id of a resource the request created (known only after the write). */
  createdId?: string;
  /** The JSON text sent back, for the activity record. */
  responseText?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimRequestContext;
  }
}

export function registerRequestContext(app: FastifyInstance): void {
  app.decorateRequest('scim', null as unknown as ScimRequestContext);
  app.addHook('onRequest', async (request) => {
    request.scim = { connection: null, notes: [] };
  });
}
