/**
 * Errors as clients see them over HTTP: every failure is an RFC 7644 §3.12 JSON body with
 * `application/scim+json`, the right status and scimType; authentication and connection
 * states; ETag preconditions; no internals (stack traces, SQL) ever reach a client; and a failed
 * write leaves the store exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, GROUP_SCHEMA, OKTA_HEADERS, ScimClient, type ScimResponse, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;

const q = (filter: string): string => `?filter=${encodeURIComponent(filter)}`;

/** An RFC 7644 §3.12 error: Error URN, status as a string, a detail, the scimType when given. */
function expectScimError(res: ScimResponse, status: number, scimType?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(res.body, res.text).toBeTypeOf('object');
  expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
  expect(res.body.status).toBe(String(status));
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  if (scimType !== undefined) expect(res.body.scimType).toBe(scimType);
}

/** Nothing that betrays the implementation: stack frames, SQL, SQLite, file paths. */
function expectNoInternals(res: ScimResponse): void {
  for (const leak of ['SQLITE', 'SqliteError', 'no such table', 'group_members', 'SELECT', 'FROM ', '    at ', 'node_modules', '/work/', '.ts:', 'stack']) {
    expect(res.text, `response leaks "${leak}"`).not.toContain(leak);
  }
}

async function userCount(client: ScimClient = okta): Promise<number> {
  return (await client.get('/Users?count=0')).body.totalResults;
}

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

describe('malformed requests', () => {
  it('malformed JSON → 400 invalidSyntax, nothing created', async () => {
    const res = await okta.post('/Users', undefined, { raw: '{"userName": "broken@x.com", "name": {' });
    expectScimError(res, 400, 'invalidSyntax');
    const patch = await okta.patch('/Users/00000000-0000-0000-0000-000000000000', undefined, { raw: '{"Operations": [' });
    expectScimError(patch, 400, 'invalidSyntax');
    expect(await userCount()).toBe(0);
  });

  it('a JSON value that is not an object → 400 invalidSyntax', async () => {
    for (const raw of ['[]', '"a string"', '42', 'null']) {
      const res = await okta.post('/Users', undefined, { raw });
      expectScimError(res, 400);
      expect(['invalidSyntax', 'invalidValue']).toContain(res.body.scimType);
    }
    expect(await userCount()).toBe(0);
  });

  it('a body sent as text/plain → 415, nothing created', async () => {
    const body = JSON.stringify(oktaUser('plain.text@x.com'));
    const res = await okta.post('/Users', undefined, { raw: body, headers: { 'content-type': 'text/plain' } });
    expectScimError(res, 415);
    const patch = await okta.patch('/Users/00000000-0000-0000-0000-000000000000', undefined, {
      raw: JSON.stringify(patchOp({ op: 'replace', value: { active: false } })),
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expectScimError(patch, 415);
    const xml = await okta.post('/Users', undefined, { raw: '<user/>', headers: { 'content-type': 'application/xml' } });
    expectScimError(xml, 415);
    expect(await userCount()).toBe(0);
  });

  it('POST, PUT and PATCH without a body → 400', async () => {
    expectScimError(await okta.post('/Users'), 400, 'invalidSyntax');
    expectScimError(await okta.post('/Groups'), 400, 'invalidSyntax');
    const created = await okta.post('/Users', oktaUser('bodyless@x.com'));
    expect(created.status).toBe(201);
    expectScimError(await okta.put(`/Users/${created.body.id}`), 400, 'invalidSyntax');
    expectScimError(await okta.patch(`/Users/${created.body.id}`), 400, 'invalidSyntax');
    // Also with no Content-Type at all.
    expectScimError(await okta.post('/Users', undefined, { headers: { 'content-type': '' } }), 400);
    expect((await okta.get(`/Users/${created.body.id}`)).body.meta.version).toBe('W/"1"');
    expect((await okta.delete(`/Users/${created.body.id}`)).status).toBe(204);
  });

  it('an unknown route → 404 SCIM error', async () => {
    for (const path of ['/Foo', '/Users/abc/extra', '/Groupz', '/']) {
      expectScimError(await okta.get(path), 404);
    }
    expectScimError(await okta.post('/Nothing', { a: 1 }), 404);
    // Outside the SCIM mount too, still a SCIM-shaped error.
    const res = await new ScimClient(t.base.replace(/\/scim\/v2$/, ''), `Bearer ${t.tokens.okta}`).get('/no/such/path');
    expectScimError(res, 404);
  });

  it('an unknown resource id → 404 for GET, PUT, PATCH and DELETE', async () => {
    const id = '11111111-2222-3333-4444-555555555555';
    expectScimError(await okta.get(`/Users/${id}`), 404);
    expectScimError(await okta.put(`/Users/${id}`, oktaUser('ghost@x.com')), 404);
    expectScimError(await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })), 404);
    expectScimError(await okta.delete(`/Users/${id}`), 404);
    expectScimError(await okta.delete(`/Groups/${id}`), 404);
    expect(await userCount()).toBe(0);
  });
});

describe('filters and paging', () => {
  beforeAll(async () => {
    for (const name of ['filter.a@x.com', 'filter.b@x.com']) expect((await okta.post('/Users', oktaUser(name, { externalId: name }))).status).toBe(201);
  });

  it('an invalid filter → 400 invalidFilter, never "return everything"', async () => {
    const bad = [
      'userName xx "a"',
      'userName eq',
      'userName eq "filter.a@x.com" and',
      '(userName eq "filter.a@x.com"',
      'userName eq "filter.a@x.com")',
      'noSuchAttribute eq "x"',
      'name eq "x"',
      'active gt true',
      'userName eq filter.a@x.com',
      'emails[type eq "work"',
      'userName eq "unterminated',
    ];
    for (const filter of bad) {
      const res = await okta.get(`/Users${q(filter)}`);
      expectScimError(res, 400, 'invalidFilter');
      expect(res.body.Resources, filter).toBeUndefined();
      expect(res.text, filter).not.toContain('filter.b@x.com');
    }
    expectScimError(await okta.get(`/Groups${q('members eq')}`), 400, 'invalidFilter');
    expectScimError(await okta.get(`/Groups${q('nope eq "x"')}`), 400, 'invalidFilter');
    const search = await okta.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName zz "a"' });
    expectScimError(search, 400, 'invalidFilter');
    // A valid filter on the same data still works.
    expect((await okta.get(`/Users${q('userName eq "filter.a@x.com"')}`)).body.totalResults).toBe(1);
  });

  it('a non-integer startIndex or count → 400 invalidValue', async () => {
    for (const query of ['startIndex=abc', 'startIndex=1.5', 'startIndex=1e2', 'count=ten', 'count=2.5']) {
      const res = await okta.get(`/Users?${query}`);
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.Resources).toBeUndefined();
    }
    expectScimError(await okta.get('/Groups?startIndex=x'), 400, 'invalidValue');
  });

  it('startIndex below 1 is read as 1 (RFC 7644 §3.4.2.4)', async () => {
    const res = await okta.get('/Users?startIndex=0&count=10');
    expect(res.status).toBe(200);
    expect(res.body.startIndex).toBe(1);
    expect(res.body.totalResults).toBe(2);
  });
});

describe('authentication', () => {
  it('401 for a missing token, as a SCIM error with WWW-Authenticate', async () => {
    const anon = new ScimClient(t.base, undefined);
    const res = await anon.get('/Users');
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/i);
    expect(res.body.Resources).toBeUndefined();
    expectScimError(await new ScimClient(t.base, '').get('/Users'), 401);
    expectScimError(await new ScimClient(t.base, 'Bearer ').get('/Users'), 401);
  });

  it('401 for a wrong token, with WWW-Authenticate; nothing is written', async () => {
    const wrong = new ScimClient(t.base, 'Bearer scimdesk_this-is-not-the-token');
    const res = await wrong.post('/Users', oktaUser('intruder@x.com'));
    expectScimError(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/i);
    // A token of one connection with a typo.
    const typo = new ScimClient(t.base, `Bearer ${t.tokens.okta.slice(0, -1)}x`);
    expectScimError(await typo.get('/Users'), 401);
    expect((await okta.get(`/Users${q('userName eq "intruder@x.com"')}`)).body.totalResults).toBe(0);
  });

  it('accepts "bearer <token>" in lower case, "BEARER", and the raw token without "Bearer"', async () => {
    for (const authorization of [`bearer ${t.tokens.okta}`, `BEARER ${t.tokens.okta}`, t.tokens.okta, `Bearer ${t.tokens.entra}`, t.tokens.entra]) {
      const res = await new ScimClient(t.base, authorization).get('/Users?count=1');
      expect(res.status, authorization.slice(0, 8)).toBe(200);
      expect(res.body.totalResults).toBeGreaterThan(0);
    }
  });
});

describe('the body size limit', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ bodyLimit: 4096 });
  });
  afterAll(async () => s?.stop());

  it('a body larger than the limit → 413 SCIM error and nothing created; a body under it is accepted', async () => {
    const client = s.client('okta');
    const big = oktaUser('big.body@x.com', { title: 'x'.repeat(8000) });
    const res = await client.post('/Users', big);
    expectScimError(res, 413);
    expect(res.body.detail).toContain('4096');
    expect((await client.get('/Users?count=0')).body.totalResults).toBe(0);

    // Sent chunked (no Content-Length), the limit still holds.
    const text = JSON.stringify(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
        controller.close();
      },
    });
    const chunked = await fetch(`${s.base}/Users`, {
      method: 'POST',
      headers: { ...OKTA_HEADERS, authorization: `Bearer ${s.tokens.okta}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(chunked.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(await chunked.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
    expect((await client.get('/Users?count=0')).body.totalResults).toBe(0);

    const small = await client.post('/Users', oktaUser('small.body@x.com', { title: 'x'.repeat(2000) }));
    expect(small.status).toBe(201);
    expect((await client.get('/Users?count=0')).body.totalResults).toBe(1);
  });
});

describe('a disabled connection', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.stop());

  it('403 for a disabled connection while the other keeps working; enabling again restores it', async () => {
    const entra = s.client('entra');
    const oktaClient = s.client('okta');
    expect((await entra.get('/Users')).status).toBe(200);
    await s.core.connections.setEnabled('entra', false);
    const res = await entra.post('/Users', oktaUser('blocked@x.com'));
    expectScimError(res, 403);
    expectScimError(await entra.get('/Users'), 403);
    const ok = await oktaClient.post('/Users', oktaUser('allowed@x.com'));
    expect(ok.status).toBe(201);
    expect((await oktaClient.get('/Users')).body.totalResults).toBe(1);
    expect((await oktaClient.get(`/Users${q('userName eq "blocked@x.com"')}`)).body.totalResults).toBe(0);
    // A disabled connection's token is still recognised: a wrong token stays 401, not 403.
    expectScimError(await new ScimClient(s.base, 'Bearer scimdesk_nope').get('/Users'), 401);
    await s.core.connections.setEnabled('entra', true);
    expect((await entra.get('/Users')).status).toBe(200);
  });
});

describe('ETag preconditions', () => {
  let id: string;
  beforeAll(async () => {
    const res = await okta.post('/Users', oktaUser('etag.user@x.com', { externalId: 'etag' }));
    expect(res.status).toBe(201);
    id = res.body.id;
  });

  it('If-Match with a stale ETag → 412 and nothing changes; with the current ETag → 200', async () => {
    const first = await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'One' }));
    expect(first.status).toBe(200);
    const current = first.headers.get('etag')!;
    expect(current).toBe('W/"2"');

    const stale = await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Stale' }), { headers: { 'if-match': 'W/"1"' } });
    expectScimError(stale, 412);
    const stalePut = await okta.put(`/Users/${id}`, oktaUser('etag.user@x.com', { title: 'StalePut' }), { headers: { 'if-match': 'W/"1"' } });
    expectScimError(stalePut, 412);
    const staleDelete = await okta.delete(`/Users/${id}`, { headers: { 'if-match': 'W/"1"' } });
    expectScimError(staleDelete, 412);
    const after = await okta.get(`/Users/${id}`);
    expect(after.status).toBe(200);
    expect(after.body.title).toBe('One');
    expect(after.headers.get('etag')).toBe(current);

    const ok = await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Two' }), { headers: { 'if-match': current } });
    expect(ok.status).toBe(200);
    expect(ok.body.title).toBe('Two');
    expect(ok.headers.get('etag')).toBe('W/"3"');
    const okPut = await okta.put(`/Users/${id}`, oktaUser('etag.user@x.com', { title: 'Three' }), { headers: { 'if-match': 'W/"3"' } });
    expect(okPut.status).toBe(200);
    expect(okPut.body.title).toBe('Three');
  });

  it('If-None-Match with the current ETag → 304 without a body; a stale one → 200', async () => {
    const res = await okta.get(`/Users/${id}`);
    const etag = res.headers.get('etag')!;
    const notModified = await okta.get(`/Users/${id}`, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    const changed = await okta.get(`/Users/${id}`, { headers: { 'if-none-match': 'W/"1"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.id).toBe(id);
  });
});

describe('media types', () => {
  it('accepts application/json; charset=utf-8 as well as application/scim+json', async () => {
    const json = new ScimClient(t.base, `Bearer ${t.tokens.okta}`, { ...OKTA_HEADERS, accept: 'application/json', 'content-type': 'application/json; charset=utf-8' });
    const res = await json.post('/Users', oktaUser('json.user@x.com', { externalId: 'json' }));
    expect(res.status).toBe(201);
    expect(res.body.userName).toBe('json.user@x.com');
    const patched = await json.patch(`/Users/${res.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    const plain = await json.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'JSON group' }, { headers: { 'content-type': 'application/json' } });
    expect(plain.status).toBe(201);
    const scim = await okta.put(`/Users/${res.body.id}`, oktaUser('json.user@x.com', { title: 'via scim+json' }), { headers: { 'content-type': 'application/scim+json' } });
    expect(scim.status).toBe(200);
    expect(scim.body.title).toBe('via scim+json');
  });
});

describe('unsupported endpoints', () => {
  it('/Bulk and /Me → 501 SCIM errors', async () => {
    expectScimError(await okta.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }), 501);
    expectScimError(await okta.get('/Bulk'), 501);
    expectScimError(await okta.get('/Me'), 501);
    expectScimError(await okta.patch('/Me', patchOp({ op: 'replace', value: { active: false } })), 501);
  });
});

describe('a failed write leaves the store as it was', () => {
  let userA: string;
  let userB: string;
  beforeAll(async () => {
    userA = (await okta.post('/Users', oktaUser('atomic.a@x.com', { externalId: 'atomic-a', displayName: 'Atomic A' }))).body.id;
    userB = (await okta.post('/Users', oktaUser('atomic.b@x.com', { externalId: 'atomic-b' }))).body.id;
  });

  it('a group create with an unknown member id → 400 and no group was created', async () => {
    const groupsBefore = (await okta.get('/Groups?count=0')).body.totalResults;
    const res = await okta.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Half valid',
      members: [{ value: userA }, { value: '99999999-9999-9999-9999-999999999999' }],
    });
    expectScimError(res, 400);
    expect(res.body.detail).toContain('99999999-9999-9999-9999-999999999999');
    expect((await okta.get(`/Groups${q('displayName eq "Half valid"')}`)).body.totalResults).toBe(0);
    expect((await okta.get('/Groups?count=0')).body.totalResults).toBe(groupsBefore);
    expect((await okta.get(`/Users/${userA}`)).body.groups ?? []).toEqual([]);
    // The same group with valid members can then be created.
    expect((await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Half valid', members: [{ value: userA }] })).status).toBe(201);
  });

  it('a user PATCH whose second operation is invalid → 400 and the first is not applied', async () => {
    const before = (await okta.get(`/Users/${userA}`)).body;
    const invalidSeconds = [
      { op: 'replace', path: 'id', value: 'hijacked' },
      { op: 'frobnicate', path: 'title', value: 'x' },
      { op: 'replace', path: 'active', value: 'maybe' },
      { op: 'replace', path: 'emails[type eq "work"', value: 'x' },
      { op: 'remove' },
      { op: 'replace', path: 'userName', value: 'atomic.b@x.com' },
    ];
    for (const second of invalidSeconds) {
      const res = await okta.patch(`/Users/${userA}`, patchOp({ op: 'replace', path: 'displayName', value: 'Changed' }, second));
      expect([400, 409], JSON.stringify(second)).toContain(res.status);
      expectScimError(res, res.status);
      const after = await okta.get(`/Users/${userA}`);
      expect(after.body.displayName, JSON.stringify(second)).toBe('Atomic A');
      expect(after.body.meta.version).toBe(before.meta.version);
    }
    expect((await okta.get(`/Users/${userA}`)).body).toEqual(before);
  });

  it('a group PATCH whose second operation is invalid → 400 and the first is not applied', async () => {
    const group = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Atomic group', members: [{ value: userA }] });
    expect(group.status).toBe(201);
    const gid = group.body.id;
    const before = (await okta.get(`/Groups/${gid}`)).body;
    const cases = [
      [{ op: 'add', path: 'members', value: [{ value: userB }] }, { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }],
      [{ op: 'replace', path: 'displayName', value: 'Renamed' }, { op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }],
      [{ op: 'remove', path: `members[value eq "${userA}"]` }, { op: 'replace', path: 'displayName', value: '' }],
      [{ op: 'replace', path: 'members', value: [] }, { op: 'add', path: 'members[value eq "x"]', value: [{ value: userB }] }],
    ];
    for (const ops of cases) {
      const res = await okta.patch(`/Groups/${gid}`, patchOp(...ops));
      expectScimError(res, 400);
      const after = (await okta.get(`/Groups/${gid}`)).body;
      expect(after.displayName, JSON.stringify(ops)).toBe('Atomic group');
      expect(after.members.map((m: { value: string }) => m.value), JSON.stringify(ops)).toEqual([userA]);
      expect(after.meta.version).toBe(before.meta.version);
    }
    expect((await okta.get(`/Users/${userB}`)).body.groups ?? []).toEqual([]);
  });

  it('a PUT that would duplicate a userName → 409 and the user is unchanged', async () => {
    const before = (await okta.get(`/Users/${userB}`)).body;
    const res = await okta.put(`/Users/${userB}`, oktaUser('ATOMIC.A@x.com', { title: 'should not stick' }));
    expectScimError(res, 409, 'uniqueness');
    expect((await okta.get(`/Users/${userB}`)).body).toEqual(before);
  });
});

describe('a broken store', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s?.stop());

  it('answers a generic 500 SCIM error: no stack trace, no SQL, no paths', async () => {
    const client = s.client('okta');
    const user = await client.post('/Users', oktaUser('victim@x.com'));
    expect(user.status).toBe(201);
    const group = await client.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Victims', members: [{ value: user.body.id }] });
    expect(group.status).toBe(201);

    s.core.db.exec('DROP TABLE group_members');

    const responses = [
      await client.get(`/Users/${user.body.id}`),
      await client.get(`/Groups/${group.body.id}`),
      await client.get('/Groups'),
      await client.get('/Users'),
      await client.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.body.id }] })),
      await client.get(`/Groups${q(`members.value eq "${user.body.id}"`)}`),
    ];
    for (const res of responses) {
      expectScimError(res, 500);
      expect(res.body.scimType).toBeUndefined();
      expect(Object.keys(res.body).sort()).toEqual(['detail', 'schemas', 'status']);
      expect(res.body.detail).toMatch(/internal server error/i);
      expectNoInternals(res);
    }
    // What does not need the dropped table keeps working.
    expect((await client.get('/ServiceProviderConfig')).status).toBe(200);
  });
});
