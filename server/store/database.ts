/**
 * Opens the SQLite store: WAL, foreign keys, an integrity check, and the numbered migrations
 * run in one transaction after a backup. A database from a newer ScimDesk, a corrupt file or
 * a failed migration stops with a StoreError and the file is left exactly as it was. So do a
 * data folder this user cannot write (SQLite would call it an unreadable database) and an
 * emptied database beside backups (SQLite would call it a new one).
 */
import { accessSync, chmodSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { foldCase, foldForSearch } from '../scim/text';
import { MIGRATIONS, type Migration } from './migrations/index';
import { nativeModulePath } from '../base/native';

export type Db = Database.Database;

export type StoreErrorCode = 'corrupt' | 'newer-schema' | 'migration-failed' | 'open-failed' | 'read-only' | 'emptied';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

export interface OpenOptions {
  readonly dataDir: string;
  /** Defaults to the app's migrations; tests pass their own to exercise failures. */
  readonly migrations?: readonly Migration[];
  /** Skip `PRAGMA quick_check` (only for throwaway benchmark stores). */
  readonly skipIntegrityCheck?: boolean;
}

export const DB_FILE = 'scimdesk.db';

export function databasePath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

function isoStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function errnoOf(err: unknown): string {
  return String((err as NodeJS.ErrnoException).code ?? (err as Error).message);
}

/** A folder (or database) this user cannot write: said as such, before SQLite reports it as unreadable. */
function checkWritable(dataDir: string, file: string): void {
  for (const path of [dataDir, file]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') continue;
      throw new StoreError(
        'read-only',
        `${path} is read-only for this user (${errnoOf(err)}), and ScimDesk must write beside its database. The database was not changed and is not damaged; make the folder writable for this user, or pass --data-dir with a writable folder.`,
      );
    }
  }
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/**
 * A 0-byte database beside backups was lost (a full disk, an interrupted copy): SQLite would
 * open it as a new, empty store and the IdP would provision everyone again into it.
 */
function checkNotEmptied(dataDir: string, file: string): void {
  if (sizeOf(file) !== 0 || (sizeOf(`${file}-wal`) ?? 0) > 0) return; // a WAL still holds the data
  const dir = join(dataDir, 'backups');
  let backups: string[];
  try {
    backups = readdirSync(dir).filter((name) => name.endsWith('.db') && (sizeOf(join(dir, name)) ?? 0) > 0);
  } catch {
    return;
  }
  if (backups.length === 0) return;
  const newest = backups.map((name) => join(dir, name)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  throw new StoreError(
    'emptied',
    `${file} is empty (0 bytes), yet ${dir} holds ${backups.length} backup${backups.length === 1 ? '' : 's'}: the database was lost (a full disk or an interrupted copy leaves this), so ScimDesk will not start over with an empty directory. Nothing was changed. To restore, copy the newest backup (${newest}) to ${file}; to start empty, move ${file} away.`,
  );
}

function connect(file: string): Db {
  const binding = nativeModulePath('better_sqlite3.node');
  try {
    return new Database(file, binding ? { nativeBinding: binding } : {});
  } catch (err) {
    throw new StoreError('open-failed', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
}

function checkIntegrity(db: Db, file: string): void {
  let result: string;
  try {
    result = db.pragma('quick_check', { simple: true }) as string;
  } catch (err) {
    throw new StoreError('corrupt', `${file} is not a readable ScimDesk database (${(err as Error).message}). It was not changed; restore a backup or move it away.`);
  }
  if (result !== 'ok') {
    throw new StoreError('corrupt', `${file} failed its integrity check (${result}). It was not changed; restore a backup or move it away.`);
  }
}

function migrate(db: Db, dataDir: string, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new StoreError(
      'newer-schema',
      `The database was written by a newer ScimDesk (schema ${current}; this version knows up to ${latest}). It was not changed; update ScimDesk to open it.`,
    );
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;

  let backup: string | undefined;
  if (current > 0) {
    const dir = join(dataDir, 'backups');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    backup = join(dir, `scimdesk-schema${current}-${isoStamp()}.db`);
    db.prepare('VACUUM INTO ?').run(backup);
  }
  let running: Migration | undefined;
  try {
    db.transaction(() => {
      for (const m of pending) {
        running = m;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
    })();
  } catch (err) {
    const which = running ? `${String(running.version).padStart(4, '0')}-${running.name}` : 'unknown';
    throw new StoreError(
      'migration-failed',
      `Database migration ${which} failed: ${(err as Error).message}. The database was left unchanged${backup ? ` (a backup is at ${backup})` : ''}.`,
    );
  }
}

/** Opens (creating if needed) and migrates the store in `dataDir`. */
export function openStore(options: OpenOptions): Db {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = databasePath(options.dataDir);
  checkWritable(options.dataDir, file);
  checkNotEmptied(options.dataDir, file);
  const db = connect(file);
  try {
    if (!options.skipIntegrityCheck) checkIntegrity(db, file);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.function('scim_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldCase(value) : value));
    // Only migration 0006 calls it (to fill the search columns of existing rows).
    db.function('scim_search_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldForSearch(value) : value));
    // Migrate before switching to WAL: a refused (newer) or failed database keeps every byte.
    migrate(db, options.dataDir, options.migrations ?? MIGRATIONS);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // No memory map: mapped pages count as the process's memory (64 MiB of them made a 100 000-
    // user server 200 MB), while reads through SQLite's 16 MB page cache measured as fast.
    // The directory holds personal data: owner-only, like the folder (WAL files inherit it).
    chmodSync(file, 0o600);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('open-failed', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
}
