/**
 * The lookups IdPs make on every sync (userName, externalId, id, displayName) must use an
 * index, not scan the table: checked with SQLite's EXPLAIN QUERY PLAN on the SQL the filter
 * compiler really produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../server/core/core';
import { FileSecretStore } from '../../../server/secrets/file-store';
import { compileFilter } from '../../../server/scim/filter';
import type { ResourceTypeName } from '../../../server/scim/schema';
import { compileWhere } from '../../../server/store/filter-sql';
import { tempDir } from '../../support/scim-server';

let core: Core;

beforeAll(() => {
  const dataDir = tempDir();
  core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  // Some rows, and fresh statistics, so the planner's choice reflects a populated store.
  core.db.transaction(() => {
    for (let i = 0; i < 500; i++) core.directory.create('User', { userName: `u${i}@x.test`, externalId: `e${i}`, displayName: `User ${i}` }, 'okta');
    for (let i = 0; i < 50; i++) core.directory.create('Group', { displayName: `Group ${i}`, externalId: `g${i}` }, 'okta');
  })();
  core.db.exec('ANALYZE');
});
afterAll(() => core?.close());

function plan(type: ResourceTypeName, filter: string): string {
  const alias = type === 'User' ? 'u' : 'g';
  const table = type === 'User' ? 'users' : 'groups';
  const where = compileWhere(type, alias, 'http://x/scim/v2', compileFilter(type, filter));
  const rows = core.db.prepare(`EXPLAIN QUERY PLAN SELECT ${alias}.id FROM ${table} ${alias} WHERE ${where.sql}`).all(...where.params) as { detail: string }[];
  return rows.map((r) => r.detail).join(' | ');
}

describe('indexed lookups', () => {
  it.each([
    ['User', 'userName eq "U1@X.test"', 'user_name_ci'],
    ['User', 'externalId eq "e1"', 'external_id'],
    ['User', 'id eq "00000000-0000-0000-0000-000000000000"', 'id'],
    ['User', 'displayName eq "user 1"', 'display_name_ci'],
    ['Group', 'displayName eq "group 1"', 'display_name_ci'],
    ['Group', 'externalId eq "g1"', 'external_id'],
    ['Group', 'id eq "00000000-0000-0000-0000-000000000000"', 'id'],
  ] as const)('%s %s searches the index on %s', (type, filter, column) => {
    const detail = plan(type, filter);
    expect(detail).toMatch(new RegExp(`SEARCH [ug] USING (COVERING )?INDEX \\S+ \\(${column}=\\?\\)`));
    expect(detail).not.toMatch(/SCAN (u|g)\b/);
  });

  it('a substring search has to scan (and is not mistaken for an indexed lookup)', () => {
    expect(plan('User', 'userName co "1"')).toMatch(/SCAN u\b/);
  });
});

describe('activity retention', () => {
  it('the age limit deletes through the index on time, not by reading the whole log', () => {
    const rows = core.db.prepare('EXPLAIN QUERY PLAN DELETE FROM activity WHERE at < ?').all('2026-01-01T00:00:00.000Z') as { detail: string }[];
    const detail = rows.map((r) => r.detail).join(' | ');
    expect(detail).toMatch(/SEARCH activity USING (COVERING )?INDEX activity_at \(at<\?\)/);
    expect(detail).not.toMatch(/SCAN activity\b/);
  });

  it('the count limit deletes a range of the log by its key', () => {
    const rows = core.db.prepare('EXPLAIN QUERY PLAN DELETE FROM activity WHERE seq <= (SELECT max(seq) FROM activity) - ?').all(100) as { detail: string }[];
    expect(rows.map((r) => r.detail).join(' | ')).toMatch(/SEARCH activity USING INTEGER PRIMARY KEY \(rowid<\?\)/);
  });
});

describe('directory counts', () => {
  it('follow writes made here and by another process on the same store', () => {
    const before = core.directory.counts();
    core.directory.create('User', { userName: 'counted@x.test' }, 'okta');
    expect(core.directory.counts()).toEqual({ users: before.users + 1, groups: before.groups });
    // A second core on the same files stands for the CLI or the desktop app.
    const other = new Core({ dataDir: core.options.dataDir, secretStore: core.options.secretStore });
    try {
      other.directory.create('Group', { displayName: 'Counted elsewhere' }, 'okta');
    } finally {
      other.close();
    }
    expect(core.directory.counts()).toEqual({ users: before.users + 1, groups: before.groups + 1 });
  });
});
