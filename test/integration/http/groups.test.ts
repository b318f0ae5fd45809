/**
 * Group membership at scale over HTTP: a 10 000-member group pushed with one replace PATCH,
 * single members added and removed in every form Okta and Entra send, user deletes, the users'
 * `groups` attribute, and the member / group filters. Correctness only — no timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, type ScimClient, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

const N = 10_000;

let t: TestServer;
let okta: ScimClient;
let entra: ScimClient;
/** ids[i] is the user `user.i@scale.test` with displayName `Scale User i`. */
const ids: string[] = [];
let outsider: string;

const q = (filter: string): string => `filter=${encodeURIComponent(filter)}`;

async function members(groupId: string): Promise<string[]> {
  const res = await okta.get(`/Groups/${groupId}`);
  expect(res.status).toBe(200);
  return (res.body.members as { value: string }[]).map((m) => m.value);
}

function sorted(list: Iterable<string>): string[] {
  return [...list].sort();
}

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
  entra = t.client('entra');
  for (let i = 0; i < N; i++) {
    ids.push(t.core.directory.create('User', { schemas: [USER_SCHEMA], userName: `user.${i}@scale.test`, displayName: `Scale User ${i}`, active: true }, 'okta').id);
  }
  outsider = t.core.directory.create('User', { schemas: [USER_SCHEMA], userName: 'outsider@scale.test', displayName: 'Outsider' }, 'okta').id;
});
afterAll(async () => t?.stop());

describe('a 10 000-member group', () => {
  let gid: string;
  /** The membership the group should have, maintained alongside every change. */
  const expected = new Set<string>();

  it('is filled with one replace PATCH of all members', async () => {
    const created = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone', members: [] });
    expect(created.status).toBe(201);
    gid = created.body.id;
    const res = await okta.patch(`/Groups/${gid}`, patchOp({ op: 'replace', path: 'members', value: ids.map((value) => ({ value })) }));
    expect([200, 204]).toContain(res.status);
    for (const id of ids) expected.add(id);

    const group = (await okta.get(`/Groups/${gid}`)).body;
    expect(group.members).toHaveLength(N);
    expect(sorted(group.members.map((m: { value: string }) => m.value))).toEqual(sorted(expected));
    const first = group.members.find((m: { value: string }) => m.value === ids[0]);
    expect(first).toEqual({ value: ids[0], $ref: `${t.base}/Users/${ids[0]}`, display: 'Scale User 0', type: 'User' });
  });

  it('an add of existing members adds no duplicates', async () => {
    await okta.patch(`/Groups/${gid}`, patchOp({ op: 'add', path: 'members', value: ids.slice(0, 50).map((value) => ({ value })) }));
    const list = await members(gid);
    expect(list).toHaveLength(N);
    expect(new Set(list).size).toBe(N);
  });

  it('adds one member with Entra\'s Add value:[{value}]', async () => {
    const res = await entra.patch(`/Groups/${gid}`, patchOp({ op: 'Add', path: 'members', value: [{ value: outsider }] }));
    expect([200, 204]).toContain(res.status);
    expected.add(outsider);
    const list = await members(gid);
    expect(list).toHaveLength(N + 1);
    expect(sorted(list)).toEqual(sorted(expected));
  });

  it('removes one member with Okta\'s members[value eq "…"], and nobody else', async () => {
    const victim = ids[4321]!;
    const res = await okta.patch(`/Groups/${gid}`, patchOp({ op: 'remove', path: `members[value eq "${victim}"]` }));
    expect([200, 204]).toContain(res.status);
    expected.delete(victim);
    const list = await members(gid);
    expect(list).toHaveLength(N);
    expect(list).not.toContain(victim);
    expect(sorted(list)).toEqual(sorted(expected));
  });

  it('removes one member with Entra\'s Remove value:[{value}], and nobody else', async () => {
    const victim = ids[9999]!;
    const res = await entra.patch(`/Groups/${gid}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: victim }] }));
    expect([200, 204]).toContain(res.status);
    expected.delete(victim);
    const list = await members(gid);
    expect(list).toHaveLength(N - 1);
    expect(sorted(list)).toEqual(sorted(expected));
  });

  it('removes two members joined with or, and re-adds one with Okta\'s add (with display) in the same PATCH', async () => {
    const [a, b] = [ids[1]!, ids[2]!];
    const res = await okta.patch(
      `/Groups/${gid}`,
      patchOp(
        { op: 'replace', value: { id: gid, displayName: 'Everyone' } },
        { op: 'remove', path: `members[value eq "${a}" or value eq "${b}"]` },
        { op: 'add', path: 'members', value: [{ value: ids[4321]!, display: 'user.4321@scale.test' }] },
      ),
    );
    expect([200, 204]).toContain(res.status);
    expected.delete(a);
    expected.delete(b);
    expected.add(ids[4321]!);
    const list = await members(gid);
    expect(list).toHaveLength(expected.size);
    expect(sorted(list)).toEqual(sorted(expected));
  });

  it('removing a non-member or an unknown id changes nobody', async () => {
    for (const op of [
      { op: 'remove', path: `members[value eq "${ids[1]}"]` },
      { op: 'remove', path: 'members[value eq "00000000-0000-0000-0000-000000000000"]' },
      { op: 'Remove', path: 'members', value: [{ value: ids[2] }] },
    ]) {
      const res = await okta.patch(`/Groups/${gid}`, patchOp(op));
      expect([200, 204]).toContain(res.status);
      expect(sorted(await members(gid))).toEqual(sorted(expected));
    }
  });

  it('deleting a user removes it from the group', async () => {
    const gone = ids[500]!;
    expect((await okta.delete(`/Users/${gone}`)).status).toBe(204);
    expected.delete(gone);
    const list = await members(gid);
    expect(list).not.toContain(gone);
    expect(sorted(list)).toEqual(sorted(expected));
    expect((await okta.get(`/Groups?${q(`members.value eq "${gone}"`)}`)).body.totalResults).toBe(0);
  });

  it('filters /Groups by members.value and /Users by groups.value', async () => {
    const byMember = await okta.get(`/Groups?${q(`members.value eq "${ids[42]}"`)}&excludedAttributes=members`);
    expect(byMember.status).toBe(200);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    expect(byMember.body.Resources[0]).not.toHaveProperty('members');
    expect((await okta.get(`/Groups?${q(`members.value eq "${ids[1]}"`)}`)).body.totalResults).toBe(0);

    const first = await okta.get(`/Users?${q(`groups.value eq "${gid}"`)}&count=1000`);
    expect(first.status).toBe(200);
    expect(first.body.totalResults).toBe(expected.size);
    expect(first.body.Resources).toHaveLength(1000);
    for (const u of first.body.Resources) {
      expect(expected.has(u.id)).toBe(true);
      expect(u.groups.map((g: { value: string }) => g.value)).toContain(gid);
    }
    expect((await okta.get(`/Users?${q(`groups.value eq "${gid}" and userName eq "user.1@scale.test"`)}`)).body.totalResults).toBe(0);
    expect((await okta.get(`/Users?${q(`groups.value eq "${gid}" and userName eq "user.3@scale.test"`)}`)).body.totalResults).toBe(1);
    // Every member is reachable by paging the filter.
    const all = new Set<string>();
    for (let start = 1; start <= expected.size; start += 1000) {
      const page = await okta.get(`/Users?${q(`groups.value eq "${gid}"`)}&startIndex=${start}&count=1000&attributes=id`);
      for (const u of page.body.Resources) all.add(u.id);
    }
    expect(sorted(all)).toEqual(sorted(expected));
  });

  it('a replace with an empty list empties it: members pr no longer finds it', async () => {
    expect((await okta.get(`/Groups?${q('members pr')}&excludedAttributes=members`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    const res = await okta.patch(`/Groups/${gid}`, patchOp({ op: 'replace', path: 'members', value: [] }));
    expect([200, 204]).toContain(res.status);
    expect(await members(gid)).toEqual([]);
    expect((await okta.get(`/Groups?${q('members pr')}`)).body.totalResults).toBe(0);
    expect((await okta.get(`/Users?${q(`groups.value eq "${gid}"`)}`)).body.totalResults).toBe(0);
    expect((await okta.get(`/Users/${ids[3]}`)).body.groups ?? []).toEqual([]);
  });
});

describe("a user's groups attribute", () => {
  let sales: string;
  let support: string;
  const u0 = (): string => ids[6000]!;
  const u1 = (): string => ids[6001]!;
  const u2 = (): string => ids[6002]!;

  beforeAll(async () => {
    sales = (await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales', members: [{ value: u0() }, { value: u1() }] })).body.id;
    support = (await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Support', members: [{ value: u1() }] })).body.id;
  });

  it('lists each group the user is in, with value, $ref, display and type', async () => {
    const user = (await okta.get(`/Users/${u1()}`)).body;
    expect(user.groups).toHaveLength(2);
    expect(user.groups).toEqual(
      expect.arrayContaining([
        { value: sales, $ref: `${t.base}/Groups/${sales}`, display: 'Sales', type: 'direct' },
        { value: support, $ref: `${t.base}/Groups/${support}`, display: 'Support', type: 'direct' },
      ]),
    );
    expect((await okta.get(`/Users/${u0()}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([sales]);
    expect((await okta.get(`/Users/${u2()}`)).body.groups ?? []).toEqual([]);
  });

  it('follows membership changes, renames and group deletes', async () => {
    await okta.patch(`/Groups/${support}`, patchOp({ op: 'add', path: 'members', value: [{ value: u2() }] }, { op: 'replace', path: 'displayName', value: 'Customer Support' }));
    expect((await okta.get(`/Users/${u2()}`)).body.groups).toEqual([{ value: support, $ref: `${t.base}/Groups/${support}`, display: 'Customer Support', type: 'direct' }]);
    await okta.patch(`/Groups/${sales}`, patchOp({ op: 'remove', path: `members[value eq "${u1()}"]` }));
    expect((await okta.get(`/Users/${u1()}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([support]);
    expect((await okta.delete(`/Groups/${support}`)).status).toBe(204);
    expect((await okta.get(`/Users/${u1()}`)).body.groups ?? []).toEqual([]);
    expect((await okta.get(`/Users/${u2()}`)).body.groups ?? []).toEqual([]);
    expect((await okta.get(`/Users/${u0()}`)).body.groups.map((g: { value: string }) => g.value)).toEqual([sales]);
  });

  it('filters by groups.value and members.value return exactly the right resources', async () => {
    const inSales = await okta.get(`/Users?${q(`groups.value eq "${sales}"`)}`);
    expect(inSales.body.Resources.map((u: { id: string }) => u.id)).toEqual([u0()]);
    const ofU0 = await okta.get(`/Groups?${q(`members.value eq "${u0()}"`)}`);
    expect(ofU0.body.Resources.map((g: { id: string }) => g.id)).toEqual([sales]);
    expect((await okta.get(`/Groups?${q(`members.value eq "${u1()}"`)}`)).body.totalResults).toBe(0);
    // The groups attribute on list results too.
    const listed = await okta.get(`/Users?${q(`userName eq "user.6000@scale.test"`)}`);
    expect(listed.body.Resources[0].groups.map((g: { value: string }) => g.value)).toEqual([sales]);
  });

  it('deleting a user removes it from every group', async () => {
    expect((await okta.delete(`/Users/${u0()}`)).status).toBe(204);
    expect(await members(sales)).toEqual([]);
    expect((await okta.get(`/Groups?${q('members pr')}`)).body.totalResults).toBe(0);
  });
});
