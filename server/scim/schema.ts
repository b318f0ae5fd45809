/**
 * The SCIM schemas this server implements (RFC 7643 §4 and §8.7.1): one source of truth for
 * the /Schemas and /ResourceTypes answers and for how attributes are validated, matched,
 * filtered, patched and returned.
 */

export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SERVICE_PROVIDER_CONFIG_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDef[];
}

export interface SchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDef[];
}

export type ResourceTypeName = 'User' | 'Group';

export interface ResourceTypeDef {
  readonly id: ResourceTypeName;
  readonly name: ResourceTypeName;
  readonly endpoint: '/Users' | '/Groups';
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { schema: string; required: boolean }[];
}

type Opts = Partial<Omit<AttributeDef, 'name' | 'type' | 'description' | 'subAttributes'>>;

function attr(name: string, type: AttributeType, description: string, opts: Opts = {}, subAttributes?: AttributeDef[]): AttributeDef {
  const def: AttributeDef = {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...opts,
    ...(subAttributes ? { subAttributes } : {}),
  };
  return def;
}

const str = (name: string, description: string, opts: Opts = {}): AttributeDef => attr(name, 'string', description, opts);

/** The sub-attributes shared by emails, phoneNumbers, ims, photos, entitlements, roles, x509Certificates. */
function multiValuedOf(name: string, description: string, valueType: AttributeType, types: readonly string[], extra: Opts = {}): AttributeDef {
  return attr(name, 'complex', description, { multiValued: true, ...extra }, [
    attr('value', valueType, `The value of the ${name} entry.`),
    str('display', 'A human-readable name, primarily used for display purposes.'),
    str('type', 'A label indicating the function of the entry.', types.length ? { canonicalValues: types } : {}),
    attr('primary', 'boolean', 'Whether this is the primary entry of the attribute.'),
  ]);
}

const USER_ATTRIBUTES: AttributeDef[] = [
  str('userName', 'Unique identifier for the User, typically used to authenticate. Matched case-insensitively.', {
    required: true,
    uniqueness: 'server',
  }),
  attr('name', 'complex', "The components of the user's real name.", {}, [
    str('formatted', 'The full name, formatted for display.'),
    str('familyName', 'The family name of the User.'),
    str('givenName', 'The given name of the User.'),
    str('middleName', 'The middle name(s) of the User.'),
    str('honorificPrefix', 'The honorific prefix(es) of the User.'),
    str('honorificSuffix', 'The honorific suffix(es) of the User.'),
  ]),
  str('displayName', 'The name of the User, suitable for display to end-users.'),
  str('nickName', 'The casual way to address the user.'),
  attr('profileUrl', 'reference', "A fully qualified URL pointing to the User's online profile.", { referenceTypes: ['external'] }),
  str('title', "The user's title, such as 'Vice President'."),
  str('userType', 'Used to identify the relationship between the organization and the user.'),
  str('preferredLanguage', "The User's preferred written or spoken language."),
  str('locale', "The User's default location for localizing items."),
  str('timezone', "The User's time zone in the 'Olson' time zone database format."),
  attr('active', 'boolean', "The User's administrative status."),
  str('password', 'The User\'s cleartext password. Accepted and discarded: never stored, never returned.', {
    mutability: 'writeOnly',
    returned: 'never',
  }),
  multiValuedOf('emails', 'Email addresses for the user.', 'string', ['work', 'home', 'other']),
  multiValuedOf('phoneNumbers', 'Phone numbers for the User.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multiValuedOf('ims', 'Instant messaging addresses for the User.', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  multiValuedOf('photos', 'URLs of photos of the User.', 'reference', ['photo', 'thumbnail']),
  attr('addresses', 'complex', 'A physical mailing address for this User.', { multiValued: true }, [
    str('formatted', 'The full mailing address, formatted for display.'),
    str('streetAddress', 'The full street address component.'),
    str('locality', 'The city or locality component.'),
    str('region', 'The state or region component.'),
    str('postalCode', 'The zip code or postal code component.'),
    str('country', 'The country name component.'),
    str('type', 'A label indicating the function of the address.', { canonicalValues: ['work', 'home', 'other'] }),
    attr('primary', 'boolean', 'Whether this is the primary address.'),
  ]),
  attr('groups', 'complex', 'A list of groups to which the user belongs. Managed through the Group resource.', { multiValued: true, mutability: 'readOnly' }, [
    str('value', 'The identifier of the User\'s group.', { mutability: 'readOnly' }),
    attr('$ref', 'reference', 'The URI of the corresponding Group resource.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
    str('display', 'A human-readable name of the group.', { mutability: 'readOnly' }),
    str('type', "How the membership is derived: 'direct'.", { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
  ]),
  multiValuedOf('entitlements', 'A list of entitlements for the User.', 'string', []),
  multiValuedOf('roles', 'A list of roles for the User.', 'string', []),
  multiValuedOf('x509Certificates', 'A list of certificates issued to the User.', 'binary', []),
];

const ENTERPRISE_USER_ATTRIBUTES: AttributeDef[] = [
  str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
  str('costCenter', 'Identifies the name of a cost center.'),
  str('organization', 'Identifies the name of an organization.'),
  str('division', 'Identifies the name of a division.'),
  str('department', 'Identifies the name of a department.'),
  attr('manager', 'complex', "The User's manager. A plain string id is accepted and stored as {value}.", {}, [
    str('value', 'The id of the SCIM resource representing the User\'s manager.', { caseExact: true }),
    attr('$ref', 'reference', 'The URI of the SCIM resource representing the User\'s manager.', { referenceTypes: ['User'] }),
    str('displayName', 'The displayName of the User\'s manager.', { mutability: 'readOnly' }),
  ]),
];

const GROUP_ATTRIBUTES: AttributeDef[] = [
  str('displayName', 'A human-readable name for the Group. Unique on this server, matched case-insensitively.', {
    required: true,
    uniqueness: 'server',
  }),
  attr('members', 'complex', 'A list of members of the Group (Users).', { multiValued: true }, [
    str('value', 'Identifier of the member of this Group.', { mutability: 'immutable', caseExact: true }),
    attr('$ref', 'reference', 'The URI of the member resource.', { mutability: 'immutable', referenceTypes: ['User'] }),
    str('display', 'A human-readable name of the member.', { mutability: 'readOnly' }),
    str('type', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User'] }),
  ]),
];

/** Attributes every resource has (RFC 7643 §3.1), not part of any schema's attribute list. */
export const COMMON_ATTRIBUTES: readonly AttributeDef[] = [
  str('id', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'An identifier for the resource as defined by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', { mutability: 'readOnly' }, [
    str('resourceType', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
    attr('created', 'dateTime', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
    attr('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
    attr('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly' }),
    str('version', 'The weak entity tag of the resource.', { caseExact: true, mutability: 'readOnly' }),
  ]),
];

export const SCHEMAS: readonly SchemaDef[] = [
  { id: USER_URN, name: 'User', description: 'User Account', attributes: USER_ATTRIBUTES },
  { id: ENTERPRISE_USER_URN, name: 'EnterpriseUser', description: 'Enterprise User', attributes: ENTERPRISE_USER_ATTRIBUTES },
  { id: GROUP_URN, name: 'Group', description: 'Group', attributes: GROUP_ATTRIBUTES },
];

export const RESOURCE_TYPES: Readonly<Record<ResourceTypeName, ResourceTypeDef>> = {
  User: {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_URN,
    schemaExtensions: [{ schema: ENTERPRISE_USER_URN, required: false }],
  },
  Group: { id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_URN, schemaExtensions: [] },
};

export function schemaById(urn: string): SchemaDef | undefined {
  const wanted = urn.toLowerCase();
  return SCHEMAS.find((s) => s.id.toLowerCase() === wanted);
}

/**
 * Each attribute list indexed by lower-cased name, built on first use. A body's every key (and
 * sub-key) is looked up here; lower-casing the whole list on each lookup was ~10 % of a create.
 */
const byLowerName = new WeakMap<readonly AttributeDef[], Map<string, AttributeDef>>();

export function findAttribute(list: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (!list) return undefined;
  let index = byLowerName.get(list);
  if (!index) {
    index = new Map();
    for (const a of list) if (!index.has(a.name.toLowerCase())) index.set(a.name.toLowerCase(), a);
    byLowerName.set(list, index);
  }
  return index.get(name.toLowerCase());
}

const coreAttributes: Partial<Record<ResourceTypeName, readonly AttributeDef[]>> = {};

/** The attributes addressable without a URN prefix for this resource type: common + core (one list per type). */
export function coreAttributesOf(type: ResourceTypeName): readonly AttributeDef[] {
  let list = coreAttributes[type];
  if (!list) {
    const core = schemaById(RESOURCE_TYPES[type].schema);
    list = Object.freeze([...COMMON_ATTRIBUTES, ...(core?.attributes ?? [])]);
    coreAttributes[type] = list;
  }
  return list;
}

/** Whether a URN names one of this resource type's extension schemas (case-insensitive), and which. */
export function extensionOf(type: ResourceTypeName, urn: string): string | undefined {
  const wanted = urn.toLowerCase();
  return RESOURCE_TYPES[type].schemaExtensions.find((e) => e.schema.toLowerCase() === wanted)?.schema;
}
