/**
 * PATCH as Okta and Entra ID send it: parsing (op names in any case, malformed bodies as 400s),
 * attribute patching against the schema, group member plans and the active flag.
 */
import { describe, expect, it } from 'vitest';
import { type PatchOperation, activeChange, applyPatch, parsePatchRequest, splitGroupPatch } from '../../server/scim/patch';
import type { Attributes, Notes } from '../../server/scim/resource';
import type { ResourceTypeName } from '../../server/scim/schema';
import {
  entraAddMembers,
  entraClearManager,
  entraDisable,
  entraEnable,
  entraPathlessDotted,
  entraRemoveMembers,
  entraReplaceWorkEmail,
  entraSetManager,
} from '../../tools/idp/entra';
import { oktaAddMembers, oktaDeactivate, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers } from '../../tools/idp/okta';
import { ENTERPRISE, PATCH_OP, USER_SCHEMA, patchOp } from '../../tools/scim-client';
import { expectScimError, scimErrorOf } from '../support/scim-error';



function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** A stored user as the store keeps it (no id, meta or groups). */
function storedUser(): Attributes {
  return {
    userName: 'jo@x.com',
    externalId: 'ext-1',
    name: { givenName: 'Jo', familyName: 'Smith', formatted: 'Jo Smith' },
    displayName: 'Jo Smith',
    active: true,
    emails: [
      { value: 'jo@x.com', type: 'work', primary: true },
      { value: 'jo@home.example', type: 'home' },
    ],
    [ENTERPRISE]: { employeeNumber: '1001', department: 'Research' },
  };
}

const USER_ID = 'u-1';
const GROUP_ID = 'g-1';

function patch(body: unknown, attrs: Attributes = storedUser(), type: ResourceTypeName = 'User', id = type === 'User' ? USER_ID : GROUP_ID): { result: Attributes; notes: Notes } {
  const notes: Notes = [];
  const ops = parsePatchRequest(body, notes);
  return { result: applyPatch(type, id, attrs, ops, notes), notes };
}

const op = (o: Record<string, unknown>) => patchOp(o);

describe('parsePatchRequest', () => {
  it.each([
    ['Replace', 'replace'],
    ['ADD', 'add'],
    ['Remove', 'remove'],
    [' replace ', 'replace'],
  ])('reads the op name %j as %j and notes the change', (name, expected) => {
    const notes: Notes = [];
    const [parsed] = parsePatchRequest(op({ op: name, path: 'title', value: 'x' }), notes);
    expect(parsed!.op).toBe(expected);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(JSON.stringify(name));
  });

  it('records no note for a request that needed no normalising', () => {
    const notes: Notes = [];
    parsePatchRequest(oktaDeactivate, notes);
    expect(notes).toEqual([]);
  });

  it('accepts keys in any case and a missing schemas list', () => {
    const ops = parsePatchRequest({ operations: [{ OP: 'add', PATH: 'title', VALUE: 'Eng' }] }, []);
    expect(ops).toEqual([{ op: 'add', path: { path: { attr: 'title' } }, rawPath: 'title', value: 'Eng' }]);
  });

  it('treats a blank path as no path', () => {
    const [parsed] = parsePatchRequest(op({ op: 'replace', path: ' ', value: { active: false } }), []);
    expect(parsed).toEqual({ op: 'replace', value: { active: false } });
  });

  it.each([
    ['a string', 'not a patch', 'invalidSyntax'],
    ['null', null, 'invalidSyntax'],
    ['an array', [{ op: 'add', path: 'title', value: 'x' }], 'invalidSyntax'],
    ['a number', 42, 'invalidSyntax'],
    ['missing Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['empty Operations', patchOp(), 'invalidSyntax'],
    ['Operations an object', { schemas: [PATCH_OP], Operations: { op: 'add', path: 'title', value: 'x' } }, 'invalidSyntax'],
    ['Operations a string', { schemas: [PATCH_OP], Operations: 'add title' }, 'invalidSyntax'],
    ['an operation that is not an object', patchOp('replace'), 'invalidSyntax'],
    ['an operation that is null', patchOp(null), 'invalidSyntax'],
    ['op missing', op({ path: 'title', value: 'x' }), 'invalidSyntax'],
    ['op unknown', op({ op: 'move', path: 'title', value: 'x' }), 'invalidSyntax'],
    ['op not a string', op({ op: 1, path: 'title', value: 'x' }), 'invalidSyntax'],
    ['add without value', op({ op: 'add', path: 'title' }), 'invalidSyntax'],
    ['replace without value', op({ op: 'Replace', path: 'active' }), 'invalidSyntax'],
    ['path-less add with a string value', op({ op: 'add', value: 'x' }), 'invalidSyntax'],
    ['path-less replace with a list value', op({ op: 'replace', value: [{ active: false }] }), 'invalidSyntax'],
    ['path a number', op({ op: 'replace', path: 5, value: 'x' }), 'invalidPath'],
    ['path an object', op({ op: 'replace', path: { attr: 'title' }, value: 'x' }), 'invalidPath'],
    ['bad path syntax', op({ op: 'replace', path: 'emails[type eq', value: 'x' }), 'invalidPath'],
    ['bad path: too many dots', op({ op: 'replace', path: 'name.givenName.first', value: 'x' }), 'invalidPath'],
    ['wrong schemas', { schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['schemas not a list', { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['remove without path', op({ op: 'remove' }), 'noTarget'],
    ['remove with a blank path', op({ op: 'Remove', path: '' }), 'noTarget'],
  ] as const)('rejects %s with 400 %s', (_what, body, scimType) => {
    expectScimError(() => parsePatchRequest(body, []), 400, scimType);
  });

  it('rejects a later malformed operation even when the first is fine', () => {
    const err = expectScimError(() => parsePatchRequest(patchOp({ op: 'add', path: 'title', value: 'x' }, { op: 'copy' }), []), 400, 'invalidSyntax');
    expect(err.message).toContain('Operations[1]');
  });

  it('limits the number of operations', () => {
    const body = patchOp(...Array.from({ length: 3 }, () => ({ op: 'add', path: 'title', value: 'x' })));
    expectScimError(() => parsePatchRequest(body, [], { maxOperations: 2 }), 400, 'invalidSyntax');
    expect(parsePatchRequest(body, [], { maxOperations: 3 })).toHaveLength(3);
  });
});

describe('applyPatch: activation', () => {
  it('deactivates with Okta\'s path-less replace {active:false} and leaves the rest alone', () => {
    const { result } = patch(oktaDeactivate);
    expect(result).toEqual({ ...storedUser(), active: false });
    expect(patch(oktaReactivate, { ...storedUser(), active: false }).result.active).toBe(true);
  });

  it('stores Entra\'s "False" string as the boolean false and notes it', () => {
    const { result, notes } = patch(entraDisable);
    expect(result.active).toBe(false);
    expect(notes.some((n) => n.includes('"False"') && n.includes('false'))).toBe(true);
    expect(patch(entraEnable, { ...storedUser(), active: false }).result.active).toBe(true);
  });

  it('rejects a value that is not a boolean', () => {
    expectScimError(() => patch(op({ op: 'replace', path: 'active', value: 'maybe' })), 400, 'invalidValue');
  });
});

describe('applyPatch: path-less values', () => {
  it('reads Entra aadOptscim062020 dotted keys as paths', () => {
    const { result, notes } = patch(entraPathlessDotted);
    expect(result.name).toEqual({ givenName: 'Joanna', familyName: 'Smythe', formatted: 'Jo Smith' });
    expect(result.active).toBe(false);
    expect(notes.some((n) => n.includes('name.givenName'))).toBe(true);
  });

  it('reads attribute names in any case', () => {
    expect(patch(op({ op: 'replace', value: { DisplayName: 'J. Smith', TITLE: 'Eng' } })).result).toMatchObject({ displayName: 'J. Smith', title: 'Eng' });
  });

  it("tolerates Okta's own id in a group rename", () => {
    const { result, notes } = patch(patchOp(oktaRename(GROUP_ID, 'Sales EMEA')), { displayName: 'Sales' }, 'Group');
    expect(result).toEqual({ displayName: 'Sales EMEA' });
    expect(notes.some((n) => n.includes('id'))).toBe(true);
  });

  it('refuses a different id with 400 mutability', () => {
    expectScimError(() => patch(patchOp(oktaRename('another-group', 'Sales EMEA')), { displayName: 'Sales' }, 'Group'), 400, 'mutability');
  });

  it('ignores schemas and meta inside a path-less value', () => {
    const { result } = patch(op({ op: 'replace', value: { schemas: [USER_SCHEMA], meta: { resourceType: 'User' }, title: 'Eng' } }));
    expect(result).toEqual({ ...storedUser(), title: 'Eng' });
  });

  it('patches the enterprise extension given as an object, keeping its other attributes', () => {
    const { result } = patch(op({ op: 'replace', value: { [ENTERPRISE]: { department: 'Sales', manager: 'mgr-2' } } }));
    expect(result[ENTERPRISE]).toEqual({ employeeNumber: '1001', department: 'Sales', manager: { value: 'mgr-2' } });
  });

  it('rejects a value filter in a key with 400 invalidValue', () => {
    expectScimError(() => patch(op({ op: 'replace', value: { 'emails[type eq "work"].value': 'x@y' } })), 400, 'invalidValue');
  });
});

describe('applyPatch: the enterprise manager', () => {
  it('stores a bare string id as {value: id}', () => {
    const { result } = patch(entraSetManager('mgr-9'));
    expect(result[ENTERPRISE]).toEqual({ employeeNumber: '1001', department: 'Research', manager: { value: 'mgr-9' } });
  });

  it('clears it with ""', () => {
    const withManager = { ...storedUser(), [ENTERPRISE]: { employeeNumber: '1001', manager: { value: 'mgr-9' } } };
    expect(patch(entraClearManager, withManager).result[ENTERPRISE]).toEqual({ employeeNumber: '1001' });
  });

  it('drops the extension when clearing leaves it empty', () => {
    const onlyManager = { ...storedUser(), [ENTERPRISE]: { manager: { value: 'mgr-9' } } };
    expect(patch(entraClearManager, onlyManager).result).not.toHaveProperty(ENTERPRISE);
  });

  it('creates the extension when the user had none', () => {
    const { [ENTERPRISE]: _ext, ...plain } = storedUser();
    expect(patch(entraSetManager('mgr-1'), plain).result[ENTERPRISE]).toEqual({ manager: { value: 'mgr-1' } });
  });
});

describe('applyPatch: value-filter paths', () => {
  it("replaces the work email's value in place (Entra)", () => {
    const { result } = patch(entraReplaceWorkEmail('new@x.com'));
    expect(result.emails).toEqual([
      { value: 'new@x.com', type: 'work', primary: true },
      { value: 'jo@home.example', type: 'home' },
    ]);
  });

  it('creates the work email when adding to one that does not exist, and notes it', () => {
    const homeOnly = { ...storedUser(), emails: [{ value: 'jo@home.example', type: 'home' }] };
    const { result, notes } = patch(op({ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@x.com' }), homeOnly);
    expect(result.emails).toEqual([
      { value: 'jo@home.example', type: 'home' },
      { type: 'work', value: 'w@x.com' },
    ]);
    expect(notes.some((n) => n.includes('created'))).toBe(true);
  });

  it('creates the first email when the user has none', () => {
    const { emails: _e, ...noEmails } = storedUser();
    expect(patch(entraReplaceWorkEmail('w@x.com'), noEmails).result.emails).toEqual([{ type: 'work', value: 'w@x.com' }]);
  });

  it('answers 400 noTarget when nothing matches a filter it cannot build an element from', () => {
    expectScimError(() => patch(op({ op: 'replace', path: 'emails[value co "zzz"].value', value: 'a@b' })), 400, 'noTarget');
  });

  it('replaces a whole matching element', () => {
    const { result } = patch(op({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'new@home.example', type: 'home' } }));
    expect(result.emails).toEqual([
      { value: 'jo@x.com', type: 'work', primary: true },
      { value: 'new@home.example', type: 'home' },
    ]);
  });

  it('demotes the old primary when a filtered replace makes another element primary', () => {
    const { result } = patch(op({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }));
    expect(result.emails).toEqual([
      { value: 'jo@x.com', type: 'work', primary: false },
      { value: 'jo@home.example', type: 'home', primary: true },
    ]);
  });

  it.each([
    ['a filter on a single-valued attribute', 'name[givenName eq "Jo"].familyName', 'invalidPath'],
    ['an unknown sub-attribute after the filter', 'emails[type eq "work"].colour', 'invalidPath'],
    ['a filter on an unknown attribute', 'favorites[type eq "x"].value', 'invalidPath'],
  ] as const)('rejects %s with 400 %s', (_what, path, scimType) => {
    expectScimError(() => patch(op({ op: 'replace', path, value: 'x' })), 400, scimType);
  });

  it('rejects an unknown sub-attribute inside the filter with a 400', () => {
    expect(scimErrorOf(() => patch(op({ op: 'replace', path: 'emails[colour eq "red"].value', value: 'x' }))).status).toBe(400);
  });
});

describe('applyPatch: replace and add', () => {
  it('merges sub-attributes when replacing a complex attribute (RFC 7644 §3.5.2.3)', () => {
    expect(patch(op({ op: 'replace', path: 'name', value: { givenName: 'Joanna' } })).result.name).toEqual({ givenName: 'Joanna', familyName: 'Smith', formatted: 'Jo Smith' });
    expect(patch(op({ op: 'replace', value: { name: { familyName: 'Smythe' } } })).result.name).toEqual({ givenName: 'Jo', familyName: 'Smythe', formatted: 'Jo Smith' });
  });

  it('sets a single sub-attribute by its dotted path', () => {
    expect(patch(op({ op: 'Replace', path: 'name.familyName', value: 'Smythe' })).result.name).toEqual({ givenName: 'Jo', familyName: 'Smythe', formatted: 'Jo Smith' });
  });

  it('replaces the whole list of a multi-valued attribute', () => {
    const emails = [{ value: 'only@x.com', type: 'other' }];
    expect(patch(op({ op: 'replace', path: 'emails', value: emails })).result.emails).toEqual(emails);
    expect(patch(op({ op: 'replace', value: { emails } })).result.emails).toEqual(emails);
  });

  it('appends on add, and a new primary demotes the old one', () => {
    const { result } = patch(op({ op: 'add', path: 'emails', value: [{ value: 'new@x.com', type: 'other', primary: true }] }));
    expect(result.emails).toEqual([
      { value: 'jo@x.com', type: 'work', primary: false },
      { value: 'jo@home.example', type: 'home' },
      { value: 'new@x.com', type: 'other', primary: true },
    ]);
  });

  it('does not duplicate a value that is already there (matched case-insensitively)', () => {
    const { result } = patch(op({ op: 'add', path: 'emails', value: [{ value: 'JO@X.COM', type: 'work' }] }));
    expect(result.emails).toHaveLength(2);
  });

  it('takes a single object added to a list as a list of one', () => {
    const { result, notes } = patch(op({ op: 'add', path: 'phoneNumbers', value: { value: '+1 555', type: 'work' } }));
    expect(result.phoneNumbers).toEqual([{ value: '+1 555', type: 'work' }]);
    expect(notes).not.toEqual([]);
  });

  it('rejects a list with two primaries', () => {
    expectScimError(
      () => patch(op({ op: 'replace', path: 'emails', value: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] })),
      400,
      'invalidValue',
    );
  });

  it('sets emails.value on the primary email when no filter is given', () => {
    expect(patch(op({ op: 'replace', path: 'emails.value', value: 'p@x.com' })).result.emails).toEqual([
      { value: 'p@x.com', type: 'work', primary: true },
      { value: 'jo@home.example', type: 'home' },
    ]);
  });

  it('treats a null value as removal', () => {
    expect(patch(op({ op: 'replace', path: 'displayName', value: null })).result).not.toHaveProperty('displayName');
  });

  it('rejects a string for a complex attribute', () => {
    expectScimError(() => patch(op({ op: 'replace', path: 'name', value: 'Jo Smith' })), 400, 'invalidValue');
  });
});

describe('applyPatch: remove', () => {
  it('removes the elements a filter selects, and no others', () => {
    expect(patch(op({ op: 'remove', path: 'emails[type eq "home"]' })).result.emails).toEqual([{ value: 'jo@x.com', type: 'work', primary: true }]);
  });

  it('removes nothing when the filter matches nothing', () => {
    expect(patch(op({ op: 'remove', path: 'emails[type eq "other"]' })).result.emails).toEqual(storedUser().emails);
  });

  it('removes the whole attribute without a filter', () => {
    expect(patch(op({ op: 'remove', path: 'emails' })).result).not.toHaveProperty('emails');
    expect(patch(op({ op: 'Remove', path: 'displayName' })).result).not.toHaveProperty('displayName');
  });

  it('removes a sub-attribute, keeping its siblings', () => {
    expect(patch(op({ op: 'remove', path: 'name.givenName' })).result.name).toEqual({ familyName: 'Smith', formatted: 'Jo Smith' });
  });

  it('removes an enterprise attribute, and the whole extension by its URN', () => {
    expect(patch(op({ op: 'remove', path: `${ENTERPRISE}:department` })).result[ENTERPRISE]).toEqual({ employeeNumber: '1001' });
    expect(patch(op({ op: 'remove', path: ENTERPRISE })).result).not.toHaveProperty(ENTERPRISE);
  });

  it('removing an absent attribute is not an error', () => {
    expect(patch(op({ op: 'remove', path: 'title' })).result).toEqual(storedUser());
  });

  it('refuses to remove userName (required) with a 400', () => {
    expectScimError(() => patch(op({ op: 'remove', path: 'userName' })), 400, 'invalidValue');
    expectScimError(() => patch(op({ op: 'replace', path: 'userName', value: '' })), 400, 'invalidValue');
    expectScimError(() => patch(op({ op: 'remove', path: 'displayName' }), { displayName: 'Sales' }, 'Group'), 400, 'invalidValue');
  });
});

describe('applyPatch: mutability and unknown attributes', () => {
  it.each([
    ['replace meta.lastModified', { op: 'replace', path: 'meta.lastModified', value: '2024-01-01T00:00:00Z' }],
    ['replace meta', { op: 'replace', path: 'meta', value: { resourceType: 'Group' } }],
    ['add groups', { op: 'add', path: 'groups', value: [{ value: 'g-1' }] }],
    ['path-less groups', { op: 'replace', value: { groups: [{ value: 'g-1' }] } }],
    ['remove groups', { op: 'remove', path: 'groups' }],
    ['remove id', { op: 'remove', path: 'id' }],
    ['replace id', { op: 'replace', path: 'id', value: 'other' }],
  ])('%s → 400 mutability', (_what, operation) => {
    expectScimError(() => patch(op(operation)), 400, 'mutability');
  });

  it.each([
    ['with a path', { op: 'replace', path: 'password', value: 's3cret!' }],
    ['path-less', { op: 'replace', value: { password: 's3cret!' } }],
  ])('accepts and discards a password %s', (_what, operation) => {
    const { result, notes } = patch(op(operation));
    expect(result).toEqual(storedUser());
    expect(JSON.stringify(result)).not.toContain('s3cret!');
    expect(notes.some((n) => n.includes('password'))).toBe(true);
  });

  it('keeps an unknown core attribute as sent, with a note', () => {
    const { result, notes } = patch(op({ op: 'add', path: 'favoriteColor', value: 'blue' }));
    expect(result.favoriteColor).toBe('blue');
    expect(notes.some((n) => n.includes('favoriteColor'))).toBe(true);
  });

  it('keeps a whole unknown extension object given by its URN', () => {
    const urn = 'urn:example:scim:schemas:extension:acme:1.0:User';
    expect(patch(op({ op: 'add', path: urn, value: { badge: 'B-7' } })).result[urn]).toEqual({ badge: 'B-7' });
  });

  it('keeps an unknown extension attribute given by a URN path inside its extension object', () => {
    const urn = 'urn:example:scim:schemas:extension:acme:1.0:User';
    const attrs = { ...storedUser(), [urn]: { badge: 'B-1', floor: '3' } };
    const { result } = patch(op({ op: 'replace', path: `${urn}:badge`, value: 'B-7' }), attrs);
    expect(result[urn]).toEqual({ badge: 'B-7', floor: '3' });
    expect(result).not.toHaveProperty(`${urn}:badge`);
  });
});

describe('applyPatch never mutates its input', () => {
  it('leaves the stored attributes and the operations untouched', () => {
    const attrs = deepFreeze(storedUser());
    const body = deepFreeze(
      patchOp(
        { op: 'Replace', path: 'name', value: { givenName: 'Joanna' } },
        { op: 'add', path: 'emails', value: [{ value: 'n@x.com', primary: true }] },
        { op: 'remove', path: 'emails[type eq "home"]' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'w@x.com' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'mgr-1' },
        { op: 'remove', path: `${ENTERPRISE}:department` },
        { op: 'replace', value: { 'name.familyName': 'Smythe', active: 'False' } },
      ),
    );
    const before = structuredClone(attrs);
    const bodyBefore = structuredClone(body);
    const { result } = patch(body, attrs);
    expect(attrs).toEqual(before);
    expect(body).toEqual(bodyBefore);
    expect(result).not.toEqual(before);
    expect(result.name).toEqual({ givenName: 'Joanna', familyName: 'Smythe', formatted: 'Jo Smith' });
  });
});

describe('splitGroupPatch', () => {
  const split = (body: unknown) => {
    const notes: Notes = [];
    return { ...splitGroupPatch(parsePatchRequest(body, notes), notes), notes };
  };

  it.each([
    ['Okta add', patchOp(oktaAddMembers([{ value: 'a', display: 'a@x' }, { value: 'b', display: 'b@x' }])), { kind: 'add', ids: ['a', 'b'] }],
    ['Okta full push', patchOp(oktaReplaceMembers([{ value: 'c', display: 'c@x' }])), { kind: 'replace', ids: ['c'] }],
    ['Okta full push of an empty list', patchOp(oktaReplaceMembers([])), { kind: 'replace', ids: [] }],
    ['Okta remove by filter', patchOp(oktaRemoveMember('a')), { kind: 'remove', ids: ['a'] }],
    ['remove by an or filter', op({ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }), { kind: 'remove', ids: ['a', 'b'] }],
    ['remove by a filter in upper case', op({ op: 'REMOVE', path: 'Members[VALUE EQ "a"]' }), { kind: 'remove', ids: ['a'] }],
    ['Entra add', entraAddMembers('x', 'y'), { kind: 'add', ids: ['x', 'y'] }],
    ['Entra remove with a value', entraRemoveMembers('x'), { kind: 'remove', ids: ['x'] }],
    ['remove with no value', op({ op: 'remove', path: 'members' }), { kind: 'removeAll' }],
    ['add of a single member object', op({ op: 'add', path: 'members', value: { value: 'a' } }), { kind: 'add', ids: ['a'] }],
    ['add of a duplicated id', op({ op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'a' }] }), { kind: 'add', ids: ['a'] }],
  ])('%s', (_what, body, change) => {
    const { attributeOps, memberChanges } = split(body);
    expect(memberChanges).toEqual([change]);
    expect(attributeOps).toEqual([]);
  });

  it("splits members out of a path-less value (Okta's rename + members)", () => {
    const { attributeOps, memberChanges } = split(op({ op: 'replace', value: { id: GROUP_ID, displayName: 'Sales', members: [{ value: 'a' }] } }));
    expect(memberChanges).toEqual([{ kind: 'replace', ids: ['a'] }]);
    expect(attributeOps).toEqual([{ op: 'replace', value: { id: GROUP_ID, displayName: 'Sales' } }]);
  });

  it('keeps non-member operations separate and in order', () => {
    const { attributeOps, memberChanges } = split(
      patchOp(oktaRename(GROUP_ID, 'Sales EMEA'), oktaRemoveMember('a'), { op: 'replace', path: 'externalId', value: 'e1' }, oktaAddMembers([{ value: 'b', display: 'b' }])),
    );
    expect(memberChanges).toEqual([
      { kind: 'remove', ids: ['a'] },
      { kind: 'add', ids: ['b'] },
    ]);
    expect(attributeOps.map((o: PatchOperation) => o.rawPath ?? Object.keys(o.value as object).join(','))).toEqual(['id,displayName', 'externalId']);
    expect(applyPatch('Group', GROUP_ID, { displayName: 'Sales' }, attributeOps, [])).toEqual({ displayName: 'Sales EMEA', externalId: 'e1' });
  });

  it.each([
    ['a filter on display', 'members[display eq "x"]'],
    ['a filter with ne', 'members[value ne "a"]'],
    ['a filter with and', 'members[value eq "a" and value eq "b"]'],
    ['a filter with pr', 'members[value pr]'],
    ['a filter with sw', 'members[value sw "a"]'],
  ])('rejects %s with 400 invalidFilter (never removes everyone)', (_what, path) => {
    expectScimError(() => split(op({ op: 'remove', path })), 400, 'invalidFilter');
  });

  it.each([
    ['add with a filter', { op: 'add', path: 'members[value eq "a"]', value: [{ value: 'a' }] }],
    ['a members sub-attribute', { op: 'replace', path: 'members.value', value: 'a' }],
  ])('rejects %s with 400 invalidPath', (_what, operation) => {
    expectScimError(() => split(op(operation)), 400, 'invalidPath');
  });

  it('rejects members without an id', () => {
    expectScimError(() => split(op({ op: 'add', path: 'members', value: [{ display: 'no id' }] })), 400, 'invalidValue');
  });
});

describe('activeChange', () => {
  const ops = (body: unknown) => parsePatchRequest(body, []);

  it.each([
    ['Okta deactivate', oktaDeactivate, false],
    ['Okta reactivate', oktaReactivate, true],
    ['Entra disable ("False")', entraDisable, false],
    ['Entra enable ("True")', entraEnable, true],
    ['aadOptscim062020 path-less with dotted keys', entraPathlessDotted, false],
    ['path-less key in upper case', op({ op: 'replace', value: { ACTIVE: 'false' } }), false],
    ['no active change', op({ op: 'replace', path: 'displayName', value: 'x' }), undefined],
    ['remove active', op({ op: 'remove', path: 'active' }), undefined],
    ['a non-boolean string', op({ op: 'replace', path: 'active', value: 'maybe' }), undefined],
    ['the last change wins', patchOp({ op: 'replace', value: { active: false } }, { op: 'replace', path: 'active', value: true }), true],
  ])('%s → %s', (_what, body, expected) => {
    expect(activeChange(ops(body))).toBe(expected);
  });

});
