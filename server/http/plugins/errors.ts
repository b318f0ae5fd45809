/**
 * The one place errors become responses. ScimErrors are answered as they are; Fastify's own
 * errors (body too large, bad media type, malformed JSON, validation) and the store's failures
 * a client can act on (busy, a refused value) become the matching SCIM error; anything else
 * is a generic 500 whose details go to the log only — never a stack trace or SQL text to the
 * client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../../scim/errors';
import { storeFailureOf } from '../../store/sqlite-errors';
import { sendScim } from '../scim-reply';
import { DISK_FULL_DETAIL } from '../../core/explain';

export function toScimError(err: FastifyError | Error, bodyLimit: number): ScimError {
  if (err instanceof ScimError) return err;
  const e = err as FastifyError & { code?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ScimError.payloadTooLarge(`The request body is larger than the ${bodyLimit} bytes this server accepts`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return ScimError.unsupportedMediaType('Send the request body as application/scim+json or application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.invalidSyntax('The request body is empty; a JSON object was expected');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ScimError.invalidSyntax('The request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.invalidSyntax('The Content-Length header does not match the body');
    case 'FST_ERR_VALIDATION':
      return ScimError.invalidValue(e.message);
  }
  switch (storeFailureOf(err)) {
    case 'rejected-value':
      return ScimError.invalidValue('The value cannot be stored (it is not valid JSON data)');
    case 'busy':
      return ScimError.unavailable('The directory is busy; retry in a moment', 1);
    case 'disk-full':
      // 503 with Retry-After, not 507: Okta and Entra ID both treat 503 (and 429) as transient
      // and retry the operation later, while a status they do not know, such as 507, is a
      // failed operation that an admin must retry by hand. Nothing was written, so the retry
      // succeeds once there is room.
      return ScimError.unavailable(`${DISK_FULL_DETAIL}; retry later`, 60);
  }
  if (err instanceof SyntaxError && e.statusCode === 400) return ScimError.invalidSyntax(`The request body is not valid JSON (${err.message})`);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return ScimError.clientError(e.statusCode, e.message);
  }
  return ScimError.internal('Internal server error');
}

export function errorHandler(bodyLimit: number) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const scim = toScimError(err, bodyLimit);
    if (scim.status >= 500) {
      request.log.error({ err, reqId: request.id }, 'SCIM request failed');
      const detail = scim.status === 500 ? `Internal server error (request ${request.id}); details are in the ScimDesk log` : scim.detail;
      return sendScim(reply, scim.status, scim.withDetail(detail).toBody(), scim.headers);
    }
    return sendScim(reply, scim.status, scim.toBody(), scim.headers);
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  return sendScim(reply, 404, ScimError.notFound(`No SCIM endpoint ${request.method} ${path}`).toBody());
}
