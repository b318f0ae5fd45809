/**
 * Taking care of the store while it is in use:
 * - `backup` and `export --format json|csv` run as separate CLI processes while `serve` runs
 *   and an IdP keeps creating users: the writes keep succeeding, the backup is a sound SQLite
 *   file holding everything written before it started, the JSON export is SCIM resources
 *   without passwords, the CSV export is RFC 4180 with spreadsheet formulas defused, and every
 *   file is readable by its owner only;
 * - request log retention: successes, errors and refused requests each keep their own newest N
 *   and age, and the writer's queue is bounded with its drops counted;
 * - the panel's path (Controller.backupNow / exportDirectory) writes into the data folder's
 *   backups/ and exports/.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLog } from '../../../server/store/request-log';
import { RequestLogReader } from '../../../server/store/request-log-reader';
import type { LogRetention, RefusedRecord, RequestRecord } from '../../../server/store/request-log-schema';
import { oktaUser } from '../../../tools/idp/okta';
import { seedUsersInBulk } from '../../../tools/seed';
import { type TestController, startController } from '../../support/controller';
import { GROUP_SCHEMA, ScimClient, USER_SCHEMA } from '../../../tools/scim-client';
import { type Exit, cliProcesses } from '../../support/cli-process';

const SETUP_MS = 240_000;

const USERS_HEADER = ['id', 'userName', 'name', 'email', 'active', 'externalId', 'source', 'created', 'lastModified'];
const GROUPS_HEADER = ['id', 'displayName', 'memberCount', 'externalId', 'source', 'created', 'lastModified'];
const MEMBERSHIPS_HEADER = ['groupId', 'groupName', 'userId', 'userName'];

/** Users whose names a spreadsheet would run, or that need RFC 4180 quoting. */
const SPECIAL_USERS: readonly { userName: string; displayName: string; csv: string }[] = [
  { userName: 'formula.hyperlink@example.com', displayName: '=HYPERLINK("http://evil.example/x","Click me")', csv: `'=HYPERLINK("http://evil.example/x","Click me")` },
  { userName: 'formula.plus@example.com', displayName: "+cmd|' /C calc'!A0", csv: "'+cmd|' /C calc'!A0" },
  { userName: 'formula.minus@example.com', displayName: '-2+3+cmd|calc', csv: "'-2+3+cmd|calc" },
  { userName: 'formula.at@example.com', displayName: '@SUM(1+1)*cmd|calc', csv: "'@SUM(1+1)*cmd|calc" },
  { userName: 'formula.tab@example.com', displayName: '\t=1+2', csv: "'\t=1+2" },
  { userName: 'comma.quote@example.com', displayName: 'Smith, Jo "JJ"', csv: 'Smith, Jo "JJ"' },
  { userName: 'newline@example.com', displayName: 'Line one\nLine two', csv: 'Line one\nLine two' },
];
const FORMULA_GROUP = { displayName: '=1+1 group', csv: "'=1+1 group" };
const QUOTED_GROUP = 'Engineering, R&D "core"';
const PASSWORD = 'StoreCarePw7h8j9k';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Processes and folders live until the file ends: the tests read what the beforeAll made. */
const { newDir, cli, enable, serve, stop } = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-care-', cleanup: 'all' });

/**
 * A strict RFC 4180 reader: CRLF record ends, quoted fields with "" escapes, no quote or bare
 * line break outside a quoted field (so wrong quoting by the writer fails here).
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
      continue;
    }
    if (c === '"') {
      if (cell !== '' || wasQuoted) throw new Error(`quote inside an unquoted field at offset ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 40), i + 40))}`);
      quoted = wasQuoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      wasQuoted = false;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      wasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`line break outside a quoted field at offset ${i}`);
    } else {
      if (wasQuoted) throw new Error(`text after a closing quote at offset ${i}`);
      cell += c;
    }
  }
  if (quoted || cell !== '' || row.length) throw new Error('the last record is not terminated by CRLF');
  return rows;
}

/** Reads a CSV file: its header and its records as objects. */
function readCsv(file: string): { header: string[]; records: Record<string, string>[]; text: string } {
  const text = readFileSync(file, 'utf8');
  const [header = [], ...rows] = parseCsv(text);
  for (const [i, row] of rows.entries()) expect(row.length, `${file} record ${i + 1}`).toBe(header.length);
  return { header, records: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))), text };
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      into.add(k.toLowerCase());
      keysOf(v, into);
    }
  }
  return into;
}

function expectScimUser(u: any): void {
  expect(u.schemas).toContain(USER_SCHEMA);
  expect(typeof u.id).toBe('string');
  expect(typeof u.userName).toBe('string');
  expect(u.meta).toMatchObject({ resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: expect.stringContaining(`/Users/${u.id}`), version: expect.stringMatching(/^W\/"/) });
}

// ---------------------------------------------------------------------------------------------

describe('backup and export while serve runs and users keep arriving', () => {
  let dataDir: string;
  let usersBefore: string[];
  let writes: number[];
  let writesDuring = 0;
  let backup: Exit;
  let json: Exit;
  let csv: Exit;

  beforeAll(async () => {
    dataDir = newDir();
    const { token } = await enable(dataDir, { args: ['--secret-store', 'file'] });

    const served = await serve(dataDir, { args: ['--secret-store', 'file'] });
    const okta = new ScimClient(served.base, `Bearer ${token}`);

    // The directory before: ordinary users (with passwords, as Okta sends them), the special
    // ones, and groups whose names need care too.
    const created: { id: string; userName: string }[] = [];
    const createUser = async (userName: string, extra: Record<string, unknown> = {}) => {
      const res = await okta.post('/Users', oktaUser(userName, { externalId: `ext-${userName}`, password: PASSWORD, ...extra }));
      expect(res.status, res.text).toBe(201);
      created.push({ id: res.body.id, userName });
      return res.body.id as string;
    };
    for (let i = 0; i < 20; i++) await createUser(`seed.${i}@example.com`);
    for (const u of SPECIAL_USERS) await createUser(u.userName, { displayName: u.displayName });
    const group = async (displayName: string, members: string[]) => {
      const res = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });
      expect(res.status, res.text).toBe(201);
    };
    await group(QUOTED_GROUP, [...created.slice(0, 5).map((u) => u.id), created.find((u) => u.userName === SPECIAL_USERS[0]!.userName)!.id]);
    await group(FORMULA_GROUP.displayName, created.slice(5, 7).map((u) => u.id));
    await group('Empty', []);

    // The IdP keeps writing in the background.
    writes = [];
    let stopWriting = false;
    let running = false;
    const writer = (async () => {
      for (let i = 0; !stopWriting; i++) {
        const res = await okta.post('/Users', oktaUser(`bg.${i}@example.com`, { externalId: `bg-${i}`, password: PASSWORD }));
        writes.push(res.status);
        if (res.status === 201) created.push({ id: res.body.id, userName: `bg.${i}@example.com` });
        if (running) writesDuring++;
      }
    })();
    while (writes.length < 10) await sleep(5);

    // Everything answered so far must be in the backup.
    usersBefore = created.map((u) => u.userName);
    running = true;
    const common = ['--data-dir', dataDir, '--secret-store', 'file'];
    [backup, json, csv] = await Promise.all([cli(['backup', ...common]), cli(['export', '--format', 'json', ...common]), cli(['export', '--format', 'csv', ...common])]);
    running = false;
    const after = writes.length;
    while (writes.length < after + 5) await sleep(5);
    stopWriting = true;
    await writer;

    expect((await stop(served)).code).toBe(0);
  }, SETUP_MS);

  it('the IdP\'s writes kept succeeding while backup and export ran', () => {
    expect(writesDuring, 'writes completed while the CLI commands ran').toBeGreaterThan(0);
    const failed = writes.filter((s) => s !== 201);
    expect(failed, `statuses other than 201 among ${writes.length} creates`).toEqual([]);
  });

  it('the backup opens with better-sqlite3, passes integrity_check and holds every user created before it started', () => {
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toBe('');
    const file = /^Backup written: (.+)$/m.exec(backup.stdout)?.[1];
    expect(file, backup.stdout).toBeDefined();
    expect(dirname(file!)).toBe(join(dataDir, 'backups'));
    // A self-contained file: nothing beside it (looked at before opening it, which adds a WAL).
    expect(readdirSync(dirname(file!))).toEqual([file!.split('/').at(-1)]);
    const db = new Database(file!, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const names = new Set(db.prepare('SELECT user_name FROM users').pluck().all() as string[]);
      expect(names.size).toBeGreaterThanOrEqual(usersBefore.length);
      expect(usersBefore.filter((n) => !names.has(n)), 'users answered 201 before the backup started but missing from it').toEqual([]);
      expect(db.prepare('SELECT count(*) FROM groups').pluck().get()).toBe(3);
    } finally {
      db.close();
    }
    // No password in it.
    expect(readFileSync(file!).includes(Buffer.from(PASSWORD))).toBe(false);
  });

  it('the backup file is readable by its owner only (0600), like the database it copies', () => {
    const file = /^Backup written: (.+)$/m.exec(backup.stdout)![1]!;
    expect(modeOf(join(dataDir, 'scimdesk.db'))).toBe(0o600);
    expect(modeOf(dirname(file))).toBe(0o700);
    expect(modeOf(file).toString(8)).toBe((0o600).toString(8));
  });

  it('the JSON export parses; its users are SCIM resources without passwords; the counts are what it printed; 0600', () => {
    expect(json.code, json.stderr).toBe(0);
    const printed = /^Exported (\d+) users and (\d+) groups:$/m.exec(json.stdout);
    expect(printed, json.stdout).not.toBeNull();
    const file = /^ {2}(\S+\.json)$/m.exec(json.stdout)?.[1];
    expect(file, json.stdout).toBeDefined();
    expect(dirname(file!)).toBe(join(dataDir, 'exports'));
    const text = readFileSync(file!, 'utf8');
    const data = JSON.parse(text) as { exportedAt: string; users: any[]; groups: any[] };
    expect(Number.isNaN(Date.parse(data.exportedAt))).toBe(false);
    expect(data.users).toHaveLength(Number(printed![1]));
    expect(data.groups).toHaveLength(Number(printed![2]));
    expect(data.groups).toHaveLength(3);
    expect(data.users.length).toBeGreaterThanOrEqual(usersBefore.length);

    for (const u of data.users) expectScimUser(u);
    expect(new Set(data.users.map((u) => u.id)).size, 'no user twice').toBe(data.users.length);
    const names = new Set(data.users.map((u) => u.userName));
    expect(usersBefore.filter((n) => !names.has(n))).toEqual([]);
    for (const s of SPECIAL_USERS) expect(data.users.find((u) => u.userName === s.userName)?.displayName).toBe(s.displayName);
    expect(keysOf(data).has('password')).toBe(false);
    expect(text).not.toContain(PASSWORD);

    for (const g of data.groups) {
      expect(g.schemas).toContain(GROUP_SCHEMA);
      expect(g.meta).toMatchObject({ resourceType: 'Group' });
    }
    expect(data.groups.find((g) => g.displayName === QUOTED_GROUP)?.members).toHaveLength(6);

    expect(modeOf(file!)).toBe(0o600);
    expect(modeOf(dirname(file!))).toBe(0o700);
  });

  it('the CSV export: three files with their header rows, one record per user, group and membership as printed, RFC 4180 quoting, formulas defused, 0600', () => {
    expect(csv.code, csv.stderr).toBe(0);
    const printed = /^Exported (\d+) users and (\d+) groups:$/m.exec(csv.stdout);
    expect(printed, csv.stdout).not.toBeNull();
    const files = [...csv.stdout.matchAll(/^ {2}(\S+)$/gm)].map((m) => m[1]!);
    expect(files.map((f) => f.split('/').at(-1))).toEqual(['users.csv', 'groups.csv', 'memberships.csv']);
    const dir = dirname(files[0]!);
    expect(dirname(dir)).toBe(join(dataDir, 'exports'));

    const users = readCsv(join(dir, 'users.csv'));
    const groups = readCsv(join(dir, 'groups.csv'));
    const memberships = readCsv(join(dir, 'memberships.csv'));
    expect(users.header).toEqual(USERS_HEADER);
    expect(groups.header).toEqual(GROUPS_HEADER);
    expect(memberships.header).toEqual(MEMBERSHIPS_HEADER);
    expect(users.records).toHaveLength(Number(printed![1]));
    expect(groups.records).toHaveLength(Number(printed![2]));
    expect(groups.records).toHaveLength(3);
    expect(memberships.records).toHaveLength(8);
    const names = new Set(users.records.map((u) => u.userName));
    expect(usersBefore.filter((n) => !names.has(n))).toEqual([]);
    expect(new Set(users.records.map((u) => u.id)).size).toBe(users.records.length);

    // Quoting round-trips and formulas carry a leading apostrophe.
    for (const s of SPECIAL_USERS) expect(users.records.find((u) => u.userName === s.userName)?.name, s.userName).toBe(s.csv);
    expect(users.text).toContain(`"'=HYPERLINK(""http://evil.example/x"",""Click me"")"`);
    expect(groups.records.map((g) => g.displayName).sort()).toEqual([FORMULA_GROUP.csv, QUOTED_GROUP, 'Empty'].sort());
    expect(groups.records.find((g) => g.displayName === QUOTED_GROUP)?.memberCount).toBe('6');
    expect(new Set(memberships.records.map((m) => m.groupName))).toEqual(new Set([QUOTED_GROUP, FORMULA_GROUP.csv]));
    expect(memberships.records.some((m) => m.userName === SPECIAL_USERS[0]!.userName && m.groupName === QUOTED_GROUP)).toBe(true);
    // No cell a spreadsheet would evaluate.
    for (const [name, file] of [['users', users], ['groups', groups], ['memberships', memberships]] as const) {
      for (const record of file.records) for (const [column, value] of Object.entries(record)) expect(value, `${name}.csv ${column}`).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(users.text).not.toContain(PASSWORD);

    for (const f of files) expect(modeOf(f), f).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
  });
});

// ---------------------------------------------------------------------------------------------

describe('request log retention (requests.db, written by its worker)', () => {
  const at = (daysAgo: number): string => new Date(Date.now() - daysAgo * 86_400_000).toISOString();

  function request(i: number, status: number, when: string): RequestRecord {
    return {
      at: when,
      connection: 'okta',
      token: 'current',
      method: 'GET',
      path: `/scim/v2/Users/${i}`,
      status,
      durationMs: 1,
      action: 'Get user',
      resourceType: 'User',
      resourceId: String(i),
      target: `user${i}`,
      summary: null,
      clientIp: '127.0.0.1',
      userAgent: 'retention test',
      requestBody: null,
      responseBody: null,
      notes: [],
      changes: null,
      members: null,
      scimType: null,
      detail: null,
    };
  }

  function refused(ip: string, when: string): RefusedRecord {
    return { clientIp: ip, status: 401, reason: 'unknown', claimed: '', replacedAt: null, count: 1, firstAt: when, lastAt: when, sampleMethod: 'GET', samplePath: '/scim/v2/Users', sampleAgent: 'flood', detail: null };
  }

  function open(retention: LogRetention): { log: RequestLog; reader: RequestLogReader } {
    const file = join(newDir('scimdesk-retention-'), 'requests.db');
    return { log: new RequestLog({ file, retention }), reader: new RequestLogReader(file) };
  }

  const paths = (reader: RequestLogReader, errorsOnly = false): string[] => reader.list({ limit: 1000, errorsOnly }).map((e) => e.path);

  it('successes, errors and refused requests each keep their own newest N: one kind never evicts another', async () => {
    const { log, reader } = open({ successes: { maxEntries: 5, maxAgeDays: 0 }, errors: { maxEntries: 3, maxAgeDays: 0 }, unauthenticated: { maxEntries: 2, maxAgeDays: 0 } });
    const now = new Date().toISOString();
    for (let i = 0; i < 12; i++) log.record(() => request(i, 200, now));
    for (let i = 100; i < 106; i++) log.record(() => request(i, 404, now));
    await log.settled();
    // A flood of refused requests from many addresses afterwards.
    for (let i = 0; i < 3000; i++) log.record(() => refused(`198.51.100.${i % 200}`, now));
    log.close(); // applies retention when closing, too
    expect(paths(reader, true)).toEqual([105, 104, 103].map((i) => `/scim/v2/Users/${i}`));
    expect(paths(reader).filter((p) => Number(p.split('/').pop()) < 100)).toEqual([11, 10, 9, 8, 7].map((i) => `/scim/v2/Users/${i}`));
    const aggregates = reader.refused(100);
    expect(aggregates).toHaveLength(2);
    // 3 000 requests over 200 addresses, folded into counts (at most 15 an address; an address
    // evicted by the retention of 2 starts counting again if it comes back).
    expect(aggregates.every((r) => r.count >= 1 && r.count <= 15)).toBe(true);
    reader.close();
  });

  it('entries older than their kind\'s maxAgeDays go; maxAgeDays 0 keeps them', async () => {
    const { log, reader } = open({ successes: { maxEntries: 1000, maxAgeDays: 30 }, errors: { maxEntries: 1000, maxAgeDays: 0 }, unauthenticated: { maxEntries: 1000, maxAgeDays: 7 } });
    log.record(() => request(1, 200, at(40)));
    log.record(() => request(2, 200, at(1)));
    log.record(() => request(3, 500, at(400)));
    log.record(() => refused('192.0.2.1', at(8)));
    log.record(() => refused('192.0.2.2', at(1)));
    log.close();
    expect(paths(reader)).toEqual(['/scim/v2/Users/3', '/scim/v2/Users/2']);
    expect(reader.refused(10).map((r) => r.clientIp)).toEqual(['192.0.2.2']);
    reader.close();
  });

  it('retention applies by itself as batches are written: the log stays bounded without a close', async () => {
    const { log, reader } = open({ successes: { maxEntries: 100, maxAgeDays: 0 }, errors: { maxEntries: 100, maxAgeDays: 0 }, unauthenticated: { maxEntries: 10, maxAgeDays: 0 } });
    const now = new Date().toISOString();
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 20; i++) log.record(() => request(batch * 20 + i, 200, now));
      log.flush();
      await log.settled();
    }
    expect(reader.list({ limit: 10_000 }).length).toBeLessThanOrEqual(100 + 16 * 20);
    log.close();
    expect(reader.list({ limit: 10_000 })).toHaveLength(100);
    reader.close();
  });

  it('the queue is bounded: beyond it entries are dropped and counted, never silently', async () => {
    const file = join(newDir('scimdesk-retention-'), 'requests.db');
    const log = new RequestLog({ file, maxQueued: 50 });
    const now = new Date().toISOString();
    for (let i = 0; i < 80; i++) log.record(() => request(i, 200, now));
    expect(log.status().dropped).toBe(30);
    log.close();
    const reader = new RequestLogReader(file);
    expect(reader.list({ limit: 1000 })).toHaveLength(50);
    reader.close();
  });
});

describe('backup and export from the panel (Controller, the IPC path)', () => {
  let t: TestController;
  let userNames: string[];

  beforeAll(async () => {
    t = await startController();
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    const okta = new ScimClient(t.controller.status().scimUrl!, `Bearer ${token}`);
    userNames = [];
    for (let i = 0; i < 5; i++) {
      const userName = `panel.${i}@example.com`;
      const res = await okta.post('/Users', oktaUser(userName, { externalId: `panel-${i}`, password: PASSWORD, ...(i === 0 ? { displayName: '=HYPERLINK("http://evil.example","x")' } : {}) }));
      expect(res.status, res.text).toBe(201);
      userNames.push(userName);
    }
  });
  afterAll(async () => t?.stop());

  it('backupNow() writes a consistent copy into <data>/backups/', async () => {
    const { file } = await t.controller.core.files.backup();
    expect(dirname(file)).toBe(join(t.dataDir, 'backups'));
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT user_name FROM users ORDER BY user_name').pluck().all() as string[]).sort()).toEqual([...userNames].sort());
      // The audit trail is part of the directory's database, so it is in the copy too.
      expect(db.prepare("SELECT count(*) FROM audit WHERE action = 'create'").pluck().get()).toBeGreaterThanOrEqual(userNames.length);
    } finally {
      db.close();
    }
  });

  it('backupNow()\'s file is readable by its owner only (0600)', async () => {
    const { file } = await t.controller.core.files.backup();
    expect(modeOf(dirname(file))).toBe(0o700);
    expect(modeOf(file).toString(8)).toBe((0o600).toString(8));
  });

  it('exportDirectory("csv") and ("json") write owner-only files into <data>/exports/', async () => {
    const csv = await t.controller.core.files.export('csv');
    expect(csv).toMatchObject({ users: userNames.length, groups: 0 });
    expect(csv.files.map((f) => f.split('/').at(-1))).toEqual(['users.csv', 'groups.csv', 'memberships.csv']);
    const dir = dirname(csv.files[0]!);
    expect(dirname(dir)).toBe(join(t.dataDir, 'exports'));
    const users = readCsv(csv.files[0]!);
    expect(users.header).toEqual(USERS_HEADER);
    expect(users.records.map((u) => u.userName).sort()).toEqual([...userNames].sort());
    expect(users.records.find((u) => u.userName === userNames[0])?.name).toBe(`'=HYPERLINK("http://evil.example","x")`);
    for (const f of csv.files) expect(modeOf(f), f).toBe(0o600);

    const json = await t.controller.core.files.export('json');
    expect(json).toMatchObject({ users: userNames.length, groups: 0 });
    const [file] = json.files;
    expect(dirname(file!)).toBe(join(t.dataDir, 'exports'));
    const data = JSON.parse(readFileSync(file!, 'utf8')) as { users: any[] };
    expect(data.users).toHaveLength(userNames.length);
    for (const u of data.users) expectScimUser(u);
    expect(keysOf(data).has('password')).toBe(false);
    expect(modeOf(file!)).toBe(0o600);
  });
});

describe('exports past one page (keyset paging)', () => {
  // More users than the export's page (200), all in one group: every page follows the one before.
  const USERS = 450;
  let t: TestController;

  beforeAll(async () => {
    t = await startController();
    seedUsersInBulk(t.controller, USERS);
    const members = t.controller.core.db.prepare('SELECT id FROM users ORDER BY seq').pluck().all() as string[];
    t.controller.core.directory.create('Group', { displayName: 'Everyone', members: members.map((value) => ({ value })) }, 'okta');
  });
  afterAll(async () => t?.stop());

  it('CSV: every user once, and every membership of the large group once, in user order', async () => {
    const csv = await t.controller.core.files.export('csv');
    expect(csv).toMatchObject({ users: USERS, groups: 1 });
    const users = readCsv(csv.files[0]!).records;
    const memberships = readCsv(csv.files[2]!).records;
    expect(new Set(users.map((u) => u.id)).size).toBe(USERS);
    expect(memberships.map((m) => m.userId)).toEqual(users.map((u) => u.id));
  });

  it('JSON: every user once, and the group with all its members', async () => {
    const json = await t.controller.core.files.export('json');
    expect(json).toMatchObject({ users: USERS, groups: 1 });
    const data = JSON.parse(readFileSync(json.files[0]!, 'utf8')) as { users: { id: string }[]; groups: { members: unknown[] }[] };
    expect(new Set(data.users.map((u) => u.id)).size).toBe(USERS);
    expect(data.groups[0]!.members).toHaveLength(USERS);
  });
});
