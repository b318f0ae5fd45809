/**
 * Whatever happens to requests.db, the SCIM server goes on and no directory write fails; the
 * request log says what happened (AppStatus.requestLog, /scimdesk/health) and recovers:
 * - a corrupt file is moved aside and a new one started;
 * - a file locked by another program: entries are dropped and counted, writes still succeed,
 *   and logging resumes once the lock is gone;
 * - a request log that cannot be created at all (its path is a folder).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { type TestServer, startTestServer, tempDir } from '../../support/scim-server';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const health = async (s: TestServer): Promise<any> => (await fetch(new URL('/scimdesk/health', s.base))).json();

async function createUsers(s: TestServer, prefix: string, n: number): Promise<void> {
  const okta = s.client('okta');
  for (let i = 0; i < n; i++) expect((await okta.post('/Users', oktaUser(`${prefix}${i}@example.com`))).status).toBe(201);
}

describe('the request log file in trouble', () => {
  it('a corrupt requests.db is moved aside and a new log started; the panel is told', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'requests.db'), Buffer.alloc(64 * 1024, 7));
    t = await startTestServer({ dataDir });
    await createUsers(t, 'corrupt', 3);
    await t.core.activity.settled();
    const status = t.core.activity.status();
    expect(status).toMatchObject({ state: 'ok', dropped: 0, message: expect.stringMatching(/unreadable; it was moved aside to .*requests\.db\.corrupt-/) });
    expect(readdirSync(dataDir).some((f) => f.startsWith('requests.db.corrupt-'))).toBe(true);
    expect((await t.core.activity.list({ limit: 10 })).map((e) => e.target)).toEqual(['corrupt2@example.com', 'corrupt1@example.com', 'corrupt0@example.com']);
  });

  it('a lock held by another program: writes succeed, entries are dropped and counted, then logging resumes', async () => {
    t = await startTestServer();
    await createUsers(t, 'before', 1);
    await t.core.activity.settled();
    const other = new Database(join(t.dataDir, 'requests.db'));
    other.exec('BEGIN EXCLUSIVE');
    try {
      await createUsers(t, 'locked', 3);
      await t.core.activity.settled(5_000);
      const status = t.core.activity.status();
      expect(status.state).toBe('unavailable');
      expect(status.message).toMatch(/locked by another program/);
      expect(status.dropped).toBeGreaterThanOrEqual(3);
      const h = await health(t);
      expect(h).toMatchObject({ status: 'degraded', store: { state: 'ok' }, requestLog: { state: 'unavailable', dropped: status.dropped } });
      // The directory has every user.
      expect(t.core.directory.counts().users).toBe(4);
      const locked = t.core.browser.user(t.core.browser.userIdByName('locked2@example.com')!)!;
      expect(t.core.directory.audit.history({ type: 'User', seq: locked.seq, id: locked.id }).entries.map((e) => e.action)).toEqual(['create']);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await createUsers(t, 'after', 1);
    await t.core.activity.settled();
    expect(t.core.activity.status().state).toBe('ok');
    expect((await t.core.activity.list({ limit: 1 }))[0]!.target).toBe('after0@example.com');
  });

  it('a request log that cannot be created: the server answers, the log says why', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'requests.db'));
    t = await startTestServer({ dataDir });
    await createUsers(t, 'nolog', 2);
    await t.core.activity.settled();
    const status = t.core.activity.status();
    expect(status.state).toBe('unavailable');
    expect(status.message).toMatch(/cannot be written/);
    expect(status.dropped).toBe(2);
    expect(t.core.directory.counts().users).toBe(2);
    expect(await t.core.activity.list({ limit: 10 })).toEqual([]);
    expect(existsSync(join(dataDir, 'scimdesk.db'))).toBe(true);
  });
});
