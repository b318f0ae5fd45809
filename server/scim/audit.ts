/**
 * What a write changed, for the audit trail: a field-by-field diff of a resource's attributes
 * (before → after), redacted, with every value kept short, and the one-line summary people read
 * ("active: true → false", "+194 members", "3 fields changed").
 *
 * Pure functions over JSON: the store writes what they return in the write's own transaction.
 */
import { REDACTED, isSecretKey, redact } from './redact';
import { type JsonObject, isObject } from './resource';

/** One attribute's value before and after (undefined: absent). Same shape as contract/model's FieldChange. */
export interface FieldChange {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface MemberDelta {
  readonly added: number;
  readonly removed: number;
  readonly addedSample: readonly string[];
  readonly removedSample: readonly string[];
}

export type AuditAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'members' | 'delete';

/** A value's JSON longer than this is kept as a description ("12 values", "2 400 characters"). */
const MAX_VALUE_CHARS = 512;
/** At most this many fields are listed per change (a PUT can rewrite anything). */
const MAX_FIELDS = 50;
/** How many member userNames a membership change keeps by name. */
export const MEMBER_SAMPLE = 5;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A field name people can read: the enterprise extension's attributes as "enterprise.department". */
function fieldName(key: string, parent?: string): string {
  const own = key === ENTERPRISE ? 'enterprise' : key;
  return parent === undefined ? own : `${parent}.${own}`;
}

function short(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text === undefined || text.length <= MAX_VALUE_CHARS) return value;
  if (Array.isArray(value)) return `(${value.length} values, too long to keep)`;
  if (typeof value === 'string') return `${value.slice(0, MAX_VALUE_CHARS)}… (${value.length} characters)`;
  return `(${text.length} characters, too long to keep)`;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value as the trail keeps it: a secret-named attribute as "[redacted]", secrets inside redacted, long values described. */
function kept(key: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (isSecretKey(key)) return REDACTED;
  return short(typeof value === 'object' && value !== null ? redact(value) : value);
}

/**
 * The attributes that differ between two versions of a resource. Complex singular attributes
 * (name, the enterprise extension and its manager) are compared one level down, so a changed
 * given name reads "name.givenName", not the whole name; multi-valued ones (emails, groups) as a
 * whole. Secrets (password…) read "[redacted]" on both sides, and say that they changed. Only
 * the values that changed are redacted and measured: a PUT that changes one field of a large
 * user costs a comparison per attribute, not a copy of both versions.
 */
export function diffAttributes(before: JsonObject, after: JsonObject, parent?: string, out: FieldChange[] = []): FieldChange[] {
  const visit = (key: string, a: unknown, b: unknown): void => {
    if (key === 'schemas' || out.length >= MAX_FIELDS || same(a, b)) return;
    if (parent === undefined && !isSecretKey(key) && isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
      diffAttributes(a as JsonObject, b as JsonObject, fieldName(key), out);
      return;
    }
    out.push({ field: fieldName(key, parent), before: kept(key, a), after: kept(key, b) });
  };
  for (const key of Object.keys(before)) visit(key, before[key], after[key]);
  for (const key of Object.keys(after)) if (!(key in before)) visit(key, undefined, after[key]);
  return out;
}

/** A create: every attribute as it was set. */
export function createdFields(attributes: JsonObject): FieldChange[] {
  return diffAttributes({}, attributes);
}

/** Deactivate/reactivate when `active` flipped, else update. */
export function updateAction(changes: readonly FieldChange[]): AuditAction {
  const active = changes.find((c) => c.field === 'active');
  if (active?.after === false && active.before !== false) return 'deactivate';
  if (active?.after === true && active.before === false) return 'reactivate';
  return 'update';
}

/** A before/after value as one line reads it: "(none)" when absent, strings as they are, the rest as JSON. */
export function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "1 member", "1,204 members". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The one line an audit entry reads as. */
export function auditSummary(action: AuditAction, changes: readonly FieldChange[], members: MemberDelta | null): string {
  const parts: string[] = [];
  if (action === 'create') parts.push('Created');
  else if (action === 'delete') parts.push('Deleted');
  else if (changes.length === 1) {
    const [c] = changes;
    parts.push(`${c!.field}: ${shown(c!.before)} → ${shown(c!.after)}`);
  } else if (changes.length > 1) parts.push(`${count(changes.length, 'field')} changed (${changes.slice(0, 3).map((c) => c.field).join(', ')}${changes.length > 3 ? ', …' : ''})`);
  if (members && (members.added || members.removed)) {
    const m: string[] = [];
    if (members.added) m.push(`+${count(members.added, 'member')}`);
    if (members.removed) m.push(`−${count(members.removed, 'member')}`);
    parts.push(m.join(', '));
  }
  if (action === 'create' && members?.added) return `Created with ${count(members.added, 'member')}`;
  return parts.join('; ') || 'No change';
}
