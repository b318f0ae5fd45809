/**
 * Resolves attribute paths as clients write them (any case, with or without a schema URN)
 * to the schema's definitions and to the key path where the value lives in a stored resource.
 */
import type { AttrPath } from './filter-parser';
import {
  type AttributeDef,
  type ResourceTypeName,
  RESOURCE_TYPES,
  coreAttributesOf,
  extensionOf,
  findAttribute,
  schemaById,
} from './schema';

export interface ResolvedAttr {
  /** Canonical URN of the extension holding the attribute; undefined for core and common attributes. */
  readonly extension?: string;
  readonly def: AttributeDef;
  readonly sub?: AttributeDef;
  /** Keys leading to the value in the resource JSON, canonical case. */
  readonly keys: readonly string[];
}

export type PathTarget =
  | { readonly kind: 'attribute'; readonly attr: ResolvedAttr }
  /** The whole extension object, e.g. path "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User". */
  | { readonly kind: 'extension'; readonly urn: string };

function withSub(base: { extension?: string; def: AttributeDef }, subName: string | undefined, keys: string[]): ResolvedAttr | undefined {
  if (subName === undefined) return { ...base, keys };
  const sub = findAttribute(base.def.subAttributes, subName);
  if (!sub) return undefined;
  return { ...base, sub, keys: [...keys, sub.name] };
}

/**
 * Whether a path names the resource's `schemas` (bare or under the core schema's URN). The
 * server writes that list from the extensions a resource carries; it is never client data.
 */
export function isSchemasPath(type: ResourceTypeName, path: AttrPath): boolean {
  return path.attr.toLowerCase() === 'schemas' && path.sub === undefined && (path.urn === undefined || path.urn.toLowerCase() === RESOURCE_TYPES[type].schema.toLowerCase());
}

/** Resolves a path to an attribute or a whole extension; undefined when the schema has no such attribute. */
export function resolvePath(type: ResourceTypeName, path: AttrPath): PathTarget | undefined {
  if (path.urn !== undefined) {
    const whole = `${path.urn}:${path.attr}`;
    const ext = extensionOf(type, whole);
    if (ext && path.sub === undefined) return { kind: 'extension', urn: ext };
    const core = RESOURCE_TYPES[type].schema;
    if (path.urn.toLowerCase() === core.toLowerCase()) {
      return resolvePath(type, { attr: path.attr, ...(path.sub !== undefined ? { sub: path.sub } : {}) });
    }
    const extUrn = extensionOf(type, path.urn);
    if (!extUrn) return undefined;
    const def = findAttribute(schemaById(extUrn)?.attributes, path.attr);
    if (!def) return undefined;
    const attr = withSub({ extension: extUrn, def }, path.sub, [extUrn, def.name]);
    return attr && { kind: 'attribute', attr };
  }
  const def = findAttribute(coreAttributesOf(type), path.attr);
  if (!def) return undefined;
  const attr = withSub({ def }, path.sub, [def.name]);
  return attr && { kind: 'attribute', attr };
}

/** Resolves a path relative to an element of a multi-valued complex attribute (inside `[...]`). */
export function resolveSubPath(parent: ResolvedAttr, path: AttrPath): ResolvedAttr | undefined {
  if (path.urn !== undefined || path.sub !== undefined) return undefined;
  const sub = findAttribute(parent.def.subAttributes, path.attr);
  if (!sub) return undefined;
  return { def: sub, keys: [sub.name] };
}

export function describePath(path: AttrPath): string {
  return `${path.urn !== undefined ? `${path.urn}:` : ''}${path.attr}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}

/** The definition the value at this path must satisfy (the sub-attribute's when there is one). */
export function leafDef(attr: ResolvedAttr): AttributeDef {
  return attr.sub ?? attr.def;
}

/**
 * Keys for a path this server's schemas do not define, as written by the client. An unknown
 * URN path is either a whole extension (`urn:acme:1.0:User`, kept under that key) or an
 * attribute inside one (`urn:acme:1.0:User:badge`, kept nested under its URN, RFC 7644 §3.10).
 */
export function unknownKeyPath(path: AttrPath, existing: readonly string[], wholeIfNew: boolean): string[] {
  const find = (key: string): string | undefined => existing.find((k) => k.toLowerCase() === key.toLowerCase());
  if (path.urn === undefined) {
    const head = find(path.attr) ?? path.attr;
    return path.sub !== undefined ? [head, path.sub] : [head];
  }
  const whole = `${path.urn}:${path.attr}`;
  const wholeKey = find(whole);
  const urnKey = find(path.urn);
  if (path.sub === undefined && (wholeKey !== undefined || (urnKey === undefined && wholeIfNew))) return [wholeKey ?? whole];
  return [urnKey ?? path.urn, path.attr, ...(path.sub !== undefined ? [path.sub] : [])];
}
