/**
 * RFC 7644 §4 discovery documents, generated from the schema tables so that what they claim
 * is what the server does.
 */
import type { PagingLimits } from './list';
import type { JsonObject } from './resource';
import {
  type AttributeDef,
  type ResourceTypeDef,
  RESOURCE_TYPES,
  RESOURCE_TYPE_URN,
  SCHEMAS,
  SCHEMA_URN,
  SERVICE_PROVIDER_CONFIG_URN,
  type SchemaDef,
  schemaById,
} from './schema';

export interface ServiceLimits {
  readonly paging: PagingLimits;
  readonly maxPayloadBytes: number;
  readonly maxPatchOperations: number;
}

function attributeJson(a: AttributeDef): JsonObject {
  const out: JsonObject = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues) out['canonicalValues'] = [...a.canonicalValues];
  if (a.referenceTypes) out['referenceTypes'] = [...a.referenceTypes];
  if (a.subAttributes) out['subAttributes'] = a.subAttributes.map(attributeJson);
  return out;
}

export function schemaJson(schema: SchemaDef, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_URN],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeJson),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function allSchemas(baseUrl: string): JsonObject[] {
  return SCHEMAS.map((s) => schemaJson(s, baseUrl));
}

export function findSchema(id: string, baseUrl: string): JsonObject | undefined {
  const s = schemaById(id);
  return s && schemaJson(s, baseUrl);
}

export function resourceTypeJson(rt: ResourceTypeDef, baseUrl: string): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

export function allResourceTypes(baseUrl: string): JsonObject[] {
  return Object.values(RESOURCE_TYPES).map((rt) => resourceTypeJson(rt, baseUrl));
}

export function serviceProviderConfig(baseUrl: string, limits: ServiceLimits): JsonObject {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_URN],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: limits.paging.maxCount },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'Authorization: Bearer <token>, with the SCIM token ScimDesk shows once. The raw token alone is accepted too.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}
