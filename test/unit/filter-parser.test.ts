/**
 * The filter and PATCH path grammar (RFC 7644 §3.4.2.2, §3.5.2), with the forms Okta and Entra
 * ID really send, and the 400s every malformed input must turn into.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors';
import { type Filter, parseAttrList, parseFilter, parsePatchPath } from '../../server/scim/filter-parser';
import { expectScimError, scimErrorOf } from '../support/scim-error';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';



const cmp = (attr: string, op: string, value: unknown): Filter => ({ kind: 'cmp', path: { attr }, op, value }) as Filter;

describe('parseFilter: comparisons', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('parses the %s operator', (op) => {
    expect(parseFilter(`title ${op} "x"`)).toEqual(cmp('title', op, 'x'));
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual({ kind: 'pr', path: { attr: 'title' } });
  });

  it.each([
    ['userName EQ "x"', cmp('userName', 'eq', 'x')],
    ['userName Eq "x"', cmp('userName', 'eq', 'x')],
    ['title PR', { kind: 'pr', path: { attr: 'title' } }],
    ['a pr AND b pr', { kind: 'and', left: { kind: 'pr', path: { attr: 'a' } }, right: { kind: 'pr', path: { attr: 'b' } } }],
    ['a pr Or b pr', { kind: 'or', left: { kind: 'pr', path: { attr: 'a' } }, right: { kind: 'pr', path: { attr: 'b' } } }],
    ['NOT (a pr)', { kind: 'not', filter: { kind: 'pr', path: { attr: 'a' } } }],
  ])('reads keywords and operators in any case: %s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it.each([
    ['"plain"', 'plain'],
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"caf\\u00e9"', 'café'],
    ['"tab\\there"', 'tab\there'],
    ['""', ''],
    ['42', 42],
    ['-1.5', -1.5],
    ['0', 0],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
    ['true', true],
    ['false', false],
    ['True', true],
    ['FALSE', false],
    ['null', null],
  ])('reads the literal %s', (literal, value) => {
    expect(parseFilter(`x eq ${literal}`)).toEqual(cmp('x', 'eq', value));
  });

  it('keeps the attribute name as written (the schema resolves case later)', () => {
    expect(parseFilter('USERNAME eq "x"')).toEqual(cmp('USERNAME', 'eq', 'x'));
  });

  it('reads sub-attribute paths', () => {
    expect(parseFilter('name.givenName sw "J"')).toEqual({ kind: 'cmp', path: { attr: 'name', sub: 'givenName' }, op: 'sw', value: 'J' });
  });

  it('reads URN-qualified paths, splitting the schema from the attribute', () => {
    expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "1"`)).toEqual({
      kind: 'cmp',
      path: { urn: ENTERPRISE, attr: 'employeeNumber' },
      op: 'eq',
      value: '1',
    });
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "m1"`)).toEqual({
      kind: 'cmp',
      path: { urn: ENTERPRISE, attr: 'manager', sub: 'value' },
      op: 'eq',
      value: 'm1',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"')).toMatchObject({
      path: { urn: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'userName' },
    });
  });

  it('tolerates extra whitespace and no space before a quoted value', () => {
    expect(parseFilter('  userName   eq"x"  ')).toEqual(cmp('userName', 'eq', 'x'));
  });
});

describe('parseFilter: logic and precedence', () => {
  const a = cmp('a', 'eq', 1);
  const b = cmp('b', 'eq', 2);
  const c = cmp('c', 'eq', 3);

  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({ kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
  });

  it('binds not tighter than and', () => {
    expect(parseFilter('not (a eq 1) and b eq 2')).toEqual({ kind: 'and', left: { kind: 'not', filter: a }, right: b });
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
    expect(parseFilter('not (a eq 1 or b eq 2)')).toEqual({ kind: 'not', filter: { kind: 'or', left: a, right: b } });
  });

  it('associates chains to the left', () => {
    expect(parseFilter('a eq 1 and b eq 2 and c eq 3')).toEqual({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
  });

  it('accepts redundant parentheses', () => {
    expect(parseFilter('((a eq 1))')).toEqual(a);
  });
});

describe('parseFilter: value paths', () => {
  it('reads emails[type eq "work"] as one condition on some element', () => {
    expect(parseFilter('emails[type eq "work"]')).toEqual({ kind: 'has', path: { attr: 'emails' }, filter: cmp('type', 'eq', 'work') });
  });

  it('reads logic inside the brackets', () => {
    expect(parseFilter('emails[type eq "work" and value co "@x"]')).toEqual({
      kind: 'has',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'co', '@x') },
    });
  });

  it("reads Entra's emails[type eq \"work\"].value eq \"x\" as ONE has node whose filter is an AND (same element)", () => {
    expect(parseFilter('emails[type eq "work"].value eq "x@y.com"')).toEqual({
      kind: 'has',
      path: { attr: 'emails' },
      filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: cmp('value', 'eq', 'x@y.com') },
    });
  });

  it('combines value paths with other conditions', () => {
    expect(parseFilter('userName eq "a" and emails[type eq "work"].value pr')).toEqual({
      kind: 'and',
      left: cmp('userName', 'eq', 'a'),
      right: { kind: 'has', path: { attr: 'emails' }, filter: { kind: 'and', left: cmp('type', 'eq', 'work'), right: { kind: 'pr', path: { attr: 'value' } } } },
    });
  });
});

describe('parseFilter: malformed input is a 400 invalidFilter naming the position', () => {
  it.each([
    ['unterminated string', 'userName eq "abc'],
    ['unterminated string ending in a backslash', 'userName eq "abc\\'],
    ['invalid escape', 'userName eq "a\\qb"'],
    ['missing value', 'userName eq'],
    ['missing value before and', 'userName eq and title pr'],
    ['missing operator', 'userName'],
    ['unknown operator', 'userName is "x"'],
    ['unknown operator (like)', 'userName like "x%"'],
    ['unclosed parenthesis', '(userName eq "x"'],
    ['extra closing parenthesis', 'userName eq "x")'],
    ['trailing garbage', 'userName eq "x" foo'],
    ['trailing value', 'userName eq "x" "y"'],
    ['dangling and', 'userName eq "x" and'],
    ['dangling or', 'userName eq "x" or'],
    ['not without parentheses', 'not userName eq "x"'],
    ['nested brackets', 'emails[type[value eq "x"] eq "y"]'],
    ['unclosed bracket', 'emails[type eq "work"'],
    ['bracket after a sub-attribute', 'name.givenName[value eq "x"]'],
    ['missing sub-attribute after "]."', 'emails[type eq "work"]. eq "x"'],
    ['value path compared directly', 'emails[type eq "work"] eq "x"'],
    ['too many dots', 'name.givenName.first eq "x"'],
    ['schema URN without an attribute', 'urn: eq "x"'],
    ['number with a leading zero', 'x eq 01'],
    ['lone operator', 'eq "x"'],
    ['bare value', '"x"'],
  ])('%s: %s', (_what, text) => {
    const err = expectScimError(() => parseFilter(text), 400, 'invalidFilter');
    expect(err.message).toMatch(/at position \d+|at the end/);
  });

  it('names the exact position of the offending text (1-based)', () => {
    expect(scimErrorOf(() => parseFilter('userName is "x"')).message).toContain('at position 10');
    expect(scimErrorOf(() => parseFilter('userName eq "x" foo')).message).toContain('at position 17');
    expect(scimErrorOf(() => parseFilter('userName eq "abc')).message).toContain('at position 13');
    expect(scimErrorOf(() => parseFilter('userName eq "x")')).message).toContain('at position 16');
  });

  it.each(['', '   ', '\t\n'])('rejects an empty filter %j', (text) => {
    expectScimError(() => parseFilter(text), 400, 'invalidFilter');
  });

  it('rejects nesting deeper than the limit (40 parentheses)', () => {
    const text = `${'('.repeat(40)}userName eq "x"${')'.repeat(40)}`;
    expectScimError(() => parseFilter(text), 400, 'invalidFilter');
  });

  it('rejects deep not() nesting', () => {
    const text = `${'not ('.repeat(40)}userName eq "x"${')'.repeat(40)}`;
    expectScimError(() => parseFilter(text), 400, 'invalidFilter');
  });

  it('accepts nesting within the limit', () => {
    expect(parseFilter(`${'('.repeat(10)}userName eq "x"${')'.repeat(10)}`)).toEqual(cmp('userName', 'eq', 'x'));
  });

  it('rejects filters longer than the limit', () => {
    const text = `userName eq "${'a'.repeat(5000)}"`;
    expect(scimErrorOf(() => parseFilter(text)).message).toContain('4096');
    expectScimError(() => parseFilter(text), 400, 'invalidFilter');
  });

  it('honours custom limits', () => {
    expectScimError(() => parseFilter('userName eq "abcdef"', { maxLength: 10, maxDepth: 32 }), 400, 'invalidFilter');
    expectScimError(() => parseFilter('((a pr))', { maxLength: 100, maxDepth: 2 }), 400, 'invalidFilter');
    expect(parseFilter('(a pr)', { maxLength: 100, maxDepth: 2 })).toEqual({ kind: 'pr', path: { attr: 'a' } });
  });
});

describe('any input', () => {
  const TOKENS = ['userName', 'emails', 'name.givenName', ' ', '(', ')', '[', ']', '.', ':', 'value', 'eq', 'gt', 'pr', 'and', 'or', 'not', '"x"', '"', '\\', '1', '-', 'true', 'null', 'urn:', ENTERPRISE];
  const input = fc.oneof(
    fc.string(),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((parts) => parts.join(' ')),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((parts) => parts.join('')),
  );

  it('either parses or throws a 400 ScimError, never another error', () => {
    fc.assert(
      fc.property(input, (text) => {
        for (const parse of [parseFilter, parsePatchPath, parseAttrList]) {
          try {
            parse(text);
          } catch (err) {
            if (!(err instanceof ScimError) || err.status !== 400) throw err;
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parsePatchPath', () => {
  it.each([
    ['active', { path: { attr: 'active' } }],
    ['name.familyName', { path: { attr: 'name', sub: 'familyName' } }],
    [`${ENTERPRISE}:manager`, { path: { urn: ENTERPRISE, attr: 'manager' } }],
    [`${ENTERPRISE}:manager.value`, { path: { urn: ENTERPRISE, attr: 'manager', sub: 'value' } }],
    [ENTERPRISE, { path: { urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attr: 'User' } }],
    ['members[value eq "a"]', { path: { attr: 'members' }, filter: cmp('value', 'eq', 'a') }],
    [
      'members[value eq "a" or value eq "b"]',
      { path: { attr: 'members' }, filter: { kind: 'or', left: cmp('value', 'eq', 'a'), right: cmp('value', 'eq', 'b') } },
    ],
    ['emails[type eq "work"].value', { path: { attr: 'emails' }, filter: cmp('type', 'eq', 'work'), sub: 'value' }],
    ['EMAILS[TYPE EQ "work"].VALUE', { path: { attr: 'EMAILS' }, filter: cmp('TYPE', 'eq', 'work'), sub: 'VALUE' }],
  ])('parses %s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
    ['too many dots', 'name.givenName.first'],
    ['not a name', '1abc'],
    ['unclosed bracket', 'emails[type eq "work"'],
    ['missing value in filter', 'emails[type eq]'],
    ['unknown operator in filter', 'emails[type is "work"]'],
    ['unterminated string in filter', 'emails[type eq "work]'],
    ['nested brackets', 'emails[type[value eq "x"] eq "y"]'],
    ['bracket after a sub-attribute', 'name.givenName[value eq "x"]'],
    ['missing sub-attribute after "]."', 'emails[type eq "work"].'],
    ['trailing text', 'emails[type eq "work"] foo'],
    ['trailing text after a name', 'active true'],
    ['stray closing bracket', 'emails]'],
    ['schema URN without an attribute', 'urn:'],
  ])('rejects %s with 400 invalidPath: %j', (_what, text) => {
    expectScimError(() => parsePatchPath(text), 400, 'invalidPath');
  });

  it('names the position of a syntax error', () => {
    expect(scimErrorOf(() => parsePatchPath('emails[type is "work"]')).message).toContain('at position 13');
  });

  it('rejects paths over the length and depth limits with invalidPath', () => {
    expectScimError(() => parsePatchPath(`emails[value eq "${'a'.repeat(5000)}"]`), 400, 'invalidPath');
    expectScimError(() => parsePatchPath(`emails[${'('.repeat(40)}value pr${')'.repeat(40)}]`), 400, 'invalidPath');
  });
});

describe('parseAttrList', () => {
  it('splits on commas, trims and drops empty entries', () => {
    expect(parseAttrList(` userName, emails.value ,,${ENTERPRISE}:employeeNumber,`)).toEqual([
      { attr: 'userName' },
      { attr: 'emails', sub: 'value' },
      { urn: ENTERPRISE, attr: 'employeeNumber' },
    ]);
  });

  it('reads an empty list as no attributes', () => {
    expect(parseAttrList('')).toEqual([]);
  });

  it.each(['name.givenName.first', 'user name', 'emails[type eq "work"]', 'urn:'])('rejects %j with a 400', (text) => {
    expectScimError(() => parseAttrList(text), 400, 'invalidValue');
  });
});
