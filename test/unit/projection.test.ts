/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5): what a response carries.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors';
import { includesAttribute, project } from '../../server/scim/projection';
import type { JsonObject } from '../../server/scim/resource';
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA } from '../../tools/scim-client';

const ACME = 'urn:example:scim:schemas:extension:acme:1.0:User';

function user(): JsonObject {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE, ACME],
    id: 'u-1',
    externalId: 'ext-1',
    userName: 'jo@x.com',
    name: { givenName: 'Jo', familyName: 'Smith' },
    active: true,
    emails: [
      { value: 'jo@x.com', type: 'work', primary: true },
      { value: 'jo@home.example', type: 'home' },
    ],
    favoriteColor: 'blue',
    [ENTERPRISE]: { employeeNumber: '1001', department: 'Research', manager: { value: 'mgr-1' } },
    [ACME]: { badge: 'B-7' },
    groups: [{ value: 'g-1', display: 'Sales' }],
    meta: { resourceType: 'User', created: '2024-01-10T08:00:00.000Z', lastModified: '2024-06-01T12:00:00.000Z', location: 'https://x/Users/u-1', version: 'W/"1"' },
  };
}

function group(): JsonObject {
  return {
    schemas: [GROUP_SCHEMA],
    id: 'g-1',
    displayName: 'Sales',
    members: [{ value: 'u-1', display: 'Jo' }],
    meta: { resourceType: 'Group', location: 'https://x/Groups/g-1' },
  };
}

describe('project: attributes', () => {
  it('returns only id, schemas and the attributes asked for', () => {
    expect(project('User', user(), { attributes: 'userName,emails.value' })).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE, ACME],
      id: 'u-1',
      userName: 'jo@x.com',
      emails: [{ value: 'jo@x.com' }, { value: 'jo@home.example' }],
    });
  });

  it('keeps the resource key order', () => {
    expect(Object.keys(project('User', user(), { attributes: 'meta,emails,userName' }))).toEqual(['schemas', 'id', 'userName', 'emails', 'meta']);
  });

  it('picks several sub-attributes of each element of a multi-valued attribute', () => {
    expect(project('User', user(), { attributes: 'emails.value,emails.type' }).emails).toEqual([
      { value: 'jo@x.com', type: 'work' },
      { value: 'jo@home.example', type: 'home' },
    ]);
  });

  it('picks a sub-attribute of a complex attribute', () => {
    expect(project('User', user(), { attributes: 'name.familyName,meta.lastModified' })).toEqual({
      schemas: user().schemas,
      id: 'u-1',
      name: { familyName: 'Smith' },
      meta: { lastModified: '2024-06-01T12:00:00.000Z' },
    });
  });

  it('reads names in any case, spaces around commas and URN-qualified names', () => {
    expect(
      project('User', user(), { attributes: ` USERNAME , ${USER_SCHEMA}:active, ${ENTERPRISE}:employeeNumber, ${ENTERPRISE}:manager.value` }),
    ).toEqual({
      schemas: user().schemas,
      id: 'u-1',
      userName: 'jo@x.com',
      active: true,
      [ENTERPRISE]: { employeeNumber: '1001', manager: { value: 'mgr-1' } },
    });
  });

  it('returns a whole extension asked for by its URN', () => {
    expect(project('User', user(), { attributes: ENTERPRISE })[ENTERPRISE]).toEqual(user()[ENTERPRISE]);
  });

  it('returns unknown attributes and whole unknown extensions asked for as written', () => {
    const out = project('User', user(), { attributes: `favoriteColor,${ACME}` });
    expect(out.favoriteColor).toBe('blue');
    expect(out[ACME]).toEqual({ badge: 'B-7' });
  });

  it('finds an attribute of an unknown extension by its URN path, inside the extension object', () => {
    expect(project('User', user(), { attributes: `${ACME}:badge` })[ACME]).toEqual({ badge: 'B-7' });
    expect(project('User', user(), { excludedAttributes: `${ACME}:badge` })[ACME]).toEqual({});
  });

  it('leaves out an attribute the resource does not have', () => {
    expect(project('User', user(), { attributes: 'title' })).toEqual({ schemas: user().schemas, id: 'u-1' });
  });

  it('lets attributes win over excludedAttributes', () => {
    expect(project('User', user(), { attributes: 'userName', excludedAttributes: 'userName' }).userName).toBe('jo@x.com');
  });

  it('rejects a malformed list with a 400', () => {
    let err: unknown;
    try {
      project('User', user(), { attributes: 'name.givenName.first' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(400);
  });
});

describe('project: excludedAttributes', () => {
  it('removes the members key from a group', () => {
    const out = project('Group', group(), { excludedAttributes: 'members' });
    expect(out).not.toHaveProperty('members');
    expect(out).toEqual({ schemas: [GROUP_SCHEMA], id: 'g-1', displayName: 'Sales', meta: group().meta });
  });

  it('never excludes id or schemas', () => {
    const out = project('Group', group(), { excludedAttributes: 'id,schemas,displayName,ID' });
    expect(out).toEqual({ schemas: [GROUP_SCHEMA], id: 'g-1', members: group().members, meta: group().meta });
  });

  it('always includes id and schemas when attributes are listed', () => {
    expect(Object.keys(project('Group', group(), { attributes: 'displayName' }))).toEqual(['schemas', 'id', 'displayName']);
  });

  it('removes sub-attributes from every element, names in any case', () => {
    const out = project('User', user(), { excludedAttributes: 'EMAILS.TYPE,name.givenName' });
    expect(out.emails).toEqual([
      { value: 'jo@x.com', primary: true },
      { value: 'jo@home.example' },
    ]);
    expect(out.name).toEqual({ familyName: 'Smith' });
  });

  it('removes URN-qualified attributes and whole extensions', () => {
    expect(project('User', user(), { excludedAttributes: `${ENTERPRISE}:department` })[ENTERPRISE]).toEqual({ employeeNumber: '1001', manager: { value: 'mgr-1' } });
    expect(project('User', user(), { excludedAttributes: ENTERPRISE })).not.toHaveProperty(ENTERPRISE);
  });

  it('does not change the resource it was given', () => {
    const original = user();
    project('User', original, { excludedAttributes: 'emails.type,groups,name.givenName' });
    project('User', original, { attributes: 'emails.value' });
    expect(original).toEqual(user());
  });

  it('returns the resource unchanged with no projection or blank parameters', () => {
    expect(project('User', user(), {})).toEqual(user());
    expect(project('User', user(), { attributes: ' ', excludedAttributes: '' })).toEqual(user());
  });
});

describe('includesAttribute', () => {
  it.each([
    [{}, true],
    [{ excludedAttributes: 'members' }, false],
    [{ excludedAttributes: 'MEMBERS' }, false],
    [{ excludedAttributes: `${GROUP_SCHEMA}:members` }, false],
    [{ excludedAttributes: 'members.display' }, true],
    [{ excludedAttributes: 'displayName' }, true],
    [{ attributes: 'displayName' }, false],
    [{ attributes: 'displayName,members' }, true],
    [{ attributes: 'members.value' }, true],
  ])('members under %j → %s', (projection, expected) => {
    expect(includesAttribute('Group', projection, 'members')).toBe(expected);
  });
});
