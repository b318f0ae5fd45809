/**
 * RFC 7644 §4 discovery over HTTP — /ServiceProviderConfig, /ResourceTypes, /Schemas — and
 * whether what it claims is what the server does: the filter result cap, sorting, ETags,
 * attribute case rules, uniqueness, and passwords never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { ENTERPRISE, ERROR_SCHEMA, GROUP_SCHEMA, type ScimClient, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

const SPC_URN = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_URN = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

let t: TestServer;
let okta: ScimClient;

interface AttrDef {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: string;
  returned: string;
  uniqueness: string;
  subAttributes?: AttrDef[];
}

async function schemaAttr(urn: string, name: string): Promise<AttrDef> {
  const res = await okta.get(`/Schemas/${urn}`);
  expect(res.status).toBe(200);
  const attr = (res.body.attributes as AttrDef[]).find((a) => a.name === name);
  expect(attr, `${urn} defines ${name}`).toBeDefined();
  return attr!;
}

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

describe('/ServiceProviderConfig', () => {
  it('declares patch supported, bulk not, filter supported with a maxResults, sort and etag', async () => {
    const res = await okta.get('/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    const spc = res.body;
    expect(spc.schemas).toEqual([SPC_URN]);
    expect(spc.patch).toEqual({ supported: true });
    expect(spc.bulk.supported).toBe(false);
    expect(spc.filter.supported).toBe(true);
    expect(Number.isInteger(spc.filter.maxResults)).toBe(true);
    expect(spc.filter.maxResults).toBeGreaterThan(0);
    expect(typeof spc.changePassword.supported).toBe('boolean');
    expect(typeof spc.sort.supported).toBe('boolean');
    expect(typeof spc.etag.supported).toBe('boolean');
    expect(spc.authenticationSchemes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'oauthbearertoken' })]));
    expect(spc.meta).toMatchObject({ resourceType: 'ServiceProviderConfig', location: `${t.base}/ServiceProviderConfig` });
  });

  it('bulk not supported is true: /Bulk answers 501', async () => {
    const res = await okta.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] });
    expect(res.status).toBe(501);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  });

  it('filter.maxResults is the real cap: count=5000 returns at most that many, with an honest itemsPerPage', async () => {
    const max: number = (await okta.get('/ServiceProviderConfig')).body.filter.maxResults;
    const total = max + 37;
    for (let i = 0; i < total; i++) {
      t.core.directory.create('User', { schemas: [USER_SCHEMA], userName: `cap.${String(i).padStart(5, '0')}@x.com`, active: true }, 'okta');
    }
    const res = await okta.get('/Users?count=5000');
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(total);
    expect(res.body.Resources.length).toBe(max);
    expect(res.body.itemsPerPage).toBe(res.body.Resources.length);
    expect(res.body.startIndex).toBe(1);

    // With a filter too, and the rest is reachable by paging.
    const filtered = await okta.get(`/Users?filter=${encodeURIComponent('userName sw "cap."')}&count=5000`);
    expect(filtered.body.totalResults).toBe(total);
    expect(filtered.body.Resources.length).toBe(max);
    expect(filtered.body.itemsPerPage).toBe(max);
    const rest = await okta.get(`/Users?filter=${encodeURIComponent('userName sw "cap."')}&count=5000&startIndex=${max + 1}`);
    expect(rest.body.Resources.length).toBe(37);
    expect(rest.body.itemsPerPage).toBe(37);
    const seen = new Set([...filtered.body.Resources, ...rest.body.Resources].map((u: { id: string }) => u.id));
    expect(seen.size).toBe(total);

    // A count at the cap is honoured exactly; a smaller one too.
    expect((await okta.get(`/Users?count=${max}`)).body.itemsPerPage).toBe(max);
    expect((await okta.get('/Users?count=7')).body.itemsPerPage).toBe(7);
    // .search obeys the same cap.
    const search = await okta.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 5000 });
    expect(search.status).toBe(200);
    expect(search.body.Resources.length).toBe(max);
    expect(search.body.itemsPerPage).toBe(max);
  });

  it('sort supported is true: sortBy=userName orders the results', async () => {
    const spc = (await okta.get('/ServiceProviderConfig')).body;
    expect(spc.sort.supported).toBe(true);
    const asc = await okta.get(`/Users?filter=${encodeURIComponent('userName sw "cap.0000"')}&sortBy=userName&sortOrder=ascending`);
    const desc = await okta.get(`/Users?filter=${encodeURIComponent('userName sw "cap.0000"')}&sortBy=userName&sortOrder=descending`);
    const names = (r: { body: { Resources: { userName: string }[] } }) => r.body.Resources.map((u) => u.userName);
    expect(names(asc)).toHaveLength(10);
    expect(names(asc)).toEqual([...names(asc)].sort());
    expect(names(desc)).toEqual([...names(asc)].reverse());
  });

  it('etag supported is true: resources carry an ETag and meta.version that change on write', async () => {
    const spc = (await okta.get('/ServiceProviderConfig')).body;
    expect(spc.etag.supported).toBe(true);
    const created = await okta.post('/Users', oktaUser('etag.disc@x.com', { externalId: 'etag-disc' }));
    const etag = created.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(created.body.meta.version).toBe(etag);
    const patched = await okta.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', value: { title: 'New' } }));
    expect(patched.headers.get('etag')).not.toBe(etag);
    expect(patched.body.meta.version).toBe(patched.headers.get('etag'));
  });
});

describe('/ResourceTypes', () => {
  it('lists User (with the enterprise extension) and Group', async () => {
    const res = await okta.get('/ResourceTypes');
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([LIST_URN]);
    expect(res.body.totalResults).toBe(2);
    expect(res.body.itemsPerPage).toBe(2);
    const byId = Object.fromEntries(res.body.Resources.map((r: { id: string }) => [r.id, r]));
    expect(byId['User']).toMatchObject({
      schemas: [RESOURCE_TYPE_URN],
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
      meta: { resourceType: 'ResourceType', location: `${t.base}/ResourceTypes/User` },
    });
    expect(byId['Group']).toMatchObject({ schemas: [RESOURCE_TYPE_URN], name: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA });
    expect(byId['Group'].schemaExtensions ?? []).toEqual([]);
  });

  it('serves each resource type at its meta.location; an unknown one is a 404', async () => {
    for (const id of ['User', 'Group']) {
      const res = await okta.get(`/ResourceTypes/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(id);
    }
    const missing = await okta.get('/ResourceTypes/Device');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('each endpoint it names answers', async () => {
    const types = (await okta.get('/ResourceTypes')).body.Resources as { endpoint: string }[];
    for (const { endpoint } of types) expect((await okta.get(`${endpoint}?count=1`)).status).toBe(200);
  });
});

describe('/Schemas', () => {
  const URNS = [USER_SCHEMA, ENTERPRISE, GROUP_SCHEMA];

  it('lists the User, EnterpriseUser and Group schemas', async () => {
    const res = await okta.get('/Schemas');
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([LIST_URN]);
    expect(res.body.Resources.map((s: { id: string }) => s.id).sort()).toEqual([...URNS].sort());
    expect(res.body.totalResults).toBe(3);
    for (const s of res.body.Resources) {
      expect(s.schemas).toEqual([SCHEMA_URN]);
      expect(Array.isArray(s.attributes)).toBe(true);
      expect(s.attributes.length).toBeGreaterThan(0);
    }
  });

  it('serves /Schemas/{urn} for each URN, equal to its list entry', async () => {
    const list = (await okta.get('/Schemas')).body.Resources as { id: string }[];
    for (const urn of URNS) {
      const res = await okta.get(`/Schemas/${urn}`);
      expect(res.status, urn).toBe(200);
      expect(res.body.id).toBe(urn);
      expect(res.body.meta).toMatchObject({ resourceType: 'Schema', location: `${t.base}/Schemas/${urn}` });
      expect(res.body).toEqual(list.find((s) => s.id === urn));
    }
  });

  it('an unknown schema is a 404 SCIM error', async () => {
    for (const urn of ['urn:ietf:params:scim:schemas:core:2.0:Device', 'urn:example:nothing', 'NotAUrn']) {
      const res = await okta.get(`/Schemas/${urn}`);
      expect(res.status, urn).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    }
  });

  it('every attribute definition is complete (RFC 7643 §7)', async () => {
    const check = (a: AttrDef, where: string): void => {
      expect(typeof a.name, where).toBe('string');
      expect(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'], `${where}.type`).toContain(a.type);
      for (const k of ['multiValued', 'required', 'caseExact'] as const) expect(typeof a[k], `${where}.${k}`).toBe('boolean');
      expect(['readOnly', 'readWrite', 'immutable', 'writeOnly'], `${where}.mutability`).toContain(a.mutability);
      expect(['always', 'never', 'default', 'request'], `${where}.returned`).toContain(a.returned);
      expect(['none', 'server', 'global'], `${where}.uniqueness`).toContain(a.uniqueness);
      if (a.type === 'complex') expect(a.subAttributes?.length, `${where} has sub-attributes`).toBeGreaterThan(0);
      for (const s of a.subAttributes ?? []) check(s, `${where}.${s.name}`);
    };
    for (const s of (await okta.get('/Schemas')).body.Resources) for (const a of s.attributes) check(a, `${s.name}.${a.name}`);
  });
});

describe('the attribute definitions are truthful', () => {
  it('userName: required, caseExact false, uniqueness server — and the server behaves so', async () => {
    const userName = await schemaAttr(USER_SCHEMA, 'userName');
    expect(userName).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });

    const res = await okta.post('/Users', oktaUser('Truth.Teller@Example.com', { externalId: 'truth' }));
    expect(res.status).toBe(201);
    // caseExact false: matched in any case (and stored as sent).
    const found = await okta.get(`/Users?filter=${encodeURIComponent('userName eq "truth.teller@example.COM"')}`);
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([res.body.id]);
    expect(found.body.Resources[0].userName).toBe('Truth.Teller@Example.com');
    // uniqueness server: another case is a duplicate.
    const dup = await okta.post('/Users', oktaUser('TRUTH.TELLER@example.com', { externalId: 'truth2' }));
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe('uniqueness');
    // required: a user without one is refused.
    const { userName: _omit, ...noName } = oktaUser('x@x.com');
    const missing = await okta.post('/Users', noName);
    expect(missing.status).toBe(400);
  });

  it('password: writeOnly, returned never — never returned, even when asked for', async () => {
    const password = await schemaAttr(USER_SCHEMA, 'password');
    expect(password).toMatchObject({ returned: 'never', mutability: 'writeOnly' });

    const res = await okta.post('/Users?attributes=password,userName', oktaUser('pw.never@x.com', { password: 'Sup3r-s3cret-pw', externalId: 'pw' }));
    expect(res.status).toBe(201);
    expect(res.text).not.toContain('Sup3r-s3cret-pw');
    expect(res.body).not.toHaveProperty('password');
    for (const path of [`/Users/${res.body.id}`, `/Users/${res.body.id}?attributes=password`, `/Users?filter=${encodeURIComponent('userName eq "pw.never@x.com"')}&attributes=password`]) {
      const read = await okta.get(path);
      expect(read.status, path).toBe(200);
      expect(read.text, path).not.toContain('Sup3r-s3cret-pw');
      expect(read.text, path).not.toContain('"password"');
    }
    // Nor can it be filtered on (it is not stored, so nothing can match).
    const byPw = await okta.get(`/Users?filter=${encodeURIComponent('password eq "Sup3r-s3cret-pw"')}`);
    expect(byPw.body?.totalResults ?? 0).toBe(0);
  });

  it('Group displayName: required, caseExact false, uniqueness server — and the server behaves so', async () => {
    const displayName = await schemaAttr(GROUP_SCHEMA, 'displayName');
    expect(displayName).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' });
    expect((await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Finance' })).status).toBe(201);
    const dup = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'FINANCE' });
    expect(dup.status).toBe(409);
    expect(dup.body.scimType).toBe('uniqueness');
    expect((await okta.post('/Groups', { schemas: [GROUP_SCHEMA] })).status).toBe(400);
  });

  it('User groups: readOnly — a client cannot set it on the user', async () => {
    const groups = await schemaAttr(USER_SCHEMA, 'groups');
    expect(groups).toMatchObject({ multiValued: true, mutability: 'readOnly' });
    const g = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'ReadOnly test' });
    const res = await okta.post('/Users', oktaUser('ro.groups@x.com', { externalId: 'ro', groups: [{ value: g.body.id }] }));
    expect(res.status).toBe(201);
    expect(res.body.groups ?? []).toEqual([]);
    expect((await okta.get(`/Groups/${g.body.id}`)).body.members).toEqual([]);
  });

  it('the enterprise extension defines what Entra sends (employeeNumber, department, manager.value)', async () => {
    const res = await okta.get(`/Schemas/${ENTERPRISE}`);
    const names = (res.body.attributes as AttrDef[]).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['employeeNumber', 'department', 'manager']));
    const manager = (res.body.attributes as AttrDef[]).find((a) => a.name === 'manager')!;
    expect(manager.type).toBe('complex');
    expect(manager.subAttributes!.map((s) => s.name)).toContain('value');
  });
});
