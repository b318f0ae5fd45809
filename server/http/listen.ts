/** The one place ScimDesk's SCIM server starts listening (the CLI, the desktop app and tests). */
import type { FastifyInstance } from 'fastify';
import { localUrlOf } from '../base/address';
import { type ScimCore, buildApp } from './app';
import type { CheckNonces } from './check-nonces';
import { limitConnections } from './connection-limits';
import type { ServerOptions } from './options';
import type { TunnelPeer } from './plugins/client-address';

/**
 * How long closing waits for the requests in flight (plugins/drain.ts): a write commits in
 * milliseconds, so this only bounds a client that never finishes sending its request.
 */
export const DRAIN_LIMIT_MS = 10_000;

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port of the listening socket. */
  readonly localUrl: string;
  readonly port: number;
  /** Stops accepting connections, answers the requests in flight (at most DRAIN_LIMIT_MS), then closes. */
  close(): Promise<void>;
}

export async function listen(core: ScimCore, options: ServerOptions, viaTunnel?: TunnelPeer, nonces?: CheckNonces): Promise<RunningServer> {
  const app = await buildApp(core, options, viaTunnel, nonces);
  const connections = limitConnections(app.server, options.connectionLimits);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closed = false;
  return {
    app,
    localUrl: localUrlOf(options.host, port),
    port,
    async close() {
      if (closed) return;
      closed = true;
      const deadline = setTimeout(() => app.server.closeAllConnections(), DRAIN_LIMIT_MS);
      try {
        const closing = app.close();
        connections.closeSilent();
        await closing;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
