/**
 * Fuzzing the pure SCIM domain: thousands of generated and mutated filters, PatchOp bodies and
 * resource bodies. Whatever comes in, the domain either answers or throws a ScimError with a
 * 4xx status (400 — or 409 for uniqueness) — never a TypeError, RangeError or stack overflow,
 * which would reach a client as a 500 — and never changes the objects it was given.
 *
 * Inputs come from three sources: arbitrary strings and JSON values; strings and bodies built
 * from the grammar's own tokens and the schema's attribute names; and MUTATIONS (characters or
 * tokens inserted, deleted, replaced or duplicated; keys dropped, renamed, recased or retyped;
 * prototype keys; unicode, NUL and lone surrogates) of what Okta and Entra ID really send.
 *
 * Replay a failure with FUZZ_SEED=<seed printed in the failure>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors';
import { compileFilter, evaluate } from '../../server/scim/filter';
import { parseFilter } from '../../server/scim/filter-parser';
import { type PatchOperation, activeChange, applyPatch, parsePatchRequest, splitGroupPatch } from '../../server/scim/patch';
import { type Attributes, type Json, type Notes, checkRequired, parseResourceInput } from '../../server/scim/resource';
import {
  type AttributeDef,
  ENTERPRISE_USER_URN,
  GROUP_URN,
  PATCH_OP_URN,
  type ResourceTypeName,
  USER_URN,
  coreAttributesOf,
  extensionOf,
  findAttribute,
  schemaById,
} from '../../server/scim/schema';
import {
  entraAddMembers,
  entraClearManager,
  entraDisable,
  entraEnable,
  entraPathlessDotted,
  entraRemoveMembers,
  entraReplaceWorkEmail,
  entraSetManager,
  entraUser,
} from '../../tools/idp/entra';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers, oktaUser } from '../../tools/idp/okta';
import { patchOp } from '../../tools/scim-client';
import { FUZZ_SEED, anyText, copyJson, editString, jsonArbitraries, mutate, objectOf, stringEditArb, subValueArb, valueForPath } from '../support/fuzz-kit';

const ENT = ENTERPRISE_USER_URN;

/** fc.assert with the shared seed; a failure names the seed to replay it with. */
function runProperty<Ts>(property: fc.IProperty<Ts>, numRuns: number): void {
  try {
    fc.assert(property, { numRuns, seed: FUZZ_SEED });
  } catch (err) {
    (err as Error).message = `FUZZ_SEED=${FUZZ_SEED}\n${(err as Error).message}`;
    throw err;
  }
}

function describeError(err: unknown): string {
  if (err instanceof ScimError) return `ScimError ${err.status} ${err.scimType ?? '-'}: ${err.message}`;
  if (err instanceof Error) return `${err.constructor.name}: ${err.message}\n${err.stack ?? ''}`;
  return `a thrown ${typeof err}: ${String(err)}`;
}

/** Rethrows anything but a ScimError with one of `statuses` (and `scimType`, when given) and a detail. */
function expectClientError(err: unknown, statuses: readonly number[], scimType?: string): void {
  const ok = err instanceof ScimError && statuses.includes(err.status) && (scimType === undefined || err.scimType === scimType) && err.detail.trim() !== '';
  if (!ok) throw new Error(`expected a ScimError ${statuses.join('/')}${scimType ? ` ${scimType}` : ''}, got ${describeError(err)}`, { cause: err });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Where a value is not plain JSON — what the store writes with JSON.stringify and reads back
 * (an `undefined` in an array comes back as null, an undefined member disappears).
 */
function notPlainJson(value: unknown, at = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${at}[${i}] is a hole`;
      const bad = notPlainJson(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = notPlainJson(v, `${at}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return `${at} is ${value === undefined ? 'undefined' : `a ${typeof value}`}`;
}

const shapeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `the ${typeof v} ${JSON.stringify(v)}`);

/** Where a value does not have the type its schema definition gives it (unknown sub-attributes are free). */
function valueViolation(def: AttributeDef, value: unknown, at: string, single = false): string | undefined {
  if (def.multiValued && !single) {
    if (!Array.isArray(value)) return `${at} is multi-valued but holds ${shapeOf(value)}`;
    for (let i = 0; i < value.length; i++) {
      // An undefined entry is not JSON at all: notPlainJson's finding, not this one's.
      const bad = value[i] === undefined ? undefined : valueViolation(def, value[i], `${at}[${i}]`, true);
      if (bad) return bad;
    }
    return undefined;
  }
  const expected = { string: 'string', reference: 'string', binary: 'string', dateTime: 'string', boolean: 'boolean', integer: 'number', decimal: 'number', complex: 'object' }[def.type];
  const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (expected === 'object' ? !isObj : typeof value !== expected) return `${at} (${def.type}) holds ${shapeOf(value)}`;
  if (isObj) {
    for (const [k, v] of Object.entries(value)) {
      const sub = findAttribute(def.subAttributes, k);
      const bad = sub && valueViolation(sub, v, `${at}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

/** Where stored attributes break the schema: a known attribute (core or extension) of the wrong type. */
function schemaViolation(type: ResourceTypeName, attributes: Attributes): string | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    const ext = /^urn:/i.test(key) ? extensionOf(type, key) : undefined;
    if (ext) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${key} holds ${shapeOf(value)}`;
      for (const [k, v] of Object.entries(value)) {
        const def = findAttribute(schemaById(ext)?.attributes, k);
        const bad = def && valueViolation(def, v, `${key}:${k}`);
        if (bad) return bad;
      }
      continue;
    }
    const def = findAttribute(coreAttributesOf(type), key);
    const bad = def && valueViolation(def, value, key);
    if (bad) return bad;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Text

const ATTR_NAMES = [
  'userName', 'USERNAME', 'username', 'displayName', 'externalId', 'id', 'title', 'active', 'nickName', 'userType', 'locale', 'timezone', 'name', 'name.givenName',
  'NAME.familyName', 'name.formatted', 'emails', 'emails.value', 'Emails.Type', 'emails.primary', 'emails.display', 'phoneNumbers', 'phoneNumbers.value', 'addresses',
  'addresses.locality', 'roles', 'entitlements.value', 'x509Certificates', 'groups', 'groups.display', 'groups.value', 'groups.$ref', 'members', 'members.value',
  'members.display', 'meta', 'meta.created', 'meta.lastModified', 'meta.version', 'meta.location', 'meta.resourceType', 'password', 'value', 'type', 'primary',
  'display', '$ref', 'schemas', `${USER_URN}:userName`, `${USER_URN}:name.givenName`, `${GROUP_URN}:displayName`, `${ENT}:employeeNumber`, `${ENT}:manager`,
  `${ENT}:manager.value`, `${ENT}:Manager.displayName`, `${ENT.toLowerCase()}:department`, ENT, USER_URN, 'urn:', 'urn:acme:1.0:User:badge', 'urn:acme', 'urn:x:y.z',
  'a.b.c', '1abc', '_x', '-x', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'x-y', 'a$b', 'a_b',
];
const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'like', 'is', 'in'];
const LOGIC = ['and', 'or', 'not'];
const LITERALS = [
  '"x"', '"work"', '"jo@x.com"', '""', '"\\""', '"\\\\"', '"\\/"', '"\\u00e9"', '"\\ud800"', '"\\uDC00\\uD800"', '"\\ud83d\\ude00"', '"\\u0000"', '"\\q"', '"\\u12"',
  '"\\', '"2011-05-13T04:42:34Z"', '"2020-13-45T99:99:99Z"', '"+275760-09-13T00:00:00Z"', '"True"', '"FALSE"', '"W/\\"1\\""', '0', '-0', '-1', '1.5', '1e999',
  '-1e-999', '123456789012345678901234567890', '01', '1.', '.5', '-', '1e', '1e+', 'true', 'FALSE', 'null', 'Null', 'NaN', 'Infinity', "'x'",
];
const PUNCT = ['(', ')', '[', ']', '.', ':', '"', '\\', ',', "'", '*', '%', '{', '}', '$', ' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2028', '\ufeff', '\u0000', '😀'];

const filterToken = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ATTR_NAMES) },
  { weight: 3, arbitrary: fc.mixedCase(fc.constantFrom(...COMPARE_OPS)) },
  { weight: 2, arbitrary: fc.mixedCase(fc.constantFrom(...LOGIC)) },
  { weight: 3, arbitrary: fc.constantFrom(...LITERALS) },
  { weight: 3, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 1, arbitrary: anyText(3) },
);

/** Strings made of filter tokens, with or without spaces between them. */
const tokenString = fc
  .array(fc.tuple(filterToken, fc.constantFrom(' ', ' ', ' ', '', '  ', '\t')), { maxLength: 30 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

/** Filters Okta and Entra ID send, and the other forms the grammar has. */
const FILTER_CORPUS = [
  'userName eq "test.user@okta.local"',
  'userName eq "jo@x.com"',
  'externalId eq "00ujl29u0le5T6Aj10h7"',
  'displayName eq "Sales"',
  'id eq "2819c223-7f76-453a-919d-413861904646"',
  'emails[type eq "work"].value eq "jo@x.com"',
  'emails[type eq "work" and primary eq true]',
  'emails[value co "@example.com"]',
  'emails[not (type eq "home")].value ew ".com"',
  'emails.value eq "jo@x.com"',
  'emails eq "jo@x.com"',
  'emails pr',
  'name.givenName sw "J" and name.familyName ew "h"',
  'not (active eq false)',
  'active eq "True"',
  'title pr or nickName pr',
  'meta.lastModified gt "2011-05-13T04:42:34Z"',
  'meta.created ge "2011-05-13T04:42:34Z" and meta.created le "2030-01-01T00:00:00+01:00"',
  'meta.resourceType eq "User"',
  'meta.version eq "W/\\"1\\""',
  `${ENT}:employeeNumber eq "1001"`,
  `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
  `${USER_URN}:userName eq "x"`,
  'groups[display eq "Sales"]',
  'groups.value eq "2819c223"',
  'members[value eq "2819c223"]',
  'members.display co "a"',
  '(userName eq "a" or userName eq "b") and active eq true',
  'phoneNumbers[type eq "work" and value sw "+1"]',
  'addresses[type eq "work"].locality eq "Seattle"',
  'userName eq "x\\"y\\\\z\\u00e9\\ud83d\\ude00"',
  'userName ne null',
  'displayName co "eng" and externalId pr',
  'userName Eq "A" AND NOT (title Pr) oR emails[TYPE eq "Work"]',
];

/** Edits of filters and paths, inserting grammar tokens. */
const strMutation = stringEditArb(fc.oneof(filterToken, anyText(3)));

const mutatedFilter = fc
  .tuple(fc.constantFrom(...FILTER_CORPUS), fc.array(strMutation, { minLength: 1, maxLength: 6 }))
  .map(([base, ms]) => editString(base, ms));

/** and/or/not/value-path trees of corpus filters: valid shapes the mutations then break. */
const combinedFilter = fc
  .array(fc.tuple(fc.constantFrom(...FILTER_CORPUS), fc.mixedCase(fc.constantFrom('and', 'or')), fc.constantFrom('plain', 'paren', 'not')), { minLength: 1, maxLength: 4 })
  .map((parts) =>
    parts
      .map(([f, k, wrap], i) => `${i ? ` ${k} ` : ''}${wrap === 'paren' ? `(${f})` : wrap === 'not' ? `not (${f})` : f}`)
      .join(''),
  );

/** Nesting well past the depth limit (32), balanced or not, inside and around value paths. */
const deepFilter = fc
  .tuple(
    fc.array(fc.constantFrom('(', 'not (', 'NOT(', 'emails[', 'emails[(', '(not('), { minLength: 33, maxLength: 1200 }),
    fc.constantFrom(...FILTER_CORPUS, 'value pr'),
    fc.boolean(),
  )
  .map(([opens, inner, balanced]) => {
    const closes = opens.map((o) => (o.endsWith('[') ? ']' : o.endsWith('[(') ? ')]' : o.endsWith('(not(') ? '))' : ')')).reverse();
    return `${opens.join('')}${inner}${balanced ? closes.join('') : ''}`;
  });

const anyFilter = fc.oneof(
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: anyText() },
  { weight: 4, arbitrary: tokenString },
  { weight: 6, arbitrary: mutatedFilter },
  { weight: 2, arbitrary: combinedFilter.chain((f) => fc.array(strMutation, { maxLength: 3 }).map((ms) => editString(f, ms))) },
  { weight: 1, arbitrary: deepFilter },
);

/** A user and a group to evaluate compiled filters against (as PATCH value filters are). */
const EVAL_TARGETS: unknown[] = [
  parseResourceInput('User', entraUser('jo@x.com', 'ext-1'), []).attributes,
  { displayName: 'Sales', members: [{ value: 'u1' }] },
  { emails: [null, 'x', { type: 'work' }] },
  null,
];

/** parseFilter and compileFilter for both resource types: a result, or a 400 invalidFilter. */
function checkFilter(text: string): void {
  try {
    parseFilter(text);
  } catch (err) {
    expectClientError(err, [400], 'invalidFilter');
  }
  for (const type of ['User', 'Group'] as const) {
    try {
      const resolved = compileFilter(type, text);
      for (const target of EVAL_TARGETS) evaluate(resolved, target);
    } catch (err) {
      expectClientError(err, [400], 'invalidFilter');
    }
  }
}

describe('fuzz: filters', () => {
  it('arbitrary, token-built and mutated filters parse and compile or fail with 400 invalidFilter (5000 runs)', () => {
    runProperty(fc.property(anyFilter, checkFilter), 5000);
  });

  it('full-unicode strings and strings of grammar tokens: 400 invalidFilter or a result (3000 runs)', () => {
    runProperty(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), tokenString), checkFilter),
      3000,
    );
  });

  it('every corpus filter itself parses (the mutations start from valid input)', () => {
    for (const f of FILTER_CORPUS) expect(() => parseFilter(f), f).not.toThrow();
  });

  it('nesting deeper than the limit is a 400 invalidFilter, never a stack overflow (1000 runs)', () => {
    runProperty(
      fc.property(deepFilter, (text) => {
        let parsed = false;
        try {
          parseFilter(text);
          parsed = true;
        } catch (err) {
          expectClientError(err, [400], 'invalidFilter');
        }
        expect(parsed, `parsed a filter nested ${text.length} characters deep`).toBe(false);
        checkFilter(text);
      }),
      1000,
    );
  });

  it('nesting far beyond the length limit, in every form, is a 400 invalidFilter', () => {
    const inner = 'userName eq "x"';
    for (const n of [33, 100, 1000, 2000, 10_000, 100_000]) {
      for (const [open, close] of [['(', ')'], ['not (', ')'], ['emails[', ']'], ['not(', ')']] as const) {
        for (const text of [`${open.repeat(n)}${inner}${close.repeat(n)}`, open.repeat(n), `${inner}${close.repeat(n)}`]) {
          try {
            parseFilter(text);
            throw new Error(`accepted ${open}×${n}`);
          } catch (err) {
            expectClientError(err, [400], 'invalidFilter');
          }
          checkFilter(text);
        }
      }
    }
    // Long flat chains stay within the length limit and do not recurse per term in the parser.
    checkFilter(Array.from({ length: 400 }, () => 'id pr').join(' and '));
    checkFilter(Array.from({ length: 400 }, () => 'emails[value pr]').join(' or ').slice(0, 4096));
  });
});

// ---------------------------------------------------------------------------------------------
// JSON values and their mutations

const INTERESTING_STRINGS = [
  '', ' ', 'True', 'False', 'TRUE', ' false ', 'true', 'null', '0', '1e3', '-1', 'NaN', 'x', 'jo@x.com', 'work', 'home', 'u1', 'u2', 'g-1', 'u-1',
  '2011-05-13T04:42:34Z', 'not a date', '\u0000', 'a\u0000b', '\ud800', 'a\udc00', '\ud83d\ude00', 'İstanbul', 'ß', '\u202e', '<script>', "'; DROP TABLE users; --",
  '{"a":1}', '[]', 'x'.repeat(300),
];
const INTERESTING_VALUES: Json[] = [
  ...INTERESTING_STRINGS,
  null, true, false, 0, -0, 1, -1, 1.5, 1e21, 1e308, -1e308, 5e-324, 2 ** 53 + 1,
  [], {}, [null], [[]], [{}], { value: 'u1' }, [{ value: 'u1' }, { value: 'u2' }], [{ value: '' }], [{ Value: 'u1' }], [{ display: 'x' }], { primary: true },
  { type: 'work', value: 'a@b.c', primary: true }, [{ primary: true }, { primary: true }], [{ type: 'work', value: 'x', primary: 'True' }], { givenName: 'Jo' },
  { value: null }, { 'name.givenName': 'x' }, { 'emails[type eq "work"].value': 'x' }, { members: [{ value: 'u1' }] }, { id: 'u-1' }, { id: 'g-1', displayName: 'New' },
  { schemas: ['x'], meta: { version: 1 } }, { active: 'False' }, { userName: null }, { displayName: '' },
];

/** Keys that resemble attributes, in odd cases, and keys with a meaning in JavaScript. */
const KEYS = [
  ...ATTR_NAMES, 'Operations', 'operations', 'OPERATIONS', 'op', 'OP', 'Op', 'path', 'Path', 'PATH', 'value', 'Value', 'VALUE', 'schemas', 'Schemas', 'USERNAME',
  'DisplayName', 'Members', 'ACTIVE', 'urn:acme:1.0:User', 'urn:acme:1.0:User:badge', `${ENT}:manager`, 'name.givenName', 'emails[type eq "work"].value', '', ' ',
  '\u0000', 'ünïcödé', '😀', '__defineGetter__', '__lookupGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'length', '0',
];

const { key: keyArb, scalar: scalarArb, json: anyJson, mutations } = jsonArbitraries({ keys: KEYS, values: INTERESTING_VALUES });

/** One of `bases` with one to `maxMutations` mutations (built in memory: up to 40 000 characters, 200 levels). */
function mutatedFrom(bases: readonly Json[], maxMutations = 5): fc.Arbitrary<Json> {
  return fc.tuple(fc.constantFrom(...bases), mutations(maxMutations)).map(([base, ms]) => mutate(base, ms));
}

// ---------------------------------------------------------------------------------------------
// Resource bodies

const USER_ID = 'u-1';
const GROUP_ID = 'g-1';

const CREATE_BODIES = [
  oktaUser(),
  oktaUser('jo@x.com', { emails: [{ value: 'jo@x.com', type: 'work', primary: true }, { value: 'jo@home.example', type: 'home' }] }),
  entraUser('jo@x.com', 'ext-1'),
  entraUser('jo@x.com', 'ext-1', { [ENT]: { employeeNumber: '1001', manager: 'm-1' }, active: 'True', 'urn:acme:1.0:User': { badge: 7 } }),
  oktaGroup('Sales'),
  { schemas: [GROUP_URN], displayName: 'Eng', externalId: 'g-ext', members: [{ value: 'u1', display: 'Jo' }, { value: 'u2' }] },
  { schemas: [USER_URN], userName: 'min' },
] as Json[];

/** Attribute objects built from attribute names (any case) and values of every shape. */
const attributeObject = fc.array(fc.tuple(keyArb, anyJson), { maxLength: 8 }).map(objectOf);

const resourceBody = fc.oneof(
  { weight: 1, arbitrary: anyJson },
  { weight: 2, arbitrary: attributeObject },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('User', 'Group'), attributeObject).map(([t, o]) => objectOf([['schemas', [t === 'User' ? USER_URN : GROUP_URN]], [t === 'User' ? 'userName' : 'displayName', 'n'], ...Object.entries(o)])) },
  { weight: 6, arbitrary: mutatedFrom(CREATE_BODIES) },
);

function checkResourceInput(type: ResourceTypeName, raw: Json, frozen: boolean): void {
  const body = frozen ? deepFreeze(copyJson(raw)) : copyJson(raw);
  const before = copyJson(body);
  try {
    const parsed = parseResourceInput(type, body, []);
    checkRequired(type, parsed.attributes);
    const required = parsed.attributes[type === 'User' ? 'userName' : 'displayName'];
    expect(typeof required).toBe('string');
    expect(notPlainJson(parsed.attributes), 'the attributes are plain JSON').toBeUndefined();
    expect(schemaViolation(type, parsed.attributes), 'the attributes fit the schema').toBeUndefined();
    if (parsed.members !== undefined) expect(parsed.members.every((m) => typeof m === 'string' && m.trim() !== '')).toBe(true);
  } catch (err) {
    expectClientError(err, [400, 409]);
  }
  expect(body, 'parseResourceInput changed the body it was given').toEqual(before);
}

describe('fuzz: resource bodies (parseResourceInput)', () => {
  it('arbitrary JSON and mutated Okta/Entra create bodies: attributes, or a 400/409 ScimError (4000 runs)', () => {
    runProperty(
      fc.property(resourceBody, (body) => {
        checkResourceInput('User', body, false);
        checkResourceInput('Group', body, false);
      }),
      4000,
    );
  });

  it('the same on deep-frozen bodies: nothing it was given is written to (2000 runs)', () => {
    runProperty(
      fc.property(resourceBody, (body) => {
        checkResourceInput('User', body, true);
        checkResourceInput('Group', body, true);
      }),
      2000,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// PATCH

const PATHS = [
  'userName', 'displayName', 'active', 'title', 'externalId', 'nickName', 'name', 'name.givenName', 'name.familyName', 'NAME.GIVENNAME', 'emails', 'emails.value',
  'emails.primary', 'emails[type eq "work"]', 'emails[type eq "work"].value', 'Emails[Type Eq "Work"].Value', 'emails[type eq "work" and primary eq true].display',
  'emails[value eq "jo@x.com"]', 'emails[not (type eq "x")]', 'emails[not (type eq "x")].display', 'emails[value pr].primary', 'emails[type eq "home"].primary',
  'emails[type eq "new"].value', 'emails[primary eq true]', 'emails[type eq "work"].nosuch', 'emails.nosuch', 'name.nosuch', 'active.x', 'title.x',
  'emails[not (value eq "x")].type', 'addresses[not (type eq "x")].locality', 'phoneNumbers[not (primary eq true)].value', 'phoneNumbers[type eq "mobile"].value', 'addresses[type eq "work"].locality',
  'addresses[type eq "work"]', 'roles', 'roles[value eq "x"]', 'entitlements[value eq "x"].display', ENT, `${ENT}:manager`, `${ENT}:manager.value`, `${ENT}:employeeNumber`,
  `${ENT.toLowerCase()}:DEPARTMENT`, `${USER_URN}:userName`, `${USER_URN}:emails[type eq "work"].value`, `${GROUP_URN}:displayName`, 'urn:acme:1.0:User:badge',
  'urn:acme:1.0:User', 'urn:acme:1.0:User:badge.level', 'id', 'meta', 'meta.created', 'meta.version', 'groups', 'groups[value eq "g1"]', 'password', 'x', 'x.y',
  'members', 'Members', 'members[value eq "u1"]', 'members[value eq "u1" or value eq "u2"]', 'members[display eq "x"]', 'members[value eq "u1"].display', 'members.value',
  'members[value eq 1]', 'schemas', 'constructor', 'toString', 'prototype', 'valueOf.x', 'emails[type eq "work"].value eq "x"', '', ' ',
];
/** The paths above that name something in the schemas (a value path, an attribute or an extension). */
const SCHEMA_PATHS = PATHS.filter((p) => /^(emails|phoneNumbers|addresses|roles|entitlements|name|userName|displayName|active|title|externalId|urn:|members)/i.test(p));
const pathArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 2, arbitrary: fc.mixedCase(fc.constantFrom(...PATHS)) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.array(strMutation, { minLength: 1, maxLength: 3 })).map(([p, ms]) => editString(p, ms)) },
  { weight: 1, arbitrary: tokenString },
  { weight: 1, arbitrary: anyText(20) },
  { weight: 1, arbitrary: scalarArb },
  { weight: 1, arbitrary: deepFilter.map((f) => `emails[${f}]`) },
);
const opNameArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('add', 'remove', 'replace') },
  { weight: 3, arbitrary: fc.mixedCase(fc.constantFrom('add', 'remove', 'replace')) },
  { weight: 1, arbitrary: fc.constantFrom(' add', 'replace ', '\tremove\n', 'move', 'copy', 'test', 'delete', 'addd', '', 'ａｄｄ', 'add\u0000') },
  { weight: 1, arbitrary: scalarArb },
);
/** One element of a multi-valued attribute, as clients write them: sub-attributes of any value, often none. */
const elementArb: fc.Arbitrary<Json> = fc
  .array(
    fc.tuple(
      fc.constantFrom('value', 'type', 'primary', 'display', 'Value', 'PRIMARY', '$ref', 'nosuch'),
      fc.oneof(fc.constant<Json>(null), fc.constantFrom<Json>('', 'work', 'home', 'Work', 'jo@x.com', 'u1', true, false, 'True', 'false', 1, {}, [], { value: 'x' })),
    ),
    { maxLength: 3 },
  )
  .map(objectOf);
const patchValueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: elementArb },
  { weight: 2, arbitrary: fc.array(elementArb, { maxLength: 3 }) },
  { weight: 4, arbitrary: fc.constantFrom(...INTERESTING_VALUES) },
  { weight: 3, arbitrary: attributeObject },
  { weight: 3, arbitrary: anyJson },
  { weight: 1, arbitrary: mutatedFrom(CREATE_BODIES, 3) },
);

interface OpSpec {
  readonly keys: readonly [string, string, string];
  readonly op?: Json;
  readonly path?: Json;
  readonly value?: Json;
  readonly extra?: readonly [string, Json];
}

const opSpec: fc.Arbitrary<OpSpec> = fc.record(
  {
    keys: fc.tuple(fc.mixedCase(fc.constant('op')), fc.mixedCase(fc.constant('path')), fc.mixedCase(fc.constant('value'))),
    op: opNameArb,
    path: pathArb,
    value: patchValueArb,
    extra: fc.tuple(keyArb, anyJson),
  },
  { requiredKeys: ['keys'] },
);

function operationOf(spec: OpSpec): Json {
  const entries: [string, Json][] = [];
  if (spec.op !== undefined) entries.push([spec.keys[0], spec.op]);
  if (spec.path !== undefined) entries.push([spec.keys[1], spec.path]);
  if (spec.value !== undefined) entries.push([spec.keys[2], spec.value]);
  if (spec.extra) entries.push([...spec.extra]);
  return objectOf(entries);
}

/**
 * Well-formed operations (a known op, a schema path, a value shaped for that path): they get
 * past parsing into applyPatch. A value path without a sub-attribute takes one element, a
 * sub-attribute a scalar, a multi-valued attribute a list (or one element), others anything.
 */
const wellFormedOp: fc.Arbitrary<Json> = fc
  .record({
    op: fc.constantFrom('add', 'remove', 'replace', 'Add', 'Replace'),
    path: fc.option(fc.constantFrom(...SCHEMA_PATHS), { nil: undefined, freq: 6 }),
    element: elementArb,
    elements: fc.array(elementArb, { maxLength: 3 }),
    scalar: subValueArb,
    other: patchValueArb,
    shape: fc.nat(9),
  })
  .map(({ op, path, element, elements, scalar, other, shape }) => {
    const value = valueForPath(path, shape, { element, elements, scalar, other });
    return objectOf([['op', op], ...(path !== undefined ? [['path', path] as const] : []), ...(value !== undefined ? [['value', value] as const] : [])]);
  });

const PATCH_FIXTURES = [
  oktaDeactivate,
  oktaReactivate,
  patchOp(oktaRename(GROUP_ID, 'Renamed')),
  patchOp(oktaRename('someone-else', 'Renamed')),
  patchOp(oktaRemoveMember('u1')),
  patchOp(oktaAddMembers([{ value: 'u1', display: 'Jo' }])),
  patchOp(oktaReplaceMembers([{ value: 'u1', display: 'Jo' }, { value: 'u2', display: 'Al' }])),
  patchOp(oktaRename(GROUP_ID, 'Renamed'), oktaAddMembers([{ value: 'u3', display: 'Cy' }]), oktaRemoveMember('u1')),
  entraDisable,
  entraEnable,
  entraSetManager('m-1'),
  entraClearManager,
  entraReplaceWorkEmail('new@x.com'),
  entraPathlessDotted,
  entraAddMembers('u1', 'u2'),
  entraRemoveMembers('u1'),
  patchOp({ op: 'Add', path: 'emails[type eq "work"].value', value: 'added@x.com' }, { op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' }),
  patchOp({ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@x.com', primary: true } }),
  patchOp({ op: 'remove', path: 'emails[type eq "home"]' }, { op: 'remove', path: 'name.givenName' }),
  patchOp({ op: 'add', value: { 'urn:acme:1.0:User:badge': 'gold', [ENT]: { department: 'Ops' } } }),
] as unknown as Json[];

const patchBody: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        schemas: fc.option(fc.oneof(fc.constant([PATCH_OP_URN] as Json), fc.constant([PATCH_OP_URN.toUpperCase()] as Json), anyJson), { nil: undefined, freq: 4 }),
        schemasKey: fc.mixedCase(fc.constant('schemas')),
        opsKey: fc.constantFrom('Operations', 'operations', 'OPERATIONS', 'Operation', 'ops'),
        ops: fc.oneof({ weight: 8, arbitrary: fc.array(fc.oneof(opSpec.map(operationOf), wellFormedOp), { maxLength: 5 }) }, { weight: 1, arbitrary: anyJson }),
      })
      .map(({ schemas, schemasKey, opsKey, ops }) => objectOf([...(schemas !== undefined ? [[schemasKey, schemas] as const] : []), [opsKey, ops]])),
  },
  { weight: 4, arbitrary: fc.array(wellFormedOp, { minLength: 1, maxLength: 4 }).map((ops) => patchOp(...ops) as unknown as Json) },
  { weight: 4, arbitrary: mutatedFrom(PATCH_FIXTURES) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...PATCH_FIXTURES), { minLength: 1, maxLength: 3 }).map((bs) => patchOp(...bs.flatMap((b) => (b as { Operations: unknown[] }).Operations)) as unknown as Json) },
  { weight: 1, arbitrary: anyJson },
);

/** Stored resources as the store keeps them (what parseResourceInput made of real create bodies). */
const STORED: Record<ResourceTypeName, Attributes[]> = {
  User: [
    parseResourceInput('User', oktaUser(), []).attributes,
    parseResourceInput('User', entraUser('jo@x.com', 'ext-1', { [ENT]: { employeeNumber: '1001', manager: 'm-1' } }), []).attributes,
    parseResourceInput('User', {
      userName: 'many@x.com',
      emails: [{ value: 'jo@x.com', type: 'work', primary: true }, { value: 'jo@home.example', type: 'home' }, { value: 'other@x.com' }],
      phoneNumbers: [{ value: '+1 555', type: 'mobile' }],
      'urn:acme:1.0:User': { badge: 'x' },
      x: { y: 1 },
    }, []).attributes,
    { userName: 'bare' },
  ],
  Group: [
    parseResourceInput('Group', oktaGroup('Sales'), []).attributes,
    parseResourceInput('Group', { displayName: 'Eng', externalId: 'g-ext', 'urn:acme:1.0:Group': { cost: 1 } }, []).attributes,
  ],
};

/**
 * One PATCH through the domain as the directory runs it: parse, split group member operations,
 * apply the rest, on deep-frozen input. Returns the new attributes, or undefined after a 400.
 * `check` adds a condition on the new attributes: plain JSON (the store writes them with
 * JSON.stringify; an undefined array element would be stored as null), or fitting the schema
 * (every known attribute keeps its type: a list stays a list, a boolean a boolean).
 */
function patchThrough(type: ResourceTypeName, attributes: Attributes, rawBody: Json, check?: 'plainJson' | 'schema'): Attributes | undefined {
  const body = deepFreeze(copyJson(rawBody));
  const bodyBefore = copyJson(body);
  const stored = deepFreeze(structuredClone(attributes));
  const storedBefore = structuredClone(stored);
  const notes: Notes = [];
  let result: Attributes | undefined;
  try {
    const ops: PatchOperation[] = parsePatchRequest(body, notes);
    activeChange(ops);
    const attributeOps = type === 'Group' ? splitGroupPatch(deepFreeze(ops), notes).attributeOps : ops;
    result = applyPatch(type, type === 'User' ? USER_ID : GROUP_ID, stored, attributeOps, notes);
    checkRequired(type, result);
    if (type === 'User') expect(typeof result['userName']).toBe('string');
    else expect(typeof result['displayName']).toBe('string');
    const bad = check === 'plainJson' ? notPlainJson(result) : check === 'schema' ? schemaViolation(type, result) : undefined;
    if (bad) throw new Error(`applyPatch returned attributes that ${check === 'plainJson' ? 'are not plain JSON' : 'break the schema'} (${bad}): ${JSON.stringify(result)}`);
  } catch (err) {
    expectClientError(err, [400]);
    result = undefined;
  }
  expect(stored, 'applyPatch changed the stored attributes it was given').toEqual(storedBefore);
  expect(body, 'PATCH changed the request body it was given').toEqual(bodyBefore);
  expect(notes.every((n) => typeof n === 'string')).toBe(true);
  return result;
}

describe('fuzz: PATCH (parsePatchRequest, splitGroupPatch, applyPatch)', () => {
  it('generated and mutated PatchOp bodies on users and groups: new attributes or a 400, inputs untouched (4000 runs)', () => {
    runProperty(
      fc.property(patchBody, fc.nat(), (body, pick) => {
        for (const type of ['User', 'Group'] as const) {
          const list = STORED[type];
          patchThrough(type, list[pick % list.length]!, body);
        }
      }),
      4000,
    );
  });

  it('what a successful PATCH returns is plain JSON, as the store writes it (2000 runs)', () => {
    runProperty(
      fc.property(patchBody, fc.nat(), (body, pick) => {
        for (const type of ['User', 'Group'] as const) {
          const list = STORED[type];
          patchThrough(type, list[pick % list.length]!, body, 'plainJson');
        }
      }),
      2000,
    );
  });

  it('what a successful PATCH returns fits the schema: known attributes keep their types (2000 runs)', () => {
    runProperty(
      fc.property(patchBody, fc.nat(), (body, pick) => {
        for (const type of ['User', 'Group'] as const) {
          const list = STORED[type];
          patchThrough(type, list[pick % list.length]!, body, 'schema');
        }
      }),
      2000,
    );
  });

  it('sequences of PATCHes, each applied to what the store kept of the previous one (2000 runs of up to 8)', () => {
    // Mostly short well-formed bodies, which succeed more often, so that later PATCHes meet the
    // states earlier ones left behind.
    const shortBody = fc.array(wellFormedOp, { minLength: 1, maxLength: 2 }).map((ops) => patchOp(...ops) as unknown as Json);
    const bodies = fc.array(fc.oneof({ weight: 3, arbitrary: shortBody }, { weight: 1, arbitrary: patchBody }), { minLength: 2, maxLength: 8 });
    runProperty(
      fc.property(fc.constantFrom<ResourceTypeName>('User', 'Group'), fc.nat(), bodies, (type, pick, bodies) => {
        const list = STORED[type];
        let current = list[pick % list.length]!;
        for (const body of bodies) {
          const next = patchThrough(type, current, body);
          // What the store writes and reads back (JSON text).
          if (next) current = JSON.parse(JSON.stringify(next)) as Attributes;
        }
      }),
      2000,
    );
  });
});
