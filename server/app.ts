/**
 * buildApp: the Fastify application, SCIM 2.0 mounted at /scim/v2. It never listens by
 * itself (server/runtime.ts does), so tests build it the same way the product does.
 */
import type { ServerOptions } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Connections } from './connections';
import type { Directory } from './directory';
import { registerActivity, type ActivityOptions } from './http/activity';
import { registerAuth } from './http/auth';
import { registerJsonParsers } from './http/body-parser';
import { errorHandler, notFoundHandler } from './http/errors';
import { registerRequestContext } from './http/request-context';
import { discoveryRoutes } from './http/routes/discovery';
import { resourceRoutes } from './http/routes/resources';
import { type FilterLimits, DEFAULT_FILTER_LIMITS } from './scim/filter-parser';
import { type PagingLimits, DEFAULT_PAGING } from './scim/list';
import { DEFAULT_PATCH_LIMITS } from './scim/patch';
import type { ActivityLog } from './store/activity-log';

export const SCIM_PREFIX = '/scim/v2';
export const HEALTH_PATH = '/scimdesk/health';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  readonly directory: Directory;
  readonly connections: Connections;
  /** The SCIM base URL clients see (public URL + /scim/v2). */
  readonly baseUrl: () => string;
  readonly activity?: ActivityLog;
  readonly onActivity?: ActivityOptions['onRecorded'];
  readonly bodyLimit?: number;
  readonly paging?: PagingLimits;
  readonly filterLimits?: FilterLimits;
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** Node HTTP server options (timeouts; tests shorten them). */
  readonly http?: ServerOptions;
}

/** The SCIM base URL for a public URL such as https://acme.loca.lt. */
export function scimBaseUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${SCIM_PREFIX}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const paging = options.paging ?? DEFAULT_PAGING;
  const filterLimits = options.filterLimits ?? DEFAULT_FILTER_LIMITS;
  const logger = options.logger;
  const isInstance = typeof logger === 'object' && logger !== null && 'child' in logger && typeof logger.child === 'function';

  const app = Fastify({
    ...(isInstance ? { loggerInstance: logger as FastifyServerOptions['loggerInstance'] } : { logger: (logger as FastifyServerOptions['logger']) ?? false }),
    bodyLimit,
    forceCloseConnections: true,
    ...(options.http ? { http: options.http } : {}),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  app.get(HEALTH_PATH, async () => ({ status: 'ok' }));

  await app.register(
    async (scim) => {
      registerRequestContext(scim);
      if (options.activity) {
        registerActivity(scim, options.activity, {
          prefix: SCIM_PREFIX,
          maxBodyChars: 16 * 1024,
          ...(options.onActivity ? { onRecorded: options.onActivity } : {}),
        });
      }
      registerAuth(scim, options.connections);
      registerJsonParsers(scim, bodyLimit);
      scim.setErrorHandler(errorHandler(bodyLimit));
      scim.setNotFoundHandler(notFoundHandler);

      await scim.register(discoveryRoutes, {
        baseUrl: options.baseUrl,
        limits: { paging, maxPayloadBytes: bodyLimit, maxPatchOperations: DEFAULT_PATCH_LIMITS.maxOperations },
      });
      for (const type of ['User', 'Group'] as const) {
        await scim.register(resourceRoutes, { prefix: type === 'User' ? '/Users' : '/Groups', type, directory: options.directory, paging, filterLimits });
      }
    },
    { prefix: SCIM_PREFIX },
  );

  app.setErrorHandler(errorHandler(bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  return app;
}
