/**
 * The connection core the desktop UI and the CLI drive: connection state and token use, the
 * enable/disable behaviour over real HTTP, the panel's directory queries (search, status
 * filter, sort, paging), memberships, the activity log's filters, and coalesced events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivitySummary, DirectoryChangeEvent } from '../../../contract/model';
import { openStore } from '../../../server/store/database';
import { MIGRATIONS } from '../../../server/store/migrations/index';
import { oktaUser } from '../../../tools/idp/okta';
import { type TestController, startController } from '../../support/controller';
import { GROUP_SCHEMA, ScimClient, patchOp } from '../../../tools/scim-client';
import { tempDir } from '../../support/scim-server';

let t: TestController;
let okta: ScimClient;
let entra: ScimClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startController();
  const c = t.controller;
  okta = new ScimClient(c.status().scimUrl!, `Bearer ${(await c.core.connections.setEnabled('okta', true)).token}`);
  entra = new ScimClient(c.status().scimUrl!, `Bearer ${(await c.core.connections.setEnabled('entra', true)).token}`, { 'content-type': 'application/scim+json', 'user-agent': 'Azure AD SCIM' });
  const people = [
    ['ada@example.com', 'Ada Lovelace', true],
    ['grace@example.com', 'Grace Hopper', true],
    ['alan@example.com', 'Alan Turing', false],
    ['barbara@example.com', 'Barbara Liskov', true],
  ] as const;
  for (const [userName, displayName, active] of people) {
    const res = await okta.post('/Users', oktaUser(userName, { displayName, externalId: `ext-${userName}`, active, emails: [{ value: `work.${userName}`, type: 'work', primary: true }] }));
    ids[userName] = res.body.id;
  }
  const res = await entra.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'edsger@example.com', name: { givenName: 'Edsger', familyName: 'Dijkstra' }, active: true });
  ids['edsger@example.com'] = res.body.id;
  const g = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Pioneers', members: Object.values(ids).map((value) => ({ value })) });
  ids['Pioneers'] = g.body.id;
  await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Empty', members: [] });
});
afterAll(async () => t?.stop());

describe('connections', () => {
  it('reports each connection with its token use: when, from where, which client', async () => {
    await entra.get('/Users?count=1');
    const s = t.controller.status();
    expect(s.server).toMatchObject({ listening: true, localUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), error: null });
    expect(s.reachable).toBe('local-only');
    expect(s.secrets).toEqual({ kind: 'keychain', ok: true, message: null });
    const e = s.connections.find((c) => c.name === 'entra')!;
    expect(e).toMatchObject({ label: 'Microsoft Entra ID', enabled: true, hasToken: true, lastUsedIp: '127.0.0.1', lastUsedAgent: 'Azure AD SCIM' });
    expect(Date.parse(e.lastUsedAt!)).toBeGreaterThan(Date.parse(e.tokenCreatedAt!) - 1);
    expect(s.counts).toEqual({ users: 5, groups: 2 });
  });

  it('disabling one connection refuses its requests at once (403) and leaves the other working', async () => {
    await t.controller.core.connections.setEnabled('entra', false);
    const refused = await entra.get('/Users');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('Microsoft Entra ID connection is disabled');
    expect((await okta.get('/Users')).status).toBe(200);
    await t.controller.core.connections.setEnabled('entra', true);
    expect((await entra.get('/Users')).status).toBe(200);
  });
});

describe('users for the panel', () => {
  const names = (page: { items: readonly { userName: string }[] }): string[] => page.items.map((u) => u.userName);

  it('lists with name, email, status, source and dates', () => {
    const page = t.controller.panel.listUsers({ limit: 10 });
    expect(page.total).toBe(5);
    expect(page.items[0]).toMatchObject({
      userName: 'ada@example.com',
      name: 'Ada Lovelace',
      email: 'work.ada@example.com',
      active: true,
      externalId: 'ext-ada@example.com',
      source: 'okta',
      lastChangedBy: 'okta',
    });
    expect(page.items.find((u) => u.userName === 'edsger@example.com')).toMatchObject({ name: 'Edsger Dijkstra', email: null, source: 'entra' });
  });

  it('searches userName, name, email and externalId, case-insensitively', () => {
    expect(names(t.controller.panel.listUsers({ search: 'HOPPER' }))).toEqual(['grace@example.com']);
    expect(names(t.controller.panel.listUsers({ search: 'work.alan' }))).toEqual(['alan@example.com']);
    expect(names(t.controller.panel.listUsers({ search: 'ext-barbara@example.com' }))).toEqual(['barbara@example.com']);
    expect(names(t.controller.panel.listUsers({ search: 'dijkstra' }))).toEqual(['edsger@example.com']);
    expect(t.controller.panel.listUsers({ search: 'nobody' })).toEqual({ total: 0, offset: 0, items: [] });
  });

  it('filters by status', () => {
    expect(names(t.controller.panel.listUsers({ status: 'inactive' }))).toEqual(['alan@example.com']);
    expect(t.controller.panel.listUsers({ status: 'active' }).total).toBe(4);
  });

  it('sorts by each column, both ways, and pages', () => {
    expect(names(t.controller.panel.listUsers({ sort: 'userName' }))).toEqual(['ada@example.com', 'alan@example.com', 'barbara@example.com', 'edsger@example.com', 'grace@example.com']);
    expect(names(t.controller.panel.listUsers({ sort: 'name', order: 'desc' }))[0]).toBe('grace@example.com');
    expect(names(t.controller.panel.listUsers({ sort: 'email' }))[0]).toBe('edsger@example.com'); // no email sorts first ascending
    expect(names(t.controller.panel.listUsers({ sort: 'active' }))[0]).toBe('alan@example.com'); // deactivated (0) first
    // Descending reverses fully: okta before entra, and the newest okta user first.
    expect(names(t.controller.panel.listUsers({ sort: 'source', order: 'desc' }))).toEqual(['barbara@example.com', 'alan@example.com', 'grace@example.com', 'ada@example.com', 'edsger@example.com']);
    expect(names(t.controller.panel.listUsers({ sort: 'created', order: 'desc' }))[0]).toBe('edsger@example.com');
    const p1 = t.controller.panel.listUsers({ sort: 'userName', limit: 2 });
    const p2 = t.controller.panel.listUsers({ sort: 'userName', limit: 2, offset: 2 });
    expect([...names(p1), ...names(p2)]).toEqual(['ada@example.com', 'alan@example.com', 'barbara@example.com', 'edsger@example.com']);
    expect(p2).toMatchObject({ total: 5, offset: 2 });
  });

  it('shows one user with the SCIM resource, groups and the IdP requests that touched it', async () => {
    await okta.patch(`/Users/${ids['alan@example.com']}`, patchOp({ op: 'replace', value: { active: true } }));
    const d = t.controller.panel.getUser(ids['alan@example.com']!);
    expect(d.summary.active).toBe(true);
    expect(d.resource).toMatchObject({ userName: 'alan@example.com', active: true, meta: { resourceType: 'User' } });
    expect(d.groups).toEqual([{ id: ids['Pioneers'], displayName: 'Pioneers' }]);
    // The audit trail, oldest first: the Create, then the reactivation (before → after).
    expect(d.history.entries.map((h) => h.action)).toEqual(['create', 'reactivate']);
    expect(d.history.entries[0]!.changes).toContainEqual({ field: 'active', after: false });
    expect(d.history.entries.at(-1)).toMatchObject({ action: 'reactivate', connection: 'okta', target: 'alan@example.com', changes: [{ field: 'active', before: false, after: true }] });
    expect(() => t.controller.panel.getUser('missing')).toThrow(/No user with id missing/);
  });
});

describe('groups for the panel', () => {
  it('lists with member counts, searches and sorts', () => {
    const all = t.controller.panel.listGroups({});
    expect(all.items.map((g) => [g.displayName, g.memberCount])).toEqual([
      ['Empty', 0],
      ['Pioneers', 5],
    ]);
    expect(t.controller.panel.listGroups({ sort: 'members', order: 'desc' }).items[0]!.displayName).toBe('Pioneers');
    expect(t.controller.panel.listGroups({ search: 'pion' }).total).toBe(1);
  });

  it('shows one group with its members paged and searchable, without the full member list in the resource', () => {
    const g = t.controller.panel.getGroup(ids['Pioneers']!, { limit: 2 });
    expect(g.summary).toMatchObject({ displayName: 'Pioneers', memberCount: 5, source: 'okta' });
    expect(g.resource).not.toHaveProperty('members');
    expect(g.members.total).toBe(5);
    expect(g.members.items).toHaveLength(2);
    const searched = t.controller.panel.getGroup(ids['Pioneers']!, { search: 'grace' });
    expect(searched.members.items.map((m) => m.userName)).toEqual(['grace@example.com']);
    expect(searched.members.total).toBe(1);
  });
});

describe('activity for the panel', () => {
  it('filters by connection, action and status class, pages back, and lists refused requests apart', async () => {
    await new ScimClient(t.controller.status().scimUrl!, undefined).get('/Users');
    const refused = await t.controller.panel.listRefused();
    expect(refused[0]).toMatchObject({ status: 401, count: 1, sampleMethod: 'GET' });
    expect((await t.controller.panel.listActivity({ connection: 'entra' })).every((e) => e.connection === 'entra')).toBe(true);
    expect((await t.controller.panel.listActivity({ action: 'Create group' })).map((e) => e.status)).toEqual([201, 201]);
    expect((await t.controller.panel.listActivity({ status: 'client-error' })).every((e) => e.status >= 400 && e.status < 500)).toBe(true);
    const newest = await t.controller.panel.listActivity({ limit: 3 });
    const older = await t.controller.panel.listActivity({ limit: 3, beforeSeq: newest.at(-1)!.seq });
    expect(older[0]!.seq).toBeLessThan(newest.at(-1)!.seq);
    expect(await t.controller.panel.activityActions()).toEqual(expect.arrayContaining(['Create user', 'Create group', 'Reactivate user', 'List users']));
    const adaCreated = (await t.controller.panel.listActivity({ action: 'Create user', limit: 500 })).find((e) => e.target === 'ada@example.com')!;
    const detail = await t.controller.panel.getActivity(adaCreated.seq);
    expect(detail.requestBody).toContain('"password":"[redacted]"');
    expect(detail.userAgent).toBeTruthy();
    expect(detail.changes.find((c) => c.field === 'userName')).toEqual({ field: 'userName', after: 'ada@example.com' });
  });
});

describe('events', () => {
  it('coalesces a burst of IdP writes into a few directory and activity events that name them', async () => {
    const changes: DirectoryChangeEvent[] = [];
    const batches: (readonly ActivitySummary[])[] = [];
    const offs = [t.controller.on('directory', (d) => changes.push(d)), t.controller.on('activity', (a) => batches.push(a))];
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => okta.post('/Users', oktaUser(`burst${i}@example.com`, { externalId: `b${i}` }))));
    await new Promise((r) => setTimeout(r, 150));
    offs.forEach((off) => off());
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.length).toBeLessThan(40);
    const seen = new Set(changes.flatMap((c) => c.ids));
    for (const res of created) expect(seen.has(res.body.id)).toBe(true);
    // Each burst create arrives once in the activity events (entries recorded just before the
    // subscription, such as the seed's, may arrive too: they were pending, not lost).
    const burstIds = new Set(created.map((res) => res.body.id as string));
    const burstEntries = batches.flat().filter((e) => e.action === 'Create user' && burstIds.has(e.resourceId!));
    expect(burstEntries).toHaveLength(40);
    expect(new Set(burstEntries.map((e) => e.resourceId)).size).toBe(40);
  });
});

describe('migration 0002', () => {
  it('fills the panel columns of users stored before it, the same way new writes do', async () => {
    const dataDir = tempDir();
    const v1 = openStore({ dataDir, migrations: MIGRATIONS.slice(0, 1) });
    const insert = v1.prepare(`INSERT INTO users (id, user_name, user_name_ci, active, created, last_modified, version, data) VALUES (?, ?, ?, 1, 'x', 'x', 1, ?)`);
    insert.run('a', 'Old@Example.com', 'old@example.com', JSON.stringify({ userName: 'Old@Example.com', name: { givenName: 'Olive', familyName: 'Oldham' }, emails: [{ value: 'Home@X', type: 'home' }, { value: 'Work@X', type: 'work', primary: true }] }));
    insert.run('b', 'plain', 'plain', JSON.stringify({ userName: 'plain' }));
    v1.close();
    const after = await startController({ dataDir });
    try {
      const users = after.controller.panel.listUsers({ sort: 'email' }).items;
      expect(users.map((u) => [u.userName, u.name, u.email])).toEqual([
        ['plain', null, null],
        ['Old@Example.com', 'Olive Oldham', 'Work@X'],
      ]);
      expect(after.controller.panel.listUsers({ search: 'oldham' }).total).toBe(1);
      expect(after.controller.panel.listUsers({ search: 'work@x' }).total).toBe(1);
    } finally {
      await after.stop();
    }
  });
});
