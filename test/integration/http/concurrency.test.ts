/**
 * Concurrent requests over real HTTP: racing creates of one userName (in varying case) give
 * exactly one user, and concurrent writes to one resource lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, GROUP_SCHEMA, type ScimClient, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;

/** The i-th case variant of a name: each letter upper-cased where bit (i + position) is set. */
function caseVariant(name: string, i: number): string {
  return [...name].map((ch, pos) => (((i * 7 + pos) >> (pos % 5)) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

describe('racing creates', () => {
  it('50 concurrent POST /Users of one userName in varying case → one 201, 49 409 uniqueness, one user stored', async () => {
    const base = 'race.condition@example.com';
    const names = Array.from({ length: 50 }, (_, i) => (i === 0 ? base : caseVariant(base, i)));
    expect(new Set(names).size).toBeGreaterThan(10); // really varying case
    const clients = [okta, t.client('entra')];
    const results = await Promise.all(names.map((name, i) => clients[i % 2]!.post('/Users', oktaUser(name, { externalId: `race-${i}` }))));

    const created = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(49);
    for (const r of conflicts) {
      expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    }

    const winner = created[0]!.body;
    const list = await okta.get(`/Users?filter=${encodeURIComponent(`userName eq "${base}"`)}`);
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0].id).toBe(winner.id);
    expect(list.body.Resources[0].userName).toBe(winner.userName);
    expect((await okta.get('/Users?count=0')).body.totalResults).toBe(1);
    expect(t.core.directory.counts().users).toBe(1);
  });

  it('50 concurrent POST /Groups of one displayName → one 201, 49 409, one group stored', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: caseVariant('Race Group', i), members: [] })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body?.scimType === 'uniqueness')).toHaveLength(49);
    expect((await okta.get(`/Groups?filter=${encodeURIComponent('displayName eq "race group"')}`)).body.totalResults).toBe(1);
    expect(t.core.directory.counts().groups).toBe(1);
  });
});

describe('concurrent writes to one resource', () => {
  it('50 concurrent PATCH adds of distinct emails to one user: none is lost', async () => {
    const user = (await okta.post('/Users', oktaUser('many.mails@example.com', { externalId: 'many', emails: [] }))).body;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => okta.patch(`/Users/${user.id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: `alias${i}@example.com`, type: 'other' }] }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const final = (await okta.get(`/Users/${user.id}`)).body;
    expect(final.emails.map((e: { value: string }) => e.value).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `alias${i}@example.com`).sort());
    expect(final.meta.version).toBe('W/"51"');
    // Each answer carried a distinct version.
    expect(new Set(results.map((r) => r.headers.get('etag'))).size).toBe(50);
  });

  it('50 concurrent member adds to one group (okta and entra interleaved): every member is there', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(t.core.directory.create('User', { schemas: [USER_SCHEMA], userName: `member.${i}@example.com` }, 'okta').id);
    const group = (await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Concurrent members' })).body;
    const clients = [okta, t.client('entra')];
    const results = await Promise.all(
      ids.map((id, i) => clients[i % 2]!.patch(`/Groups/${group.id}`, patchOp({ op: i % 2 ? 'Add' : 'add', path: 'members', value: [{ value: id }] }))),
    );
    expect(results.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const final = (await okta.get(`/Groups/${group.id}`)).body;
    expect(final.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
  });
});
