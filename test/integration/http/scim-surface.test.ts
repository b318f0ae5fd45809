/**
 * The SCIM surface as Okta meets it — a real `serve` process (the CLI, a real SQLite file)
 * reached through its localtunnel client and a tunnel server on loopback that routes by Host:
 * what belongs to the server stays the server's (`schemas`), entity tags follow membership (a
 * user's `groups` and a group's `members` are part of each), and a query parameter given twice
 * in different case is refused, not silently resolved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaAddMembers, oktaGroup, oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, OKTA_HEADERS, ScimClient, type ScimResponse, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { cliProcesses } from '../../support/cli-process';

const SUBDOMAIN = 'surface-scim';
const { newDir, enable, start, waitFor } = cliProcesses({ limitMs: 60_000, cleanup: 'all' });

let tunnel: TestTunnelServer;
let okta: ScimClient;

beforeAll(async () => {
  const dataDir = newDir('scimdesk-surface-');
  const { token } = await enable(dataDir, { args: ['--secret-store', 'file'] });
  tunnel = await TestTunnelServer.start();
  const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--secret-store', 'file', '--log-level', 'warn', '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', SUBDOMAIN]);
  await waitFor(run, /tunnel: online at \S+\nSCIM base URL: \S+\n/, 'tunnel online');
  okta = new ScimClient(`http://${SUBDOMAIN}.localhost:${tunnel.port}/scim/v2`, `Bearer ${token}`, OKTA_HEADERS, { keepAlive: true });
}, 90_000);
afterAll(async () => tunnel?.close());

let n = 0;
async function newUser(): Promise<{ id: string; etag: string }> {
  const res = await okta.post('/Users', oktaUser(`surface${++n}@example.com`));
  expect(res.status, res.text).toBe(201);
  return { id: res.body.id as string, etag: res.headers.get('etag')! };
}

function expectError(res: ScimResponse, status: number, scimType: string, detail: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  expect(res.body.scimType).toBe(scimType);
  expect(res.body.detail).toMatch(detail);
}

describe('schemas belongs to the server', () => {
  it('PATCH path "schemas" → 400 mutability, and the user still reads with its real schemas list', async () => {
    const { id } = await newUser();
    const res = await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'schemas', value: 'notalist' }));
    expectError(res, 400, 'mutability', /schemas/);
    const read = await okta.get(`/Users/${id}`);
    expect(read.body.schemas).toEqual([USER_SCHEMA]);
  });

  it('a POST key "urn:…:core:2.0:User:schemas" is not stored: the response and a later read carry the real schemas list', async () => {
    const res = await okta.post('/Users', { ...oktaUser('schemas-key@example.com'), [`${USER_SCHEMA}:schemas`]: 'notalist' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.schemas).toEqual([USER_SCHEMA]);
    const read = await okta.get(`/Users/${res.body.id}`);
    expect(read.body.schemas).toEqual([USER_SCHEMA]);
    // Nor through a path-less PATCH value with the URN-qualified key, or PUT.
    const patched = await okta.patch(`/Users/${res.body.id}`, patchOp({ op: 'replace', value: { [`${USER_SCHEMA}:schemas`]: 'x', title: 'T' } }));
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.schemas).toEqual([USER_SCHEMA]);
    const put = await okta.put(`/Users/${res.body.id}`, { ...oktaUser('schemas-key@example.com'), [`${USER_SCHEMA}:schemas`]: ['x'] });
    expect(put.status, put.text).toBe(200);
    expect(put.body.schemas).toEqual([USER_SCHEMA]);
  });
});

describe('entity tags follow membership', () => {
  it('adding a user to a group changes the user\'s ETag; If-None-Match with the old one gets 200 with the group in groups', async () => {
    const user = await newUser();
    const group = await okta.post('/Groups', oktaGroup('Etag Group A'));
    expect(group.status).toBe(201);
    const added = await okta.patch(`/Groups/${group.body.id}`, patchOp(oktaAddMembers([{ value: user.id, display: 'x' }])));
    expect(added.status, added.text).toBe(204);
    const read = await okta.get(`/Users/${user.id}`, { headers: { 'if-none-match': user.etag } });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).not.toBe(user.etag);
    expect(read.body.groups.map((g: { value: string }) => g.value)).toEqual([group.body.id]);
    expect(read.body.meta.version).toBe(read.headers.get('etag'));
  });

  it('removing the member (and a PUT of the group\'s members) changes the user\'s ETag too', async () => {
    const user = await newUser();
    const group = await okta.post('/Groups', { ...oktaGroup('Etag Group B'), members: [{ value: user.id }] });
    expect(group.status).toBe(201);
    const afterCreate = (await okta.get(`/Users/${user.id}`)).headers.get('etag')!;
    expect(afterCreate).not.toBe(user.etag);
    const put = await okta.put(`/Groups/${group.body.id}`, { ...oktaGroup('Etag Group B'), members: [] });
    expect(put.status, put.text).toBe(200);
    const read = await okta.get(`/Users/${user.id}`, { headers: { 'if-none-match': afterCreate } });
    expect(read.status).toBe(200);
    expect(read.body.groups).toBeUndefined();
  });

  it('deleting a member user changes its group\'s ETag; If-None-Match with the old one gets 200 without the member', async () => {
    const user = await newUser();
    const other = await newUser();
    const group = await okta.post('/Groups', { ...oktaGroup('Etag Group C'), members: [{ value: user.id }, { value: other.id }] });
    expect(group.status).toBe(201);
    const before = await okta.get(`/Groups/${group.body.id}`);
    const etag = before.headers.get('etag')!;
    expect((await okta.delete(`/Users/${user.id}`)).status).toBe(204);
    const read = await okta.get(`/Groups/${group.body.id}`, { headers: { 'if-none-match': etag } });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).not.toBe(etag);
    expect(read.body.members.map((m: { value: string }) => m.value)).toEqual([other.id]);
    // If-Match with the stale tag is refused: the group changed.
    const stale = await okta.patch(`/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Renamed' }), { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
  });

  it('a PATCH that changes nothing keeps both ETags (Okta retries must not churn versions)', async () => {
    const user = await newUser();
    const group = await okta.post('/Groups', { ...oktaGroup('Etag Group D'), members: [{ value: user.id }] });
    const userTag = (await okta.get(`/Users/${user.id}`)).headers.get('etag');
    const groupTag = (await okta.get(`/Groups/${group.body.id}`)).headers.get('etag');
    expect((await okta.patch(`/Groups/${group.body.id}`, patchOp(oktaAddMembers([{ value: user.id, display: 'x' }])))).status).toBe(204);
    expect((await okta.get(`/Users/${user.id}`, { headers: { 'if-none-match': userTag! } })).status).toBe(304);
    expect((await okta.get(`/Groups/${group.body.id}`, { headers: { 'if-none-match': groupTag! } })).status).toBe(304);
  });
});

describe('query parameters given twice', () => {
  it.each([
    ['/Users?count=1&COUNT=2', /"count" and "COUNT"/],
    ['/Users?filter=userName%20eq%20%22a%22&Filter=userName%20eq%20%22b%22', /filter/i],
    ['/Groups?startIndex=1&startindex=5', /startIndex/i],
  ])('%s → 400 invalidValue naming the parameter', async (path, name) => {
    const res = await okta.get(path);
    expectError(res, 400, 'invalidValue', name);
    expect(res.body.detail).toMatch(/once/);
  });

  it('in a .search body, and for attributes on a read by id, too', async () => {
    const search = await okta.post('/Users/.search', { count: 1, Count: 2 });
    expectError(search, 400, 'invalidValue', /count/i);
    const user = await newUser();
    const read = await okta.get(`/Users/${user.id}?attributes=userName&Attributes=id`);
    expectError(read, 400, 'invalidValue', /attributes/i);
  });

  it('one of each, in any case, still works', async () => {
    const res = await okta.get('/Users?COUNT=1&startindex=1');
    expect(res.status, res.text).toBe(200);
    expect(res.body.itemsPerPage).toBe(1);
  });
});
