/**
 * openStore against real SQLite files: a fresh folder gets a WAL database at the latest schema,
 * data survives a reopen, and every refusal (failed migration, newer schema, corrupt file)
 * leaves the file exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Directory } from '../../../server/core/directory';
import { type Db, StoreError, type StoreErrorCode, databasePath, openStore } from '../../../server/store/database';
import { MIGRATIONS, type Migration } from '../../../server/store/migrations/index';
import { tempDir } from '../../support/scim-server';

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));
const BROKEN: readonly Migration[] = [...MIGRATIONS, { version: LATEST + 1, name: 'broken', sql: 'CREATE TABLE x(a); SELECT * FROM nope;' }];
const BROKEN_NAME = `${String(LATEST + 1).padStart(4, '0')}-broken`;

const dirs: string[] = [];
const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = tempDir('scimdesk-store-');
  dirs.push(dir);
  return dir;
}

function track<T extends Db>(db: T): T {
  open.push(db);
  return db;
}

function openRaw(file: string): Db {
  return track(new Database(file));
}

/** Opens the store, writes a small directory (users, a group with members), closes it. */
function seed(dataDir: string, users = 3): { userIds: string[]; groupId: string } {
  const db = track(openStore({ dataDir }));
  const directory = new Directory(db, { baseUrl: () => 'http://127.0.0.1:8787/scim/v2' });
  const userIds: string[] = [];
  for (let i = 0; i < users; i++) {
    userIds.push(directory.create('User', { userName: `user${i}@example.com`, displayName: `User ${i}`, emails: [{ value: `user${i}@example.com`, type: 'work', primary: true }] }, 'okta').id);
  }
  const groupId = directory.create('Group', { displayName: 'Sales', members: userIds.slice(0, 2).map((value) => ({ value })) }, 'okta').id;
  db.close();
  return { userIds, groupId };
}

interface Snapshot {
  userVersion: number;
  schema: unknown[];
  rows: Record<string, string[]>;
}

/** Everything a migration could change: user_version, the schema, and every row of every table. */
function snapshot(file: string): Snapshot {
  const db = openRaw(file);
  try {
    const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const rows: Record<string, string[]> = {};
    for (const { name } of tables) rows[name] = db.prepare(`SELECT * FROM "${name}"`).all().map((r) => JSON.stringify(r)).sort();
    return { userVersion: db.pragma('user_version', { simple: true }) as number, schema, rows };
  } finally {
    db.close();
  }
}

/** Byte offsets where two files differ (a length change counts from the shorter length), for readable failures. */
function changedOffsets(before: Buffer, after: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.max(before.length, after.length) && out.length < 32; i++) if (before[i] !== after[i]) out.push(i);
  return out;
}

function storeErrorOf(fn: () => unknown): StoreError {
  try {
    const db = fn() as Db | undefined;
    if (db && typeof db.close === 'function') db.close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected openStore to throw a StoreError, but it opened the database');
}

function expectRefused(dataDir: string, code: StoreErrorCode, migrations?: readonly Migration[]): StoreError {
  const err = storeErrorOf(() => openStore({ dataDir, ...(migrations ? { migrations } : {}) }));
  expect(err.code).toBe(code);
  return err;
}

describe('openStore on a fresh data folder', () => {
  it('creates the database file, in WAL mode, with foreign keys on, at the latest schema', () => {
    const dataDir = join(newDataDir(), 'not', 'yet', 'there');
    const db = track(openStore({ dataDir }));
    expect(existsSync(databasePath(dataDir))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['audit', 'connections', 'group_members', 'groups', 'users']));
    expect(db.prepare('SELECT name, enabled FROM connections ORDER BY name').all()).toEqual([
      { name: 'entra', enabled: 0 },
      { name: 'okta', enabled: 0 },
    ]);
    // Foreign keys are enforced: a membership of users and groups that do not exist is refused.
    expect(() => db.prepare('INSERT INTO group_members (group_seq, user_seq) VALUES (4242, 4343)').run()).toThrow(/FOREIGN KEY/);
    db.close();
    // WAL is a property of the file, so every later connection (the CLI next to the app) uses it too.
    const raw = openRaw(databasePath(dataDir));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps its data when reopened, without migrating or backing up again', () => {
    const dataDir = newDataDir();
    const { userIds, groupId } = seed(dataDir);
    const db = track(openStore({ dataDir }));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const directory = new Directory(db, { baseUrl: () => 'http://127.0.0.1:8787/scim/v2' });
    expect(directory.counts()).toEqual({ users: 3, groups: 1 });
    expect(directory.get('User', userIds[2]!).resource).toMatchObject({ userName: 'user2@example.com', displayName: 'User 2' });
    const group = directory.get('Group', groupId).resource as { displayName: string; members: { value: string }[] };
    expect(group.displayName).toBe('Sales');
    expect(group.members.map((m) => m.value)).toEqual(userIds.slice(0, 2));
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  });
});

describe('a failing migration', () => {
  it('throws migration-failed naming the migration and leaves schema and data exactly as they were', () => {
    const dataDir = newDataDir();
    seed(dataDir);
    const file = databasePath(dataDir);
    const before = snapshot(file);
    expect(before.rows['users']).toHaveLength(3);

    const err = expectRefused(dataDir, 'migration-failed', BROKEN);
    expect(err.message).toContain(BROKEN_NAME);
    expect(err.message).toContain('no such table: nope');

    const after = snapshot(file);
    expect(after).toEqual(before);
    expect(after.userVersion).toBe(LATEST);
    expect(after.schema.map((s) => (s as { name: string }).name)).not.toContain('x');
  });

  it('leaves a backup of the database as it was before the attempt, named in the error', () => {
    const dataDir = newDataDir();
    seed(dataDir);
    const before = snapshot(databasePath(dataDir));
    const err = expectRefused(dataDir, 'migration-failed', BROKEN);

    const backupsDir = join(dataDir, 'backups');
    const backups = existsSync(backupsDir) ? readdirSync(backupsDir) : [];
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(new RegExp(`^scimdesk-schema${LATEST}-.*\\.db$`));
    const backup = join(backupsDir, backups[0]!);
    expect(err.message).toContain(backup);
    expect(snapshot(backup)).toEqual(before);
  });

  it('does not stop this version from opening the database afterwards', () => {
    const dataDir = newDataDir();
    const { userIds } = seed(dataDir);
    expectRefused(dataDir, 'migration-failed', BROKEN);
    const db = track(openStore({ dataDir }));
    const directory = new Directory(db, { baseUrl: () => 'http://127.0.0.1:8787/scim/v2' });
    expect(directory.get('User', userIds[0]!).resource).toMatchObject({ userName: 'user0@example.com' });
  });
});

describe('a database written by a newer ScimDesk', () => {
  it('is refused with newer-schema and its bytes are unchanged', () => {
    const dataDir = newDataDir();
    seed(dataDir);
    const file = databasePath(dataDir);
    const raw = openRaw(file);
    raw.pragma(`user_version = ${LATEST + 1}`);
    raw.close();
    const bytes = readFileSync(file);

    const err = expectRefused(dataDir, 'newer-schema');
    expect(err.message).toContain(`schema ${LATEST + 1}`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dataDir).sort()).toEqual(['scimdesk.db']);
  });

  it('is refused unchanged also when it is in rollback-journal mode (the format of ScimDesk\'s own VACUUM INTO backups)', () => {
    // A newer ScimDesk's backup (VACUUM INTO writes rollback-journal files) put back in place.
    const source = newDataDir();
    seed(source);
    const dataDir = newDataDir();
    const file = databasePath(dataDir);
    const raw = openRaw(databasePath(source));
    raw.prepare('VACUUM INTO ?').run(file);
    raw.close();
    const copy = openRaw(file);
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.pragma(`user_version = ${LATEST + 1}`);
    copy.close();
    const bytes = readFileSync(file);

    expectRefused(dataDir, 'newer-schema');
    const after = readFileSync(file);
    expect(changedOffsets(bytes, after)).toEqual([]);
    expect(after.equals(bytes)).toBe(true);
  });
});

describe('a corrupt database file', () => {
  it('of random bytes is refused with corrupt and left byte for byte as it was', () => {
    const dataDir = newDataDir();
    const file = databasePath(dataDir);
    const bytes = randomBytes(16 * 1024);
    writeFileSync(file, bytes);

    const err = expectRefused(dataDir, 'corrupt');
    expect(err.message).toContain(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dataDir).sort()).toEqual(['scimdesk.db']);
  });

  it('with bytes overwritten in the middle of a real database is refused with corrupt and left as it was', () => {
    const dataDir = newDataDir();
    seed(dataDir, 400);
    const file = databasePath(dataDir);
    const pageSize = 4096;
    const original = readFileSync(file);
    const pages = original.length / pageSize;
    expect(pages).toBeGreaterThan(20);
    // Overwrite one whole page in the middle of the file (a b-tree page of the users table).
    const corrupted = Buffer.from(original);
    const middle = Math.floor(pages / 2) * pageSize;
    corrupted.fill(0xa5, middle, middle + pageSize);
    writeFileSync(file, corrupted);

    const err = expectRefused(dataDir, 'corrupt');
    expect(err.message).toContain(file);
    expect(readFileSync(file).equals(corrupted)).toBe(true);
    expect(existsSync(join(dataDir, 'backups'))).toBe(false);
  });

  it('that starts like SQLite but holds garbage is refused with corrupt and left as it was', () => {
    const dataDir = newDataDir();
    const file = databasePath(dataDir);
    const bytes = Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(8192 - 16)]);
    writeFileSync(file, bytes);
    expectRefused(dataDir, 'corrupt');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});
