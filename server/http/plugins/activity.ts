/**
 * Records each SCIM request in the activity log after its response has gone out (the log
 * writes in batches, so this costs the client nothing): connection, IdP action, status, duration, redacted bodies
 * and what the server normalised.
 */
import type { FastifyInstance } from 'fastify';
import { describeRequest } from '../../scim/actions';
import { redactUrl, redactedText } from '../../scim/redact';
import type { ActivityInput, ActivityLog } from '../../store/activity-log';

export interface ActivityOptions {
  /** The mount point, stripped from paths before naming the action. */
  readonly prefix: string;
  /** Longest request body text kept (what the IdP sent matters most when debugging). */
  readonly maxRequestChars: number;
  /** Longest response body text kept: the gist of a list page, not all of it. */
  readonly maxResponseChars: number;
}

export function registerActivity(app: FastifyInstance, log: ActivityLog, options: ActivityOptions): void {
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (typeof payload === 'string') request.scim.responseText = payload;
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    try {
      const [rawPath = '', search = ''] = request.url.split('?');
      const path = rawPath.slice(options.prefix.length) || '/';
      const info = describeRequest({ method: request.method, path, query: (request.query ?? {}) as Record<string, unknown>, body: request.body });
      const agent = request.headers['user-agent'];
      const entry: ActivityInput = {
        at: new Date().toISOString(),
        connection: request.scim.connection,
        method: request.method,
        path: redactUrl(search ? `${rawPath}?${search}` : rawPath),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
        action: info.action,
        resourceType: info.resourceType,
        resourceId: info.resourceId ?? request.scim.createdId ?? null,
        clientIp: request.scim.client,
        userAgent: typeof agent === 'string' ? agent : null,
        requestBody: redactedText(request.body, options.maxRequestChars),
        responseBody: redactedText(request.scim.responseText, options.maxResponseChars),
        notes: request.scim.notes,
      };
      log.record(entry);
    } catch (err) {
      request.log.error({ err }, 'could not record SCIM activity');
    }
    done();
  });
}
