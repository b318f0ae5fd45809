/**
 * WAL checkpoints run on a worker thread (server/store/checkpointer.ts), not on the server's
 * thread: the writes reach the database file itself within a moment of being committed, the
 * server connection's own automatic checkpoint is only a distant backstop, and closing the
 * core ends the WAL (no -wal file left behind).
 */
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Core } from '../../../server/core/core';
import { FileSecretStore } from '../../../server/secrets/file-store';
import { BACKSTOP_PAGES } from '../../../server/store/checkpointer';
import { DB_FILE } from '../../../server/store/database';
import { oktaUser } from '../../../tools/idp/okta';
import { tempDir } from '../../support/scim-server';

const dirs: string[] = [];
const cores: Core[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openCore(): { core: Core; dataDir: string } {
  const dataDir = tempDir('scimdesk-checkpoint-');
  dirs.push(dataDir);
  const core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  cores.push(core);
  return { core, dataDir };
}

/** Users in a copy of the database file alone (no -wal beside it): what is checkpointed. */
function usersInMainFile(dataDir: string): number {
  const copyDir = tempDir('scimdesk-checkpoint-copy-');
  dirs.push(copyDir);
  copyFileSync(join(dataDir, DB_FILE), join(copyDir, DB_FILE));
  const db = new Database(join(copyDir, DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Polls `check`. A copy taken while the worker is writing pages into the file can be torn
 * (unreadable, or short of rows): that counts as "not yet", as it would for a file backup.
 */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  const attempt = (): boolean => {
    try {
      return check();
    } catch {
      return false;
    }
  };
  while (Date.now() < end) {
    if (attempt()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return attempt();
}

describe('background WAL checkpoints', () => {
  it('the server connection checkpoints only as a backstop; the worker moves commits into the database file', async () => {
    const { core, dataDir } = openCore();
    expect(core.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    for (let i = 0; i < 500; i++) core.directory.create('User', oktaUser(`ckpt${i}@example.com`), 'okta');
    // Far below the backstop: only the worker can have put these into the main file.
    const walPages = statSync(join(dataDir, `${DB_FILE}-wal`)).size / 4096;
    expect(walPages).toBeLessThan(BACKSTOP_PAGES);
    expect(await until(() => usersInMainFile(dataDir) === 500, 5_000)).toBe(true);
  });

  it('closing the core closes the worker first, so the last connection ends the WAL and no -wal file is left', () => {
    const { core, dataDir } = openCore();
    for (let i = 0; i < 50; i++) core.directory.create('User', oktaUser(`close${i}@example.com`), 'okta');
    core.close();
    expect(existsSync(join(dataDir, `${DB_FILE}-wal`))).toBe(false);
    expect(usersInMainFile(dataDir)).toBe(50);
  });
});
