/**
 * Filter semantics: a parsed filter is resolved against a resource type's schema (typed,
 * case rules applied, unsupported forms rejected with 400 invalidFilter), then either
 * evaluated here in plain JS or compiled to SQL by the store. The two must agree; a property
 * test checks that they do.
 */
import { type ResolvedAttr, describePath, leafDef, resolvePath, resolveSubPath } from './attributes';
import { ScimError } from './errors';
import { type AttrPath, type CompareOp, type Filter, type FilterLimits, type Literal, DEFAULT_FILTER_LIMITS, parseFilter } from './filter-parser';
import { foldCase, hasLoneSurrogate, normalizeDateTime } from './text';
import type { ResourceTypeName } from './schema';

export type ValueType = 'string' | 'number' | 'boolean' | 'dateTime';

export type ResolvedFilter =
  | {
      readonly kind: 'cmp';
      readonly attr: ResolvedAttr;
      readonly op: CompareOp;
      readonly value: string | number | boolean;
      readonly valueType: ValueType;
      /** Compare case-insensitively (the attribute is `caseExact: false`). */
      readonly fold: boolean;
    }
  | { readonly kind: 'pr'; readonly attr: ResolvedAttr }
  | { readonly kind: 'and' | 'or'; readonly left: ResolvedFilter; readonly right: ResolvedFilter }
  | { readonly kind: 'not'; readonly filter: ResolvedFilter }
  /** Some element of the multi-valued attribute satisfies `filter` (whose attributes are element-relative). */
  | { readonly kind: 'has'; readonly attr: ResolvedAttr; readonly filter: ResolvedFilter };

const invalid = (detail: string): ScimError => ScimError.invalidFilter(`Invalid filter: ${detail}`);

function resolveLeafCompare(attr: ResolvedAttr, op: CompareOp, literal: Literal, where: string): ResolvedFilter {
  const def = leafDef(attr);
  if (literal === null) {
    if (op === 'eq') return { kind: 'not', filter: { kind: 'pr', attr } };
    if (op === 'ne') return { kind: 'pr', attr };
    throw invalid(`"${where} ${op} null" is not a valid comparison`);
  }
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof literal !== 'string') throw invalid(`${where} is a string; compare it with a "quoted" value`);
      if (hasLoneSurrogate(literal)) throw invalid(`the value for ${where} is not valid Unicode text`);
      return { kind: 'cmp', attr, op, value: literal, valueType: 'string', fold: !def.caseExact };
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') throw invalid(`${where} is a boolean; only eq, ne and pr apply`);
      let value = literal;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) value = value.toLowerCase() === 'true';
      if (typeof value !== 'boolean') throw invalid(`${where} is a boolean; compare it with true or false`);
      return { kind: 'cmp', attr, op, value, valueType: 'boolean', fold: false };
    }
    case 'integer':
    case 'decimal':
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalid(`${op} does not apply to the number ${where}`);
      if (typeof literal !== 'number') throw invalid(`${where} is a number; compare it with a number`);
      return { kind: 'cmp', attr, op, value: literal, valueType: 'number', fold: false };
    case 'dateTime': {
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalid(`${op} does not apply to the dateTime ${where}`);
      const value = typeof literal === 'string' ? normalizeDateTime(literal) : undefined;
      if (value === undefined) throw invalid(`${where} is a dateTime; compare it with a quoted ISO 8601 date`);
      return { kind: 'cmp', attr, op, value, valueType: 'dateTime', fold: false };
    }
    case 'complex':
      throw invalid(`${where} is a complex attribute; compare one of its sub-attributes`);
  }
}

/** Resolves a filter written inside `attr[...]`: its paths name sub-attributes of one element. */
export function resolveRelative(parent: ResolvedAttr, f: Filter): ResolvedFilter {
  switch (f.kind) {
    case 'and':
    case 'or':
      return { kind: f.kind, left: resolveRelative(parent, f.left), right: resolveRelative(parent, f.right) };
    case 'not':
      return { kind: 'not', filter: resolveRelative(parent, f.filter) };
    case 'has':
      throw invalid('a value filter cannot contain another value filter');
    case 'pr':
    case 'cmp': {
      const attr = resolveSubPath(parent, f.path);
      const where = `${parent.def.name}.${describePath(f.path)}`;
      if (!attr) throw invalid(`"${parent.def.name}" has no sub-attribute "${describePath(f.path)}"`);
      return f.kind === 'pr' ? { kind: 'pr', attr } : resolveLeafCompare(attr, f.op, f.value, where);
    }
  }
}

function resolveTop(type: ResourceTypeName, path: AttrPath): ResolvedAttr {
  const target = resolvePath(type, path);
  if (!target) throw invalid(`${type} has no attribute "${describePath(path)}"`);
  if (target.kind === 'extension') throw invalid(`"${target.urn}" is a schema, not an attribute`);
  return target.attr;
}

function resolveNode(type: ResourceTypeName, f: Filter): ResolvedFilter {
  switch (f.kind) {
    case 'and':
    case 'or':
      return { kind: f.kind, left: resolveNode(type, f.left), right: resolveNode(type, f.right) };
    case 'not':
      return { kind: 'not', filter: resolveNode(type, f.filter) };
    case 'has': {
      const attr = resolveTop(type, f.path);
      if (!attr.def.multiValued || attr.def.type !== 'complex' || attr.sub) {
        throw invalid(`"${describePath(f.path)}" is not a multi-valued complex attribute, so it cannot take [...]`);
      }
      return { kind: 'has', attr, filter: resolveRelative(attr, f.filter) };
    }
    case 'pr':
    case 'cmp': {
      const attr = resolveTop(type, f.path);
      const where = describePath(f.path);
      if (attr.def.multiValued) {
        // `emails.value eq "x"` and `emails eq "x"` both mean: some email's value is "x".
        const parent: ResolvedAttr = { ...(attr.extension ? { extension: attr.extension } : {}), def: attr.def, keys: attr.sub ? attr.keys.slice(0, -1) : attr.keys };
        if (f.kind === 'pr' && !attr.sub) return { kind: 'pr', attr: parent };
        const subName = attr.sub?.name ?? 'value';
        const sub = resolveSubPath(parent, { attr: subName });
        if (!sub) throw invalid(`${where} is a complex attribute; compare one of its sub-attributes`);
        const inner: ResolvedFilter = f.kind === 'pr' ? { kind: 'pr', attr: sub } : resolveLeafCompare(sub, f.op, f.value, where);
        return { kind: 'has', attr: parent, filter: inner };
      }
      return f.kind === 'pr' ? { kind: 'pr', attr } : resolveLeafCompare(attr, f.op, f.value, where);
    }
  }
}

export function resolveFilter(type: ResourceTypeName, filter: Filter): ResolvedFilter {
  return resolveNode(type, filter);
}

/** Parse and resolve a `filter` parameter in one step. */
export function compileFilter(type: ResourceTypeName, text: string, limits: FilterLimits = DEFAULT_FILTER_LIMITS): ResolvedFilter {
  return resolveFilter(type, parseFilter(text, limits));
}

// ---------------------------------------------------------------------------------------------
// Evaluation in JS (PATCH value filters, and the reference the SQL compiler is tested against).

export function valueAt(resource: unknown, keys: readonly string[]): unknown {
  let cur: unknown = resource;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** RFC 7644 §3.4.2.2 "pr": a non-empty value, or a complex value with a non-empty node. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** Code-point order, which is the byte order SQLite uses for UTF-8 text. */
export function compareStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function compareLeaf(actual: unknown, f: Extract<ResolvedFilter, { kind: 'cmp' }>): boolean {
  if (f.op === 'ne') return !compareLeaf(actual, { ...f, op: 'eq' });
  if (actual === undefined || actual === null) return false;
  let a: string | number | boolean;
  let v = f.value;
  if (f.valueType === 'boolean') return actual === v;
  if (f.valueType === 'number') {
    if (typeof actual !== 'number') return false;
    a = actual;
  } else {
    if (typeof actual !== 'string') return false;
    a = actual;
    if (f.fold) {
      a = foldCase(a);
      v = foldCase(v as string);
    }
  }
  const order = typeof a === 'number' ? a - (v as number) : compareStrings(a as string, v as string);
  switch (f.op) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'co':
      return (a as string).includes(v as string);
    case 'sw':
      return (a as string).startsWith(v as string);
    case 'ew':
      return (a as string).endsWith(v as string);
  }
}

/** Whether a resource (or, inside `has`, one element) satisfies a resolved filter. */
export function evaluate(f: ResolvedFilter, target: unknown): boolean {
  switch (f.kind) {
    case 'and':
      return evaluate(f.left, target) && evaluate(f.right, target);
    case 'or':
      return evaluate(f.left, target) || evaluate(f.right, target);
    case 'not':
      return !evaluate(f.filter, target);
    case 'pr':
      return isPresent(valueAt(target, f.attr.keys));
    case 'cmp':
      return compareLeaf(valueAt(target, f.attr.keys), f);
    case 'has': {
      const list = valueAt(target, f.attr.keys);
      return Array.isArray(list) && list.some((el) => evaluate(f.filter, el));
    }
  }
}
