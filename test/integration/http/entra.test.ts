/**
 * Microsoft Entra ID's provisioning sequence, replayed over HTTP against a real SQLite file and
 * the real keychain: Test Connection, the three lookups, create with the enterprise extension,
 * capitalised PATCH ops with string booleans, the manager as a bare id, value-path email
 * updates, the aadOptscim062020 dotted keys, group lookups and member Add/Remove, and DELETE.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entraAddMembers,
  entraClearManager,
  entraDisable,
  entraEnable,
  entraPathlessDotted,
  entraRemoveMembers,
  entraReplaceWorkEmail,
  entraSetManager,
  entraUser,
} from '../../../tools/idp/entra';
import { ENTERPRISE, ERROR_SCHEMA, GROUP_SCHEMA, type ScimClient, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let entra: ScimClient;

const q = (filter: string, extra = ''): string => `?filter=${encodeURIComponent(filter)}${extra}`;
const ids = (list: { id: string }[]): string[] => list.map((r) => r.id);
const memberIds = (group: { members?: { value: string }[] }): string[] => (group.members ?? []).map((m) => m.value).sort();

beforeAll(async () => {
  t = await startTestServer();
  entra = t.client('entra');
});
afterAll(async () => t?.stop());

describe('Entra ID user provisioning', () => {
  let userId: string;
  let managerId: string;

  it('passes Test Connection: a random GUID userName is an empty 200 list', async () => {
    const res = await entra.get(`/Users${q(`userName eq "${randomUUID()}"`)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  it('finds nobody by userName, externalId or work email before the create', async () => {
    for (const filter of ['userName eq "jo.smith@contoso.com"', 'externalId eq "jo-ext-1"', 'emails[type eq "work"].value eq "jo.smith@contoso.com"']) {
      const res = await entra.get(`/Users${q(filter)}`);
      expect(res.status, filter).toBe(200);
      expect(res.body.totalResults, filter).toBe(0);
    }
  });

  it('creates the user with the enterprise extension and roles:[] → 201, extension read back', async () => {
    const res = await entra.post('/Users', entraUser('jo.smith@contoso.com', 'jo-ext-1'));
    expect(res.status).toBe(201);
    userId = res.body.id;
    expect(res.headers.get('location')).toBe(`${t.base}/Users/${userId}`);
    expect(res.body.schemas).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE]));
    expect(res.body[ENTERPRISE]).toMatchObject({ employeeNumber: '1001', department: 'Research' });
    expect(res.body).toMatchObject({ userName: 'jo.smith@contoso.com', externalId: 'jo-ext-1', active: true, title: 'Engineer' });
    const read = await entra.get(`/Users/${userId}`);
    expect(read.status).toBe(200);
    expect(read.body[ENTERPRISE]).toMatchObject({ employeeNumber: '1001', department: 'Research' });
    expect(read.body.schemas).toContain(ENTERPRISE);
    // The manager that the other users will point at.
    const mgr = await entra.post('/Users', entraUser('boss@contoso.com', 'boss-ext', { displayName: 'The Boss' }));
    expect(mgr.status).toBe(201);
    managerId = mgr.body.id;
  });

  it('finds the user by userName (any case), by externalId and by emails[type eq "work"].value', async () => {
    const byName = await entra.get(`/Users${q('userName eq "JO.SMITH@contoso.com"')}`);
    expect(ids(byName.body.Resources)).toEqual([userId]);
    const byExt = await entra.get(`/Users${q('externalId eq "jo-ext-1"')}`);
    expect(ids(byExt.body.Resources)).toEqual([userId]);
    // externalId is caseExact: another case is another identifier.
    expect((await entra.get(`/Users${q('externalId eq "JO-EXT-1"')}`)).body.totalResults).toBe(0);
    const byMail = await entra.get(`/Users${q('emails[type eq "work"].value eq "jo.smith@contoso.com"')}`);
    expect(byMail.status).toBe(200);
    expect(ids(byMail.body.Resources)).toEqual([userId]);
    // A work email of another type does not match: both parts must hold for one element.
    expect((await entra.get(`/Users${q('emails[type eq "home"].value eq "jo.smith@contoso.com"')}`)).body.totalResults).toBe(0);
  });

  it('PATCHes with capitalised ops (Replace, Add, Remove)', async () => {
    const res = await entra.patch(
      `/Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'name.familyName', value: 'Smith-Jones' },
        { op: 'Add', path: 'title', value: 'Senior Engineer' },
        { op: 'Replace', path: 'displayName', value: 'Jo Smith-Jones' },
        { op: 'Remove', path: 'addresses' },
      ),
    );
    expect([200, 204]).toContain(res.status);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.name).toMatchObject({ familyName: 'Smith-Jones', givenName: 'Jo' });
    expect(user.title).toBe('Senior Engineer');
    expect(user.displayName).toBe('Jo Smith-Jones');
    expect(user).not.toHaveProperty('addresses');
  });

  it('disables with Replace active "False": stored and returned as boolean false', async () => {
    const res = await entra.patch(`/Users/${userId}`, entraDisable);
    expect([200, 204]).toContain(res.status);
    if (res.status === 200) expect(res.body.active).toBe(false);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.active).toBe(false);
    expect(typeof user.active).toBe('boolean');
    // Stored as a boolean: the boolean filter finds it, and the user is still visible.
    const inactive = await entra.get(`/Users${q('active eq false')}`);
    expect(ids(inactive.body.Resources)).toEqual([userId]);
    expect((await entra.get(`/Users${q('userName eq "jo.smith@contoso.com"')}`)).body.Resources[0].active).toBe(false);
  });

  it('enables with Replace active "True"', async () => {
    const res = await entra.patch(`/Users/${userId}`, entraEnable);
    expect([200, 204]).toContain(res.status);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.active).toBe(true);
    expect((await entra.get(`/Users${q('active eq false')}`)).body.totalResults).toBe(0);
  });

  it('sets the manager from a bare string id; it reads back as {value} under the enterprise URN', async () => {
    const res = await entra.patch(`/Users/${userId}`, entraSetManager(managerId));
    expect([200, 204]).toContain(res.status);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user[ENTERPRISE].manager).toMatchObject({ value: managerId });
    expect(typeof user[ENTERPRISE].manager).toBe('object');
    // The rest of the extension is untouched.
    expect(user[ENTERPRISE]).toMatchObject({ employeeNumber: '1001', department: 'Research' });
    // And the manager can be searched for.
    const managed = await entra.get(`/Users${q(`${ENTERPRISE}:manager.value eq "${managerId}"`)}`);
    expect(managed.status).toBe(200);
    expect(ids(managed.body.Resources)).toEqual([userId]);
  });

  it('clears the manager with ""', async () => {
    const res = await entra.patch(`/Users/${userId}`, entraClearManager);
    expect([200, 204]).toContain(res.status);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user[ENTERPRISE]).not.toHaveProperty('manager');
    expect(user[ENTERPRISE]).toMatchObject({ employeeNumber: '1001', department: 'Research' });
  });

  it('replaces the work email with Replace emails[type eq "work"].value', async () => {
    const res = await entra.patch(`/Users/${userId}`, entraReplaceWorkEmail('jo.smith-jones@contoso.com'));
    expect([200, 204]).toContain(res.status);
    const user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.emails).toEqual([{ primary: true, type: 'work', value: 'jo.smith-jones@contoso.com' }]);
    expect(user.userName).toBe('jo.smith@contoso.com');
    expect(ids((await entra.get(`/Users${q('emails[type eq "work"].value eq "jo.smith-jones@contoso.com"')}`)).body.Resources)).toEqual([userId]);
    expect((await entra.get(`/Users${q('emails[type eq "work"].value eq "jo.smith@contoso.com"')}`)).body.totalResults).toBe(0);
  });

  it('applies the aadOptscim062020 path-less replace with dotted keys and real booleans', async () => {
    const res = await entra.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { 'name.givenName': 'Jo' } }));
    expect([200, 204]).toContain(res.status);
    let user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.name).toMatchObject({ givenName: 'Jo', familyName: 'Smith-Jones' });
    // No attribute literally named "name.givenName" was created.
    expect(user).not.toHaveProperty(['name.givenName']);

    const res2 = await entra.patch(`/Users/${userId}`, entraPathlessDotted);
    expect([200, 204]).toContain(res2.status);
    user = (await entra.get(`/Users/${userId}`)).body;
    expect(user.name).toMatchObject({ givenName: 'Joanna', familyName: 'Smythe', formatted: 'Jo Smith' });
    expect(user.active).toBe(false);
    expect(Object.keys(user).filter((k) => k.includes('.') && !k.startsWith('urn:'))).toEqual([]);
  });

  it('deletes the user: 204, then 404 (also for lookups)', async () => {
    await entra.patch(`/Users/${userId}`, entraDisable); // Entra soft-deletes first
    const res = await entra.delete(`/Users/${userId}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const gone = await entra.get(`/Users/${userId}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    expect((await entra.get(`/Users${q('externalId eq "jo-ext-1"')}`)).body.totalResults).toBe(0);
    const again = await entra.delete(`/Users/${userId}`);
    expect(again.status).toBe(404);
    // The manager is still there.
    expect((await entra.get(`/Users/${managerId}`)).status).toBe(200);
  });
});

describe('Entra ID group provisioning', () => {
  let groupId: string;
  const users: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const res = await entra.post('/Users', entraUser(`member${i}@contoso.com`, `member-ext-${i}`, { displayName: `Member ${i}` }));
      expect(res.status).toBe(201);
      users.push(res.body.id);
    }
  });

  it('looks the group up by displayName with excludedAttributes=members, then creates it', async () => {
    const none = await entra.get(`/Groups${q('displayName eq "Engineering"', '&excludedAttributes=members')}`);
    expect(none.status).toBe(200);
    expect(none.body.totalResults).toBe(0);
    const res = await entra.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', externalId: 'grp-ext-1', members: [] });
    expect(res.status).toBe(201);
    groupId = res.body.id;
  });

  it('adds members with Add members value:[{value}] (add never replaces)', async () => {
    const res = await entra.patch(`/Groups/${groupId}`, entraAddMembers(users[0]!, users[1]!));
    expect([200, 204]).toContain(res.status);
    expect(memberIds((await entra.get(`/Groups/${groupId}`)).body)).toEqual([users[0]!, users[1]!].sort());
    await entra.patch(`/Groups/${groupId}`, entraAddMembers(users[2]!));
    expect(memberIds((await entra.get(`/Groups/${groupId}`)).body)).toEqual([...users].sort());
  });

  it('finds the group by displayName with excludedAttributes=members: no members key at all', async () => {
    const res = await entra.get(`/Groups${q('displayName eq "Engineering"', '&excludedAttributes=members')}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    const group = res.body.Resources[0];
    expect(group.id).toBe(groupId);
    expect(group.displayName).toBe('Engineering');
    expect(group).not.toHaveProperty('members');
    expect(res.text).not.toContain(users[0]!);
    // Without the exclusion the members are there.
    const full = await entra.get(`/Groups${q('displayName eq "Engineering"')}`);
    expect(memberIds(full.body.Resources[0])).toEqual([...users].sort());
    // The same holds for a GET by id.
    const byId = await entra.get(`/Groups/${groupId}?excludedAttributes=members`);
    expect(byId.body).not.toHaveProperty('members');
  });

  it('removes exactly the named members with Remove members value:[{value}]', async () => {
    const res = await entra.patch(`/Groups/${groupId}`, entraRemoveMembers(users[1]!));
    expect([200, 204]).toContain(res.status);
    expect(memberIds((await entra.get(`/Groups/${groupId}`)).body)).toEqual([users[0]!, users[2]!].sort());
    await entra.patch(`/Groups/${groupId}`, entraRemoveMembers(users[0]!, users[2]!));
    expect(memberIds((await entra.get(`/Groups/${groupId}`)).body)).toEqual([]);
    // The users themselves are untouched.
    for (const id of users) expect((await entra.get(`/Users/${id}`)).status).toBe(200);
  });

  it('renames with a capitalised Replace on displayName', async () => {
    const res = await entra.patch(`/Groups/${groupId}`, patchOp({ op: 'Replace', path: 'displayName', value: 'Engineering EMEA' }));
    expect([200, 204]).toContain(res.status);
    expect((await entra.get(`/Groups/${groupId}`)).body.displayName).toBe('Engineering EMEA');
  });

  it('deletes the group: 204, then 404', async () => {
    expect((await entra.delete(`/Groups/${groupId}`)).status).toBe(204);
    expect((await entra.get(`/Groups/${groupId}`)).status).toBe(404);
  });
});
