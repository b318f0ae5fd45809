/**
 * Query parameters of a SCIM list request (RFC 7644 §3.4.2): filter, sortBy, sortOrder,
 * startIndex, count, attributes, excludedAttributes. Parameter names match in any case.
 */
import { type ResolvedAttr, describePath, resolvePath } from './attributes';
import { ScimError } from './errors';
import { type ResolvedFilter, compileFilter } from './filter';
import { type FilterLimits, DEFAULT_FILTER_LIMITS, parseAttrPath } from './filter-parser';
import type { Projection } from './projection';
import type { JsonObject } from './resource';
import { LIST_RESPONSE_URN, type ResourceTypeName } from './schema';

export interface PagingLimits {
  readonly defaultCount: number;
  readonly maxCount: number;
}

export const DEFAULT_PAGING: PagingLimits = { defaultCount: 100, maxCount: 1000 };

const MAX_START_INDEX = 2 ** 31;

export interface ListParams {
  readonly filter?: ResolvedFilter;
  readonly sortBy?: ResolvedAttr;
  readonly descending: boolean;
  /** 1-based, as in SCIM. */
  readonly startIndex: number;
  readonly count: number;
  readonly projection: Projection;
}

function integer(name: string, raw: string): number {
  if (!/^\s*-?\d+\s*$/.test(raw)) throw ScimError.invalidValue(`${name} must be an integer, not "${raw}"`);
  return Number.parseInt(raw, 10);
}

/**
 * Query parameters by lower-case name. Names match in any case (RFC 7644 §3.4.2 writes them in
 * camelCase, clients do not), so `count=1&COUNT=2` names one parameter twice: refused, since
 * any rule for picking one ("the last wins") silently answers a different question than one
 * of the two the client asked.
 */
export function paramsByName(query: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k in query) {
    const v = query[k];
    if (typeof v !== 'string') continue;
    const name = k.toLowerCase();
    if (q[name] !== undefined) {
      const first = Object.keys(query).find((other) => other !== k && other.toLowerCase() === name) ?? name;
      throw ScimError.invalidValue(`The query parameter "${first}" is given more than once (as "${first}" and "${k}"; names match in any case); give it once`);
    }
    q[name] = v;
  }
  return q;
}

/** Reads the list parameters; `query` keys may come in any case. */
export function parseListParams(
  type: ResourceTypeName,
  query: Readonly<Record<string, string | undefined>>,
  paging: PagingLimits = DEFAULT_PAGING,
  filterLimits: FilterLimits = DEFAULT_FILTER_LIMITS,
): ListParams {
  const q = paramsByName(query);

  const filter = q['filter'] !== undefined ? compileFilter(type, q['filter'], filterLimits) : undefined;

  let sortBy: ResolvedAttr | undefined;
  if (q['sortby'] !== undefined && q['sortby'].trim() !== '') {
    const path = parseAttrPath(q['sortby'].trim(), (d) => ScimError.invalidValue(`Invalid sortBy: ${d}`));
    const target = resolvePath(type, path);
    const sortable = target?.kind === 'attribute' && (target.attr.def.multiValued || (target.attr.sub ?? target.attr.def).type !== 'complex');
    if (!sortable || target?.kind !== 'attribute') {
      throw ScimError.invalidValue(`Invalid sortBy: ${type} has no sortable attribute "${describePath(path)}"`);
    }
    sortBy = target.attr;
  }

  const order = q['sortorder']?.trim().toLowerCase();
  if (order !== undefined && order !== '' && order !== 'ascending' && order !== 'descending') {
    throw ScimError.invalidValue(`sortOrder must be "ascending" or "descending", not "${q['sortorder']}"`);
  }

  // RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0; the server may cap count.
  // Past any possible result set an index only means "an empty page"; keep it an exact integer.
  const startIndex = Math.min(MAX_START_INDEX, Math.max(1, q['startindex'] !== undefined ? integer('startIndex', q['startindex']) : 1));
  const requested = q['count'] !== undefined ? integer('count', q['count']) : paging.defaultCount;
  const count = Math.min(Math.max(0, requested), paging.maxCount);

  const projection: { attributes?: string; excludedAttributes?: string } = {};
  if (q['attributes'] !== undefined) projection.attributes = q['attributes'];
  if (q['excludedattributes'] !== undefined) projection.excludedAttributes = q['excludedattributes'];

  const params: { -readonly [K in keyof ListParams]: ListParams[K] } = { descending: order === 'descending', startIndex, count, projection };
  if (filter) params.filter = filter;
  if (sortBy) params.sortBy = sortBy;
  return params;
}

export function listResponse(totalResults: number, startIndex: number, resources: JsonObject[]): JsonObject {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
