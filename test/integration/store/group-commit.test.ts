/**
 * Group commit (server/store/group-commit.ts) on a real SQLite file: writes queued together
 * share one transaction, each in its own savepoint — a failing write undoes only itself and
 * rejects only its own caller — and when the transaction itself cannot start (another program
 * holds the write lock) every queued write is refused and nothing is written. When the COMMIT
 * itself fails, no write of the batch is answered as done and none is stored. Closing commits
 * what is queued.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, databasePath, openStore } from '../../../server/store/database';
import { GroupCommit } from '../../../server/store/group-commit';
import { tempDir } from '../../support/scim-server';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real store with a `notes` table, its group commit, and an insert into it. */
function store(): { db: Db; dataDir: string; commits: GroupCommit; insert: (text: string) => number; texts: () => unknown[] } {
  const dataDir = tempDir('scimdesk-group-commit-');
  dirs.push(dataDir);
  const db = openStore({ dataDir });
  dbs.push(db);
  db.exec('CREATE TABLE notes (n INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)');
  const insertStmt = db.prepare('INSERT INTO notes (text) VALUES (?)');
  const textsStmt = db.prepare('SELECT text FROM notes ORDER BY n').pluck();
  return { db, dataDir, commits: new GroupCommit(db), insert: (text) => insertStmt.run(text).changes, texts: () => textsStmt.all() };
}

describe('group commit', () => {
  it('writes queued together commit together; a failing one undoes only its own changes', async () => {
    const { dataDir, commits, insert } = store();
    const other = new Database(databasePath(dataDir), { readonly: true });
    try {
      const seen: number[] = [];
      const results = await Promise.allSettled([
        commits.run(() => insert('a')),
        commits.run(() => {
          insert('b');
          insert('a'); // duplicate: this write fails after it already inserted "b"
        }),
        commits.run(() => {
          // Another connection sees nothing of the batch until its one COMMIT.
          seen.push((other.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n);
          return insert('c');
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toContain('UNIQUE');
      expect(seen).toEqual([0]);
      expect(other.prepare('SELECT text FROM notes ORDER BY n').pluck().all()).toEqual(['a', 'c']);
    } finally {
      other.close();
    }
  });

  it('a write queued later in another turn of the event loop commits on its own', async () => {
    const { db, commits, insert, texts } = store();
    await commits.run(() => insert('first'));
    expect(db.inTransaction).toBe(false);
    await commits.run(() => insert('second'));
    expect(texts()).toEqual(['first', 'second']);
  });

  it('when another program holds the write lock, every queued write is refused and none is written', async () => {
    const { db, dataDir, commits, insert, texts } = store();
    db.pragma('busy_timeout = 50');
    const holder = new Database(databasePath(dataDir));
    try {
      holder.exec('BEGIN IMMEDIATE');
      const results = await Promise.allSettled([commits.run(() => insert('x')), commits.run(() => insert('y'))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
      holder.exec('ROLLBACK');
      expect(texts()).toEqual([]);
      // And the queue works again afterwards.
      await commits.run(() => insert('z'));
      expect(texts()).toEqual(['z']);
    } finally {
      holder.close();
    }
  });

  it('when the COMMIT itself fails, every write of the batch is refused and none is stored', async () => {
    const { db, commits, insert, texts } = store();
    // A deferred foreign key is checked at COMMIT only: every statement inside the batch
    // succeeds, and the COMMIT is what fails.
    db.exec('CREATE TABLE parents (id INTEGER PRIMARY KEY)');
    db.exec('CREATE TABLE children (parent INTEGER NOT NULL REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)');
    const orphan = db.prepare('INSERT INTO children (parent) VALUES (42)');
    const results = await Promise.allSettled([
      commits.run(() => insert('before the orphan')),
      commits.run(() => orphan.run().changes),
      commits.run(() => insert('after the orphan')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(db.inTransaction).toBe(false);
    expect(texts()).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM children').pluck().get()).toBe(0);
    // The next batch commits normally.
    await commits.run(() => insert('next'));
    expect(texts()).toEqual(['next']);
  });

  it('closing commits the writes still queued, then refuses new ones', async () => {
    const { commits, insert, texts } = store();
    const queued = commits.run(() => insert('accepted before close'));
    commits.close(); // before the queued turn of the event loop came
    expect(texts()).toEqual(['accepted before close']);
    await expect(queued).resolves.toBe(1);
    await expect(commits.run(() => insert('too late'))).rejects.toThrow('The store is closed');
  });
});
