/**
 * What the fuzzers share: the seed, arbitrary text, arbitrary JSON (prototype keys as own
 * properties, as JSON.parse makes them), and mutations of JSON bodies and of strings. The domain
 * fuzzer (test/unit/fuzz-domain.test.ts) hands the values to the domain in memory; the HTTP
 * fuzzer (test/integration/http/fuzz-http.test.ts) sends them as request text, so how a value
 * is made huge or deep is the caller's `Scale`. Each test keeps its own vocabulary (keys,
 * interesting values, filter tokens); the machinery is here, once.
 */
import fc from 'fast-check';
import type { Json } from '../../server/scim/resource';

export type { Json };

/** One seed per test file; a failure prints it, and FUZZ_SEED=<seed> replays the same inputs. */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 0x7fffffff));

// ---------------------------------------------------------------------------------------------
// Building JSON

/** An object with exactly these own keys, `__proto__` included (as JSON.parse builds it). */
export function objectOf(entries: readonly (readonly [string, unknown])[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  // defineProperty, not assignment: `out['__proto__'] = …` would set the prototype instead.
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** A deep copy that keeps own `__proto__` keys (structuredClone would too; this also works on frozen input). */
export function copyJson(value: unknown): Json {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value !== null && typeof value === 'object') return objectOf(Object.entries(value).map(([k, v]) => [k, copyJson(v)]));
  return value as Json;
}

/** `leaf` inside `depth` arrays (odd `kind`) or `{"a": …}` objects (even `kind`). */
export function nested(depth: number, kind: number, leaf: Json): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = kind % 2 ? [v] : { a: v };
  return v;
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * Any code point, lone surrogates, and the characters that matter somewhere on the way: to the
 * filter grammar (quotes, brackets, white space), to JSON (NUL, U+2028, a BOM), to case folding
 * (İ, ß, combining marks) and to URLs (% & = # ? /).
 */
export const anyChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '"', '\\', '(', ')', '[', ']', '.', ':', ' ', '\t', '\n', '\u0000', '\u00a0', '\u2028', '\ufeff', 'İ', 'ß', '😀', '\u0301', '%', '&', '=', '#', '?', '/',
    ),
  },
);
export const anyText = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: anyChar, maxLength });

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON and mutations of JSON bodies

/** What a fuzzer's JSON is made of: its keys and the values worth trying where a value goes. */
export interface JsonVocabulary {
  /** Object keys: attribute names in odd cases, and keys with a meaning in JavaScript. */
  readonly keys: readonly string[];
  /** Scalars and small values near the edges (empty, "True", -0, 1e308, lone surrogates, …). */
  readonly values: readonly Json[];
}

export type JsonMutationKind = 'drop' | 'retype' | 'rename' | 'recase' | 'addKey' | 'huge' | 'deep' | 'wrap' | 'unwrap' | 'numberize' | 'stringify' | 'unicode' | 'dupCase' | 'proto';

/** One mutation: `kind` applied to the node at pre-order index `at` (modulo the node count). */
export interface JsonMutation {
  readonly kind: JsonMutationKind;
  readonly at: number;
  /** Picks among the variants of a kind (which key, which case, which size, …). */
  readonly n: number;
  readonly key: string;
  readonly value: Json;
}

export interface JsonArbitraries {
  readonly key: fc.Arbitrary<string>;
  readonly scalar: fc.Arbitrary<Json>;
  /** JSON of any shape: generated from the vocabulary, or fast-check's own JSON values. */
  readonly json: fc.Arbitrary<Json>;
  readonly mutation: fc.Arbitrary<JsonMutation>;
  /** One to `max` mutations, applied in order by `mutate`. */
  mutations(max?: number): fc.Arbitrary<JsonMutation[]>;
}

/** The kinds, weighted: the ones that most often reach new code (drop, retype) more often. */
const MUTATION_KINDS: readonly JsonMutationKind[] = [
  'drop', 'drop', 'retype', 'retype', 'retype', 'rename', 'rename', 'recase', 'addKey', 'addKey', 'huge', 'deep', 'deep', 'wrap', 'unwrap', 'numberize', 'numberize',
  'stringify', 'unicode', 'dupCase', 'proto',
];

export function jsonArbitraries(vocabulary: JsonVocabulary): JsonArbitraries {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...vocabulary.keys) },
    { weight: 1, arbitrary: fc.mixedCase(fc.constantFrom(...vocabulary.keys)) },
    { weight: 1, arbitrary: anyText(8) },
  );
  const scalar: fc.Arbitrary<Json> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...vocabulary.values) },
    { weight: 2, arbitrary: anyText(20) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  );
  const generated: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: scalar },
      { weight: 1, arbitrary: fc.array(tie('json'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.array(fc.tuple(key, tie('json')), { maxLength: 5 }).map(objectOf) },
    ),
  })).json;
  const json = fc.oneof(generated, fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>);
  const mutation: fc.Arbitrary<JsonMutation> = fc.record({ kind: fc.constantFrom(...MUTATION_KINDS), at: fc.nat(), n: fc.nat(), key, value: json });
  return { key, scalar, json, mutation, mutations: (max = 4) => fc.array(mutation, { minLength: 1, maxLength: max }) };
}

/**
 * How a mutation makes a value huge or deep. In memory the value is built; over HTTP it would
 * make every generated request megabytes, so the HTTP fuzzer returns placeholders that it
 * expands into the request text.
 */
export interface Scale {
  huge(n: number): Json;
  deep(leaf: Json, n: number): Json;
}

/** Strings up to 40 000 characters and nesting up to 200 levels, built in memory. */
export const IN_MEMORY: Scale = {
  huge: (n) => (n % 2 ? 'x' : 'é😀\u0000').repeat([1000, 10_000, 40_000][n % 3]!),
  deep: (leaf, n) => nested(1 + (n % 200), n >> 3, leaf),
};

const DROP = Symbol('drop');

function nodeCount(v: Json): number {
  if (Array.isArray(v)) return 1 + v.reduce<number>((n, x) => n + nodeCount(x), 0);
  if (v !== null && typeof v === 'object') return 1 + Object.values(v).reduce<number>((n, x) => n + nodeCount(x), 0);
  return 1;
}

/** Upper, lower, swapped or capitalised: attribute names are case-insensitive, values are not. */
export function recase(s: string, n: number): string {
  switch (n % 4) {
    case 0:
      return s.toUpperCase();
    case 1:
      return s.toLowerCase();
    case 2:
      return Array.from(s, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    default:
      return s.charAt(0).toUpperCase() + s.slice(1);
  }
}

/** What one mutation turns a node into (DROP: remove it from its parent). */
function mutateNode(node: Json, m: JsonMutation, scale: Scale): Json | typeof DROP {
  const isObj = node !== null && typeof node === 'object' && !Array.isArray(node);
  const entries = isObj ? Object.entries(node) : [];
  const pick = entries.length ? m.n % entries.length : 0;
  switch (m.kind) {
    case 'drop':
      return DROP;
    case 'retype':
      return m.value;
    case 'rename':
      return entries.length ? objectOf(entries.map(([k, v], i) => [i === pick ? m.key : k, v])) : m.value;
    case 'recase':
      if (typeof node === 'string') return recase(node, m.n);
      return entries.length ? objectOf(entries.map(([k, v], i) => [i === pick ? recase(k, m.n >> 2) : k, v])) : node;
    case 'addKey':
      if (Array.isArray(node)) return [...node, m.value];
      return objectOf([...entries, [m.key, m.value]]);
    case 'huge':
      return scale.huge(m.n);
    case 'deep':
      return scale.deep(m.n % 5 ? node : m.value, m.n);
    case 'wrap':
      return [node];
    case 'unwrap':
      return Array.isArray(node) ? (node[0] ?? null) : isObj ? (entries[0]?.[1] ?? null) : node;
    case 'numberize':
      return typeof node === 'string' && node.trim() !== '' && Number.isFinite(Number(node)) ? Number(node) : [42, -0, 1e308, 0.1, -1, 2 ** 63][m.n % 6]!;
    case 'stringify':
      return typeof node === 'string' ? node : (JSON.stringify(node) ?? 'null');
    case 'unicode':
      return typeof node === 'string' ? `${node}${['\u0000', '\ud800', '\u202e', 'İ', '😀', '\u0301', '\uffff', '\udfff'][m.n % 8]}` : ['\u0000', '\ud800x', 'ß', ''][m.n % 4]!;
    case 'dupCase':
      // The same attribute twice, in two cases (attribute names are case-insensitive).
      if (!entries.length) return node;
      return objectOf([...entries, [recase(entries[pick]![0], m.n >> 2), entries[pick]![1]]]);
    case 'proto': {
      // Prototype-pollution keys as own properties (what JSON.parse makes of them), holding a copy of the node.
      const key = ['__proto__', 'constructor', 'prototype'][m.n % 3]!;
      const payload = m.n % 2 ? copyJson(node) : objectOf([['prototype', objectOf([['polluted', 'yes']])], ['polluted', 'yes']]);
      return objectOf([[key, payload], ...entries]);
    }
  }
}

/** Applies the mutations in order to a copy of `value` (which stays untouched). */
export function mutate(value: Json, mutations: readonly JsonMutation[], scale: Scale = IN_MEMORY): Json {
  let v = copyJson(value);
  for (const m of mutations) {
    let index = m.at % nodeCount(v);
    const walk = (x: Json): Json | typeof DROP => {
      if (index-- === 0) return mutateNode(x, m, scale);
      if (Array.isArray(x)) return x.map(walk).filter((y): y is Json => y !== DROP);
      if (x !== null && typeof x === 'object') {
        return objectOf(
          Object.entries(x).flatMap(([k, y]) => {
            const z = walk(y);
            return z === DROP ? [] : [[k, z] as const];
          }),
        );
      }
      return x;
    };
    const out = walk(v);
    v = out === DROP ? {} : out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// PATCH values

/** What a sub-attribute (emails.value, name.givenName, …) gets in a PATCH: right, wrong, or of the wrong type. */
export const subValueArb = fc.constantFrom<Json>(null, '', 'x', 'work', 'jo@x.com', 'True', 'false', true, false, 0, {}, []);

/**
 * A PATCH value mostly shaped for its path, so that many operations get past parsing into the
 * patching itself: one element for a value path, a scalar for a sub-attribute, a list (or one
 * element) for a multi-valued attribute, anything otherwise. `shape` 0 leaves the value out,
 * 1 takes `other` whatever the path.
 */
export function valueForPath(path: Json | undefined, shape: number, values: { element: Json; elements: Json[]; scalar: Json; other: Json }): Json | undefined {
  if (shape === 0) return undefined;
  if (shape === 1 || typeof path !== 'string') return values.other;
  if (/\]$/.test(path)) return values.element;
  if (/\]\.\w+$/.test(path) || /\.\w+$/.test(path)) return values.scalar;
  if (/^(emails|phoneNumbers|addresses|roles|entitlements|members)$/i.test(path)) return shape % 2 ? values.elements : values.element;
  return shape % 2 ? values.scalar : values.other;
}

// ---------------------------------------------------------------------------------------------
// Mutations of strings (filters, paths, attribute lists)

export type StringEditKind = 'insert' | 'delete' | 'replace' | 'duplicate' | 'recase' | 'truncate';
export interface StringEdit {
  readonly kind: StringEditKind;
  readonly at: number;
  readonly len: number;
  readonly text: string;
}

/** Edits at random places; `text` is what insert and replace put in (grammar tokens, odd characters). */
export function stringEditArb(text: fc.Arbitrary<string>): fc.Arbitrary<StringEdit> {
  return fc.record({
    kind: fc.constantFrom<StringEditKind>('insert', 'insert', 'delete', 'replace', 'replace', 'duplicate', 'recase', 'truncate'),
    at: fc.nat(),
    len: fc.nat({ max: 12 }),
    text,
  });
}

/** Code-unit edits (they can split surrogate pairs, as a broken client would). */
export function editString(base: string, edits: readonly StringEdit[]): string {
  let s = base;
  for (const e of edits) {
    const i = e.at % (s.length + 1);
    const j = Math.min(s.length, i + e.len);
    switch (e.kind) {
      case 'insert':
        s = s.slice(0, i) + e.text + s.slice(i);
        break;
      case 'delete':
        s = s.slice(0, i) + s.slice(j);
        break;
      case 'replace':
        s = s.slice(0, i) + e.text + s.slice(j);
        break;
      case 'duplicate':
        s = s.slice(0, j) + s.slice(i, j) + s.slice(j);
        break;
      case 'recase': {
        const part = s.slice(i, j);
        s = s.slice(0, i) + (e.len % 2 ? part.toUpperCase() : part.toLowerCase()) + s.slice(j);
        break;
      }
      case 'truncate':
        s = s.slice(0, i);
        break;
    }
  }
  return s;
}
