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
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REQUEST_LOG_DDL } from '../../../server/store/request-log-schema';

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

describe('request log and audit trail', () => {
  const planOf = (db: Database.Database, sql: string, ...params: unknown[]): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it("the request log's retention deletes through its index on (kind, time), never by reading the whole log", () => {
    const db = new Database(join(tempDir(), 'requests.db'));
    try {
      db.exec(REQUEST_LOG_DDL);
      const age = planOf(db, 'DELETE FROM requests WHERE failed = ? AND at < ?', 0, '2026-01-01');
      expect(age).toMatch(/SEARCH requests USING (COVERING )?INDEX requests_kind \(failed=\? AND at<\?\)/);
      const oldest = planOf(db, 'DELETE FROM requests WHERE seq IN (SELECT seq FROM requests WHERE failed = ? ORDER BY at, seq LIMIT ?)', 0, 100);
      expect(oldest).toMatch(/SEARCH requests USING (COVERING )?INDEX requests_kind \(failed=\?\)/);
      expect(oldest).not.toMatch(/TEMP B-TREE/);

      // The health queries: the last success/failure by the connection's key, failures as a range of time.
      expect(planOf(db, 'SELECT last_success_at, last_failure_at FROM health WHERE connection = ?', 'entra')).toMatch(/SEARCH health USING INDEX sqlite_autoindex_health_1 \(connection=\?\)/);
      const failures = planOf(db, 'SELECT count(*) FROM (SELECT 1 FROM requests WHERE failed = 1 AND at >= ? AND connection = ? LIMIT 10000)', 'x', 'okta');
      expect(failures).toMatch(/SEARCH requests USING INDEX requests_kind \(failed=\? AND at>\?\)/);
    } finally {
      db.close();
    }
  });

  it("a record's history and a deleted record's expiry use the audit trail's indexes", () => {
    expect(planOf(core.db, 'SELECT * FROM audit WHERE resource_type = ? AND resource_seq = ? AND resource_id = ? ORDER BY seq DESC LIMIT ?', 'User', 1, 'x', 10)).toMatch(/SEARCH audit USING INDEX audit_resource \(resource_type=\? AND resource_seq=\?\)/);
    const expired = planOf(core.db, "SELECT resource_type, resource_seq, resource_id FROM audit WHERE action = 'delete' AND at < ?", '2026-01-01');
    expect(expired).toMatch(/audit_deletes/);
    expect(expired).not.toMatch(/SCAN audit\b/);
    const remove = planOf(core.db, 'DELETE FROM audit WHERE resource_type = ? AND resource_seq = ? AND resource_id = ?', 'User', 1, 'x');
    expect(remove).toMatch(/SEARCH audit USING INDEX audit_resource \(resource_type=\? AND resource_seq=\?\)/);
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
