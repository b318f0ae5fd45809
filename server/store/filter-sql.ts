/**
 * Compiles a resolved SCIM filter to a SQL condition with bound parameters. Indexed
 * attributes (id, userName, externalId, displayName) compare against their columns — the
 * case-insensitive ones against a pre-folded `_ci` column — so lookups use indexes; other
 * attributes are read from the JSON `data` column. Every condition evaluates to 0 or 1, never
 * NULL, so `not` and `ne` agree with the JS evaluator in server/scim/filter.ts.
 */
import type { ResolvedAttr } from '../scim/attributes';
import type { ResolvedFilter } from '../scim/filter';
import { foldCase } from '../scim/text';
import type { ResourceTypeName } from '../scim/schema';

export type SqlParam = string | number;

export interface Sql {
  readonly sql: string;
  readonly params: SqlParam[];
}

/** How one attribute is read in SQL. */
interface Column {
  /** Expression for the raw value. */
  readonly raw: string;
  /** Expression already case-folded (an indexed `_ci` column), if there is one. */
  readonly folded?: string;
  /** Kind of value for `pr`: scalar, JSON object text, or JSON array. */
  readonly shape?: 'scalar' | 'object' | 'array';
}

interface Scope {
  readonly type: ResourceTypeName;
  readonly alias: string;
  readonly baseUrl: string;
  /** Set inside `has`: the json_each / relation row the element-relative paths refer to. */
  readonly element?: { readonly relation: 'json' | 'groups' | 'members'; readonly alias: string };
  /** Numbers the sub-query aliases; per compilation, so equal filters give equal SQL text. */
  readonly aliases: { next: number };
}

export function jsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `."${k.replace(/"/g, '""')}"`).join('')}`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function metaColumn(scope: Scope, sub: string | undefined): Column | undefined {
  const a = scope.alias;
  switch (sub) {
    case 'created':
      return { raw: `${a}.created` };
    case 'lastModified':
      return { raw: `${a}.last_modified` };
    case 'version':
      return { raw: `('W/"' || ${a}.version || '"')` };
    case 'resourceType':
      return { raw: sqlString(scope.type) };
    case 'location':
      return { raw: `(${sqlString(`${scope.baseUrl}/${scope.type}s/`)} || ${a}.id)` };
    default:
      return undefined;
  }
}

/** The SQL expression for a top-level (resource) attribute. */
function resourceColumn(scope: Scope, attr: ResolvedAttr): Column {
  const a = scope.alias;
  if (!attr.extension) {
    const name = attr.def.name;
    if (name === 'id') return { raw: `${a}.id` };
    if (name === 'externalId') return { raw: `${a}.external_id` };
    if (name === 'meta') {
      // meta itself is always present; its sub-attributes are columns.
      return metaColumn(scope, attr.sub?.name) ?? { raw: `'meta'` };
    }
    if (scope.type === 'User' && name === 'userName') return { raw: `${a}.user_name`, folded: `${a}.user_name_ci` };
    if (scope.type === 'User' && name === 'active') return { raw: `${a}.active` };
    if (scope.type === 'User' && name === 'displayName') return { raw: `json_extract(${a}.data, '$."displayName"')`, folded: `${a}.display_name_ci` };
    if (scope.type === 'Group' && name === 'displayName') return { raw: `${a}.display_name`, folded: `${a}.display_name_ci` };
  }
  const shape = attr.sub ? 'scalar' : attr.def.multiValued ? 'array' : attr.def.type === 'complex' ? 'object' : 'scalar';
  return { raw: `json_extract(${a}.data, ${sqlString(jsonPath(attr.keys))})`, shape };
}

/** The SQL expression for an element-relative attribute inside `has`. */
function elementColumn(scope: Scope, attr: ResolvedAttr): Column {
  const el = scope.element!;
  const name = attr.def.name;
  if (el.relation === 'json') {
    // Only object entries have sub-attributes (json_extract of a plain string would fail).
    const raw = `(CASE WHEN ${el.alias}.type = 'object' THEN json_extract(${el.alias}.value, ${sqlString(jsonPath(attr.keys))}) END)`;
    return { raw, shape: attr.def.type === 'complex' ? 'object' : 'scalar' };
  }
  if (el.relation === 'groups') {
    // A user's groups: g is the group row.
    switch (name) {
      case 'value':
        return { raw: `${el.alias}.id` };
      case 'display':
        return { raw: `${el.alias}.display_name`, folded: `${el.alias}.display_name_ci` };
      case 'type':
        return { raw: `'direct'` };
      case '$ref':
        return { raw: `(${sqlString(`${scope.baseUrl}/Groups/`)} || ${el.alias}.id)` };
    }
  } else {
    // A group's members: mu is the user row.
    switch (name) {
      case 'value':
        return { raw: `${el.alias}.id` };
      case 'display':
        return { raw: `coalesce(json_extract(${el.alias}.data, '$."displayName"'), ${el.alias}.user_name)` };
      case 'type':
        return { raw: `'User'` };
      case '$ref':
        return { raw: `(${sqlString(`${scope.baseUrl}/Users/`)} || ${el.alias}.id)` };
    }
  }
  return { raw: 'NULL' };
}

function column(scope: Scope, attr: ResolvedAttr): Column {
  return scope.element ? elementColumn(scope, attr) : resourceColumn(scope, attr);
}

function present(col: Column): string {
  switch (col.shape) {
    case 'array':
      return `coalesce(json_array_length(${col.raw}) > 0, 0)`;
    case 'object':
      return `(${col.raw} IS NOT NULL AND ${col.raw} <> '{}')`;
    default:
      return `(${col.raw} IS NOT NULL AND ${col.raw} <> '')`;
  }
}

function compare(col: Column, f: Extract<ResolvedFilter, { kind: 'cmp' }>, params: SqlParam[]): string {
  if (f.op === 'ne') return `NOT ${compare(col, { ...f, op: 'eq' }, params)}`;
  let x = col.raw;
  let v: SqlParam;
  if (f.valueType === 'boolean') v = f.value ? 1 : 0;
  else if (f.valueType === 'number') v = f.value as number;
  else if (f.fold) {
    x = col.folded ?? `scim_fold(${col.raw})`;
    v = foldCase(f.value as string);
  } else v = f.value as string;
  const guard = `${x} IS NOT NULL`;
  switch (f.op) {
    case 'eq':
      params.push(v);
      return `(${guard} AND ${x} = ?)`;
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const sym = { gt: '>', ge: '>=', lt: '<', le: '<=' }[f.op];
      params.push(v);
      return `(${guard} AND ${x} ${sym} ?)`;
    }
    case 'co':
      params.push(v);
      return `(${guard} AND instr(${x}, ?) > 0)`;
    // Byte-wise: SQLite's text length() and substr() stop at U+0000, which JSON strings may hold.
    // A byte prefix/suffix of valid UTF-8 is a character prefix/suffix. SQLite's blob substr
    // gives NULL for an empty result, hence IS (never NULL) and the explicit empty-value case.
    case 'sw':
      params.push(v, v, v);
      return `(${guard} AND (length(CAST(? AS BLOB)) = 0 OR substr(CAST(${x} AS BLOB), 1, length(CAST(? AS BLOB))) IS CAST(? AS BLOB)))`;
    case 'ew':
      params.push(v, v, v);
      return `(${guard} AND (length(CAST(? AS BLOB)) = 0 OR substr(CAST(${x} AS BLOB), -length(CAST(? AS BLOB))) IS CAST(? AS BLOB)))`;
  }
}

function hasClause(scope: Scope, f: Extract<ResolvedFilter, { kind: 'has' }>, params: SqlParam[]): string {
  const a = scope.alias;
  const alias = `e${++scope.aliases.next}`;
  if (!f.attr.extension && scope.type === 'User' && f.attr.def.name === 'groups') {
    const inner = compileNode({ ...scope, element: { relation: 'groups', alias } }, f.filter, params);
    return `EXISTS (SELECT 1 FROM group_members gm_${alias} JOIN groups ${alias} ON ${alias}.seq = gm_${alias}.group_seq WHERE gm_${alias}.user_seq = ${a}.seq AND ${inner})`;
  }
  if (!f.attr.extension && scope.type === 'Group' && f.attr.def.name === 'members') {
    const inner = compileNode({ ...scope, element: { relation: 'members', alias } }, f.filter, params);
    return `EXISTS (SELECT 1 FROM group_members gm_${alias} JOIN users ${alias} ON ${alias}.seq = gm_${alias}.user_seq WHERE gm_${alias}.group_seq = ${a}.seq AND ${inner})`;
  }
  const inner = compileNode({ ...scope, element: { relation: 'json', alias } }, f.filter, params);
  return `EXISTS (SELECT 1 FROM json_each(${a}.data, ${sqlString(jsonPath(f.attr.keys))}) ${alias} WHERE ${inner})`;
}

function compileNode(scope: Scope, f: ResolvedFilter, params: SqlParam[]): string {
  switch (f.kind) {
    case 'and':
      return `(${compileNode(scope, f.left, params)} AND ${compileNode(scope, f.right, params)})`;
    case 'or':
      return `(${compileNode(scope, f.left, params)} OR ${compileNode(scope, f.right, params)})`;
    case 'not':
      return `NOT ${compileNode(scope, f.filter, params)}`;
    case 'has':
      return hasClause(scope, f, params);
    case 'pr': {
      const a = scope.alias;
      if (!scope.element && !f.attr.extension && !f.attr.sub) {
        if (scope.type === 'User' && f.attr.def.name === 'groups') return `EXISTS (SELECT 1 FROM group_members WHERE user_seq = ${a}.seq)`;
        if (scope.type === 'Group' && f.attr.def.name === 'members') return `(${a}.member_count > 0)`;
      }
      return present(column(scope, f.attr));
    }
    case 'cmp':
      return compare(column(scope, f.attr), f, params);
  }
}

/** Attributes whose `eq` is an index search (their columns in resourceColumn are indexed). */
const INDEXED_EQ: Readonly<Record<ResourceTypeName, ReadonlySet<string>>> = {
  User: new Set(['id', 'externalId', 'userName', 'displayName']),
  Group: new Set(['id', 'externalId', 'displayName']),
};

/**
 * Whether SQLite finds a filter's rows through an index, without reading every row: an `eq` on
 * an indexed attribute, an `and` with such a side, an `or` of such filters. These are every
 * lookup an IdP sends; anything else reads the whole table.
 */
export function isIndexServed(type: ResourceTypeName, f: ResolvedFilter): boolean {
  switch (f.kind) {
    case 'cmp':
      return f.op === 'eq' && f.valueType === 'string' && !f.attr.extension && !f.attr.sub && INDEXED_EQ[type].has(f.attr.def.name);
    case 'and':
      return isIndexServed(type, f.left) || isIndexServed(type, f.right);
    case 'or':
      return isIndexServed(type, f.left) && isIndexServed(type, f.right);
    default:
      return false;
  }
}

/** A WHERE condition for `filter` on the table aliased `alias` (users or groups). */
export function compileWhere(type: ResourceTypeName, alias: string, baseUrl: string, filter: ResolvedFilter): Sql {
  const params: SqlParam[] = [];
  const sql = compileNode({ type, alias, baseUrl, aliases: { next: 0 } }, filter, params);
  return { sql, params };
}

/** An ORDER BY expression for `sortBy` (case-insensitive attributes sort folded). */
export function sortExpression(type: ResourceTypeName, alias: string, attr: ResolvedAttr): string {
  const scope: Scope = { type, alias, baseUrl: '', aliases: { next: 0 } };
  if (attr.def.multiValued) {
    // Multi-valued: sort by the first entry's value (or the named sub-attribute).
    const sub = attr.sub?.name ?? 'value';
    const path = jsonPath(attr.sub ? attr.keys.slice(0, -1) : attr.keys);
    const expr = `json_extract(${alias}.data, ${sqlString(`${path}[0]."${sub}"`)})`;
    const subDef = attr.def.subAttributes?.find((s) => s.name === sub);
    return subDef && !subDef.caseExact && subDef.type === 'string' ? `scim_fold(${expr})` : expr;
  }
  const col = resourceColumn(scope, attr);
  // A constant (meta.resourceType) orders nothing; SQLite would read it as a column number.
  if (col.raw.startsWith("'")) return `${alias}.seq`;
  const leaf = attr.sub ?? attr.def;
  if (!leaf.caseExact && (leaf.type === 'string' || leaf.type === 'reference')) return col.folded ?? `scim_fold(${col.raw})`;
  return col.raw;
}
