/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a
 * response carries. `id` and `schemas` are always returned; `password` never is (it is never
 * stored). Names a schema does not define are matched as written, so unknown extension data
 * can be asked for too.
 */
import { resolvePath, unknownKeyPath } from './attributes';
import { type AttrPath, parseAttrList } from './filter-parser';
import { isObject, type JsonObject } from './resource';
import type { ResourceTypeName } from './schema';

export interface Projection {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

/** A key path in the resource JSON: [attr] | [attr, sub] | [urn] | [urn, attr] | [urn, attr, sub]. */
type KeyPath = readonly string[];

const ALWAYS = new Set(['id', 'schemas']);

function keyPathOf(type: ResourceTypeName, path: AttrPath, resourceKeys: readonly string[]): KeyPath {
  const target = resolvePath(type, path);
  if (target?.kind === 'extension') return [target.urn];
  if (target?.kind === 'attribute') return target.attr.keys;
  // Not in our schemas: match the name as the client wrote it (kept unknown data).
  return unknownKeyPath(path, resourceKeys, false);
}

function keyPaths(type: ResourceTypeName, list: string | undefined, resourceKeys: readonly string[] = []): KeyPath[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  return parseAttrList(list).map((p) => keyPathOf(type, p, resourceKeys));
}

function findKey(obj: JsonObject, key: string): string | undefined {
  if (key in obj) return key;
  const wanted = key.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === wanted);
}

function pick(source: JsonObject, target: JsonObject, path: KeyPath): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const key = findKey(source, head);
  if (key === undefined) return;
  const value = source[key]!;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  if (Array.isArray(value)) {
    // A sub-attribute of a multi-valued attribute: keep that sub-attribute of every element.
    const sub = rest[0]!;
    const prev = Array.isArray(target[key]) ? (target[key] as JsonObject[]) : value.map(() => ({}));
    target[key] = value.map((el, i) => {
      const into = isObject(prev[i]) ? { ...prev[i] } : {};
      if (isObject(el)) pick(el, into, [sub]);
      return into;
    });
    return;
  }
  if (!isObject(value)) return;
  const into = isObject(target[key]) ? (target[key] as JsonObject) : {};
  pick(value, into, rest);
  if (Object.keys(into).length) target[key] = into;
}

function drop(obj: JsonObject, path: KeyPath): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const key = findKey(obj, head);
  if (key === undefined || (ALWAYS.has(key) && rest.length === 0)) return;
  if (rest.length === 0) {
    delete obj[key];
    return;
  }
  const value = obj[key];
  if (Array.isArray(value)) value.forEach((el) => isObject(el) && drop(el, rest));
  else if (isObject(value)) drop(value, rest);
}

/** Applies the projection to a full resource (mutating a copy) and returns it. */
export function project(type: ResourceTypeName, resource: JsonObject, projection: Projection): JsonObject {
  // Most requests ask for no projection: return before listing the resource's keys (twice).
  if (projection.attributes === undefined && projection.excludedAttributes === undefined) return resource;
  const include = keyPaths(type, projection.attributes, Object.keys(resource));
  if (include) {
    const out: JsonObject = {};
    for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key]!;
    for (const path of include) pick(resource, out, path);
    // Keep the response's key order stable (schemas, id, … meta).
    const ordered: JsonObject = {};
    for (const key of Object.keys(resource)) if (key in out) ordered[key] = out[key]!;
    return ordered;
  }
  const exclude = keyPaths(type, projection.excludedAttributes, Object.keys(resource));
  if (!exclude) return resource;
  const out = structuredClone(resource);
  for (const path of exclude) drop(out, path);
  return out;
}

/** Whether a response under this projection contains the top-level attribute `name` (e.g. members). */
export function includesAttribute(type: ResourceTypeName, projection: Projection, name: string): boolean {
  const include = keyPaths(type, projection.attributes);
  if (include) return include.some((p) => p[0]?.toLowerCase() === name.toLowerCase());
  const exclude = keyPaths(type, projection.excludedAttributes);
  return !exclude?.some((p) => p.length === 1 && p[0]?.toLowerCase() === name.toLowerCase());
}
