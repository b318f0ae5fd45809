/**
 * buildApp: the Fastify application, SCIM 2.0 mounted at /scim/v2. It never listens by
 * itself (server/runtime.ts does), so tests build it the same way the product does.
 */
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Connections } from './connections';
import type { Directory } from './directory';
import { registerActivity } from './http/activity';
import { registerAuth } from './http/auth';
import { type AuthLimits, AuthLimiter, DEFAULT_AUTH_LIMITS } from './http/auth-limiter';
import type { TunnelPeer } from './http/client-address';
import { registerJsonParsers } from './http/body-parser';
import { errorHandler, notFoundHandler } from './http/errors';
import { sendScim } from './http/scim-reply';
import { registerRequestContext } from './http/request-context';
import { discoveryRoutes } from './http/routes/discovery';
import { resourceRoutes } from './http/routes/resources';
import { ScimError } from './scim/errors';
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
  readonly bodyLimit?: number;
  readonly paging?: PagingLimits;
  readonly filterLimits?: FilterLimits;
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** Node HTTP server options (timeouts; tests shorten them). */
  readonly http?: ServerOptions;
  /** Whether a socket peer is the tunnel's relay (its X-Forwarded-For is then trusted). */
  readonly viaTunnel?: TunnelPeer;
  readonly authLimits?: AuthLimits;
}

/** An API that serves JSON only: nothing may be framed, sniffed, cached or embedded. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Errors Node reports before a request exists (timeouts, oversized headers, garbage) are
 * answered as SCIM errors too, then the connection is closed.
 */
function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(new ScimError(status, status === 400 ? 'invalidSyntax' : undefined, detail).toBody());
  if (socket.writable) {
    const headers = Object.entries(SECURITY_HEADERS)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/scim+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
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
    // Slow clients: the headers within 20 s, the whole request within 30 s (Okta gives up
    // after 60 s anyway), checked every second; then a SCIM 408 (clientErrorHandler).
    requestTimeout: options.http?.requestTimeout ?? 30_000,
    // A request without Host (HTTP/1.0 style) reaches the app, which answers it as SCIM.
    http: { headersTimeout: 20_000, connectionsCheckingInterval: 1_000, requireHostHeader: false, ...options.http },
    clientErrorHandler: clientError,
    // Errors the router meets before any route (bad percent-encoding…) are SCIM errors too.
    frameworkErrors: (err, _request, reply) => sendScim(reply, 400, ScimError.invalidSyntax(err.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid (bad percent-encoding)' : 'The request cannot be routed').toBody(), SECURITY_HEADERS),
    // Ids longer than the route schema allows get its 400, not the router's 414.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
  });

  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });

  app.get(HEALTH_PATH, async () => ({ status: 'ok' }));

  await app.register(
    async (scim) => {
      registerRequestContext(scim, options.viaTunnel ?? (() => false));
      if (options.activity) {
        // A page of 100 users is ~90 KB. Even cut to 16 KiB, redacting and storing it made a
        // page request ~12 % dearer, and 20 000 such entries are 320 MB of log. The first 4 KiB
        // show totalResults and the first resources; what the IdP sent is kept up to 16 KiB.
        registerActivity(scim, options.activity, { prefix: SCIM_PREFIX, maxRequestChars: 16 * 1024, maxResponseChars: 4 * 1024 });
      }
      registerAuth(scim, options.connections, new AuthLimiter(options.authLimits ?? DEFAULT_AUTH_LIMITS));
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
