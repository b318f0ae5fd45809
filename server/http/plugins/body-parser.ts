/**
 * JSON bodies as SCIM clients send them: `application/scim+json` or `application/json`, any
 * charset parameter, parsed with Fastify's prototype-poisoning-safe parser. An empty body is
 * allowed (Okta's DELETE carries `Content-Type: application/scim+json` and no body); the routes
 * that need a body say so.
 */
import type { FastifyInstance } from 'fastify';

export function registerJsonParsers(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // Only JSON media types: Fastify's default text/plain parser would hand routes a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string', bodyLimit }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parse(req, body.toString(), done);
  });
}
