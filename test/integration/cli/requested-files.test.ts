/**
 * Files written where an admin asked (`backup --out`, `export --out`), by real CLI processes on
 * a real data folder: an existing file is never replaced without --force, a symbolic link is
 * never followed (a link to someone else's file, or to the live database), the live database is
 * never the target even with --force, what is written is 0600 whatever was there before, and a
 * full disk (small tmpfs mounts, made as root; skipped where mounting is refused) leaves no
 * partial file, and no `secrets.json.<pid>.tmp` in the data folder either.
 */
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { cliProcesses } from '../../support/cli-process';
import { mountTmpfs, unmountTmpfs } from '../../support/tmpfs';

const SLOW_TEST_MS = 180_000;
const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-files-' });
const { newDir, cli, serve, stop } = scimdesk;
const FILE = ['--secret-store', 'file'];

const mode = (path: string): number => statSync(path).mode & 0o777;

/** A data folder with an enabled connection and `users` users created over SCIM; returns the folder. */
async function dataWithUsers(users: number, dataDir = newDir()): Promise<string> {
  const { token } = await scimdesk.enable(dataDir, { args: FILE });
  if (users > 0) {
    const served = await serve(dataDir, { args: FILE });
    const okta = served.client(token);
    const title = 't'.repeat(1000);
    for (let i = 0; i < users; i += 20) {
      const batch = await Promise.all(Array.from({ length: Math.min(20, users - i) }, (_, j) => okta.post('/Users', oktaUser(`user.${i + j}@example.com`, { title }))));
      for (const res of batch) expect(res.status).toBe(201);
    }
    expect((await stop(served)).code).toBe(0);
  }
  return dataDir;
}

function userCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'scimdesk.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM users').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('export --out and backup --out onto what is already there', () => {
  it('export refuses an existing file without --force (it keeps its bytes and its 0644); with --force it is replaced by a 0600 file', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = await dataWithUsers(3);
    const out = join(newDir(), 'people.json');
    writeFileSync(out, 'the admin\'s own notes\n', { mode: 0o644 });

    const refused = await cli(['export', '--format', 'json', '--out', out, '--data-dir', dataDir, ...FILE]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(out, 'utf8')).toBe('the admin\'s own notes\n');
    expect(mode(out)).toBe(0o644);

    const forced = await cli(['export', '--format', 'json', '--out', out, '--force', '--data-dir', dataDir, ...FILE]);
    expect(forced.code, forced.output).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).users).toHaveLength(3);
    expect(mode(out)).toBe(0o600);
    expect(readdirSync(join(out, '..'))).toEqual(['people.json']); // no temporary file left beside it
  });

  it('export never writes through a symbolic link: refused without --force, and with it the link (not its target) is replaced', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = await dataWithUsers(2);
    const dir = newDir();
    const victim = join(dir, 'someone-elses.txt');
    writeFileSync(victim, 'not yours\n', { mode: 0o644 });
    const link = join(dir, 'export.json');
    symlinkSync(victim, link);

    const refused = await cli(['export', '--format', 'json', '--out', link, '--data-dir', dataDir, ...FILE]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toMatch(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(readlinkSync(link)).toBe(victim);

    const forced = await cli(['export', '--format', 'json', '--out', link, '--force', '--data-dir', dataDir, ...FILE]);
    expect(forced.code, forced.output).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('not yours\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(mode(link)).toBe(0o600);
  });

  it('a CSV export refuses a folder that already holds its files, and a folder that is a link', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = await dataWithUsers(2);
    const dir = newDir();
    writeFileSync(join(dir, 'groups.csv'), 'mine\n');
    const refused = await cli(['export', '--format', 'csv', '--out', dir, '--data-dir', dataDir, ...FILE]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toMatch(/groups\.csv already exists/);
    expect(readdirSync(dir)).toEqual(['groups.csv']); // users.csv was not written either
    expect(readFileSync(join(dir, 'groups.csv'), 'utf8')).toBe('mine\n');

    const elsewhere = newDir();
    const linkedDir = join(newDir(), 'csv');
    symlinkSync(elsewhere, linkedDir);
    const viaLink = await cli(['export', '--format', 'csv', '--out', linkedDir, '--data-dir', dataDir, ...FILE]);
    expect(viaLink.code, viaLink.output).toBe(1);
    expect(viaLink.stderr).toMatch(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('backup refuses an existing SQLite file without --force, and never writes onto the live database, not even with --force or through a link', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = await dataWithUsers(4);
    const other = join(newDir(), 'other.db');
    const otherDb = new Database(other);
    otherDb.exec('CREATE TABLE precious (x); INSERT INTO precious VALUES (1)');
    otherDb.close();

    const refused = await cli(['backup', '--out', other, '--data-dir', dataDir, ...FILE]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stdout).not.toMatch(/Backup written/);
    expect(refused.stderr).toMatch(/already exists.*--force/);
    const kept = new Database(other, { readonly: true });
    expect(kept.prepare('SELECT x FROM precious').pluck().all()).toEqual([1]);
    kept.close();

    const live = join(dataDir, 'scimdesk.db');
    const link = join(newDir(), 'backup.db');
    symlinkSync(live, link);
    for (const [target, extra] of [[live, ['--force']], [link, []]] as const) {
      const res = await cli(['backup', '--out', target, ...extra, '--data-dir', dataDir, ...FILE]);
      expect(res.code, res.output).toBe(1);
      expect(res.stdout).not.toMatch(/Backup written/);
      expect(res.stderr).toMatch(/live database|symbolic link/);
      expect(userCount(dataDir)).toBe(4);
    }

    const forced = await cli(['backup', '--out', other, '--force', '--data-dir', dataDir, ...FILE]);
    expect(forced.code, forced.output).toBe(0);
    expect(mode(other)).toBe(0o600);
    const copy = new Database(other, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM users').pluck().get()).toBe(4);
    copy.close();
  });
});

const mounts: string[] = [];
afterAll(() => {
  for (const mount of mounts.splice(0)) unmountTmpfs(mount);
});
const small = mountTmpfs(32);
const roomy = mountTmpfs(4 * 1024); // room for a fresh store, then filled by the test
for (const mount of [small, roomy]) if (mount) mounts.push(mount);

/** Fills a disk to the last byte. */
function fill(path: string): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let n = 0; ; n++) {
    try {
      writeFileSync(`${path}.${n}`, chunk);
    } catch {
      break;
    }
  }
  for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
    try {
      writeFileSync(`${path}.small.${size}.${Date.now()}`, Buffer.alloc(size, 1));
    } catch {
      /* no room for this size: try a smaller one */
    }
  }
}

describe.skipIf(small === null || roomy === null)('a full disk (small tmpfs mounts; mounting needs root)', () => {
  it('export and backup that do not fit say the disk is full and leave no file behind', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = await dataWithUsers(400); // ~0.5 MB of JSON, ~1 MB of database
    for (const args of [['export', '--format', 'json', '--out', join(small!, 'people.json')], ['export', '--format', 'csv', '--out', join(small!, 'csv')], ['backup', '--out', join(small!, 'copy.db')]]) {
      const res = await cli([...args, '--data-dir', dataDir, ...FILE]);
      expect(res.code, res.output).toBe(1);
      expect(res.stderr).toMatch(/disk is full.*Nothing was written/);
      expect(res.stdout).not.toMatch(/Backup written|Exported/);
      const left = readdirSync(small!).flatMap((name) => (name === 'csv' ? readdirSync(join(small!, name)).map((f) => `csv/${f}`) : [name]));
      expect(left, args.join(' ')).toEqual([]);
      rmSync(join(small!, 'csv'), { recursive: true, force: true });
    }
  });

  it('a token issued while the data folder\'s disk is full fails, and leaves no secrets.json.<pid>.tmp', { timeout: SLOW_TEST_MS }, async () => {
    const dataDir = join(roomy!, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    await dataWithUsers(0, dataDir);
    const served = await serve(dataDir, { args: FILE }); // keeps the database's WAL files open
    try {
      fill(join(roomy!, 'ballast'));
      const res = await cli(['token', 'new', '--connection', 'okta', '--data-dir', dataDir, ...FILE]);
      expect(res.code, res.output).toBe(1);
      expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      await stop(served);
      for (const name of readdirSync(roomy!)) if (name.startsWith('ballast')) rmSync(join(roomy!, name));
    }
  });
});
