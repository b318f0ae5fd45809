/** The one place ScimDesk's SCIM server starts listening (the CLI, the desktop app and tests). */
import type { FastifyInstance } from 'fastify';
import { localUrlOf } from '../base/address';
import { type ScimCore, buildApp } from './app';
import type { ServerOptions } from './options';
import type { TunnelPeer } from './plugins/client-address';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port of the listening socket. */
  readonly localUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(core: ScimCore, options: ServerOptions, viaTunnel?: TunnelPeer): Promise<RunningServer> {
  const app = await buildApp(core, options, viaTunnel);
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
      await app.close();
    },
  };
}
