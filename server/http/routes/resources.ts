/**
 * The SCIM endpoints of one resource type (RFC 7644 §3): list, search, create, read,
 * replace, patch, delete. Registered once for /Users and once for /Groups; the differences
 * between the two live in the Directory and the schema, not here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Directory, WriteResult } from '../../core/directory';
import { ScimError } from '../../scim/errors';
import type { FilterLimits } from '../../scim/filter-parser';
import { type PagingLimits, paramsByName, parseListParams } from '../../scim/list';
import type { Projection } from '../../scim/projection';
import { etagOf, isObject } from '../../scim/resource';
import type { ResourceTypeName } from '../../scim/schema';
import { sendScim } from '../scim-reply';
import { actorOf } from '../plugins/request-context';

export interface ResourceRouteOptions {
  readonly type: ResourceTypeName;
  readonly directory: Directory;
  readonly paging: PagingLimits;
  readonly filterLimits: FilterLimits;
}

/**
 * The route parameter schema, written as plain JSON Schema: TypeBox 1.x costs about half a
 * second to import, half the CLI's one-second start budget, for this one object.
 */
const IdParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['id'],
} as const;
type IdParams = { id: string };

/** Query parameters as single strings, as sent (a name repeated in the same case arrives as an array: refused). */
function rawQuery(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(v)) throw ScimError.invalidValue(`The query parameter "${k}" is given more than once; give it once`);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Query parameters by lower-case name; a parameter given twice (in any case) is a client error. */
function queryOf(request: FastifyRequest): Record<string, string> {
  return paramsByName(rawQuery(request));
}

function projectionOf(query: Record<string, string>): Projection {
  const p: { attributes?: string; excludedAttributes?: string } = {};
  if (query['attributes'] !== undefined) p.attributes = query['attributes'];
  if (query['excludedattributes'] !== undefined) p.excludedAttributes = query['excludedattributes'];
  return p;
}

function requireBody(request: FastifyRequest): unknown {
  if (request.body === undefined) throw ScimError.invalidSyntax('The request body is empty; a JSON object was expected');
  return request.body;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function answerWrite(request: FastifyRequest, reply: FastifyReply, status: number, result: WriteResult): FastifyReply {
  request.scim.notes.push(...result.notes);
  request.scim.target = result.target;
  request.scim.audit = result.audit;
  const headers: Record<string, string> = { etag: etagOf(result.version) };
  if (status === 201) headers['location'] = result.location;
  if (result.resource === undefined) return sendScim(reply, 204, undefined, headers);
  return sendScim(reply, status, result.resource, headers);
}

/** A `.search` body (RFC 7644 §3.4.3) as list query parameters. */
function searchQuery(body: unknown): Record<string, string> {
  if (body === undefined) return {};
  if (!isObject(body)) throw ScimError.invalidSyntax('The search request body must be a JSON object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase() === 'schemas') continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.join(',');
    else if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    else throw ScimError.invalidValue(`Search parameter "${k}" must be a string, a number or a list of attribute names`);
  }
  return out;
}

export async function resourceRoutes(app: FastifyInstance, opts: ResourceRouteOptions): Promise<void> {
  const { type, directory, paging, filterLimits } = opts;

  // Reads are synchronous handlers that send and return nothing: no promise per request (an
  // error thrown here reaches the error handler all the same). A search no index serves is
  // answered when the scan worker has read it; its failure goes to the error handler too.
  const list = (reply: FastifyReply, query: Record<string, string>): void => {
    const answer = directory.search(type, parseListParams(type, query, paging, filterLimits));
    if (answer instanceof Promise) answer.then((body) => sendScim(reply, 200, body), (err: unknown) => reply.send(err));
    else sendScim(reply, 200, answer);
  };

  // parseListParams reads the names in any case itself (and refuses one given twice).
  app.get('/', (request, reply) => {
    list(reply, rawQuery(request));
  });

  app.post('/.search', (request, reply) => {
    list(reply, searchQuery(request.body));
  });

  app.post('/', async (request, reply) => {
    const body = requireBody(request);
    const projection = projectionOf(queryOf(request));
    const result = await directory.commit(() => directory.create(type, body, actorOf(request.scim), projection));
    request.scim.createdId = result.id;
    return answerWrite(request, reply, 201, result);
  });

  app.get<{ Params: IdParams }>('/:id', { schema: { params: IdParams } }, (request, reply) => {
    const { resource, version } = directory.get(type, request.params.id, projectionOf(queryOf(request)));
    const etag = etagOf(version);
    const name = resource[type === 'User' ? 'userName' : 'displayName'];
    if (typeof name === 'string') request.scim.target = name;
    const ifNoneMatch = header(request, 'if-none-match');
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      reply.code(304).header('etag', etag).send();
      return;
    }
    sendScim(reply, 200, resource, { etag });
  });

  app.put<{ Params: IdParams }>('/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const body = requireBody(request);
    const projection = projectionOf(queryOf(request));
    const result = await directory.commit(() => directory.replace(type, request.params.id, body, actorOf(request.scim), header(request, 'if-match'), projection));
    return answerWrite(request, reply, 200, result);
  });

  app.patch<{ Params: IdParams }>('/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const body = requireBody(request);
    const projection = projectionOf(queryOf(request));
    const result = await directory.commit(() => directory.patch(type, request.params.id, body, actorOf(request.scim), header(request, 'if-match'), projection));
    return answerWrite(request, reply, 200, result);
  });

  app.delete<{ Params: IdParams }>('/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const audit = await directory.commit(() => directory.delete(type, request.params.id, actorOf(request.scim), header(request, 'if-match')));
    request.scim.audit = audit;
    request.scim.target = audit.target;
    return reply.code(204).send();
  });
}
