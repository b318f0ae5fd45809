/**
 * buildApp: the Fastify application, SCIM 2.0 mounted at /scim/v2 over the core. It never
 * listens by itself (listen.ts does), so tests build it the same way the product does.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Core } from '../core/core';
import { ScimError } from '../scim/errors';
import { DEFAULT_PATCH_LIMITS } from '../scim/patch';
import { SCIM_PREFIX } from '../scim/urls';
import type { CheckNonces } from './check-nonces';
import type { ServerOptions } from './options';
import { registerActivity } from './plugins/activity';
import { AuthLimiter } from './plugins/auth-limiter';
import { registerAuth } from './plugins/auth';
import { registerJsonParsers } from './plugins/body-parser';
import type { TunnelPeer } from './plugins/client-address';
import { registerDrain } from './plugins/drain';
import { errorHandler, notFoundHandler } from './plugins/errors';
import { registerFaultDrill } from './plugins/fault-drill';
import { registerRequestContext } from './plugins/request-context';
import { SECURITY_HEADERS, answerClientError, registerSecurityHeaders } from './plugins/security';
import { checkRoute } from './routes/check';
import { discoveryRoutes } from './routes/discovery';
import { resourceRoutes } from './routes/resources';
import { sendScim } from './scim-reply';

/** Answers 200 without a token: the tunnel's probe that a request reaches the server. */
export const HEALTH_PATH = '/scimdesk/health';

/** What the SCIM server serves: the directory, the connections' token check, the activity log. */
export type ScimCore = Pick<Core, 'directory' | 'connections' | 'activity' | 'scimUrl' | 'storeHealth' | 'faultDrills'>;

/**
 * @param viaTunnel tells whether a socket peer is the tunnel's relay (all its requests are then
 * one client, TUNNEL_CLIENT); without a tunnel, no peer is.
 * @param nonces the check from outside's nonces; without them its route is not served.
 */
export async function buildApp(core: ScimCore, options: ServerOptions, viaTunnel: TunnelPeer = () => false, nonces?: CheckNonces): Promise<FastifyInstance> {
  const { bodyLimit, paging, filterLimits } = options;

  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit,
    // Closing drains (plugins/drain.ts): idle connections close at once, busy ones after their
    // answer; the drain's own SCIM 503 replaces Fastify's non-SCIM one.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // Slow clients: the headers within 20 s, the whole request within 30 s (Okta gives up
    // after 60 s anyway), checked every second; then a SCIM 408 (answerClientError).
    requestTimeout: options.http.requestTimeout ?? 30_000,
    // A request without Host (HTTP/1.0 style) reaches the app, which answers it as SCIM.
    http: { headersTimeout: 20_000, connectionsCheckingInterval: 1_000, requireHostHeader: false, ...options.http },
    clientErrorHandler: answerClientError,
    // Errors the router meets before any route (bad percent-encoding…) are SCIM errors too.
    frameworkErrors: (err, _request, reply) =>
      sendScim(reply, 400, ScimError.invalidSyntax(err.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid (bad percent-encoding)' : 'The request cannot be routed').toBody(), SECURITY_HEADERS),
    // Ids longer than the route schema allows get its 400, not the router's 414.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
  });

  registerSecurityHeaders(app);
  registerDrain(app);
  // The tunnel probes this every 15 s: it is not a SCIM request, so neither the request log nor
  // the request lines of the server log record it. It answers 200 while degraded (the server is
  // reachable, which is what the probe asks) and says what is wrong.
  app.get(HEALTH_PATH, { logLevel: 'silent' }, async () => {
    const store = core.storeHealth.get();
    const log = core.activity.log.status();
    const degraded = store.state !== 'ok' || log.state !== 'ok';
    return {
      status: degraded ? 'degraded' : 'ok',
      store: { state: store.state, message: store.message },
      requestLog: { state: log.state, message: log.message, dropped: log.dropped },
    };
  });

  // Like the health probe, outside the SCIM prefix: no token, no request log.
  if (nonces) checkRoute(app, nonces);

  await app.register(
    async (scim) => {
      registerRequestContext(scim, viaTunnel);
      // A page of 100 users is ~90 KB. Even cut to 16 KiB, redacting and storing it made a
      // page request ~12 % dearer, and 20 000 such entries are 320 MB of log. The first 4 KiB
      // show totalResults and the first resources; what the IdP sent is kept up to 16 KiB.
      registerActivity(scim, core.activity, { prefix: SCIM_PREFIX, maxRequestChars: 16 * 1024, maxResponseChars: 4 * 1024 });
      registerAuth(scim, core.connections, new AuthLimiter(options.authLimits));
      registerJsonParsers(scim, bodyLimit);
      registerFaultDrill(scim, core.faultDrills);
      scim.setErrorHandler(errorHandler(bodyLimit));
      scim.setNotFoundHandler(notFoundHandler);

      await scim.register(discoveryRoutes, {
        baseUrl: () => core.scimUrl(),
        limits: { paging, maxPayloadBytes: bodyLimit, maxPatchOperations: DEFAULT_PATCH_LIMITS.maxOperations },
      });
      for (const type of ['User', 'Group'] as const) {
        await scim.register(resourceRoutes, { prefix: type === 'User' ? '/Users' : '/Groups', type, directory: core.directory, paging, filterLimits });
      }
    },
    { prefix: SCIM_PREFIX },
  );

  app.setErrorHandler(errorHandler(bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  return app;
}
