/**
 * No token, password or token hash in any log or activity record: the real CLI
 * (`serve --log-level trace`, which in pino includes everything `debug` shows, with
 * `--secret-store file`) gets the requests IdPs and attackers send — the valid tokens, wrong
 * tokens in every form, passwords in Okta's and Entra's forms, a body carrying the token, a
 * query string carrying it — and then every byte it wrote is searched: stdout, stderr, the
 * SQLite file and its WAL (read raw while serving, and again after stop), and every other file
 * of the data folder. Only secrets.json may hold a token hash, and nothing else.
 *
 * Token hashes are searched as the lower- and upper-case hex of their SHA-256, base64,
 * base64url and the raw 32 bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionName } from '../../../contract/connections';
import { entraUser } from '../../../tools/idp/entra';
import { oktaUser } from '../../../tools/idp/okta';
import { ScimClient, patchOp } from '../../../tools/scim-client';
import { type Served, cliProcesses } from '../../support/cli-process';
import { filesUnder } from '../../support/files';

const SETUP_MS = 180_000;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTRA_HEADERS = {
  'user-agent': 'Azure AD SCIM Provisioning',
  accept: 'application/scim+json',
  'content-type': 'application/scim+json',
};

/** Processes and folders live until the file ends: the tests read what the beforeAll made. */
const cli = cliProcesses({ limitMs: 30_000, dirPrefix: 'scimdesk-secrets-', cleanup: 'all' });

/** `enable --secret-store file`; returns the token it printed (its output is captured too). */
async function enable(dataDir: string, connection: ConnectionName, logs: string[]): Promise<string> {
  const { token, output } = await cli.enable(dataDir, { connection, args: ['--secret-store', 'file'] });
  // enable prints the token once on purpose: that output is the admin's, not a log.
  logs.push(output.split(token).join('<printed token>'));
  return token;
}

/** `serve --log-level trace`: in pino, everything `debug` shows and more. */
function serve(dataDir: string): Promise<Served> {
  return cli.serve(dataDir, { args: ['--secret-store', 'file'], logLevel: 'trace' });
}

async function stop(served: Served): Promise<void> {
  const exit = await cli.stop(served);
  expect(exit.code, exit.output).toBe(0);
}

/** Every file below `dir` (recursively), read raw, keyed by its relative path. */
function readFiles(dir: string, except: readonly string[] = []): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of filesUnder(dir)) if (!except.includes(relative(dir, path))) files.set(relative(dir, path), readFileSync(path));
  return files;
}

/** Waits until the request log holds at least `n` requests, refused ones counted (recording is batched after responses). */
async function waitForActivity(dataDir: string, n: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    let count: number;
    try {
      const db = new Database(join(dataDir, 'requests.db'), { readonly: true, fileMustExist: true });
      try {
        count = (db.prepare('SELECT (SELECT count(*) FROM requests) + (SELECT coalesce(sum(count), 0) FROM refused) AS n').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      count = 0; // not written yet
    }
    if (count >= n || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 25));
  }
}

type Needle = readonly [label: string, bytes: Buffer];

/** A token and every form of its hash. */
function tokenNeedles(label: string, token: string): Needle[] {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  return [
    [`${label}`, Buffer.from(token)],
    [`sha256 hex of ${label}`, Buffer.from(digest.toString('hex'))],
    [`SHA256 HEX of ${label}`, Buffer.from(digest.toString('hex').toUpperCase())],
    [`sha256 base64 of ${label}`, Buffer.from(digest.toString('base64'))],
    [`sha256 base64url of ${label}`, Buffer.from(digest.toString('base64url'))],
    [`raw sha256 of ${label}`, digest],
  ];
}

function plainNeedles(values: Record<string, string>): Needle[] {
  return Object.entries(values).map(([label, value]) => [label, Buffer.from(value, 'utf8')]);
}

/** "<needle> in <place>" for every needle found in any haystack. */
function leaks(haystacks: ReadonlyMap<string, Buffer>, needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const [place, data] of haystacks) for (const [label, bytes] of needles) if (data.includes(bytes)) found.push(`${label} in ${place}`);
  return found;
}

const wrongTokens = (okta: string): Record<string, string> => ({
  'wrong token (random)': `scimdesk_${'Q'.repeat(20)}wrong${'Z'.repeat(18)}`,
  'wrong token (raw header)': `scimdesk_rawRawRawRawRawRawRawRawRawRawRawRawRawRa`,
  'wrong token (lower-case bearer)': 'scimdesk_lowerLowerLowerLowerLowerLowerLowerLow',
  'wrong token (near miss)': `${okta.slice(0, -1)}${okta.endsWith('A') ? 'B' : 'A'}`,
  'wrong token (with password body)': 'not-even-a-scimdesk-token-but-secret-0123456789',
});

describe('tokens in headers and bodies, passwords in every IdP form', () => {
  const PASSWORDS = {
    'Okta create password': 'OktaCreatePw9x7q',
    'Okta PUT password': 'OktaPutPw3k8zRt',
    'Okta path-less PATCH password': 'OktaPatchValuePw1m2n',
    'Okta PATCH path password': 'OktaPatchPathPw5v6b',
    'Entra create password': 'EntraCreatePw0p9oWq',
    'Entra PATCH path "password"': 'EntraReplacePw4e4rTy',
    'Entra PATCH path "Password"': 'EntraCapitalPw8j8kUi',
    'password of a refused duplicate': 'DuplicatePw2w3eEr',
    'password of an invalid create': 'InvalidCreatePw6y7uIo',
    'password sent with a wrong token': 'WrongTokenBodyPw1q2wAs',
  };
  /** Fully-qualified attribute names (RFC 7644 §3.10 allows them): checked in their own test. */
  const URN_PASSWORDS = {
    'password under urn:…:User:password on create': 'UrnCreatePw5t6yGh',
    'password under urn:…:User:password in a path-less PATCH': 'UrnPatchValuePw7u8iJk',
    'password in a PATCH with path urn:…:User:password': 'UrnPatchPathPw9o0pLz',
  };

  let dataDir: string;
  let oktaToken: string;
  let entraToken: string;
  let wrong: Record<string, string>;
  let logs: string;
  let whileServing: Map<string, Buffer>;
  let afterStop: Map<string, Buffer>;
  let requests = 0;

  beforeAll(async () => {
    dataDir = cli.newDir();
    const cliOutput: string[] = [];
    oktaToken = await enable(dataDir, 'okta', cliOutput);
    entraToken = await enable(dataDir, 'entra', cliOutput);
    wrong = wrongTokens(oktaToken);
    const served = await serve(dataDir);
    const okta = new ScimClient(served.base, `Bearer ${oktaToken}`);
    const entra = new ScimClient(served.base, `Bearer ${entraToken}`, ENTRA_HEADERS);
    const expectStatus = async (pending: Promise<{ status: number; text: string }>, status: number): Promise<any> => {
      const res = await pending;
      requests++;
      expect(res.status, res.text).toBe(status);
      return res;
    };

    expect((await expectStatus(okta.get('/Users'), 200)).body.totalResults).toBe(0);
    // Okta: create, replace, both PATCH forms.
    const created = await expectStatus(okta.post('/Users', oktaUser('okta.pw@example.com', { externalId: 'okta-pw', password: PASSWORDS['Okta create password'] })), 201);
    const id: string = created.body.id;
    await expectStatus(okta.put(`/Users/${id}`, oktaUser('okta.pw@example.com', { externalId: 'okta-pw', password: PASSWORDS['Okta PUT password'] })), 200);
    await expectStatus(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { password: PASSWORDS['Okta path-less PATCH password'] } })), 200);
    await expectStatus(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'password', value: PASSWORDS['Okta PATCH path password'] })), 200);
    // Entra: create, PATCH path "password" (and its capitalised spelling).
    const entraCreated = await expectStatus(entra.post('/Users', entraUser('entra.pw@contoso.com', 'entra-pw', { password: PASSWORDS['Entra create password'] })), 201);
    await expectStatus(entra.patch(`/Users/${entraCreated.body.id}`, patchOp({ op: 'Replace', path: 'password', value: PASSWORDS['Entra PATCH path "password"'] })), 200);
    await expectStatus(entra.patch(`/Users/${entraCreated.body.id}`, patchOp({ op: 'Replace', path: 'Password', value: PASSWORDS['Entra PATCH path "Password"'] })), 200);
    // Refused writes carrying passwords (their bodies are recorded too).
    await expectStatus(okta.post('/Users', oktaUser('OKTA.PW@example.com', { externalId: 'dup', password: PASSWORDS['password of a refused duplicate'] })), 409);
    // Bodies carrying the token itself.
    await expectStatus(okta.post('/Users', { schemas: [CORE_USER], password: PASSWORDS['password of an invalid create'], token: oktaToken }), 400);
    await expectStatus(okta.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "okta.pw@example.com"', token: oktaToken, access_token: entraToken }), 200);
    await expectStatus(okta.patch(`/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], token: oktaToken, Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] }), 200);
    // Wrong tokens in every form the server accepts tokens in.
    await expectStatus(okta.get('/Users', { headers: { authorization: `Bearer ${wrong['wrong token (random)']}` } }), 401);
    await expectStatus(okta.get('/Users', { headers: { authorization: wrong['wrong token (raw header)']! } }), 401);
    await expectStatus(okta.get('/Groups', { headers: { authorization: `bearer ${wrong['wrong token (lower-case bearer)']}` } }), 401);
    await expectStatus(okta.get(`/Users/${id}`, { headers: { authorization: `Bearer ${wrong['wrong token (near miss)']}` } }), 401);
    await expectStatus(
      okta.post('/Users', oktaUser('intruder@example.com', { password: PASSWORDS['password sent with a wrong token'] }), { headers: { authorization: `Bearer ${wrong['wrong token (with password body)']}` } }),
      401,
    );
    // Fully-qualified password attribute names.
    const urnCreated = await okta.post('/Users', { schemas: [CORE_USER], userName: 'urn.pw@example.com', [`${CORE_USER}:password`]: URN_PASSWORDS['password under urn:…:User:password on create'] });
    requests++;
    expect([201, 400]).toContain(urnCreated.status);
    await expectStatus(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { [`${CORE_USER}:password`]: URN_PASSWORDS['password under urn:…:User:password in a path-less PATCH'] } })), 200);
    await expectStatus(okta.patch(`/Users/${id}`, patchOp({ op: 'replace', path: `${CORE_USER}:password`, value: URN_PASSWORDS['password in a PATCH with path urn:…:User:password'] })), 200);

    expect(await waitForActivity(dataDir, requests)).toBeGreaterThanOrEqual(requests);
    whileServing = readFiles(dataDir, ['secrets.json']);
    await stop(served);
    afterStop = readFiles(dataDir, ['secrets.json']);
    logs = [...cliOutput, served.output()].join('\n');
  }, SETUP_MS);

  const tokenSecrets = (): Needle[] => [
    ...tokenNeedles('the Okta token', oktaToken),
    ...tokenNeedles('the Entra token', entraToken),
    ...Object.entries(wrong).flatMap(([label, token]) => tokenNeedles(label, token)),
  ];
  const snapshot = (): Map<string, Buffer> => new Map([...[...whileServing].map(([k, v]): [string, Buffer] => [`${k} (while serving)`, v]), ...[...afterStop].map(([k, v]): [string, Buffer] => [`${k} (after stop)`, v])]);

  it('the trace log did record every request (so the searches below are not vacuous)', () => {
    const incoming = logs.match(/"msg":"incoming request"/g) ?? [];
    expect(incoming.length).toBeGreaterThanOrEqual(requests);
    expect(logs).toContain('"statusCode":401');
    expect(logs).toContain('"statusCode":409');
  });

  it('no token (valid or wrong) and no token hash appears in the serve output', () => {
    expect(leaks(new Map([['stdout+stderr', Buffer.from(logs)]]), tokenSecrets())).toEqual([]);
  });

  it('no password appears in the serve output', () => {
    expect(leaks(new Map([['stdout+stderr', Buffer.from(logs)]]), plainNeedles({ ...PASSWORDS, ...URN_PASSWORDS }))).toEqual([]);
  });

  it('no token, token hash or password in any file of the data folder: database and WAL while serving, everything after stop', () => {
    // Not vacuous: the WAL existed while serving and the request log holds redacted bodies.
    expect([...whileServing.keys()]).toContain('scimdesk.db-wal');
    expect([...whileServing.keys()]).toContain('requests.db-wal');
    const db = new Database(join(dataDir, 'requests.db'), { readonly: true, fileMustExist: true });
    try {
      const bodies = db.prepare("SELECT count(*) AS n FROM requests WHERE request_body LIKE '%[redacted]%'").get() as { n: number };
      expect(bodies.n).toBeGreaterThanOrEqual(8);
    } finally {
      db.close();
    }
    expect(leaks(snapshot(), [...tokenSecrets(), ...plainNeedles(PASSWORDS)])).toEqual([]);
  });

  it('secrets.json is 0600 and holds exactly the two token hashes: no token, no password', () => {
    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const sha = (token: string) => createHash('sha256').update(token).digest('hex');
    expect(JSON.parse(text)).toEqual({ 'okta-token-sha256': sha(oktaToken), 'entra-token-sha256': sha(entraToken) });
    expect(leaks(new Map([['secrets.json', Buffer.from(text)]]), [['the Okta token', Buffer.from(oktaToken)], ['the Entra token', Buffer.from(entraToken)], ...plainNeedles(PASSWORDS)])).toEqual([]);
  });

  it('a password under its fully-qualified name (urn:…:User:password) is neither stored, recorded nor logged', () => {
    expect(leaks(snapshot(), plainNeedles(URN_PASSWORDS))).toEqual([]);
  });
});

describe('a token in the query string (?access_token=…)', () => {
  let dataDir: string;
  let oktaToken: string;
  let wrongToken: string;
  let logs: string;
  let files: Map<string, Buffer>;

  beforeAll(async () => {
    dataDir = cli.newDir();
    const cliOutput: string[] = [];
    oktaToken = await enable(dataDir, 'okta', cliOutput);
    wrongToken = wrongTokens(oktaToken)['wrong token (random)']!;
    const served = await serve(dataDir);
    const okta = new ScimClient(served.base, `Bearer ${oktaToken}`);
    let requests = 0;
    const statusOf = async (pending: Promise<{ status: number }>): Promise<number> => {
      requests++;
      return (await pending).status;
    };
    // The server authenticates by header only; a client may still put the token in the URL.
    expect(await statusOf(okta.get(`/Users?access_token=${oktaToken}`))).toBe(200);
    expect(await statusOf(okta.get(`/Users?filter=${encodeURIComponent('userName eq "x@example.com"')}&token=${encodeURIComponent(oktaToken)}`))).toBe(200);
    expect(await statusOf(new ScimClient(served.base, undefined).get(`/Users?access_token=${wrongToken}`))).toBe(401);
    expect(await waitForActivity(dataDir, requests)).toBeGreaterThanOrEqual(requests);
    await stop(served);
    files = readFiles(dataDir, ['secrets.json']);
    logs = [...cliOutput, served.output()].join('\n');
  }, SETUP_MS);

  it('appears in no log line', () => {
    expect(leaks(new Map([['stdout+stderr', Buffer.from(logs)]]), [...tokenNeedles('the Okta token', oktaToken), ...tokenNeedles('a wrong token', wrongToken)])).toEqual([]);
  });

  it('appears in no file of the data folder (activity records)', () => {
    expect(leaks(files, [...tokenNeedles('the Okta token', oktaToken), ...tokenNeedles('a wrong token', wrongToken)])).toEqual([]);
  });
});
