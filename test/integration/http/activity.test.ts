/**
 * The request log as the panel shows it: every authenticated SCIM request with its connection,
 * method, path, status, duration, IdP action and resource (refused ones as aggregates); notes on
 * what was normalised; passwords redacted from recorded bodies; and no password, token or token
 * hash anywhere in the data folder's files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRequest as ActivityEntry } from '../../../server/store/request-log-reader';
import { entraDisable, entraPathlessDotted, entraSetManager, entraUser } from '../../../tools/idp/entra';
import { oktaDeactivate, oktaExistsQuery, oktaGroup, oktaReactivate, oktaUser } from '../../../tools/idp/okta';
import { ScimClient, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';
import { filesUnder } from '../../support/files';
import { logCommand } from '../../../server/cli/log';
import type { Values } from '../../../server/cli/options';
import type { Io } from '../../../server/cli/output';

let t: TestServer;
let okta: ScimClient;
let entra: ScimClient;
let prefix: string;

/** Every password this file sends; none may be stored anywhere. */
const PASSWORDS = ['Create-Pw-7x9q!', 'Put-Pw-3k8z#', 'Patch-Pathless-Pw-1m2n', 'Patch-Path-Pw-5v6b', 'Entra-Replace-Pw-0p9o', 'Dup-Create-Pw-4r4r', 'Plain-Text-Pw-8u7y'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lastSeq(): Promise<number> {
  await t.core.activity.settled();
  return t.core.activity.reader.list({ limit: 1 })[0]?.seq ?? 0;
}

/** The entries recorded after `after`, oldest first, once at least `n` are there (recording follows the response). */
async function entriesAfter(after: number, n: number): Promise<ActivityEntry[]> {
  let entries: ActivityEntry[] = [];
  for (let i = 0; i < 500; i++) {
    await t.core.activity.settled();
    entries = t.core.activity.reader.list({ limit: 100 }).filter((e) => e.seq > after);
    if (entries.length >= n) break;
    await sleep(10);
  }
  return entries.reverse();
}

interface Expected {
  /** A value or an asymmetric matcher. */
  readonly connection: unknown;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly action: unknown;
  readonly resourceId?: string | null;
}

/** Matches each expected request to a distinct recorded entry (same method, path, status). */
function expectRecorded(entries: readonly ActivityEntry[], expected: readonly Expected[]): ActivityEntry[] {
  const free = [...entries];
  return expected.map((e) => {
    const at = free.findIndex((r) => r.method === e.method && r.path === `${prefix}${e.path}` && r.status === e.status);
    expect(at, `recorded: ${e.method} ${e.path} → ${e.status}\nhave: ${entries.map((r) => `${r.method} ${r.path} ${r.status}`).join('\n')}`).toBeGreaterThanOrEqual(0);
    const [entry] = free.splice(at, 1);
    expect(entry, `${e.method} ${e.path}`).toMatchObject({ connection: e.connection, action: e.action, ...(e.resourceId !== undefined ? { resourceId: e.resourceId } : {}) });
    expect(Number.isFinite(entry!.durationMs)).toBe(true);
    expect(entry!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(entry!.at))).toBe(false);
    return entry!;
  });
}

beforeAll(async () => {
  t = await startTestServer();
  okta = t.client('okta');
  entra = t.client('entra');
  prefix = new URL(t.base).pathname;
});
afterAll(async () => t?.stop());

describe('every SCIM request is recorded', () => {
  it("records Okta's whole sequence with connection, method, path, status, duration, action and resource", async () => {
    const before = await lastSeq();
    const exp: Expected[] = [];
    const send = async (res: Promise<{ status: number }>, e: Omit<Expected, 'status'>): Promise<any> => {
      const r = (await res) as any;
      exp.push({ ...e, status: r.status });
      return r;
    };

    await send(okta.get('/Users?startIndex=1&count=2'), { connection: 'okta', method: 'GET', path: '/Users?startIndex=1&count=2', action: 'List users', resourceId: null });
    await send(okta.get(oktaExistsQuery('act.one@x.com')), { connection: 'okta', method: 'GET', path: oktaExistsQuery('act.one@x.com'), action: 'Look up user by userName', resourceId: null });
    const created = await send(okta.post('/Users', oktaUser('act.one@x.com', { externalId: 'act-1' })), { connection: 'okta', method: 'POST', path: '/Users', action: 'Create user' });
    expect(created.status).toBe(201);
    const uid: string = created.body.id;
    exp[exp.length - 1] = { ...exp[exp.length - 1]!, resourceId: uid };
    await send(okta.get(`/Users/${uid}`), { connection: 'okta', method: 'GET', path: `/Users/${uid}`, action: 'Get user', resourceId: uid });
    await send(okta.put(`/Users/${uid}`, oktaUser('act.one@x.com', { title: 'T' })), { connection: 'okta', method: 'PUT', path: `/Users/${uid}`, action: 'Replace user', resourceId: uid });
    await send(okta.patch(`/Users/${uid}`, oktaDeactivate), { connection: 'okta', method: 'PATCH', path: `/Users/${uid}`, action: 'Deactivate user', resourceId: uid });
    await send(okta.patch(`/Users/${uid}`, oktaReactivate), { connection: 'okta', method: 'PATCH', path: `/Users/${uid}`, action: 'Reactivate user', resourceId: uid });
    await send(okta.patch(`/Users/${uid}`, patchOp({ op: 'replace', value: { password: 'whatever-1' } })), { connection: 'okta', method: 'PATCH', path: `/Users/${uid}`, action: 'Set password', resourceId: uid });
    await send(okta.get(`/Groups?filter=${encodeURIComponent('displayName eq "Act"')}`), { connection: 'okta', method: 'GET', path: `/Groups?filter=${encodeURIComponent('displayName eq "Act"')}`, action: 'Look up group by name', resourceId: null });
    const group = await send(okta.post('/Groups', oktaGroup('Act')), { connection: 'okta', method: 'POST', path: '/Groups', action: 'Create group' });
    const gid: string = group.body.id;
    exp[exp.length - 1] = { ...exp[exp.length - 1]!, resourceId: gid };
    await send(okta.patch(`/Groups/${gid}`, patchOp({ op: 'add', path: 'members', value: [{ value: uid, display: 'act.one@x.com' }] })), { connection: 'okta', method: 'PATCH', path: `/Groups/${gid}`, action: 'Push group members', resourceId: gid });
    await send(okta.patch(`/Groups/${gid}`, patchOp({ op: 'replace', value: { id: gid, displayName: 'Act 2' } })), { connection: 'okta', method: 'PATCH', path: `/Groups/${gid}`, action: 'Rename group', resourceId: gid });
    await send(okta.delete(`/Groups/${gid}`), { connection: 'okta', method: 'DELETE', path: `/Groups/${gid}`, action: 'Delete group', resourceId: gid });
    await send(okta.get('/ServiceProviderConfig'), { connection: 'okta', method: 'GET', path: '/ServiceProviderConfig', action: 'Read service provider config', resourceId: null });

    const entries = await entriesAfter(before, exp.length);
    expect(entries).toHaveLength(exp.length);
    const matched = expectRecorded(entries, exp);
    expect(matched.map((e) => e.status)).toEqual([200, 200, 201, 200, 200, 200, 200, 200, 200, 201, 204, 204, 204, 200]);
    for (const e of matched) expect(e.userAgent).toBe('Okta SCIM Client 1.0.0');
    expect(matched[0]!.clientIp).toMatch(/127\.0\.0\.1/);
  });

  it('records failed requests too (403, 404s, 400, 409), and refused ones (401s) as aggregates', async () => {
    const before = await lastSeq();
    const missing = '00000000-0000-0000-0000-00000000beef';
    const anon = await new ScimClient(t.base, undefined).get('/Users');
    const wrong = await new ScimClient(t.base, 'Bearer scimdesk_wrong').post('/Users', oktaUser('nope@x.com'));
    const notFound = await okta.get(`/Users/${missing}`);
    const noRoute = await entra.get('/Nowhere');
    const badFilter = await okta.get(`/Users?filter=${encodeURIComponent('userName xx "a"')}`);
    await okta.post('/Users', oktaUser('dup.act@x.com', { externalId: 'dup' }));
    const dup = await okta.post('/Users', oktaUser('DUP.act@x.com', { externalId: 'dup2' }));
    await t.core.connections.setEnabled('entra', false);
    const forbidden = await entra.delete(`/Users/${missing}`);
    await t.core.connections.setEnabled('entra', true);
    expect([anon.status, wrong.status, notFound.status, noRoute.status, badFilter.status, dup.status, forbidden.status]).toEqual([401, 401, 404, 404, 400, 409, 403]);

    const entries = await entriesAfter(before, 6);
    expect(entries).toHaveLength(6);
    const [nf, nr, bf] = expectRecorded(entries, [
      { connection: 'okta', method: 'GET', path: `/Users/${missing}`, status: 404, action: 'Get user', resourceId: missing },
      { connection: 'entra', method: 'GET', path: '/Nowhere', status: 404, action: 'Unknown request', resourceId: null },
      { connection: 'okta', method: 'GET', path: `/Users?filter=${encodeURIComponent('userName xx "a"')}`, status: 400, action: expect.any(String) },
      { connection: 'okta', method: 'POST', path: '/Users', status: 201, action: 'Create user' },
      { connection: 'okta', method: 'POST', path: '/Users', status: 409, action: 'Create user', resourceId: null },
      { connection: 'entra', method: 'DELETE', path: `/Users/${missing}`, status: 403, action: 'Delete user', resourceId: missing },
    ]);
    // The 401s: one aggregate per address, status and reason, with a sample request.
    const refused = await t.core.activity.refused();
    const missingToken = refused.find((r) => r.status === 401 && r.samplePath === `${prefix}/Users` && r.sampleMethod === 'GET')!;
    expect(missingToken).toMatchObject({ clientIp: expect.stringMatching(/127\.0\.0\.1/), claimedConnection: null });
    expect(missingToken.explanation).toMatch(/no SCIM token/);
    expect(refused.find((r) => r.status === 401 && r.sampleMethod === 'POST')!.explanation).toMatch(/never issued/);
    // The error bodies sent are recorded as sent.
    expect(JSON.parse(nf!.responseBody!)).toMatchObject({ status: '404' });
    expect(JSON.parse(nr!.responseBody!)).toMatchObject({ status: '404' });
    expect(JSON.parse(bf!.responseBody!)).toMatchObject({ status: '400', scimType: 'invalidFilter' });
  });

  it('the log can be narrowed by connection, status class and free text; a record\'s history is its audit trail', async () => {
    const before = await lastSeq();
    const uid = (await entra.post('/Users', entraUser('narrow@contoso.com', 'narrow-ext'))).body.id as string;
    await entra.patch(`/Users/${uid}`, entraDisable);
    await entra.get(`/Users/${uid}`);
    await entriesAfter(before, 3); // recorded once each response has gone out
    // A resource's history is the changes made to it; lookups (GET) stay in the request log.
    const forUser = t.core.directory.audit.history({ type: 'User', seq: t.core.browser.user(uid)!.seq, id: uid }).entries;
    expect(forUser.map((e) => e.action)).toEqual(['create', 'deactivate']);
    expect(forUser[1]!.changes).toEqual([{ field: 'active', before: true, after: false }]);
    expect((await t.core.activity.list({ limit: 100 })).some((e) => e.action === 'Get user' && e.resourceId === uid && e.target === 'narrow@contoso.com')).toBe(true);
    expect(forUser.every((e) => e.connection === 'entra')).toBe(true);
    const entraOnly = await t.core.activity.list({ limit: 100, connection: 'entra' });
    expect(entraOnly.length).toBeGreaterThanOrEqual(3);
    expect(entraOnly.every((e) => e.connection === 'entra')).toBe(true);
    const found = await t.core.activity.list({ limit: 100, search: 'NARROW@contoso' });
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.every((e) => e.target?.toLowerCase() === 'narrow@contoso.com' || e.path.includes('narrow'))).toBe(true);
    // A status is matched exactly; the text also matches paths, so an id holding "409" counts too.
    const conflicts = await t.core.activity.list({ limit: 100, search: '409' });
    expect(conflicts.some((e) => e.status === 409)).toBe(true);
    expect(conflicts.every((e) => e.status === 409 || e.path.includes('409') || (e.target ?? '').includes('409'))).toBe(true);
    const clientErrors = await t.core.activity.list({ limit: 100, statusClass: 4 });
    expect(clientErrors.length).toBeGreaterThanOrEqual(5);
    expect(clientErrors.every((e) => e.status >= 400 && e.status < 500)).toBe(true);
  });

  it("`log` marks the simulator's requests as simulated, in its table and its JSON", async () => {
    const { token, revoke } = t.core.connections.issueSimulatorToken('okta');
    try {
      expect((await new ScimClient(t.base, `Bearer ${token}`).get('/Users?count=1')).status).toBe(200);
    } finally {
      revoke();
    }
    await t.core.activity.settled();
    const out = async (values: object): Promise<string> => {
      const lines: string[] = [];
      const io: Io = { out: (line) => lines.push(line), err: (line) => lines.push(line), stopSignal: () => new Promise(() => undefined) };
      expect(await logCommand(t.core, { connection: 'okta', limit: '1', ...values } as Values, io)).toBe(0);
      return lines.join('\n');
    };
    expect(JSON.parse(await out({ json: true }))).toEqual([expect.objectContaining({ connection: 'okta', status: 200, simulated: true, fault: null })]);
    expect(await out({})).toContain(' 200  Okta (simulated) ');
  });

  it('a real failure a delay drill only held is explained and counted as the real failure it is', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const before = t.core.activity.reader.health('okta', since);
    t.core.faultDrills.arm({ connection: 'okta', kind: 'delay', count: 1, delayMs: 20 });
    expect((await okta.get('/Users/held-but-missing')).status).toBe(404);
    await t.core.activity.settled();
    const [held] = await t.core.activity.list({ connection: 'okta', limit: 1 });
    expect(held).toMatchObject({ status: 404, fault: 'delay' });
    expect(held!.explanation).toBeTruthy();
    expect(held!.explanation).not.toContain('fault drill');
    const after = t.core.activity.reader.health('okta', since);
    expect(after.failuresSince).toBe(before.failuresSince + 1);
    expect(after.lastFailureAt).toBe(held!.at);
  });
});

describe('how much of a body is kept', () => {
  it('a successful read is summarised ("N results"); a success keeps what the IdP sent (up to 16 KiB) and its diff, not its answer; a failure keeps its error body', async () => {
    const before = await lastSeq();
    for (let i = 0; i < 12; i++) await okta.post('/Users', oktaUser(`kept${i}@example.com`, { externalId: `kept-${i}` }));
    const bigTitle = 'T'.repeat(10_000);
    const created = await okta.post('/Users', oktaUser('kept.big@example.com', { title: bigTitle }));
    expect(created.status).toBe(201);
    const page = await okta.get('/Users?count=100');
    expect(page.status).toBe(200);
    expect(page.text.length).toBeGreaterThan(4096 + 100);
    const entries = await entriesAfter(before, 14);
    const list = entries.find((e) => e.method === 'GET' && e.path === `${prefix}/Users?count=100`)!;
    const detail = (await t.core.activity.get(list.seq))!;
    expect(detail.responseBody).toBeNull();
    expect(detail.summary).toBe(`${page.body.totalResults} results`);
    const lookup = await okta.get(`/Users?filter=${encodeURIComponent('userName eq "kept3@example.com"')}`);
    const missing = await okta.get(`/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
    expect([lookup.status, missing.status]).toEqual([200, 200]);
    const lookups = await entriesAfter(before, 16);
    expect(lookups.filter((e) => e.method === 'GET' && (e.target === 'kept3@example.com' || e.target === 'nobody@example.com')).map((e) => [e.target, e.summary])).toEqual([
      ['kept3@example.com', '1 result'],
      ['nobody@example.com', 'no match'],
    ]);
    const create = (await t.core.activity.get(entries.find((e) => e.method === 'POST' && e.resourceId === created.body.id)!.seq))!;
    expect(create.requestBody).toContain(bigTitle);
    expect(create.responseBody).toBeNull();
    expect(create.changes.find((c) => c.field === 'title')).toEqual({ field: 'title', after: `${'T'.repeat(512)}… (10000 characters)` });
  });
});

describe('notes show what was normalised', () => {
  it("Entra's \"Replace\" → \"replace\" and \"False\" → false, the manager id → {value}, dotted keys", async () => {
    const mgr = (await entra.post('/Users', entraUser('mgr.notes@contoso.com', 'mgr-notes'))).body.id as string;
    const uid = (await entra.post('/Users', entraUser('notes@contoso.com', 'notes-ext'))).body.id as string;
    const before = await lastSeq();
    expect((await entra.patch(`/Users/${uid}`, entraDisable)).status).toBe(200);
    expect((await entra.patch(`/Users/${uid}`, entraSetManager(mgr))).status).toBe(200);
    expect((await entra.patch(`/Users/${uid}`, entraPathlessDotted)).status).toBe(200);
    const [disable, manager, dotted] = expectRecorded(await entriesAfter(before, 3), [
      { connection: 'entra', method: 'PATCH', path: `/Users/${uid}`, status: 200, action: 'Deactivate user', resourceId: uid },
      { connection: 'entra', method: 'PATCH', path: `/Users/${uid}`, status: 200, action: 'Update user attributes', resourceId: uid },
      { connection: 'entra', method: 'PATCH', path: `/Users/${uid}`, status: 200, action: 'Deactivate user', resourceId: uid },
    ]);
    expect(disable!.notes.some((n) => n.includes('"Replace" → "replace"'))).toBe(true);
    expect(disable!.notes.some((n) => n.includes('"False" → false'))).toBe(true);
    expect(manager!.notes.some((n) => n.includes('"Add" → "add"'))).toBe(true);
    expect(manager!.notes.some((n) => n.includes(`"${mgr}" → {"value":"${mgr}"}`))).toBe(true);
    expect(dotted!.notes.some((n) => n.includes('name.givenName'))).toBe(true);
    // And the stored user really carries the normalised values.
    const user = (await entra.get(`/Users/${uid}`)).body;
    expect(user.active).toBe(false);
    expect(user['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager).toMatchObject({ value: mgr });
  });

  it('a discarded password is noted on create', async () => {
    const before = await lastSeq();
    const res = await okta.post('/Users', oktaUser('pw.note@x.com', { externalId: 'pw-note', password: 'note-pw-1' }));
    expect(res.status).toBe(201);
    const [entry] = expectRecorded(await entriesAfter(before, 1), [{ connection: 'okta', method: 'POST', path: '/Users', status: 201, action: 'Create user', resourceId: res.body.id }]);
    expect(entry!.notes.some((n) => /password/i.test(n) && /discard/i.test(n))).toBe(true);
    expect(JSON.stringify(entry)).not.toContain('note-pw-1');
  });
});

describe('passwords and tokens are never kept', () => {
  it('passwords are redacted from recorded request bodies, whatever the form', async () => {
    const before = await lastSeq();
    const created = await okta.post('/Users', oktaUser('secret.keeper@x.com', { externalId: 'sk', password: PASSWORDS[0] }));
    expect(created.status).toBe(201);
    const uid = created.body.id as string;
    await okta.put(`/Users/${uid}`, oktaUser('secret.keeper@x.com', { externalId: 'sk', password: PASSWORDS[1] }));
    await okta.patch(`/Users/${uid}`, patchOp({ op: 'replace', value: { password: PASSWORDS[2] } }));
    await okta.patch(`/Users/${uid}`, patchOp({ op: 'replace', path: 'password', value: PASSWORDS[3] }));
    await entra.patch(`/Users/${uid}`, patchOp({ op: 'Replace', path: 'password', value: PASSWORDS[4] }));
    const dup = await okta.post('/Users', oktaUser('SECRET.keeper@x.com', { externalId: 'sk2', password: PASSWORDS[5] }));
    expect(dup.status).toBe(409);
    // A client that labels its JSON as text/plain: still never recorded in clear.
    const plain = await okta.post('/Users', undefined, { raw: JSON.stringify(oktaUser('plain.pw@x.com', { password: PASSWORDS[6] })), headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBeGreaterThanOrEqual(400);

    const entries = await entriesAfter(before, 7);
    expect(entries).toHaveLength(7);
    const text = JSON.stringify(entries);
    for (const pw of PASSWORDS) expect(text, `activity log holds ${pw}`).not.toContain(pw);
    // The bodies are still there, with the secret replaced.
    const createEntry = entries.find((e) => e.method === 'POST' && e.status === 201)!;
    expect(JSON.parse(createEntry.requestBody!)).toMatchObject({ userName: 'secret.keeper@x.com', password: '[redacted]' });
    const pathEntry = entries.find((e) => e.requestBody?.includes('"path":"password"'))!;
    expect(JSON.parse(pathEntry.requestBody!).Operations[0].value).toBe('[redacted]');
  });

  it('the data folder holds no password, no bearer token and no token hash (database and WAL read raw)', async () => {
    const before = await lastSeq();
    // More users with passwords, through both connections.
    for (let i = 0; i < 5; i++) {
      expect((await okta.post('/Users', oktaUser(`raw.${i}@x.com`, { externalId: `raw-${i}`, password: PASSWORDS[i % PASSWORDS.length] }))).status).toBe(201);
      expect((await entra.post('/Users', entraUser(`raw.entra.${i}@contoso.com`, `raw-entra-${i}`, { password: PASSWORDS[(i + 3) % PASSWORDS.length] }))).status).toBe(201);
    }
    expect(await entriesAfter(before, 10)).toHaveLength(10);
    // A token presented in a path segment, and a wrong token: masked wherever they would land.
    expect((await okta.get(`/Users/${t.tokens.entra}`)).status).toBe(404);
    expect((await new ScimClient(t.base, `Bearer ${t.tokens.okta}x`).get(`/Users/${t.tokens.okta}x`)).status).toBe(401);
    expect(await entriesAfter(before, 11)).toHaveLength(11);

    const tokens = [t.tokens.okta, t.tokens.entra];
    const hashes = tokens.map((tok) => createHash('sha256').update(tok, 'utf8').digest());
    const needles: [string, Buffer][] = [
      ...PASSWORDS.map((p): [string, Buffer] => [`password ${p}`, Buffer.from(p, 'utf8')]),
      ...tokens.map((tok, i): [string, Buffer] => [`token ${i}`, Buffer.from(tok, 'utf8')]),
      ...hashes.map((h, i): [string, Buffer] => [`token hash hex ${i}`, Buffer.from(h.toString('hex'), 'utf8')]),
      ...hashes.map((h, i): [string, Buffer] => [`token hash HEX ${i}`, Buffer.from(h.toString('hex').toUpperCase(), 'utf8')]),
      ...hashes.map((h, i): [string, Buffer] => [`token hash bytes ${i}`, h]),
      ...hashes.map((h, i): [string, Buffer] => [`token hash base64 ${i}`, Buffer.from(h.toString('base64'), 'utf8')]),
    ];

    /** Every (file, secret) pair found, so a failure names them all. */
    const scan = (): string[] => {
      const found = filesUnder(t.dataDir);
      expect(found.some((f) => f.endsWith('.db'))).toBe(true);
      const hits: string[] = [];
      for (const file of found) {
        const bytes = readFileSync(file);
        for (const [what, needle] of needles) if (bytes.includes(needle)) hits.push(`${file.slice(t.dataDir.length + 1)} contains ${what}`);
      }
      return hits;
    };

    // While running: the database file and its write-ahead log.
    expect(filesUnder(t.dataDir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(scan(), 'before checkpoint').toEqual([]);
    // After the WAL is folded into the database file.
    t.core.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(scan(), 'after checkpoint').toEqual([]);
    // Every column and body of the request log, read back.
    const all = JSON.stringify([t.core.activity.reader.list({ limit: 1000 }).map((e) => t.core.activity.reader.get(e.seq)), t.core.activity.reader.refused(1000)]);
    for (const tok of tokens) expect(all).not.toContain(tok);
    expect(all).toContain('[redacted]');
  });
});

describe('what is not a request, and what cannot break the recorder', () => {
  it("a body of 20 000 nested arrays is recorded (cut at a depth), not lost to a stack overflow", async () => {
    const before = await lastSeq();
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const res = await okta.post('/Users', undefined, { raw: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"deep@example.com","x":${deep}}` });
    expect(res.status).toBeGreaterThanOrEqual(200);
    const [entry] = await entriesAfter(before, 1);
    expect(entry).toMatchObject({ method: 'POST', status: res.status });
    expect((await t.core.activity.get(entry!.seq))!.requestBody).toContain('[nested too deep to keep]');
  });

  it("the tunnel's health probes are neither request-log entries nor server log lines", async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const s = await startTestServer({ logger });
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(new URL('/scimdesk/health', s.base))).status).toBe(200);
      expect((await s.client('okta').get('/Users?count=1')).status).toBe(200);
      await s.core.activity.settled();
      const entries = await s.core.activity.list({ limit: 100 });
      expect(entries.map((e) => e.path)).toEqual([`${new URL(s.base).pathname}/Users?count=1`]);
      expect(lines.some((l) => l.includes('/Users?count=1'))).toBe(true); // not vacuous: requests are logged at info
      expect(lines.filter((l) => l.includes('/scimdesk/health'))).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
