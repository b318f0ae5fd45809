/**
 * Filter semantics against resources: case rules from the schema, multi-valued attributes,
 * Entra's value-path form on ONE element, presence, typed comparisons, and the 400s for
 * filters the schema cannot answer (never a silent "match everything").
 */
import { describe, expect, it } from 'vitest';
import { type ResolvedFilter, compileFilter, evaluate } from '../../server/scim/filter';
import type { AttributeDef, ResourceTypeName } from '../../server/scim/schema';
import { expectScimError, scimErrorOf } from '../support/scim-error';

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';



const matches = (filter: string, resource: unknown, type: ResourceTypeName = 'User'): boolean => evaluate(compileFilter(type, filter), resource);

const jo = {
  schemas: [USER_URN, ENTERPRISE],
  id: 'a1b2-C3D4',
  externalId: '00uAbC',
  userName: 'Jo.Smith@Example.com',
  name: { givenName: 'Jo', familyName: 'Smith' },
  displayName: 'Jo Smith',
  active: true,
  emails: [
    { value: 'jo@home.example', type: 'home' },
    { value: 'jo.smith@x.com', type: 'work', primary: true },
  ],
  [ENTERPRISE]: { employeeNumber: '1001', department: 'Research', manager: { value: 'mgr-1' } },
  meta: { resourceType: 'User', created: '2024-01-10T08:00:00.000Z', lastModified: '2024-06-01T12:00:00.000Z', version: 'W/"3"' },
};

describe('case rules', () => {
  it.each([
    ['userName eq "jo.smith@example.com"', true],
    ['userName eq "JO.SMITH@EXAMPLE.COM"', true],
    ['userName sw "JO."', true],
    ['userName ew "@EXAMPLE.COM"', true],
    ['userName co "SMITH"', true],
    ['userName ne "jo.smith@example.com"', false],
    ['displayName eq "jo smith"', true],
  ])('matches caseExact:false attributes case-insensitively: %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });

  it.each([
    ['externalId eq "00uAbC"', true],
    ['externalId eq "00uabc"', false],
    ['externalId sw "00ua"', false],
    ['id eq "a1b2-C3D4"', true],
    ['id eq "A1B2-C3D4"', false],
    [`${ENTERPRISE}:manager.value eq "MGR-1"`, false],
    [`${ENTERPRISE}:manager.value eq "mgr-1"`, true],
  ])('matches caseExact:true attributes exactly: %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });

  it('reads attribute names in any case and with the core URN', () => {
    expect(matches('USERNAME eq "jo.smith@example.com"', jo)).toBe(true);
    expect(matches(`${USER_URN}:userName eq "jo.smith@example.com"`, jo)).toBe(true);
    expect(matches('NAME.GIVENNAME eq "jo"', jo)).toBe(true);
  });

  it('reads enterprise extension attributes by URN', () => {
    expect(matches(`${ENTERPRISE}:employeeNumber eq "1001"`, jo)).toBe(true);
    expect(matches(`${ENTERPRISE}:department eq "research"`, jo)).toBe(true);
    expect(matches(`${ENTERPRISE}:employeeNumber eq "1002"`, jo)).toBe(false);
  });
});

describe('multi-valued attributes', () => {
  it.each([
    ['emails.value eq "jo@home.example"', true],
    ['emails.value eq "JO.SMITH@X.COM"', true],
    ['emails.value eq "nobody@x.com"', false],
    ['emails eq "jo@home.example"', true],
    ['emails.type eq "work"', true],
    ['emails[type eq "work" and value co "@x"]', true],
    ['emails[type eq "home" and value co "@x"]', false],
    ['emails[type eq "work" or type eq "other"]', true],
    ['emails[not (type eq "work")]', true],
    ['emails[primary eq true]', true],
    ['emails[type eq "home" and primary eq true]', false],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });

  it("requires the SAME element to match both parts of Entra's emails[type eq \"work\"].value eq", () => {
    // The home email has the value; the work email does not.
    expect(matches('emails[type eq "work"].value eq "jo@home.example"', jo)).toBe(false);
    expect(matches('emails[type eq "work"].value eq "jo.smith@x.com"', jo)).toBe(true);
    expect(matches('emails[type eq "home"].value eq "jo@home.example"', jo)).toBe(true);
  });

  it('does not match a user with no emails', () => {
    const bare = { id: 'x', userName: 'bare' };
    expect(matches('emails.value eq "jo@home.example"', bare)).toBe(false);
    expect(matches('emails[type eq "work"]', bare)).toBe(false);
  });

  it('matches group members by id, exactly', () => {
    const group = { id: 'g1', displayName: 'Sales', members: [{ value: 'U-1' }, { value: 'u-2' }] };
    expect(matches('members.value eq "U-1"', group, 'Group')).toBe(true);
    expect(matches('members[value eq "u-1"]', group, 'Group')).toBe(false);
    expect(matches('displayName eq "SALES"', group, 'Group')).toBe(true);
  });
});

describe('logic', () => {
  it.each([
    ['not (userName eq "jo.smith@example.com")', false],
    ['not (userName eq "other")', true],
    ['userName eq "other" or active eq true', true],
    ['userName eq "other" and active eq true', false],
    ['userName eq "other" or active eq true and title pr', false],
    ['(userName eq "other" or active eq true) and name.givenName eq "jo"', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });
});

describe('absent attributes, ne, null and pr', () => {
  it('ne is not-eq: an absent attribute is "not equal"', () => {
    expect(matches('title ne "Engineer"', jo)).toBe(true);
    expect(matches('title eq "Engineer"', jo)).toBe(false);
    expect(matches('userName ne "someone.else"', jo)).toBe(true);
  });

  it('eq null means absent and ne null means present', () => {
    expect(matches('title eq null', jo)).toBe(true);
    expect(matches('title ne null', jo)).toBe(false);
    expect(matches('displayName ne null', jo)).toBe(true);
  });

  it.each([
    ['title pr', { title: '' }, false],
    ['title pr', { title: 'Eng' }, true],
    ['title pr', {}, false],
    ['title pr', { title: null }, false],
    ['emails pr', { emails: [] }, false],
    ['emails pr', { emails: [{ value: 'a@x' }] }, true],
    ['name pr', { name: {} }, false],
    ['name pr', { name: { givenName: 'Jo' } }, true],
    ['active pr', { active: false }, true],
    ['active pr', {}, false],
    ['emails.value pr', { emails: [{ type: 'work' }] }, false],
    ['emails.value pr', { emails: [{ type: 'work' }, { value: 'a@x' }] }, true],
    ['name.givenName pr', { name: { givenName: '' } }, false],
  ])('%s on %j → %s', (filter, resource, expected) => {
    expect(matches(filter, resource)).toBe(expected);
  });
});

describe('typed comparisons', () => {
  it.each([
    ['meta.lastModified gt "2024-01-01T00:00:00Z"', true],
    ['meta.lastModified gt "2024-06-01T12:00:00Z"', false],
    ['meta.lastModified ge "2024-06-01T12:00:00Z"', true],
    ['meta.lastModified lt "2025-01-01T00:00:00Z"', true],
    ['meta.lastModified lt "2024-06-01T12:00:00.000Z"', false],
    ['meta.lastModified le "2024-06-01T12:00:00.000Z"', true],
    ['meta.lastModified eq "2024-06-01T14:00:00+02:00"', true],
    ['meta.created lt "2024-01-10T08:00:01Z"', true],
  ])('compares dateTimes as instants: %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });

  it.each([
    ['active eq true', true],
    ['active eq TRUE', true],
    ['active eq "True"', true],
    ['active eq "true"', true],
    ['active eq "False"', false],
    ['active eq false', false],
    ['active ne false', true],
  ])('compares booleans, accepting "True"/"False" strings: %s', (filter, expected) => {
    expect(matches(filter, jo)).toBe(expected);
  });

  it('does not treat the string "true" stored in a boolean as a match', () => {
    expect(matches('active eq true', { active: 'true' })).toBe(false);
  });

  it('orders strings by code point, case-folded where caseExact is false', () => {
    expect(matches('userName gt "J"', jo)).toBe(true);
    expect(matches('userName lt "j"', jo)).toBe(false);
    expect(matches('externalId gt "00ua"', jo)).toBe(false);
  });

  it('orders numbers numerically (10 > 9), not as text', () => {
    const def: AttributeDef = {
      name: 'level',
      type: 'integer',
      multiValued: false,
      description: 'test',
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    };
    const gt9: ResolvedFilter = { kind: 'cmp', attr: { def, keys: ['level'] }, op: 'gt', value: 9, valueType: 'number', fold: false };
    expect(evaluate(gt9, { level: 10 })).toBe(true);
    expect(evaluate(gt9, { level: 9 })).toBe(false);
    expect(evaluate(gt9, { level: '10' })).toBe(false);
    expect(evaluate({ ...gt9, op: 'eq', value: 10 }, { level: 10 })).toBe(true);
  });
});

describe('filters the schema cannot answer are a 400 invalidFilter', () => {
  it.each([
    ['unknown attribute', 'favoriteColor eq "blue"', 'User'],
    ['unknown sub-attribute', 'name.nickname eq "x"', 'User'],
    ['unknown extension attribute', `${ENTERPRISE}:shoeSize eq "9"`, 'User'],
    ['unknown schema URN', 'urn:example:ext:1.0:User:badge eq "x"', 'User'],
    ['a whole extension compared', `${ENTERPRISE} eq "x"`, 'User'],
    ['user attribute on a group', 'userName eq "x"', 'Group'],
    ['complex attribute compared', 'name eq "x"', 'User'],
    ['complex manager compared', `${ENTERPRISE}:manager eq "x"`, 'User'],
    ['gt on a boolean', 'active gt true', 'User'],
    ['co on a boolean', 'active co "t"', 'User'],
    ['boolean compared to a non-boolean string', 'active eq "yes"', 'User'],
    ['boolean compared to a number', 'active eq 1', 'User'],
    ['co on a dateTime', 'meta.lastModified co "2024"', 'User'],
    ['sw on a dateTime', 'meta.created sw "2024"', 'User'],
    ['dateTime compared to a non-date', 'meta.lastModified gt "yesterday"', 'User'],
    ['dateTime compared to a number', 'meta.lastModified gt 1700000000', 'User'],
    ['[...] on a single-valued attribute', 'name[givenName eq "x"]', 'User'],
    ['[...] on a single-valued string', 'userName[value eq "x"]', 'User'],
    ['unknown sub-attribute inside [...]', 'emails[color eq "red"]', 'User'],
    ['string compared to a number', 'userName eq 1', 'User'],
    ['string compared to a boolean', 'userName eq true', 'User'],
    ['gt null', 'userName gt null', 'User'],
    ['co null', 'title co null', 'User'],
    ['members compared to a number', 'members.value eq 5', 'Group'],
    ['an unpaired surrogate in the value', 'userName eq "a\\ud800"', 'User'],
  ] as const)('%s: %s', (_what, filter, type) => {
    expectScimError(() => compileFilter(type, filter), 400, 'invalidFilter');
  });

  it('names the attribute the schema does not know', () => {
    expect(scimErrorOf(() => compileFilter('User', 'favoriteColor eq "blue"')).message).toContain('favoriteColor');
  });

  it('reports syntax errors as invalidFilter too', () => {
    expectScimError(() => compileFilter('User', 'userName eq'), 400, 'invalidFilter');
  });
});
