/**
 * The SQL a filter compiles to (server/store/filter-sql.ts, what GET /Users?filter= runs) and
 * the JS evaluator (server/scim/filter.ts) must select the same users. Property test: random
 * users in a real SQLite store, then hundreds of random filters — and/or/not trees of every
 * operator over plain, complex, multi-valued, extension, meta and group attributes, value
 * paths and Entra's `emails[type eq "work"].value eq "…"` — whose literals are taken from the
 * data (with case changes and cut to prefixes, suffixes and middles) or made up.
 *
 * Replay a failure with FILTER_PROPERTY_SEED=<seed printed in the failure>.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Core } from '../../../server/core/core';
import { compareStrings, compileFilter, evaluate } from '../../../server/scim/filter';
import { foldCase } from '../../../server/scim/text';
import { parseListParams } from '../../../server/scim/list';
import { ENTERPRISE_USER_URN, PATCH_OP_URN, USER_URN } from '../../../server/scim/schema';
import { FileSecretStore } from '../../../server/secrets/file-store';
import { tempDir } from '../../support/scim-server';

const SEED = Number(process.env['FILTER_PROPERTY_SEED'] ?? Math.floor(Math.random() * 0x7fffffff));
const USERS = 60;
const GROUPS = 5;

// ---------------------------------------------------------------------------------------------
// Text

/** Letters with interesting case rules, SQL and filter syntax characters, astral characters. */
const PLAIN_CHARS = [...'abcxyzABCXYZ019', ' ', '.', '@', '-', '_', '%', "'", '"', '\\', '*', '(', ')', '[', ']', 'é', 'É', 'ß', 'ẞ', 'İ', 'ı', 'ǅ', 'Σ', 'σ', 'ς', 'Ω', 'ﬁ', '中', '😀'];
const CONTROL_CHARS = ['\u0000', '\u0001', '\t', '\n', '\u007f'];
/** Words that recur across users in different cases, so case-insensitive matches hit several. */
const SEEDS = ['alice', 'Émile', 'straße', 'İlker', 'σίσυφος', 'ǅemal', "o'neil", 'x"y', 'a%b_c', 'work', 'sales', 'a.b@example.com', ''];

type CaseMode = 'same' | 'upper' | 'lower' | 'swap';
const caseMode = fc.constantFrom<CaseMode>('same', 'same', 'upper', 'lower', 'swap');

function recase(s: string, mode: CaseMode): string {
  switch (mode) {
    case 'same':
      return s;
    case 'upper':
      return s.toUpperCase();
    case 'lower':
      return s.toLowerCase();
    case 'swap':
      return Array.from(s, (c) => (c.toLowerCase() === c ? c.toUpperCase() : c.toLowerCase())).join('');
  }
}

function textArb(chars: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.constantFrom(...chars), { maxLength: 8 }).map((a) => a.join('')) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SEEDS), caseMode).map(([s, m]) => recase(s, m)) },
  );
}

/** A piece of a data value: whole or a prefix, suffix or middle (cut on code points), in some case. */
function fromData(pool: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...pool), caseMode, fc.constantFrom('whole', 'whole', 'prefix', 'suffix', 'middle'), fc.nat(), fc.nat())
    .map(([value, mode, cut, a, b]) => {
      const chars = Array.from(value);
      const i = chars.length ? a % (chars.length + 1) : 0;
      const j = chars.length ? b % (chars.length + 1) : 0;
      const piece = cut === 'prefix' ? chars.slice(0, i) : cut === 'suffix' ? chars.slice(i) : cut === 'middle' ? chars.slice(Math.min(i, j), Math.max(i, j)) : chars;
      return recase(piece.join(''), mode);
    });
}

// ---------------------------------------------------------------------------------------------
// Data

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

function compact(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : undefined;
}

interface Dataset {
  readonly users: Record<string, unknown>[];
  readonly groups: { displayName: string; members: number[] }[];
}

function datasetArb(chars: readonly string[]): fc.Arbitrary<Dataset> {
  const text = textArb(chars);
  const nonBlank = text.filter((s) => s.trim() !== '');
  const email = fc.record({
    value: opt(fc.oneof(text, fc.tuple(text, fc.constantFrom('@example.com', '@EXAMPLE.org')).map(([a, b]) => `${a}${b}`))),
    type: opt(fc.constantFrom('work', 'Work', 'WORK', 'home', 'other', '')),
    primary: opt(fc.boolean()),
    display: opt(text),
  });
  const user = fc
    .record({
      userName: nonBlank,
      displayName: opt(text),
      externalId: opt(text),
      active: opt(fc.boolean()),
      title: opt(text),
      givenName: opt(text),
      familyName: opt(text),
      emails: opt(fc.array(email, { maxLength: 3 })),
      phones: opt(fc.array(fc.record({ value: text, type: fc.constantFrom('work', 'mobile') }), { maxLength: 2 })),
      employeeNumber: opt(text),
      manager: opt(text),
    })
    .map((u) => {
      // At most one primary email (more is a 400).
      let primarySeen = false;
      const emails = u.emails?.map((e) => {
        const out = compact(e) ?? {};
        if (out['primary'] === true) {
          if (primarySeen) out['primary'] = false;
          primarySeen = true;
        }
        return out;
      });
      const body: Record<string, unknown> = {
        schemas: [USER_URN, ENTERPRISE_USER_URN],
        userName: u.userName,
        displayName: u.displayName,
        externalId: u.externalId,
        active: u.active,
        title: u.title,
        name: compact({ givenName: u.givenName, familyName: u.familyName }),
        emails,
        phoneNumbers: u.phones,
        [ENTERPRISE_USER_URN]: compact({ employeeNumber: u.employeeNumber, manager: u.manager }),
      };
      return compact(body)!;
    });
  return fc.record({
    users: fc.uniqueArray(user, { minLength: USERS, maxLength: USERS, selector: (u) => foldCase(u['userName'] as string) }),
    groups: fc.uniqueArray(fc.record({ displayName: nonBlank, members: fc.uniqueArray(fc.nat(USERS - 1), { maxLength: 15 }) }), {
      minLength: GROUPS,
      maxLength: GROUPS,
      selector: (g) => foldCase(g.displayName),
    }),
  });
}

type Resource = Record<string, any>;

interface Loaded {
  readonly core: Core;
  readonly dataDir: string;
  /** The users as GET /Users/{id} returns them. */
  readonly resources: Resource[];
  readonly groupIds: string[];
}

function load(dataset: Dataset, extraUsers: readonly Record<string, unknown>[] = []): Loaded {
  const dataDir = tempDir('scimdesk-filter-');
  const core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  try {
    return fill(core, dataDir, dataset, extraUsers);
  } catch (err) {
    unload({ core, dataDir, resources: [], groupIds: [] });
    throw err;
  }
}

function fill(core: Core, dataDir: string, dataset: Dataset, extraUsers: readonly Record<string, unknown>[]): Loaded {
  const ids = [...dataset.users, ...extraUsers].map((body) => core.directory.create('User', body, 'okta').id);
  // Some users changed later: version 2, lastModified after created.
  ids.forEach((id, i) => {
    if (i % 7 === 3) core.directory.patch('User', id, { schemas: [PATCH_OP_URN], Operations: [{ op: 'replace', path: 'title', value: SEEDS[i % SEEDS.length] || 'x' }] }, 'okta', undefined);
  });
  const groupIds = dataset.groups.map((g) => core.directory.create('Group', { displayName: g.displayName, members: g.members.map((i) => ({ value: ids[i] })) }, 'okta').id);
  const resources = ids.map((id) => core.directory.get('User', id).resource as Resource);
  return { core, dataDir, resources, groupIds };
}

function unload(loaded: Loaded | undefined): void {
  if (!loaded) return;
  loaded.core.close();
  rmSync(loaded.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Filters

const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
const ORDER_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
const EXT = ENTERPRISE_USER_URN;

const strings = (values: unknown[]): string[] => [...new Set(values.filter((v): v is string => typeof v === 'string'))];

function opArb(ops: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...ops), fc.constantFrom(false, false, false, true)).map(([op, upper]) => (upper ? op.toUpperCase() : op));
}

const quote = (s: string): string => JSON.stringify(s);

function filterArb(loaded: Loaded, chars: readonly string[]): fc.Arbitrary<string> {
  const r = loaded.resources;
  const text = textArb(chars);
  const emails = r.flatMap((u) => (Array.isArray(u['emails']) ? u['emails'] : []));
  const groupsOf = r.flatMap((u) => (Array.isArray(u['groups']) ? u['groups'] : []));
  const pools: Record<string, string[]> = {
    userName: strings(r.map((u) => u['userName'])),
    displayName: strings(r.map((u) => u['displayName'])),
    externalId: strings(r.map((u) => u['externalId'])),
    title: strings(r.map((u) => u['title'])),
    givenName: strings(r.map((u) => u['name']?.givenName)),
    familyName: strings(r.map((u) => u['name']?.familyName)),
    employeeNumber: strings(r.map((u) => u[EXT]?.employeeNumber)),
    manager: strings(r.map((u) => u[EXT]?.manager?.value)),
    id: strings(r.map((u) => u['id'])),
    location: strings(r.map((u) => u['meta'].location)),
    version: strings(r.map((u) => u['meta'].version)),
    resourceType: ['User', 'user', 'Group'],
    emailValue: strings(emails.map((e) => e.value)),
    emailType: strings(emails.map((e) => e.type)),
    emailDisplay: strings(emails.map((e) => e.display)),
    phoneValue: strings(r.flatMap((u) => (Array.isArray(u['phoneNumbers']) ? u['phoneNumbers'].map((p: Resource) => p['value']) : []))),
    groupId: loaded.groupIds,
    groupDisplay: strings(groupsOf.map((g) => g.display)),
    date: strings(r.flatMap((u) => [u['meta'].created, u['meta'].lastModified])),
  };
  const everything = [...new Set(Object.values(pools).flat())];

  /** A literal for an attribute: mostly from its own values, sometimes any value, sometimes made up. */
  const literal = (pool: string): fc.Arbitrary<string> => {
    const own = pools[pool]!;
    const others = [
      { weight: 1, arbitrary: fromData(everything) },
      { weight: 2, arbitrary: text },
    ];
    return own.length ? fc.oneof({ weight: 6, arbitrary: fromData(own) }, ...others) : fc.oneof(...others);
  };

  const stringAttrs: [names: string[], pool: string][] = [
    [['userName', 'USERNAME', 'username', `${USER_URN}:userName`], 'userName'],
    [['displayName', 'DisplayName'], 'displayName'],
    [['externalId', 'EXTERNALID'], 'externalId'],
    [['title', `${USER_URN}:title`], 'title'],
    [['name.givenName', 'NAME.GIVENNAME'], 'givenName'],
    [['name.familyName'], 'familyName'],
    [[`${EXT}:employeeNumber`, `${EXT.toLowerCase()}:EmployeeNumber`], 'employeeNumber'],
    [[`${EXT}:manager.value`], 'manager'],
    [['id'], 'id'],
    [['meta.location'], 'location'],
    [['meta.version'], 'version'],
    [['meta.resourceType'], 'resourceType'],
    // Multi-valued: "some element's value / sub-attribute …".
    [['emails.value', 'emails', 'EMAILS.VALUE'], 'emailValue'],
    [['emails.type'], 'emailType'],
    [['emails.display'], 'emailDisplay'],
    [['phoneNumbers.value', 'phoneNumbers'], 'phoneValue'],
    [['groups.value', 'groups'], 'groupId'],
    [['groups.display'], 'groupDisplay'],
  ];
  const prAttrs = [
    'userName', 'displayName', 'externalId', 'title', 'nickName', 'name', 'name.givenName', 'name.familyName', 'active', 'emails', 'emails.value', 'emails.type',
    'emails.primary', 'emails.display', 'phoneNumbers', 'groups', 'groups.display', 'id', 'meta', 'meta.created', `${EXT}:employeeNumber`, `${EXT}:manager`, `${EXT}:manager.value`,
  ];

  const stringCompare = fc.constantFrom(...stringAttrs).chain(([names, pool]) =>
    fc.tuple(fc.constantFrom(...names), opArb(STRING_OPS), literal(pool)).map(([name, op, value]) => `${name} ${op} ${quote(value)}`),
  );
  const present = fc.constantFrom(...prAttrs).map((a) => `${a} pr`);
  const nullCompare = fc.tuple(fc.constantFrom(...prAttrs.filter((a) => a !== 'meta' && a !== 'name' && a !== `${EXT}:manager`)), fc.constantFrom('eq', 'ne')).map(([a, op]) => `${a} ${op} null`);
  const booleans = fc
    .tuple(fc.constantFrom('active', 'emails.primary'), fc.constantFrom('eq', 'ne'), fc.constantFrom('true', 'false', '"True"', '"FALSE"'))
    .map(([a, op, v]) => `${a} ${op} ${v}`);
  const dates = fc
    .tuple(
      fc.constantFrom('meta.created', 'meta.lastModified', 'meta.LASTMODIFIED'),
      opArb(ORDER_OPS),
      fc.oneof(
        fc.constantFrom(...pools['date']!),
        fc.tuple(fc.constantFrom(...pools['date']!), fc.integer({ min: -2, max: 2 })).map(([d, ms]) => new Date(Date.parse(d) + ms).toISOString()),
        fc.constantFrom(...pools['date']!).map((d) => d.replace('Z', '+00:00')),
        fc.constantFrom('2000-01-01T00:00:00Z', '2999-12-31T23:59:59Z'),
      ),
    )
    .map(([a, op, d]) => `${a} ${op} ${quote(d)}`);

  // Inside emails[...]: element-relative paths.
  const emailSub: [string, string][] = [
    ['value', 'emailValue'],
    ['type', 'emailType'],
    ['display', 'emailDisplay'],
  ];
  const emailLeaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...emailSub).chain(([sub, pool]) => fc.tuple(opArb(STRING_OPS), literal(pool)).map(([op, v]) => `${sub} ${op} ${quote(v)}`)) },
    { weight: 1, arbitrary: fc.constantFrom('primary eq true', 'primary eq false', 'primary ne true', 'PRIMARY eq "true"') },
    { weight: 1, arbitrary: fc.constantFrom('value pr', 'type pr', 'primary pr', 'display pr', 'type eq null', 'value ne null') },
  );
  const emailInner = tree(emailLeaf, 2);
  const groupLeaf = fc.oneof(
    fc.tuple(opArb(STRING_OPS), literal('groupDisplay')).map(([op, v]) => `display ${op} ${quote(v)}`),
    fc.tuple(opArb(['eq', 'ne', 'sw']), literal('groupId')).map(([op, v]) => `value ${op} ${quote(v)}`),
    fc.tuple(opArb(['ew', 'co']), literal('groupId')).map(([op, v]) => `$ref ${op} ${quote(v)}`),
    fc.constantFrom('type eq "direct"', 'type eq "indirect"', 'display pr'),
  );
  const valuePath = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('emails', 'Emails'), emailInner).map(([a, f]) => `${a}[${f}]`) },
    {
      // Entra ID: emails[type eq "work"].value eq "…" — one element must satisfy both parts.
      weight: 3,
      arbitrary: fc
        .tuple(emailInner, fc.constantFrom(...emailSub), opArb(STRING_OPS))
        .chain(([f, [sub, pool], op]) => literal(pool).map((v) => `emails[${f}].${sub} ${op} ${quote(v)}`)),
    },
    { weight: 1, arbitrary: literal('emailValue').map((v) => `emails[type eq "work"].value eq ${quote(v)}`) },
    { weight: 1, arbitrary: tree(groupLeaf, 1).map((f) => `groups[${f}]`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('work', 'mobile'), opArb(STRING_OPS), literal('phoneValue'))
        .map(([type, op, v]) => `phoneNumbers[type eq "${type}" and value ${op} ${quote(v)}]`),
    },
  );

  const leaf = fc.oneof(
    { weight: 8, arbitrary: stringCompare },
    { weight: 2, arbitrary: present },
    { weight: 1, arbitrary: nullCompare },
    { weight: 2, arbitrary: booleans },
    { weight: 2, arbitrary: dates },
    { weight: 5, arbitrary: valuePath },
  );
  return tree(leaf, 3);
}

/** and / or / not trees of `leaf`, `depth` levels deep at most. */
function tree(leaf: fc.Arbitrary<string>, depth: number): fc.Arbitrary<string> {
  if (depth === 0) return leaf;
  const sub = tree(leaf, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('and', 'or', 'AND', 'Or'), sub).map(([a, k, b]) => `(${a}) ${k} (${b})`) },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('and', 'or'), sub).map(([a, k, b]) => `${a} ${k} ${b}`) },
    { weight: 1, arbitrary: sub.map((a) => `not (${a})`) },
  );
}

// ---------------------------------------------------------------------------------------------
// The property

interface Stats {
  none: number;
  some: number;
  all: number;
}

/** Asserts that SQL and JS select the same users for `filter`; counts how selective it was. */
function checkAgreement(loaded: Loaded, filter: string, stats: Stats): void {
  const label = (u: Resource): string => JSON.stringify(u['userName']);
  const resolved = compileFilter('User', filter);
  const expected = loaded.resources.filter((u) => evaluate(resolved, u)).map(label).sort(compareStrings);
  const listed = loaded.core.directory.list('User', parseListParams('User', { filter, count: '1000' })) as { totalResults: number; Resources: Resource[] };
  const actual = listed.Resources.map(label).sort(compareStrings);
  expect(actual, `SQL (left) vs JS (right) for filter ${filter}`).toEqual(expected);
  expect(listed.totalResults).toBe(expected.length);
  if (expected.length === 0) stats.none++;
  else if (expected.length === loaded.resources.length) stats.all++;
  else stats.some++;
}

function assertAgreement(loaded: Loaded, chars: readonly string[], numRuns: number, examples: [string][] = []): Stats {
  const stats: Stats = { none: 0, some: 0, all: 0 };
  try {
    fc.assert(
      fc.property(filterArb(loaded, chars), (filter) => checkAgreement(loaded, filter, stats)),
      { numRuns, seed: SEED, examples },
    );
  } catch (err) {
    (err as Error).message = `FILTER_PROPERTY_SEED=${SEED}\n${(err as Error).message}`;
    throw err;
  }
  return stats;
}

describe('filters: the SQL compiler agrees with the JS evaluator', () => {
  let loaded: Loaded | undefined;

  beforeAll(() => {
    loaded = load(fc.sample(datasetArb(PLAIN_CHARS), { numRuns: 1, seed: SEED })[0]!);
  });
  afterAll(() => unload(loaded));

  it('selects the same users for hundreds of random filters', () => {
    const stats = assertAgreement(loaded!, PLAIN_CHARS, 500);
    // The generated filters were not all trivially empty or trivially everything.
    expect(stats.some, JSON.stringify(stats)).toBeGreaterThan(100);
    expect(stats.none, JSON.stringify(stats)).toBeGreaterThan(20);
  });

  it('the data exercised what the filters range over', () => {
    const r = loaded!.resources;
    expect(r).toHaveLength(USERS);
    expect(r.filter((u) => u['displayName'] === undefined).length).toBeGreaterThan(0);
    expect(r.filter((u) => Array.isArray(u['emails']) && u['emails'].length > 1).length).toBeGreaterThan(0);
    expect(r.filter((u) => Array.isArray(u['groups'])).length).toBeGreaterThan(0);
    expect(r.filter((u) => u[EXT] !== undefined).length).toBeGreaterThan(0);
    expect(r.filter((u) => u['meta'].version === 'W/"2"').length).toBeGreaterThan(0);
  });
});

describe('filters over text with control characters (U+0000 and others): the SQL compiler agrees with the JS evaluator', () => {
  const chars = [...PLAIN_CHARS, ...CONTROL_CHARS];
  let loaded: Loaded | undefined;

  beforeAll(() => {
    // JSON carries U+0000 ("\u0000") like any other character; an IdP can send it.
    const edge = { schemas: [USER_URN], userName: 'nul\u0000tail', displayName: 'Nul\u0000Name', title: 'x\u0000yz' };
    loaded = load(fc.sample(datasetArb(chars), { numRuns: 1, seed: SEED })[0]!, [edge]);
  });
  afterAll(() => unload(loaded));

  it('selects the same users for random filters and for sw/ew/co next to U+0000', () => {
    assertAgreement(loaded!, chars, 300, [['userName ew "tail"'], ['title sw "x\\u0000y"'], ['title ew "x"'], ['displayName ew "name"'], ['userName co "\\u0000t"']]);
  });
});
