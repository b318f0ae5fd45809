/** How the activity log, the audit trail and connection health read in the panel: words, tones and short texts. */
import { CONNECTION_LABELS, isConnectionName } from '../../contract/connections';
import type { StatusClass } from '../../contract/choices';
import type { AuditAction, ConnectionStatus, HealthState, MemberDelta, RequestLogRetention } from '../../contract/model';
import type { Tone } from './components/Badge';
import { formatNumber, plural } from './format';

/** Which of its connection's tokens authenticated a request (ActivitySummary.token). */
export const TOKEN_LABELS: Record<'current' | 'previous', string> = {
  current: 'Current token (at the time)',
  previous: 'Previous token, during a rotation overlap',
};

/** The source of records the simulator made: `<connection>-simulated`. */
const SIMULATED_SUFFIX = '-simulated';

/** "Okta", "Microsoft Entra ID": never the internal name. */
export function connectionLabel(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  if (isConnectionName(name)) return CONNECTION_LABELS[name];
  // "Okta (simulated)": records the simulator created, never a real IdP's.
  if (name.endsWith(SIMULATED_SUFFIX)) {
    const base = name.slice(0, -SIMULATED_SUFFIX.length);
    if (isConnectionName(base)) return `${CONNECTION_LABELS[base]} (simulated)`;
  }
  return name;
}

export function statusClass(status: number): StatusClass {
  return status >= 500 ? 'server-error' : status >= 400 ? 'client-error' : 'success';
}

export const STATUS_CLASS_LABELS: Readonly<Record<StatusClass, string>> = {
  success: 'Success',
  'client-error': 'Client error',
  'server-error': 'Server error',
};

export const STATUS_CLASS_TONES: Readonly<Record<StatusClass, Tone>> = {
  success: 'success',
  'client-error': 'warning',
  'server-error': 'danger',
};

export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  create: 'Created',
  update: 'Updated',
  deactivate: 'Deactivated',
  reactivate: 'Reactivated',
  members: 'Members',
  delete: 'Deleted',
};

export const AUDIT_ACTION_TONES: Readonly<Record<AuditAction, Tone>> = {
  create: 'success',
  update: 'info',
  deactivate: 'warning',
  reactivate: 'success',
  members: 'info',
  delete: 'danger',
};

/** A field value in a diff: text as is, anything else as JSON; absent reads "(none)". */
export function showValue(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function names(count: number, sample: readonly string[]): string {
  const shown = sample.slice(0, count);
  const more = count - shown.length;
  if (shown.length === 0) return '';
  return `: ${shown.join(', ')}${more > 0 ? `, … and ${formatNumber(more)} more` : ''}`;
}

/** "+194 members: alice, bob, … and 189 more" and "−3 members: …", one line each. */
export function memberDeltaLines(m: MemberDelta): string[] {
  const lines: string[] = [];
  if (m.added > 0) lines.push(`+${plural(m.added, 'member')}${names(m.added, m.addedSample)}`);
  if (m.removed > 0) lines.push(`−${plural(m.removed, 'member')}${names(m.removed, m.removedSample)}`);
  if (lines.length === 0) lines.push('No member added or removed');
  return lines;
}

function days(n: number): string {
  return plural(n, 'day');
}

/** The retention in force, as one sentence. */
export function retentionSentence(r: RequestLogRetention): string {
  return (
    `Successful requests are kept for ${days(r.successes.maxAgeDays)} (at most ${formatNumber(r.successes.maxEntries)}), ` +
    `errors for ${days(r.errors.maxAgeDays)} (at most ${formatNumber(r.errors.maxEntries)}), ` +
    `requests refused without a valid token for ${days(r.unauthenticated.maxAgeDays)} (at most ${formatNumber(r.unauthenticated.maxEntries)} addresses); ` +
    `a user's or group's change history is kept for its life and ${days(r.auditDaysAfterDelete)} after it is deleted.`
  );
}

export const HEALTH_LABELS: Readonly<Record<HealthState, string>> = {
  idle: 'No recent requests',
  ok: 'Working',
  failing: 'Failing',
  'old-token': 'Old token',
  disabled: 'Called while disabled',
  'needs-token': 'Needs a new token',
};

export const HEALTH_TONES: Readonly<Record<HealthState, Tone>> = {
  idle: 'neutral',
  ok: 'success',
  failing: 'danger',
  'old-token': 'danger',
  disabled: 'warning',
  'needs-token': 'danger',
};

/**
 * One badge for a connection: its switch and how its requests go. Enabled and working reads
 * green; enabled but failing or sending an old token never reads plain "Enabled".
 */
export function connectionState(c: ConnectionStatus): { label: string; tone: Tone } {
  const h = c.health.state;
  // Off with a token: set up, only switched off ("paused", as its page says), not never set up.
  const off = c.hasToken ? 'Paused' : 'Disabled';
  if (!c.enabled) return h === 'disabled' ? { label: `${off} · still called`, tone: 'warning' } : { label: off, tone: 'neutral' };
  if (h === 'failing') return { label: 'Enabled · failing', tone: 'danger' };
  if (h === 'old-token') return { label: 'Enabled · old token', tone: 'danger' };
  if (h === 'needs-token') return { label: 'Enabled · needs a new token', tone: 'danger' };
  if (h === 'ok') return { label: 'Enabled · working', tone: 'success' };
  return { label: 'Enabled · idle', tone: 'neutral' };
}
