/**
 * Parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Written by hand rather than taken from a library: the parsers we tried (scim2-parse-filter,
 * scimmy) read `emails[type eq "work"].value eq "x"` — which Entra ID sends — as two separate
 * conditions that may match two different emails, give errors without a position, and have no
 * bounds on length or nesting. This one desugars that form into one condition on one element,
 * names the offending position in every error, and bounds its input.
 */
import { ScimError } from './errors';

export interface AttrPath {
  /** The schema URN prefix as written (without the trailing colon), if any. */
  readonly urn?: string;
  readonly attr: string;
  readonly sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { readonly kind: 'cmp'; readonly path: AttrPath; readonly op: CompareOp; readonly value: Literal }
  | { readonly kind: 'pr'; readonly path: AttrPath }
  | { readonly kind: 'and' | 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /** Some element of the multi-valued attribute `path` satisfies `filter` (paths relative to the element). */
  | { readonly kind: 'has'; readonly path: AttrPath; readonly filter: Filter };

export interface PatchPath {
  readonly path: AttrPath;
  /** `attr[filter]`: which elements of a multi-valued attribute the operation targets. */
  readonly filter?: Filter;
  /** `attr[filter].sub`: the sub-attribute of those elements. */
  readonly sub?: string;
}

export interface FilterLimits {
  readonly maxLength: number;
  readonly maxDepth: number;
  /**
   * Comparisons (`attr op value`, `attr pr`) in one filter. A filter no index serves runs
   * every comparison on every row, on the scan worker (server/store/scan-reader.ts): each
   * `groups[display co "…"]` costs it ~70 ms at 100 000 users, so 20 keep it busy ~1.5 s;
   * 120 of them (3 366 characters, within the length limit) held the server's own thread for
   * over a minute. IdPs send one or two. A PATCH path's filter counts too: each of its
   * comparisons runs on every entry the path visits (`members[value eq "a" or …]` names at
   * most 20 members; more go as a value list).
   */
  readonly maxComparisons?: number;
}

export const DEFAULT_FILTER_LIMITS: FilterLimits & { readonly maxComparisons: number } = { maxLength: 4096, maxDepth: 32, maxComparisons: 20 };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const PATH_CHAR = /[A-Za-z0-9_$:.-]/;
const NAME = /^[A-Za-z$][A-Za-z0-9_\-$]*$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

type Fail = (detail: string) => ScimError;

class Scanner {
  pos = 0;
  depth = 0;
  comparisons = 0;
  constructor(
    readonly text: string,
    private readonly fail: Fail,
    private readonly limits: FilterLimits,
  ) {}

  error(what: string): ScimError {
    const at = this.pos >= this.text.length ? 'at the end' : `at position ${this.pos + 1}`;
    return this.fail(`${what} ${at} of "${this.text.length > 200 ? `${this.text.slice(0, 200)}…` : this.text}"`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peekChar(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  eat(ch: string): boolean {
    if (this.peekChar() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) throw this.error(`expected "${ch}"`);
  }

  /** A bare word (keyword or attribute path) without consuming it. */
  peekWord(): string {
    this.skipSpace();
    let end = this.pos;
    while (end < this.text.length && PATH_CHAR.test(this.text[end]!)) end++;
    return this.text.slice(this.pos, end);
  }

  readWord(): string {
    const word = this.peekWord();
    this.pos += word.length;
    return word;
  }

  /** Consumes `word` (case-insensitive) if it is the next whole word. */
  eatKeyword(word: string): boolean {
    if (this.peekWord().toLowerCase() === word) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  enter(): void {
    if (++this.depth > this.limits.maxDepth) throw this.error(`nesting deeper than ${this.limits.maxDepth} levels`);
  }

  leave(): void {
    this.depth--;
  }

  compared(): void {
    const max = this.limits.maxComparisons ?? DEFAULT_FILTER_LIMITS.maxComparisons;
    if (++this.comparisons > max) throw this.error(`more than ${max} comparisons (a filter may hold at most ${max}; split the search)`);
  }
}

export function parseAttrPath(raw: string, fail: Fail): AttrPath {
  let urn: string | undefined;
  let rest = raw;
  if (/^urn:/i.test(raw)) {
    const cut = raw.lastIndexOf(':');
    urn = raw.slice(0, cut);
    rest = raw.slice(cut + 1);
    if (!rest) throw fail(`"${raw}" names a schema but no attribute`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw fail(`"${raw}" is not a valid attribute path`);
  const [attr, sub] = parts as [string, string | undefined];
  return { ...(urn !== undefined ? { urn } : {}), attr, ...(sub !== undefined ? { sub } : {}) };
}

function readPath(s: Scanner): AttrPath {
  const start = s.pos;
  const word = s.readWord();
  if (!word) throw s.error('expected an attribute name');
  try {
    return parseAttrPath(word, (d) => ScimError.invalidFilter(d));
  } catch (err) {
    s.pos = start;
    throw err instanceof ScimError ? s.error(err.message) : err;
  }
}

function readLiteral(s: Scanner): Literal {
  s.skipSpace();
  const rest = s.text.slice(s.pos);
  if (rest.startsWith('"')) {
    let i = 1;
    while (i < rest.length && rest[i] !== '"') i += rest[i] === '\\' ? 2 : 1;
    if (i >= rest.length) throw s.error('unterminated string');
    try {
      const value = JSON.parse(rest.slice(0, i + 1)) as string;
      s.pos += i + 1;
      return value;
    } catch {
      throw s.error('invalid escape in string');
    }
  }
  const num = NUMBER.exec(rest);
  if (num) {
    s.pos += num[0].length;
    return Number(num[0]);
  }
  const word = s.peekWord().toLowerCase();
  if (word === 'true' || word === 'false' || word === 'null') {
    s.pos += word.length;
    return word === 'null' ? null : word === 'true';
  }
  throw s.error('expected a value (a "string", number, true, false or null)');
}

/** attrPath op value | attrPath pr | attrPath[valFilter] | attrPath[valFilter].sub op value */
function parseAttrExpr(s: Scanner, insideValuePath: boolean): Filter {
  const path = readPath(s);
  if (s.eat('[')) {
    if (insideValuePath) throw s.error('a value filter cannot contain another "["');
    if (path.sub) throw s.error('a value filter must follow a multi-valued attribute, not a sub-attribute');
    s.enter();
    const inner = parseOr(s, true);
    s.leave();
    s.expect(']');
    // Entra ID's `emails[type eq "work"].value eq "x"`: one element must satisfy both parts.
    if (s.peekChar() === '.') {
      s.pos++;
      const subWord = s.readWord();
      if (!NAME.test(subWord)) throw s.error('expected a sub-attribute name after "]."');
      const cond = parseCondition(s, { attr: subWord });
      return { kind: 'has', path, filter: { kind: 'and', left: inner, right: cond } };
    }
    return { kind: 'has', path, filter: inner };
  }
  return parseCondition(s, path);
}

function parseCondition(s: Scanner, path: AttrPath): Filter {
  s.compared();
  const opStart = s.pos;
  const op = s.readWord().toLowerCase();
  if (op === 'pr') return { kind: 'pr', path };
  if (!COMPARE_OPS.has(op)) {
    s.pos = opStart;
    throw s.error(op ? `unknown operator "${op}"` : 'expected an operator (eq ne co sw ew gt ge lt le pr)');
  }
  return { kind: 'cmp', path, op: op as CompareOp, value: readLiteral(s) };
}

function parseUnary(s: Scanner, insideValuePath: boolean): Filter {
  s.enter();
  try {
    if (s.peekWord().toLowerCase() === 'not') {
      s.readWord();
      if (s.peekChar() !== '(') throw s.error('expected "(" after not');
      s.expect('(');
      const inner = parseOr(s, insideValuePath);
      s.expect(')');
      return { kind: 'not', filter: inner };
    }
    if (s.eat('(')) {
      const inner = parseOr(s, insideValuePath);
      s.expect(')');
      return inner;
    }
    return parseAttrExpr(s, insideValuePath);
  } finally {
    s.leave();
  }
}

function parseAnd(s: Scanner, insideValuePath: boolean): Filter {
  let left = parseUnary(s, insideValuePath);
  while (s.eatKeyword('and')) left = { kind: 'and', left, right: parseUnary(s, insideValuePath) };
  return left;
}

function parseOr(s: Scanner, insideValuePath: boolean): Filter {
  let left = parseAnd(s, insideValuePath);
  while (s.eatKeyword('or')) left = { kind: 'or', left, right: parseAnd(s, insideValuePath) };
  return left;
}

function checkLength(text: string, limits: FilterLimits, fail: Fail): void {
  if (text.length > limits.maxLength) throw fail(`is longer than ${limits.maxLength} characters`);
  if (!text.trim()) throw fail('is empty');
}

/** `attr op "string"` (and `attr.sub op "string"`), spaced out, nothing else. */
const SIMPLE_COMPARISON = /^\s*([A-Za-z$][A-Za-z0-9_$.-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le)\s+"((?:[^"\\]|\\.)*)"\s*$/i;

/**
 * A fast path for the one-comparison filters IdPs send on nearly every lookup (`userName eq
 * "…"`, `externalId eq "…"`): one regular expression instead of the scanner, which cost about
 * as much as the lookup's SQL. It gives exactly the parser's result, and undefined for
 * anything it is not sure of (the parser then gives the answer, or the error with its position).
 */
function parseSimpleComparison(text: string): Filter | undefined {
  const m = SIMPLE_COMPARISON.exec(text);
  if (!m) return undefined;
  const [, word, op, body] = m as unknown as [string, string, string, string];
  const parts = word.split('.');
  // `not` starts a `not (…)` for the parser; a malformed path gets the parser's error.
  if (parts.length > 2 || !parts.every((p) => NAME.test(p)) || word.toLowerCase() === 'not') return undefined;
  let value: string;
  try {
    value = JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
  const path: AttrPath = parts.length === 2 ? { attr: parts[0]!, sub: parts[1]! } : { attr: word };
  return { kind: 'cmp', path, op: op.toLowerCase() as CompareOp, value };
}

/** Parses a `filter` query parameter. Every failure is a 400 invalidFilter naming the position. */
export function parseFilter(text: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): Filter {
  const fail = (d: string): ScimError => ScimError.invalidFilter(`Invalid filter: ${d}`);
  checkLength(text, limits, (d) => fail(`the filter ${d}`));
  const simple = limits.maxDepth >= 1 ? parseSimpleComparison(text) : undefined;
  if (simple) return simple;
  const s = new Scanner(text, fail, limits);
  const filter = parseOr(s, false);
  if (!s.atEnd()) throw s.error(s.peekChar() === ')' ? 'unbalanced ")"' : 'unexpected text');
  return filter;
}

/** Parses a PATCH operation's `path`: attrPath, attrPath[valFilter] or attrPath[valFilter].sub. */
export function parsePatchPath(text: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): PatchPath {
  const fail = (d: string): ScimError => ScimError.invalidPath(`Invalid path: ${d}`);
  checkLength(text, limits, (d) => fail(`the path ${d}`));
  const s = new Scanner(text, fail, limits);
  const start = s.pos;
  const word = s.readWord();
  if (!word) throw s.error('expected an attribute name');
  let path: AttrPath;
  try {
    path = parseAttrPath(word, fail);
  } catch (err) {
    s.pos = start;
    throw err;
  }
  if (!s.eat('[')) {
    if (!s.atEnd()) throw s.error('unexpected text');
    return { path };
  }
  if (path.sub) throw s.error('a value filter must follow a multi-valued attribute');
  let filter: Filter;
  try {
    filter = parseOr(s, true);
  } catch (err) {
    // The filter inside a path is still a path error for the client (RFC 7644 §3.5.2).
    throw err instanceof ScimError && err.scimType === 'invalidFilter' ? ScimError.invalidPath(err.message.replace(/^Invalid filter/, 'Invalid path')) : err;
  }
  s.expect(']');
  let sub: string | undefined;
  if (s.eat('.')) {
    sub = s.readWord();
    if (!NAME.test(sub)) throw s.error('expected a sub-attribute name after "]."');
  }
  if (!s.atEnd()) throw s.error('unexpected text');
  return { path, filter, ...(sub !== undefined ? { sub } : {}) };
}

/** Parses the comma-separated `attributes` / `excludedAttributes` parameter. */
export function parseAttrList(text: string): AttrPath[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => parseAttrPath(p, (d) => ScimError.invalidValue(`Invalid attribute list: ${d}`)));
}
