/**
 * The audit trail is indexed by a record's internal key, which SQLite hands out again after the
 * newest record is deleted: a new record never inherits a deleted one's trail, the deleted
 * one's trail stays findable by its name, and expiry removes exactly the deleted record's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../server/core/core';
import { FileSecretStore } from '../../../server/secrets/file-store';
import { tempDir } from '../../support/scim-server';

let core: Core;
beforeAll(() => {
  const dataDir = tempDir();
  core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
});
afterAll(() => core?.close());

const key = (id: string) => ({ type: 'User' as const, seq: core.browser.user(id)!.seq, id });

describe('audit trail keys', () => {
  it('a record created on a reused key starts its own trail; the deleted one keeps its own', () => {
    const { directory } = core;
    directory.create('User', { userName: 'first@x.test' }, 'okta');
    const a = directory.create('User', { userName: 'newest@x.test' }, 'okta');
    const aKey = key(a.id);
    directory.patch('User', a.id, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] }, 'okta', undefined);
    directory.delete('User', a.id, 'okta', undefined);
    const b = directory.create('User', { userName: 'reuser@x.test' }, 'entra');
    expect(key(b.id).seq).toBe(aKey.seq); // SQLite gave the deleted newest record's key again
    expect(directory.audit.history(key(b.id)).entries.map((e) => [e.action, e.target])).toEqual([['create', 'reuser@x.test']]);
    const deleted = directory.audit.deleted('User', 'NEWEST@x.test')!;
    expect(deleted).toEqual(aKey);
    expect(directory.audit.all(deleted).map((e) => e.action)).toEqual(['create', 'deactivate', 'delete']);
  });

  it('expiry removes the trails of records deleted long enough ago, and nothing else', () => {
    const { directory } = core;
    const b = core.browser.userIdByName('reuser@x.test')!;
    expect(directory.audit.prune(90)).toBe(0); // deleted just now: kept
    expect(directory.audit.prune(0, new Date(Date.now() + 1000))).toBe(3);
    expect(directory.audit.deleted('User', 'newest@x.test')).toBeUndefined();
    expect(directory.audit.history(key(b)).entries.map((e) => e.action)).toEqual(['create']);
  });
});
