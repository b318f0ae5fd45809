/**
 * Okta's real request sequence, replayed over HTTP against a real SQLite file and the real
 * keychain: Test API Credentials, existence check, create, duplicate, get, PUT, deactivate and
 * reactivate, paging, and every group-push form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaAddMembers, oktaDeactivate, oktaExistsQuery, oktaGroup, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers, oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, type ScimClient, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

describe('Okta user provisioning', () => {
  let userId: string;

  it('passes Test API Credentials (users, then groups) on an empty directory', async () => {
    const users = await okta.get('/Users?startIndex=1&count=2');
    expect(users.status).toBe(200);
    expect(users.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(users.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    const groups = await okta.get('/Groups?startIndex=1&count=100');
    expect(groups.status).toBe(200);
    expect(groups.body.totalResults).toBe(0);
  });

  it('answers the existence check with an empty list, with %20 and with + for spaces', async () => {
    const a = await okta.get(oktaExistsQuery('test.user@okta.local'));
    expect(a.status).toBe(200);
    expect(a.body.totalResults).toBe(0);
    const b = await okta.get('/Users?filter=userName+eq+%22test.user%40okta.local%22&startIndex=1&count=100');
    expect(b.status).toBe(200);
    expect(b.body.Resources).toEqual([]);
  });

  it('creates the user: 201, full body, Location, no password', async () => {
    const res = await okta.post('/Users', oktaUser());
    expect(res.status).toBe(201);
    userId = res.body.id;
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('location')).toBe(`${t.base}/Users/${userId}`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body).toMatchObject({
      userName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      active: true,
      meta: { resourceType: 'User', location: `${t.base}/Users/${userId}`, version: 'W/"1"' },
    });
    expect(res.body.meta.created).toBe(res.body.meta.lastModified);
    expect(res.text).not.toContain('1mz050nq');
    expect(res.body).not.toHaveProperty('password');
  });

  it('finds the user by userName in any case, keeping the case it was sent with', async () => {
    const res = await okta.get(oktaExistsQuery('TEST.User@OKTA.local'));
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0].id).toBe(userId);
    expect(res.body.Resources[0].userName).toBe('test.user@okta.local');
  });

  it('refuses a duplicate userName in any case with 409 uniqueness', async () => {
    for (const name of ['test.user@okta.local', 'Test.User@Okta.Local']) {
      const res = await okta.post('/Users', oktaUser(name, { externalId: 'other' }));
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
      expect(res.body.detail).toContain(name);
    }
    expect((await okta.get('/Users')).body.totalResults).toBe(1);
  });

  it('gets the user by id; an unknown id is a 404 SCIM error', async () => {
    const res = await okta.get(`/Users/${userId}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(userId);
    const missing = await okta.get('/Users/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    expect(missing.body.detail).toBeTruthy();
  });

  it('updates the profile with PUT of the whole resource (as Okta GETs it, id and meta included)', async () => {
    const current = (await okta.get(`/Users/${userId}`)).body;
    const res = await okta.put(`/Users/${userId}`, { ...current, name: { givenName: 'Tess', familyName: 'User' }, title: 'Director', password: 'xyz' });
    expect(res.status).toBe(200);
    expect(res.body.name).toEqual({ givenName: 'Tess', familyName: 'User' });
    expect(res.body.title).toBe('Director');
    expect(res.body.meta.version).toBe('W/"2"');
    expect(res.body.meta.created).toBe(current.meta.created);
    expect(res.text).not.toContain('xyz');
    expect((await okta.get(`/Users/${userId}`)).body.title).toBe('Director');
  });

  it('deactivates with a path-less replace; the user stays visible to GET and filters', async () => {
    const res = await okta.patch(`/Users/${userId}`, oktaDeactivate);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await okta.get(`/Users/${userId}`)).body.active).toBe(false);
    const found = await okta.get(oktaExistsQuery('test.user@okta.local'));
    expect(found.body.Resources[0].active).toBe(false);
    const inactive = await okta.get(`/Users?filter=${encodeURIComponent('active eq false')}`);
    expect(inactive.body.Resources.map((u: { id: string }) => u.id)).toEqual([userId]);
  });

  it('reactivates', async () => {
    const res = await okta.patch(`/Users/${userId}`, oktaReactivate);
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(true);
  });

  it('accepts and discards a password change', async () => {
    const res = await okta.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { password: 'n3w-Secret!' } }));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('n3w-Secret!');
  });

  it('pages with count=100 and startIndex 1, 101, 201 in a stable order until totalResults', async () => {
    for (let i = 0; i < 249; i++) {
      const res = await okta.post('/Users', oktaUser(`page.user${String(i).padStart(3, '0')}@okta.local`, { externalId: `ext${i}` }));
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let total = Infinity;
    for (let start = 1; start <= total; start += 100) {
      const res = await okta.get(`/Users?startIndex=${start}&count=100`);
      expect(res.status).toBe(200);
      total = res.body.totalResults;
      expect(res.body.startIndex).toBe(start);
      expect(res.body.itemsPerPage).toBe(res.body.Resources.length);
      seen.push(...res.body.Resources.map((u: { id: string }) => u.id));
    }
    expect(total).toBe(250);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const again = await okta.get('/Users?startIndex=101&count=100');
    expect(again.body.Resources.map((u: { id: string }) => u.id)).toEqual(seen.slice(100, 200));
  });
});

describe('Okta group push', () => {
  let groupId: string;
  const members: { value: string; display: string }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const res = await okta.post('/Users', oktaUser(`push${i}@okta.local`, { externalId: `push${i}`, displayName: `Push ${i}` }));
      members.push({ value: res.body.id, display: `push${i}@okta.local` });
    }
  });

  it('checks the group does not exist, then creates it', async () => {
    const exists = await okta.get(`/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}`);
    expect(exists.body.totalResults).toBe(0);
    const res = await okta.post('/Groups', oktaGroup('Sales'));
    expect(res.status).toBe(201);
    groupId = res.body.id;
    expect(res.body).toMatchObject({ displayName: 'Sales', members: [], meta: { resourceType: 'Group', location: `${t.base}/Groups/${groupId}` } });
    expect(res.headers.get('location')).toBe(`${t.base}/Groups/${groupId}`);
  });

  it('adds members together with the rename Okta always sends (id inside the value)', async () => {
    const res = await okta.patch(`/Groups/${groupId}`, patchOp(oktaRename(groupId, 'Sales EMEA'), oktaAddMembers(members.slice(0, 2))));
    expect([200, 204]).toContain(res.status);
    const group = (await okta.get(`/Groups/${groupId}`)).body;
    expect(group.displayName).toBe('Sales EMEA');
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([members[0]!.value, members[1]!.value]);
    expect(group.members[0]).toMatchObject({ display: 'Push 0', type: 'User', $ref: `${t.base}/Users/${members[0]!.value}` });
  });

  it('a retried push that changes nothing keeps the version (ETag) and lastModified', async () => {
    const before = (await okta.get(`/Groups/${groupId}`)).body.meta;
    const res = await okta.patch(`/Groups/${groupId}`, patchOp(oktaRename(groupId, 'Sales EMEA'), oktaAddMembers(members.slice(0, 2))));
    expect(res.headers.get('etag')).toBe(before.version);
    expect((await okta.get(`/Groups/${groupId}`)).body.meta).toEqual(before);
  });

  it('add adds (never replaces) and is idempotent', async () => {
    await okta.patch(`/Groups/${groupId}`, patchOp(oktaRename(groupId, 'Sales EMEA'), oktaAddMembers([members[2]!, members[0]!])));
    const group = (await okta.get(`/Groups/${groupId}`)).body;
    expect(group.members.map((m: { value: string }) => m.value).sort()).toEqual(members.map((m) => m.value).sort());
  });

  it('removes one member by members[value eq "…"] and nobody else', async () => {
    await okta.patch(`/Groups/${groupId}`, patchOp(oktaRename(groupId, 'Sales EMEA'), oktaRemoveMember(members[1]!.value)));
    const group = (await okta.get(`/Groups/${groupId}`)).body;
    expect(group.members.map((m: { value: string }) => m.value).sort()).toEqual([members[0]!.value, members[2]!.value].sort());
  });

  it('shows the membership on the user', async () => {
    const user = (await okta.get(`/Users/${members[0]!.value}`)).body;
    expect(user.groups).toEqual([{ value: groupId, $ref: `${t.base}/Groups/${groupId}`, display: 'Sales EMEA', type: 'direct' }]);
  });

  it('a full push replaces the whole list; an empty list empties the group', async () => {
    await okta.patch(`/Groups/${groupId}`, patchOp(oktaReplaceMembers([members[1]!])));
    expect((await okta.get(`/Groups/${groupId}`)).body.members.map((m: { value: string }) => m.value)).toEqual([members[1]!.value]);
    await okta.patch(`/Groups/${groupId}`, patchOp(oktaReplaceMembers([])));
    expect((await okta.get(`/Groups/${groupId}`)).body.members).toEqual([]);
  });

  it('finds the group by name in any case; excludedAttributes=members leaves the key out', async () => {
    const res = await okta.get(`/Groups?filter=${encodeURIComponent('displayName eq "sales emea"')}&excludedAttributes=members`);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).not.toHaveProperty('members');
    expect(res.body.Resources[0].displayName).toBe('Sales EMEA');
  });

  it('deletes the group: DELETE with a scim+json content type and no body is 204, then 404', async () => {
    const res = await okta.delete(`/Groups/${groupId}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const gone = await okta.get(`/Groups/${groupId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.schemas).toEqual([ERROR_SCHEMA]);
    // The users are untouched.
    expect((await okta.get(`/Users/${members[0]!.value}`)).status).toBe(200);
  });
});
