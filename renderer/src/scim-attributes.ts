/**
 * A SCIM resource as a readable attribute list: nested attributes as dotted paths
 * (name.givenName), multi-valued ones one line per value with their qualifiers
 * ("ada@acme.example · work · primary"), extensions in their own sections.
 */

export interface AttributeRow {
  readonly path: string;
  readonly value: string;
  /** A user id this value refers to (the enterprise manager). */
  readonly userRef?: string;
}

export interface AttributeSection {
  readonly title: string;
  readonly rows: readonly AttributeRow[];
}

/** Shown elsewhere in the detail pane, or protocol plumbing. */
const SKIPPED = new Set(['schemas', 'meta', 'id', 'groups', 'members', 'password']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

const QUALIFIERS = new Set(['type', 'primary', 'display']);

/** One value of a multi-valued attribute: its value (or its sub-attributes), then its qualifiers. */
function multiValue(item: Record<string, unknown>): string {
  const main =
    item.value ??
    item.display ??
    (item.formatted as string | undefined) ??
    Object.entries(item)
      .filter(([k, v]) => !QUALIFIERS.has(k) && (typeof v === 'string' || typeof v === 'number'))
      .map(([, v]) => String(v))
      .join(', ');
  const qualifiers: string[] = [];
  if (typeof item.type === 'string') qualifiers.push(item.type);
  if (item.primary === true) qualifiers.push('primary');
  if (typeof item.display === 'string' && item.display !== main) qualifiers.push(item.display);
  return [scalar(main), ...qualifiers].join(' · ');
}

function flatten(value: unknown, path: string, rows: AttributeRow[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      rows.push({ path, value: '(none)' });
      return;
    }
    value.forEach((item, i) => {
      const simple = isRecord(item) && Object.values(item).every((v) => v === null || typeof v !== 'object');
      if (isRecord(item) && simple) rows.push({ path, value: multiValue(item) });
      else if (isRecord(item)) flatten(item, `${path}[${i}]`, rows);
      else rows.push({ path, value: scalar(item) });
    });
    return;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) rows.push({ path, value: '{}' });
    for (const key of keys) {
      const child = value[key];
      const childPath = path ? `${path}.${key}` : key;
      if (key === 'value' && path.endsWith('manager') && typeof child === 'string') rows.push({ path: childPath, value: child, userRef: child });
      else flatten(child, childPath, rows);
    }
    return;
  }
  rows.push({ path, value: scalar(value) });
}

/** "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User" → "Enterprise User extension". */
export function extensionTitle(urn: string): string {
  const m = /extension:([^:]+):[^:]*:([^:]+)$/i.exec(urn);
  if (!m) return urn;
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(m[1] ?? '')} ${cap(m[2] ?? '')} extension`;
}

export function attributeSections(resource: unknown): AttributeSection[] {
  if (!isRecord(resource)) return [];
  const core: AttributeRow[] = [];
  const extensions: AttributeSection[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (SKIPPED.has(key)) continue;
    if (key.toLowerCase().startsWith('urn:')) {
      const rows: AttributeRow[] = [];
      flatten(value, '', rows);
      extensions.push({ title: extensionTitle(key), rows });
    } else {
      flatten(value, key, core);
    }
  }
  return [{ title: 'Core attributes', rows: core }, ...extensions];
}
