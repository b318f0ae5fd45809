/** RFC 7644 §4: /ServiceProviderConfig, /ResourceTypes, /Schemas; plus §3.13's /Bulk and §3.11's /Me as 501s. */
import type { FastifyInstance } from 'fastify';
import { allResourceTypes, allSchemas, findSchema, resourceTypeJson, type ServiceLimits, serviceProviderConfig } from '../../scim/discovery';
import { ScimError } from '../../scim/errors';
import { listResponse } from '../../scim/list';
import { RESOURCE_TYPES, type ResourceTypeName } from '../../scim/schema';
import { sendScim } from '../scim-reply';

export interface DiscoveryOptions {
  readonly baseUrl: () => string;
  readonly limits: ServiceLimits;
}

export async function discoveryRoutes(app: FastifyInstance, opts: DiscoveryOptions): Promise<void> {
  const { baseUrl, limits } = opts;

  app.get('/ServiceProviderConfig', async (_req, reply) => sendScim(reply, 200, serviceProviderConfig(baseUrl(), limits)));

  app.get('/ResourceTypes', async (_req, reply) => {
    const all = allResourceTypes(baseUrl());
    return sendScim(reply, 200, listResponse(all.length, 1, all));
  });

  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request, reply) => {
    const rt = Object.values(RESOURCE_TYPES).find((r) => r.id.toLowerCase() === request.params.id.toLowerCase());
    if (!rt) throw ScimError.notFound(`ResourceType ${request.params.id} not found`);
    return sendScim(reply, 200, resourceTypeJson(RESOURCE_TYPES[rt.id as ResourceTypeName], baseUrl()));
  });

  app.get('/Schemas', async (_req, reply) => {
    const all = allSchemas(baseUrl());
    return sendScim(reply, 200, listResponse(all.length, 1, all));
  });

  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request, reply) => {
    const schema = findSchema(request.params.id, baseUrl());
    if (!schema) throw ScimError.notFound(`Schema ${request.params.id} not found`);
    return sendScim(reply, 200, schema);
  });

  const notImplemented = (what: string) => async (): Promise<never> => {
    throw ScimError.notImplemented(`${what} is not supported by ScimDesk`);
  };
  app.all('/Bulk', notImplemented('Bulk'));
  app.all('/Me', notImplemented('/Me'));
}
