/**
 * Client JSON → stored attributes (validated, canonical names, lenient coercions noted) and
 * stored attributes → the SCIM resource a client reads back.
 */
import { describe, expect, it } from 'vitest';
import { type Notes, parseResourceInput, toResource } from '../../server/scim/resource';
import type { ResourceTypeName } from '../../server/scim/schema';
import { entraUser } from '../../tools/idp/entra';
import { oktaGroup, oktaUser } from '../../tools/idp/okta';
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA } from '../../tools/scim-client';
import { expectScimError } from '../support/scim-error';



function parse(body: unknown, type: ResourceTypeName = 'User') {
  const notes: Notes = [];
  return { ...parseResourceInput(type, body, notes), notes };
}

const ACME = 'urn:example:scim:schemas:extension:acme:1.0:User';

describe('parseResourceInput: users', () => {
  it("stores Okta's create body without password, groups or schemas", () => {
    const { attributes, notes } = parse(oktaUser());
    expect(attributes).toEqual({
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
    });
    expect(JSON.stringify(attributes)).not.toContain('1mz050nq');
    expect(notes.some((n) => n.startsWith('password') && n.includes('discarded'))).toBe(true);
  });

  it("stores Entra's create body with the enterprise extension, ignoring meta", () => {
    const { attributes } = parse(entraUser('jo@contoso.com', 'ext-9'));
    expect(attributes).not.toHaveProperty('meta');
    expect(attributes[ENTERPRISE]).toEqual({ employeeNumber: '1001', department: 'Research' });
    expect(attributes).toMatchObject({ userName: 'jo@contoso.com', externalId: 'ext-9', active: true });
  });

  it('ignores id, meta and groups (the server sets them)', () => {
    const { attributes } = parse({ userName: 'jo', id: 'client-id', meta: { version: 'W/"9"' }, groups: [{ value: 'g-1' }] });
    expect(attributes).toEqual({ userName: 'jo' });
  });

  it('canonicalises attribute names written in any case, and notes it', () => {
    const { attributes, notes } = parse({ USERNAME: 'jo', DisplayName: 'Jo', Name: { GIVENNAME: 'Jo' }, emails: [{ VALUE: 'jo@x', Type: 'work' }] });
    expect(attributes).toEqual({ userName: 'jo', displayName: 'Jo', name: { givenName: 'Jo' }, emails: [{ value: 'jo@x', type: 'work' }] });
    expect(notes).toContain('USERNAME → userName');
  });

  it.each([
    ['top level', { userName: 'jo', USERNAME: 'jo2' }],
    ['sub-attribute', { userName: 'jo', name: { givenName: 'A', GivenName: 'B' } }],
    ['extension attribute', { userName: 'jo', [ENTERPRISE]: { department: 'A', DEPARTMENT: 'B' } }],
  ])('refuses the same attribute twice in different case (%s) with a 400', (_what, body) => {
    expectScimError(() => parse(body), 400, 'invalidSyntax');
  });

  it.each([
    ['True', true],
    ['false', false],
    ['FALSE', false],
    [' true ', true],
  ])('coerces the boolean string %j and notes it', (value, expected) => {
    const { attributes, notes } = parse({ userName: 'jo', active: value, emails: [{ value: 'a@x', primary: value }] });
    expect(attributes.active).toBe(expected);
    expect(attributes.emails).toEqual([{ value: 'a@x', primary: expected }]);
    expect(notes.some((n) => n.startsWith('active:'))).toBe(true);
  });

  it.each([
    ['a non-boolean string for active', { userName: 'jo', active: 'yes' }],
    ['an object for a string', { userName: 'jo', displayName: { first: 'Jo' } }],
    ['a list for a single value', { userName: 'jo', title: ['a', 'b'] }],
    ['a single value for a list', { userName: 'jo', emails: 'jo@x' }],
    ['a string for a complex attribute', { userName: 'jo', name: 'Jo Smith' }],
    ['two primary emails', { userName: 'jo', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: 'True' }] }],
    ['the enterprise extension not an object', { userName: 'jo', [ENTERPRISE]: 'Research' }],
    ['an enterprise attribute of the wrong type', { userName: 'jo', [ENTERPRISE]: { department: { name: 'R' } } }],
    ['an enterprise attribute given as a list', { userName: 'jo', [ENTERPRISE]: { department: ['R'] } }],
    // UTF-8 (and so SQLite) cannot hold an unpaired surrogate: it would be stored as U+FFFD.
    ['an unpaired surrogate in a string', { userName: 'jo\ud800' }],
    ['an unpaired low surrogate in a sub-attribute', { userName: 'jo', name: { givenName: '\udc00x' } }],
  ])('refuses %s with 400 invalidValue', (_what, body) => {
    expectScimError(() => parse(body), 400, 'invalidValue');
  });

  it('stores a number sent for a string attribute as a string, with a note', () => {
    const { attributes, notes } = parse({ userName: 'jo', [ENTERPRISE]: { employeeNumber: 1001 } });
    expect(attributes[ENTERPRISE]).toEqual({ employeeNumber: '1001' });
    expect(notes.some((n) => n.includes('1001'))).toBe(true);
  });

  it('canonicalises the enterprise URN and its attribute names', () => {
    const { attributes } = parse({ userName: 'jo', [ENTERPRISE.toLowerCase()]: { EMPLOYEENUMBER: '7' } });
    expect(attributes).toEqual({ userName: 'jo', [ENTERPRISE]: { employeeNumber: '7' } });
  });

  it('coerces a bare manager id to {value} and drops an empty one', () => {
    expect(parse({ userName: 'jo', [ENTERPRISE]: { manager: 'mgr-1' } }).attributes[ENTERPRISE]).toEqual({ manager: { value: 'mgr-1' } });
    expect(parse({ userName: 'jo', [ENTERPRISE]: { manager: '', department: 'R' } }).attributes[ENTERPRISE]).toEqual({ department: 'R' });
    expect(parse({ userName: 'jo', [ENTERPRISE]: { manager: '' } }).attributes).not.toHaveProperty(ENTERPRISE);
  });

  it('does not store the manager displayName (read-only)', () => {
    expect(parse({ userName: 'jo', [ENTERPRISE]: { manager: { value: 'm', displayName: 'Boss' } } }).attributes[ENTERPRISE]).toEqual({ manager: { value: 'm' } });
  });

  it('keeps unknown extension objects and unknown attributes exactly as sent', () => {
    const acme = { Badge: 'B-7', floors: [1, 2], nested: { Deep: true } };
    const { attributes } = parse({ schemas: [USER_SCHEMA, ACME], userName: 'jo', [ACME]: acme, favoriteColor: 'Blue' });
    expect(attributes[ACME]).toEqual(acme);
    expect(attributes.favoriteColor).toBe('Blue');
  });

  it('reads core attributes written under the core schema URN', () => {
    expect(parse({ [USER_SCHEMA]: { userName: 'jo', displayName: 'Jo' } }).attributes).toEqual({ userName: 'jo', displayName: 'Jo' });
  });

  it('drops null values', () => {
    expect(parse({ userName: 'jo', title: null, name: { givenName: null }, [ENTERPRISE]: null }).attributes).toEqual({ userName: 'jo' });
  });

  it.each([
    ['schemas without the core URN', { schemas: [ENTERPRISE], userName: 'jo' }],
    ['schemas of the wrong resource type', { schemas: [GROUP_SCHEMA], userName: 'jo' }],
    ['schemas not a list', { schemas: USER_SCHEMA, userName: 'jo' }],
    ['schemas with a non-string', { schemas: [USER_SCHEMA, 1], userName: 'jo' }],
    ['a body that is a list', [{ userName: 'jo' }]],
    ['a body that is a string', 'jo'],
    ['a body that is null', null],
  ])('refuses %s with 400 invalidSyntax', (_what, body) => {
    expectScimError(() => parse(body), 400, 'invalidSyntax');
  });

  it('accepts the core URN in any case', () => {
    expect(parse({ schemas: [USER_SCHEMA.toUpperCase()], userName: 'jo' }).attributes).toEqual({ userName: 'jo' });
  });

  it.each([
    ['missing', {}],
    ['empty', { userName: '' }],
    ['blank', { userName: '   ' }],
    ['null', { userName: null }],
  ])('refuses a %s userName with 400 invalidValue', (_what, body) => {
    expectScimError(() => parse(body), 400, 'invalidValue');
  });
});

describe('parseResourceInput: groups', () => {
  it("reads Okta's group body with an empty member list", () => {
    expect(parse(oktaGroup('Sales'), 'Group')).toEqual({ attributes: { displayName: 'Sales' }, members: [], notes: [] });
  });

  it('returns member ids (deduplicated) apart from the attributes', () => {
    const { attributes, members } = parse({ schemas: [GROUP_SCHEMA], displayName: 'Sales', members: [{ value: 'u1', display: 'Jo' }, { value: 'u2' }, { value: 'u1' }] }, 'Group');
    expect(attributes).toEqual({ displayName: 'Sales' });
    expect(members).toEqual(['u1', 'u2']);
  });

  it('leaves members undefined when the body has no members key', () => {
    expect(parse({ displayName: 'Sales' }, 'Group')).not.toHaveProperty('members');
  });

  it('requires a displayName and the Group schema', () => {
    expectScimError(() => parse({ members: [] }, 'Group'), 400, 'invalidValue');
    expectScimError(() => parse({ schemas: [USER_SCHEMA], displayName: 'Sales' }, 'Group'), 400, 'invalidSyntax');
  });

  it('refuses a member without an id', () => {
    expectScimError(() => parse({ displayName: 'Sales', members: [{ value: '' }] }, 'Group'), 400, 'invalidValue');
  });
});

describe('toResource', () => {
  const meta = { created: '2024-01-10T08:00:00.000Z', lastModified: '2024-06-01T12:00:00.000Z', version: 3 };
  const base = 'https://scim.example/scim/v2';

  it('orders schemas, id, externalId first and meta last, with location and a weak version', () => {
    const resource = toResource(
      'User',
      { id: 'u-1', attributes: { userName: 'jo', active: true, externalId: 'ext-1', [ENTERPRISE]: { department: 'R' } }, meta, relations: [] },
      base,
    );
    expect(Object.keys(resource)).toEqual(['schemas', 'id', 'externalId', 'userName', 'active', ENTERPRISE, 'groups', 'meta']);
    expect(resource).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      id: 'u-1',
      externalId: 'ext-1',
      userName: 'jo',
      active: true,
      [ENTERPRISE]: { department: 'R' },
      groups: [],
      meta: { resourceType: 'User', created: meta.created, lastModified: meta.lastModified, location: `${base}/Users/u-1`, version: 'W/"3"' },
    });
  });

  it('lists only the core schema when no extension is present, and leaves out an absent externalId', () => {
    const resource = toResource('User', { id: 'u-1', attributes: { userName: 'jo' }, meta }, base);
    expect(resource.schemas).toEqual([USER_SCHEMA]);
    expect(resource).not.toHaveProperty('externalId');
    expect(resource).not.toHaveProperty('groups');
  });

  it('lists unknown extension URNs the resource carries', () => {
    expect(toResource('User', { id: 'u-1', attributes: { userName: 'jo', [ACME]: { badge: 'B' } }, meta }, base).schemas).toEqual([USER_SCHEMA, ACME]);
  });

  it('puts group members under members and points the location at /Groups', () => {
    const resource = toResource('Group', { id: 'g 1', attributes: { displayName: 'Sales' }, meta, relations: [{ value: 'u-1' }] }, base);
    expect(resource.schemas).toEqual([GROUP_SCHEMA]);
    expect(resource.members).toEqual([{ value: 'u-1' }]);
    expect(resource.meta).toMatchObject({ resourceType: 'Group', location: `${base}/Groups/g%201` });
    expect(Object.keys(resource).at(-1)).toBe('meta');
  });
});
