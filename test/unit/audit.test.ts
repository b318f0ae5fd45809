/** The audit trail's diff and summary: what a person reads in a record's History. */
import { describe, expect, it } from 'vitest';
import { auditSummary, createdFields, diffAttributes, updateAction } from '../../server/scim/audit';
import { TOO_DEEP, redact } from '../../server/scim/redact';

describe('diffAttributes', () => {
  it('compares complex singular attributes one level down, multi-valued ones whole', () => {
    const before = { userName: 'a@x', name: { givenName: 'Ada', familyName: 'L' }, emails: [{ value: 'a@x', primary: true }], active: true };
    const after = { userName: 'a@x', name: { givenName: 'Augusta', familyName: 'L' }, emails: [{ value: 'b@x', primary: true }], active: true, title: 'Countess' };
    expect(diffAttributes(before, after)).toEqual([
      { field: 'name.givenName', before: 'Ada', after: 'Augusta' },
      { field: 'emails', before: [{ value: 'a@x', primary: true }], after: [{ value: 'b@x', primary: true }] },
      { field: 'title', after: 'Countess' },
    ]);
  });

  it('names the enterprise extension short, and redacts secrets while saying they changed', () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    expect(diffAttributes({ [ext]: { department: 'R&D' }, password: 'old-pw' }, { [ext]: { department: 'Sales' }, password: 'new-pw' })).toEqual([
      { field: 'enterprise.department', before: 'R&D', after: 'Sales' },
      { field: 'password', before: '[redacted]', after: '[redacted]' },
    ]);
    expect(JSON.stringify(createdFields({ userName: 'x', password: 'secret-1' }))).not.toContain('secret-1');
  });

  it('keeps long values as a description, not in full', () => {
    const emails = Array.from({ length: 200 }, (_, i) => ({ value: `e${i}@example.com` }));
    expect(createdFields({ emails })).toEqual([{ field: 'emails', after: '(200 values, too long to keep)' }]);
  });
});

describe('summaries and actions', () => {
  it('reads as a person would say it', () => {
    expect(updateAction([{ field: 'active', before: true, after: false }])).toBe('deactivate');
    expect(updateAction([{ field: 'active', before: false, after: true }])).toBe('reactivate');
    expect(auditSummary('deactivate', [{ field: 'active', before: true, after: false }], null)).toBe('active: true → false');
    expect(auditSummary('members', [], { added: 194, removed: 0, addedSample: [], removedSample: [] })).toBe('+194 members');
    expect(auditSummary('update', [{ field: 'a' }, { field: 'b' }, { field: 'c' }, { field: 'd' }], { added: 1, removed: 2, addedSample: [], removedSample: [] })).toBe(
      '4 fields changed (a, b, c, …); +1 member, −2 members',
    );
    expect(auditSummary('create', [], { added: 3, removed: 0, addedSample: [], removedSample: [] })).toBe('Created with 3 members');
  });
});

describe('redact on deep nesting', () => {
  it('20 000 nested arrays: no stack overflow, the depth is cut with a marker', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const out = JSON.stringify(redact({ Operations: deep }));
    expect(out).toContain(TOO_DEEP);
    expect(out.length).toBeLessThan(200);
  });
});
