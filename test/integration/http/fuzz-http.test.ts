/**
 * Fuzzing over real HTTP: one real server (SQLite file, OS keychain tokens, 127.0.0.1) gets a
 * few thousand generated requests, eight in flight at a time — creates, replaces and PATCHes
 * of users and groups with arbitrary JSON, mutated Okta / Entra ID bodies (keys dropped,
 * retyped, renamed, recased; huge strings, deep nesting, prototype keys, unicode, NUL, numbers
 * where strings belong), non-JSON and truncated bytes, and list requests with random filters,
 * sorting, paging and projections.
 *
 * Every response must be below 500; every error an RFC 7644 §3.12 body (`application/scim+json`,
 * the Error schema, `status` equal to the HTTP status, a detail); no response may show a stack
 * trace, SQLite or our SQL. Afterwards the server still answers, the database passes
 * `PRAGMA integrity_check`, Object.prototype is untouched and no record is half-written.
 *
 * Replay a failure with FUZZ_SEED=<seed printed in the failure and the log>.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraAddMembers, entraClearManager, entraDisable, entraEnable, entraPathlessDotted, entraRemoveMembers, entraReplaceWorkEmail, entraSetManager, entraUser } from '../../../tools/idp/entra';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers, oktaUser } from '../../../tools/idp/okta';
import { ENTERPRISE, ERROR_SCHEMA, GROUP_SCHEMA, OKTA_HEADERS, PATCH_OP, USER_SCHEMA, patchOp } from '../../../tools/scim-client';
import { FUZZ_SEED, type Json, type Scale, anyText, editString, jsonArbitraries, mutate, nested, objectOf, stringEditArb, subValueArb, valueForPath } from '../../support/fuzz-kit';
import { type TestServer, startTestServer } from '../../support/scim-server';

const IN_FLIGHT = 8;

// ---------------------------------------------------------------------------------------------
// JSON: this test's vocabulary; the arbitraries and mutations come from the fuzz kit

/**
 * Huge strings and deep nesting reach the server as text, past its limits (1 MiB bodies, 1000
 * levels and more), but are placeholders in the generated values, so that generating and
 * keeping thousands of requests stays cheap; serialize() expands them into the request text.
 */
const deepMarker = (depth: number, kind: 'a' | 'o'): string => `__FUZZ_DEEP_${depth}_${kind}__`;
const hugeMarker = (length: number, kind: 'x' | 'u'): string => `__FUZZ_HUGE_${length}_${kind}__`;
const DEPTHS = [2, 10, 31, 100, 500, 998, 999, 1000, 1001, 1500, 3000, 10_000, 100_000];
const HUGE = [1_000, 10_000, 100_000, 300_000, 1_100_000];
const OVER_THE_WIRE: Scale = {
  huge: (n) => hugeMarker(HUGE[n % HUGE.length]!, n % 2 ? 'x' : 'u'),
  deep: (leaf, n) => {
    const depth = DEPTHS[n % DEPTHS.length]!;
    return depth > 100 ? deepMarker(depth, n % 2 ? 'a' : 'o') : nested(depth, n, leaf);
  },
};

function serialize(value: Json): string {
  return JSON.stringify(value).replace(/"__FUZZ_(DEEP|HUGE)_(\d+)_(\w)__"/g, (_m, what: string, n: string, kind: string) => {
    const count = Number(n);
    if (what === 'DEEP') return kind === 'a' ? `${'['.repeat(count)}1${']'.repeat(count)}` : `${'{"a":'.repeat(count)}1${'}'.repeat(count)}`;
    return kind === 'x' ? `"${'x'.repeat(count)}"` : `"${'é😀\\u0000'.repeat(Math.ceil(count / 4))}"`;
  });
}

const ENT = ENTERPRISE;
const ATTR_NAMES = [
  'userName', 'USERNAME', 'displayName', 'externalId', 'id', 'title', 'active', 'nickName', 'name', 'name.givenName', 'NAME.familyName', 'emails', 'emails.value',
  'Emails.Type', 'emails.primary', 'phoneNumbers', 'phoneNumbers.value', 'addresses', 'addresses.locality', 'roles', 'groups', 'groups.display', 'groups.value',
  'members', 'members.value', 'members.display', 'meta', 'meta.created', 'meta.lastModified', 'meta.version', 'meta.location', 'meta.resourceType', 'password',
  'value', 'type', 'primary', 'display', '$ref', 'schemas', `${USER_SCHEMA}:userName`, `${GROUP_SCHEMA}:displayName`, `${ENT}:employeeNumber`, `${ENT}:manager`,
  `${ENT}:manager.value`, ENT, 'urn:', 'urn:acme:1.0:User:badge', 'a.b.c', '1abc', '_x', '__proto__', 'constructor', 'prototype', 'toString', 'x-y', 'a$b',
];
const KEYS = [
  ...ATTR_NAMES, 'Operations', 'operations', 'op', 'OP', 'path', 'Path', 'value', 'Value', 'Schemas', 'DisplayName', 'Members', 'ACTIVE', 'urn:acme:1.0:User',
  'name.givenName', 'emails[type eq "work"].value', '', ' ', '\u0000', 'ünïcödé', '😀', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'length', '0',
];

const INTERESTING: Json[] = [
  '', ' ', 'True', 'False', 'true', 'null', '0', '1e3', 'NaN', 'x', 'jo@x.com', 'work', 'home', '2011-05-13T04:42:34Z', 'not a date', '\u0000', 'a\u0000b',
  '\ud800', 'a\udc00', '😀', 'İstanbul', '\u202e', "'; DROP TABLE users; --", '{"a":1}', null, true, false, 0, -0, 1, -1, 1.5, 1e21, 1e308, -1e308, 5e-324,
  2 ** 53 + 1, [], {}, [null], [{}], { value: 'u1' }, [{ value: '' }], { primary: true }, [{ primary: true }, { primary: true }], { type: 'work', value: 'a@b.c', primary: true },
  { value: null }, { 'name.givenName': 'x' }, { members: [{ value: 'nope' }] }, { schemas: ['x'], meta: { version: 1 } }, { active: 'False' }, { userName: null },
];

const { key: keyArb, scalar: scalarArb, json: anyJson, mutations } = jsonArbitraries({ keys: KEYS, values: INTERESTING });

const FILTER_TOKENS = [
  ...ATTR_NAMES, 'eq', 'EQ', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'Pr', 'like', 'and', 'AND', 'or', 'Or', 'not', 'NOT', '"x"', '""', '"\\"',
  '"\\u0000"', '"\\ud800"', '"\\q"', '1', '-1', '1.5', '1e999', '01', 'true', 'False', 'null', '(', ')', '[', ']', '.', ':', '"', '\\', ' ', '  ', '\t', '\u0000',
  '%', '&', '+', '#',
];
const tokenArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FILTER_TOKENS) }, { weight: 1, arbitrary: anyText(3) });
/** Character edits of filters, paths and attribute lists, inserting filter tokens. */
const editArb = stringEditArb(tokenArb);

// ---------------------------------------------------------------------------------------------
// Requests

interface Ctx {
  readonly userIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly userNames: readonly string[];
}

interface FuzzRequest {
  readonly kind: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

/** A request, built against the seeded users and groups; `i` makes created names unique. */
type Build = (ctx: Ctx, i: number) => FuzzRequest;

const json = (kind: string, method: FuzzRequest['method'], path: string, value: Json): FuzzRequest => ({ kind, method, path, body: serialize(value) });

/** A target id: mostly a seeded resource, sometimes unknown, overlong or odd. */
const targetArb = fc.oneof(
  { weight: 12, arbitrary: fc.nat().map((n) => (ids: readonly string[]) => ids[n % ids.length]!) },
  { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'x'.repeat(101), 'x'.repeat(300), 'x'.repeat(2049), ' ', '..', '%00', 'ü', 'a/b', '__proto__').map((id) => () => id) },
);
const idPath = (base: string, id: string): string => `${base}/${encodeURIComponent(id)}`;

const USER_BASES: ((name: string) => Json)[] = [
  (name) => oktaUser(name) as Json,
  (name) => oktaUser(name, { emails: [{ value: name, type: 'work', primary: true }, { value: `home.${name}`, type: 'home' }] }) as Json,
  (name) => entraUser(name, `ext-${name}`) as Json,
  (name) => entraUser(name, `ext-${name}`, { [ENT]: { employeeNumber: '7', manager: 'no-such-manager' }, active: 'False', 'urn:acme:1.0:User': { badge: 'gold' } }) as Json,
  (name) => ({ schemas: [USER_SCHEMA], userName: name }),
];
const GROUP_BASES: ((name: string, ctx: Ctx) => Json)[] = [
  (name) => oktaGroup(name) as Json,
  (name, ctx) => ({ schemas: [GROUP_SCHEMA], displayName: name, externalId: `g-${name}`, members: ctx.userIds.slice(0, 3).map((value) => ({ value, display: 'x' })) }),
  (name) => ({ schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: 'no-such-user' }] }),
];

const userBody = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.nat(), mutations()).map(([b, ms]) => (_ctx: Ctx, i: number): Json => mutate(USER_BASES[b % USER_BASES.length]!(`fuzz${i}@x.com`), ms, OVER_THE_WIRE)) },
  { weight: 1, arbitrary: fc.nat().map((b) => (_ctx: Ctx, i: number): Json => USER_BASES[b % USER_BASES.length]!(`fuzz${i}@x.com`)) },
  { weight: 2, arbitrary: anyJson.map((v) => (): Json => v) },
  { weight: 2, arbitrary: fc.array(fc.tuple(keyArb, anyJson), { maxLength: 8 }).map((es) => (_ctx: Ctx, i: number): Json => objectOf([['userName', `fuzz${i}`], ...es])) },
);
const groupBody = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.nat(), mutations()).map(([b, ms]) => (ctx: Ctx, i: number): Json => mutate(GROUP_BASES[b % GROUP_BASES.length]!(`Fuzz group ${i}`, ctx), ms, OVER_THE_WIRE)) },
  { weight: 2, arbitrary: anyJson.map((v) => (): Json => v) },
  { weight: 2, arbitrary: fc.array(fc.tuple(keyArb, anyJson), { maxLength: 8 }).map((es) => (_ctx: Ctx, i: number): Json => objectOf([['displayName', `G${i}`], ...es])) },
);

const PATHS = [
  'userName', 'displayName', 'active', 'title', 'externalId', 'name', 'name.givenName', 'emails', 'emails.value', 'emails[type eq "work"]',
  'emails[type eq "work"].value', 'Emails[Type Eq "Work"].Value', 'emails[value pr].primary', 'emails[type eq "home"].primary', 'emails[type eq "new"].value',
  'emails[not (type eq "x")]', 'emails[not (type eq "x")].display', 'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"]',
  'addresses[type eq "work"].locality', 'addresses[not (type eq "x")].locality', 'roles', ENT, `${ENT}:manager`, `${ENT}:manager.value`, `${ENT}:employeeNumber`,
  `${USER_SCHEMA}:userName`, 'urn:acme:1.0:User:badge', 'urn:acme:1.0:User', 'id', 'meta.created', 'groups', 'password', 'x', 'x.y', 'members', 'members.value', 'emails.nosuch', 'active.x', 'title.x',
  'members[value eq "no-such-user"]', 'members[display eq "x"]', 'constructor', 'toString', '',
];
const elementArb: fc.Arbitrary<Json> = fc
  .array(
    fc.tuple(
      fc.constantFrom('value', 'type', 'primary', 'display', 'locality', 'Value', 'nosuch'),
      fc.oneof(fc.constant<Json>(null), fc.constantFrom<Json>('', 'work', 'home', 'jo@x.com', true, 'True', 1, {}, [])),
    ),
    { maxLength: 3 },
  )
  .map(objectOf);

/**
 * A PATCH operation: op in any case (or unknown), a path (schema, member, edited, garbage, none)
 * and a value that is mostly shaped for the path — one element for a value path, a scalar for a
 * sub-attribute, a list for a multi-valued attribute — so that many reach the patching itself.
 */
const operationArb = fc
  .record({
    op: fc.oneof({ weight: 8, arbitrary: fc.mixedCase(fc.constantFrom('add', 'remove', 'replace')) }, { weight: 1, arbitrary: scalarArb }),
    path: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...PATHS).map((p) => (): Json | undefined => p) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.array(editArb, { minLength: 1, maxLength: 3 })).map(([p, es]) => (): Json | undefined => editString(p, es)) },
      { weight: 2, arbitrary: fc.nat().map((n) => (c: Ctx): Json | undefined => `members[value eq "${c.userIds[n % c.userIds.length]}"]`) },
      { weight: 2, arbitrary: fc.constant((): Json | undefined => undefined) },
      { weight: 1, arbitrary: scalarArb.map((v) => (): Json | undefined => v) },
    ),
    element: elementArb,
    elements: fc.array(elementArb, { maxLength: 3 }),
    scalar: subValueArb,
    members: fc.array(fc.nat(), { maxLength: 3 }),
    other: anyJson,
    shape: fc.nat(11),
    keys: fc.tuple(fc.mixedCase(fc.constant('op')), fc.mixedCase(fc.constant('path')), fc.mixedCase(fc.constant('value'))),
  })
  .map(({ op, path, element, elements, scalar, members, other, shape, keys }) => (c: Ctx): Json => {
    const p = path(c);
    // Members are the seeded users' ids, which only this test knows; the kit shapes the rest.
    const toMembers = shape >= 2 && typeof p === 'string' && (shape === 2 || /^members$/i.test(p));
    const v = toMembers ? members.map((n) => ({ value: c.userIds[n % c.userIds.length]! })) : valueForPath(p, shape, { element, elements, scalar, other });
    return objectOf([[keys[0], op], ...(p !== undefined ? [[keys[1], p] as const] : []), ...(v !== undefined ? [[keys[2], v] as const] : [])]);
  });

const PATCH_FIXTURES: ((ctx: Ctx, i: number) => Json)[] = [
  () => oktaDeactivate as Json,
  () => oktaReactivate as Json,
  (ctx, i) => patchOp(oktaRename(ctx.groupIds[0]!, `Renamed ${i}`)) as Json,
  (ctx) => patchOp(oktaRemoveMember(ctx.userIds[1]!)) as Json,
  (ctx) => patchOp(oktaAddMembers([{ value: ctx.userIds[1]!, display: 'x' }])) as Json,
  (ctx) => patchOp(oktaReplaceMembers(ctx.userIds.slice(0, 2).map((value) => ({ value, display: 'x' })))) as Json,
  () => entraDisable as Json,
  () => entraEnable as Json,
  (ctx) => entraSetManager(ctx.userIds[0]!) as Json,
  () => entraClearManager as Json,
  (_ctx, i) => entraReplaceWorkEmail(`work${i}@x.com`) as Json,
  () => entraPathlessDotted as Json,
  (ctx) => entraAddMembers(...ctx.userIds.slice(2, 4)) as Json,
  (ctx) => entraRemoveMembers(ctx.userIds[2]!) as Json,
];

const patchBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.array(operationArb, { minLength: 1, maxLength: 4 }), fc.constantFrom('Operations', 'operations', 'OPERATIONS'), fc.boolean())
      .map(([ops, key, schemas]) => (ctx: Ctx): Json => objectOf([...(schemas ? [['schemas', [PATCH_OP]] as const] : []), [key, ops.map((o) => o(ctx))]])),
  },
  { weight: 4, arbitrary: fc.tuple(fc.nat(), mutations(3)).map(([f, ms]) => (ctx: Ctx, i: number): Json => mutate(PATCH_FIXTURES[f % PATCH_FIXTURES.length]!(ctx, i), ms, OVER_THE_WIRE)) },
  { weight: 1, arbitrary: anyJson.map((v) => (): Json => v) },
);

// List requests: filter, sortBy, sortOrder, startIndex, count, attributes, excludedAttributes.

const FILTERS = [
  'userName eq "test.user@okta.local"', 'emails[type eq "work"].value eq "jo@x.com"', 'emails[type eq "work" and primary eq true]', 'displayName eq "Sales"',
  'externalId eq "ext-1"', 'name.givenName sw "J" and name.familyName ew "h"', 'not (active eq false)', 'active eq "True"', 'title pr or nickName pr',
  'meta.lastModified gt "2011-05-13T04:42:34Z"', `${ENT}:employeeNumber eq "1001"`, `${ENT}:manager.value eq "x"`, 'groups[display eq "Sales"]',
  'members[value eq "x"]', 'members.display co "a"', '(userName eq "a" or userName eq "b") and active eq true', 'addresses[type eq "work"].locality eq "Seattle"',
  'userName eq "x\\"y\\u00e9"', 'userName ne null', 'meta.version eq "W/\\"1\\""', 'emails pr', 'id eq "x"',
];
const filterArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FILTERS) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...FILTERS), fc.array(editArb, { minLength: 1, maxLength: 5 })).map(([f, es]) => editString(f, es)) },
  { weight: 2, arbitrary: fc.array(tokenArb, { maxLength: 20 }).map((ts) => ts.join(' ')) },
  { weight: 1, arbitrary: anyText(40) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.constantFrom('(', 'not (', 'emails[')).map(([n, o]) => `${o.repeat(n)}userName pr${(o === 'emails[' ? ']' : ')').repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }).map((n) => Array.from({ length: n }, () => 'id pr').join(' and ')) },
);
const intArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 200 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-0', '1', '2147483648', '99999999999999999999', '9'.repeat(400), '-9'.repeat(30), '1e3', '', ' ', ' 5 ', 'abc', '0x10', '1.5', '２', '+3', '1,2') },
);
const attrListArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...ATTR_NAMES.filter((a) => !/^(_|1|-|urn:$|a\.b\.c)/.test(a))), { maxLength: 4 }).map((a) => a.join(',')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ATTR_NAMES), fc.array(editArb, { maxLength: 3 })).map(([a, es]) => editString(a, es)) },
  { weight: 1, arbitrary: anyText(20) },
);
const PARAM_NAMES: Record<string, string[]> = {
  filter: ['filter', 'FILTER', 'Filter'],
  sortBy: ['sortBy', 'sortby', 'SORTBY'],
  sortOrder: ['sortOrder', 'SortOrder'],
  startIndex: ['startIndex', 'startindex'],
  count: ['count', 'Count'],
  attributes: ['attributes', 'Attributes'],
  excludedAttributes: ['excludedAttributes', 'excludedattributes'],
};
const queryArb = fc
  .tuple(
    fc.record(
      {
        filter: filterArb,
        sortBy: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ATTR_NAMES) }, { weight: 1, arbitrary: anyText(10) }),
        sortOrder: fc.constantFrom('ascending', 'descending', 'DESCENDING', 'descending ', 'up', ''),
        startIndex: intArb,
        count: intArb,
        attributes: attrListArb,
        excludedAttributes: attrListArb,
      },
      { requiredKeys: [] },
    ),
    fc.nat(),
    fc.nat(15),
    fc.constantFrom('', '&filter=a', '&%zz=1', '&filter=%E0%A4%A', '&count', '&=x', '&filter=%00', '&count=1&count=2'),
  )
  .map(([params, n, rawish, tail]) => {
    const parts = Object.entries(params).map(([name, value], i) => {
      const names = PARAM_NAMES[name]!;
      // Mostly percent-encoded; sometimes as typed (spaces, quotes, '&' and all).
      const v = rawish === 0 ? value.replace(/[#\s]/g, '+') : encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
      return `${names[(n + i) % names.length]}=${v}`;
    });
    return `?${parts.join('&')}${tail}`;
  });

const RAW_TEXTS = [
  '', ' ', '\n', 'null', '[]', '"x"', '42', 'true', '{', '}', '{"userName":', '{"userName":"a",}', "{'userName':'a'}", '{"userName":"a"} trailing', '{"userName":NaN}',
  '{"userName":"a","userName":"b"}', '\ufeff{"userName":"bom"}', '{"__proto__":{"polluted":"yes"},"userName":"proto"}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"userName":"ctor"}', '{"userName":"x","nested":{"__proto__":{"polluted":"yes"}}}', '{"userName":1e999}',
  '{"Operations":[{"op":"add","path":"x","value":1e999}]}', '/* comment */ {}', '{"userName":"\\ud800"}', '{"userName":"\\u0000"}', '<xml/>', 'userName=a',
];
const CONTENT_TYPES = ['application/scim+json; charset=utf-8', 'application/scim+json', 'application/json', 'application/scim+json; charset=latin1', 'APPLICATION/SCIM+JSON'];

const rawBodyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...RAW_TEXTS).map((t) => (): string | Uint8Array => t) },
  { weight: 3, arbitrary: fc.tuple(userBody, fc.nat()).map(([b, cut]) => (ctx: Ctx, i: number): string | Uint8Array => { const s = serialize(b(ctx, i)); return s.slice(0, cut % Math.max(1, s.length)); }) },
  { weight: 1, arbitrary: fc.tuple(patchBody, fc.nat()).map(([b, cut]) => (ctx: Ctx, i: number): string | Uint8Array => { const s = serialize(b(ctx, i)); return s.slice(0, cut % Math.max(1, s.length)); }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((t) => (): string | Uint8Array => t) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => (): string | Uint8Array => b) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([n, b]) => (ctx: Ctx, i: number): string | Uint8Array => {
    // Valid JSON with invalid UTF-8 bytes spliced into it.
    const text = Buffer.from(serialize(USER_BASES[n % USER_BASES.length]!(`raw${i}@x.com`)));
    const at = n % text.length;
    return Buffer.concat([text.subarray(0, at), Buffer.from([0xff, 0xc3, ...b]), text.subarray(at)]);
  }) },
);

const requestArb: fc.Arbitrary<Build> = fc.oneof(
  { weight: 14, arbitrary: userBody.map((b) => (ctx: Ctx, i: number) => json('POST /Users', 'POST', '/Users', b(ctx, i))) },
  { weight: 6, arbitrary: groupBody.map((b) => (ctx: Ctx, i: number) => json('POST /Groups', 'POST', '/Groups', b(ctx, i))) },
  { weight: 6, arbitrary: fc.tuple(targetArb, userBody).map(([t, b]) => (ctx: Ctx, i: number) => json('PUT /Users/{id}', 'PUT', idPath('/Users', t(ctx.userIds)), b(ctx, i))) },
  { weight: 2, arbitrary: fc.tuple(targetArb, groupBody).map(([t, b]) => (ctx: Ctx, i: number) => json('PUT /Groups/{id}', 'PUT', idPath('/Groups', t(ctx.groupIds)), b(ctx, i))) },
  { weight: 14, arbitrary: fc.tuple(targetArb, patchBody).map(([t, b]) => (ctx: Ctx, i: number) => json('PATCH /Users/{id}', 'PATCH', idPath('/Users', t(ctx.userIds)), b(ctx, i))) },
  { weight: 8, arbitrary: fc.tuple(targetArb, patchBody).map(([t, b]) => (ctx: Ctx, i: number) => json('PATCH /Groups/{id}', 'PATCH', idPath('/Groups', t(ctx.groupIds)), b(ctx, i))) },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom<[FuzzRequest['method'], string]>(['POST', '/Users'], ['POST', '/Groups'], ['PUT', '/Users/'], ['PATCH', '/Users/'], ['PATCH', '/Groups/']), rawBodyArb, fc.constantFrom(...CONTENT_TYPES), fc.nat())
      .map(([[method, path], body, contentType, n]) => (ctx: Ctx, i: number): FuzzRequest => ({
        kind: `${method} ${path.endsWith('/') ? `${path}{id}` : path} (raw bytes)`,
        method,
        path: path.endsWith('/') ? idPath(path.slice(0, -1), (path.includes('Users') ? ctx.userIds : ctx.groupIds)[n % 3]!) : path,
        body: body(ctx, i),
        contentType: n % 4 === 0 ? contentType : CONTENT_TYPES[0]!,
      })),
  },
  { weight: 14, arbitrary: queryArb.map((q) => (): FuzzRequest => ({ kind: 'GET /Users?…', method: 'GET', path: `/Users${q}` })) },
  { weight: 4, arbitrary: queryArb.map((q) => (): FuzzRequest => ({ kind: 'GET /Groups?…', method: 'GET', path: `/Groups${q}` })) },
  {
    weight: 2,
    arbitrary: fc.tuple(targetArb, fc.constantFrom('Users', 'Groups'), attrListArb, attrListArb).map(([t, type, a, x]) => (ctx: Ctx): FuzzRequest => ({
      kind: `GET /${type}/{id}?attributes`,
      method: 'GET',
      path: `${idPath(`/${type}`, t(type === 'Users' ? ctx.userIds : ctx.groupIds))}?attributes=${encodeURIComponent(a.replace(/[\uD800-\uDFFF]/g, ''))}&excludedAttributes=${encodeURIComponent(x.replace(/[\uD800-\uDFFF]/g, ''))}`,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom('Users', 'Groups'), filterArb, intArb, anyJson).map(([type, filter, count, extra]) => (): FuzzRequest =>
      json(`POST /${type}/.search`, 'POST', `/${type}/.search`, objectOf([['schemas', ['urn:ietf:params:scim:api:messages:2.0:SearchRequest']], ['filter', filter], ['count', count], ['sortBy', typeof extra === 'object' ? 'userName' : extra]])),
    ),
  },
);

// ---------------------------------------------------------------------------------------------
// Checking responses

/** Text no response may show: stack frames, SQLite, our SQL. */
const LEAKS = ['    at ', 'SQLITE', 'SqliteError', 'sqlite3', 'group_members', 'json_extract', 'json_each', 'user_name_ci', 'display_name_ci', 'scim_fold', 'node_modules'];

interface Problem {
  readonly kind: string;
  readonly request: string;
  readonly status: number;
  readonly problem: string;
  readonly response: string;
}

function cut(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

function requestText(req: FuzzRequest): string {
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('latin1');
  let path = req.path;
  try {
    path = decodeURIComponent(req.path.replace(/\+/g, ' '));
  } catch {
    /* keep it encoded */
  }
  return `${req.method} ${path} ${body}`;
}

function checkResponse(req: FuzzRequest, status: number, contentType: string | null, text: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}`);
  if (status >= 400) {
    if (!/^application\/scim\+json/.test(contentType ?? '')) problems.push(`error content-type ${contentType}`);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('error body is not JSON');
    }
    if (body !== undefined) {
      if (JSON.stringify(body?.schemas) !== JSON.stringify([ERROR_SCHEMA])) problems.push('error body without the Error schema');
      if (body?.status !== String(status)) problems.push(`error body status ${JSON.stringify(body?.status)} ≠ ${status}`);
      if (typeof body?.detail !== 'string' || body.detail.trim() === '') problems.push('error body without a detail');
    }
  }
  const sent = requestText(req).toLowerCase();
  for (const leak of LEAKS) if (text.includes(leak) && !sent.includes(leak.toLowerCase())) problems.push(`response shows "${leak.trim()}"`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The run

let t: TestServer;
let ctx: Ctx;
let authorization: string;
let prototypeBefore: { object: string[]; array: string[] };

async function send(req: FuzzRequest): Promise<{ status: number; contentType: string | null; text: string }> {
  const headers: Record<string, string> = { ...OKTA_HEADERS, authorization };
  if (req.contentType) headers['content-type'] = req.contentType;
  const res = await fetch(`${t.base}${req.path}`, {
    method: req.method,
    headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

async function seed(): Promise<Ctx> {
  const okta = t.client('okta');
  const users = [
    oktaUser('test.user@okta.local'),
    entraUser('jo@x.com', 'ext-1', { [ENT]: { employeeNumber: '1001', department: 'Research' } }),
    oktaUser('many@x.com', { emails: [{ value: 'many@x.com', type: 'work', primary: true }, { value: 'm@home.example', type: 'home' }], phoneNumbers: [{ value: '+1 555', type: 'mobile' }] }),
    entraUser('al@x.com', 'ext-2'),
    { schemas: [USER_SCHEMA], userName: 'bare@x.com' },
    oktaUser('sam@x.com', { title: 'Engineer', 'urn:acme:1.0:User': { badge: 'x' } }),
  ];
  const userIds: string[] = [];
  for (const u of users) {
    const res = await okta.post('/Users', u);
    expect(res.status, res.text).toBe(201);
    userIds.push(res.body.id);
  }
  const groupIds: string[] = [];
  for (const [name, members] of [['Sales', userIds.slice(0, 3)], ['Eng', userIds.slice(2)], ['Empty', []]] as const) {
    const res = await okta.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: members.map((value) => ({ value })) });
    expect(res.status, res.text).toBe(201);
    groupIds.push(res.body.id);
  }
  return { userIds, groupIds, userNames: users.map((u) => u['userName'] as string) };
}

beforeAll(async () => {
  prototypeBefore = { object: Object.getOwnPropertyNames(Object.prototype).sort(), array: Object.getOwnPropertyNames(Array.prototype).sort() };
  t = await startTestServer();
  authorization = t.client('okta').authorization!;
  ctx = await seed();
});
afterAll(async () => t?.stop());

/** The schema's type of each known attribute, as a response must show it. */
const SHAPES: Record<'Users' | 'Groups', Record<string, 'list' | 'object' | 'string' | 'boolean'>> = {
  Users: {
    ...Object.fromEntries(['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates', 'groups'].map((k) => [k, 'list' as const])),
    ...Object.fromEntries(['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'externalId'].map((k) => [k, 'string' as const])),
    name: 'object',
    active: 'boolean',
    [ENT]: 'object',
  },
  Groups: { members: 'list', externalId: 'string' },
};
const REQUESTS = Number(process.env['FUZZ_HTTP_REQUESTS'] ?? 4000);

describe(`fuzz over HTTP (FUZZ_SEED=${FUZZ_SEED})`, () => {
  it(`${REQUESTS} generated requests: none is a 5xx, every error is a SCIM error, nothing leaks`, async () => {
    const builds = fc.sample(requestArb, { numRuns: REQUESTS, seed: FUZZ_SEED });
    const statuses = new Map<number, number>();
    const byKind = new Map<string, Map<number, number>>();
    const problems: Problem[] = [];
    let next = 0;
    let sent = 0;
    const started = Date.now();

    async function worker(): Promise<void> {
      for (;;) {
        const i = next++;
        if (i >= builds.length) return;
        const req = builds[i]!(ctx, i);
        let status = 0;
        let found: string[];
        let text = '';
        try {
          const res = await send(req);
          status = res.status;
          text = res.text;
          found = checkResponse(req, res.status, res.contentType, res.text);
        } catch (err) {
          found = [`no response: ${(err as Error).message}`];
        }
        sent++;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const kindStats = byKind.get(req.kind) ?? new Map<number, number>();
        kindStats.set(status, (kindStats.get(status) ?? 0) + 1);
        byKind.set(req.kind, kindStats);
        if (found.length) problems.push({ kind: req.kind, request: cut(requestText(req), 300), status, problem: found.join('; '), response: cut(text, 300) });
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const histogram = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.log(`fuzz-http: ${sent} requests, ${IN_FLIGHT} in flight, FUZZ_SEED=${FUZZ_SEED}, ${Date.now() - started} ms`);
    console.log(`fuzz-http: status histogram ${JSON.stringify(histogram)}`);
    for (const [kind, m] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`fuzz-http:   ${kind.padEnd(34)} ${JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => a - b)))}`);
    }
    // Up to three examples per kind of problem (the first seen), so the report stays readable.
    const distinct = new Map<string, Problem[]>();
    for (const p of problems) {
      const key = `${p.kind}: ${p.problem}`;
      distinct.set(key, [...(distinct.get(key) ?? []), p]);
    }
    const report = [...distinct]
      .map(([key, ps]) => `× ${ps.length}× ${key}\n${ps.slice(0, 3).map((p) => `    request:  ${p.request}\n    response: ${p.status} ${p.response}`).join('\n')}`)
      .join('\n');
    if (problems.length) console.log(`fuzz-http: ${problems.length} problems (FUZZ_SEED=${FUZZ_SEED})\n${report}`);
    expect(sent).toBe(REQUESTS);
    expect(problems.length, `FUZZ_SEED=${FUZZ_SEED}: ${problems.length} bad responses\n${report}`).toBe(0);
  }, 180_000);

  it('afterwards: the server still answers, the database is intact, nothing was polluted, no record is half-written', async () => {
    const okta = t.client('okta');
    expect((await okta.get('/ServiceProviderConfig')).status).toBe(200);
    expect(t.core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(t.core.db.pragma('foreign_key_check')).toEqual([]);

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore.object);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(prototypeBefore.array);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

    // Every user GET /Users returns has a userName, every group a displayName.
    for (const [type, required] of [['Users', 'userName'], ['Groups', 'displayName']] as const) {
      const resources = await listAll(type);
      expect(resources.length).toBe((await okta.get(`/${type}?count=0`)).body.totalResults);
      for (const r of resources) {
        expect(typeof r['id']).toBe('string');
        expect(typeof r[required], JSON.stringify(r).slice(0, 300)).toBe('string');
        expect((r[required] as string).trim()).not.toBe('');
      }
    }

    // The indexed columns agree with the JSON they are derived from; member counts with the members.
    const users = t.core.db.prepare('SELECT user_name, data FROM users').all() as { user_name: string; data: string }[];
    for (const u of users) expect((JSON.parse(u.data) as Record<string, unknown>)['userName']).toBe(u.user_name);
    const groups = t.core.db.prepare('SELECT display_name, data, member_count, (SELECT count(*) FROM group_members WHERE group_seq = seq) AS n FROM groups').all() as {
      display_name: string;
      data: string;
      member_count: number;
      n: number;
    }[];
    for (const g of groups) {
      expect((JSON.parse(g.data) as Record<string, unknown>)['displayName']).toBe(g.display_name);
      expect(g.member_count).toBe(g.n);
    }
  });

  it('afterwards: every resource still fits the schema (no list turned into an object, no null entry, no boolean turned into an object)', async () => {
    const isObject = (x: unknown): boolean => x !== null && typeof x === 'object' && !Array.isArray(x);
    const corrupt: string[] = [];
    for (const type of ['Users', 'Groups'] as const) {
      for (const r of await listAll(type)) {
        for (const [key, shape] of Object.entries(SHAPES[type])) {
          const v = r[key];
          if (v === undefined) continue;
          const ok = shape === 'list' ? Array.isArray(v) && v.every(isObject) : shape === 'object' ? isObject(v) : typeof v === shape;
          if (!ok) corrupt.push(`${type}/${String(r['id'])}: ${key} should be ${shape === 'list' ? 'a list of objects' : `a ${shape}`}, is ${cut(JSON.stringify(v), 150)}`);
        }
      }
    }
    if (corrupt.length) console.log(`fuzz-http: ${corrupt.length} resources break the schema (FUZZ_SEED=${FUZZ_SEED})\n${corrupt.slice(0, 20).join('\n')}`);
    expect(corrupt, `FUZZ_SEED=${FUZZ_SEED}`).toEqual([]);
  });
});

/** Every resource of a type, as GET lists them (1000 a page). */
async function listAll(type: 'Users' | 'Groups'): Promise<Record<string, unknown>[]> {
  const okta = t.client('okta');
  const out: Record<string, unknown>[] = [];
  for (let start = 1; ; start += 1000) {
    const page = await okta.get(`/${type}?startIndex=${start}&count=1000`);
    expect(page.status, page.text.slice(0, 500)).toBe(200);
    out.push(...(page.body.Resources as Record<string, unknown>[]));
    if (start + 1000 > page.body.totalResults) return out;
  }
}
