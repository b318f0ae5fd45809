/** Human-readable dates, times, numbers and durations, in the user's locale. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeShort = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const timeWithSeconds = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const monthDayYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const number = new Intl.NumberFormat();

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Nov 28, 2025, 7:53 PM" */
export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? dateTime.format(d) : '—';
}

/** For tooltips: the full date and time with the time zone. */
export function formatFull(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? full.format(d) : '';
}

/**
 * A moment in a table cell, as short as stays unambiguous: "7:53 PM" today, "Nov 28, 7:53 PM"
 * this year, "Nov 28, 2025, 7:53 PM" before (the tooltip gives the full date, see formatFull).
 */
export function formatWhen(iso: string | null | undefined, now: number): string {
  const d = parse(iso);
  if (!d) return '—';
  const today = new Date(now);
  if (d.getFullYear() !== today.getFullYear()) return dateTime.format(d);
  const sameDay = d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? timeShort.format(d) : `${monthDay.format(d)}, ${timeShort.format(d)}`;
}

/** A log timestamp: the time with seconds, prefixed with the day when not today. */
export function formatLogTime(iso: string, now: number): string {
  const d = parse(iso);
  if (!d) return '—';
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? timeWithSeconds.format(d) : `${monthDay.format(d)}, ${timeWithSeconds.format(d)}`;
}

/** A log timestamp that always names the day: "Dec 5, 7:48:40 AM" (with the year when not this year). */
export function formatLogDateTime(iso: string | null | undefined, now: number = Date.now()): string {
  const d = parse(iso);
  if (!d) return '—';
  const day = d.getFullYear() === new Date(now).getFullYear() ? monthDay.format(d) : monthDayYear.format(d);
  return `${day}, ${timeWithSeconds.format(d)}`;
}

/** "just now", "3 min ago", "5 h ago", "yesterday", "4 days ago", then the date; "in 12 s" for the future. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  const d = parse(iso);
  if (!d) return '—';
  const seconds = Math.round((d.getTime() - now) / 1000);
  if (seconds > 0) {
    if (seconds < 60) return `in ${seconds} s`;
    if (seconds < 3600) return `in ${Math.round(seconds / 60)} min`;
    return `at ${dateTime.format(d)}`;
  }
  const ago = -seconds;
  if (ago < 45) return 'just now';
  if (ago < 3600) return `${Math.max(1, Math.round(ago / 60))} min ago`;
  if (ago < 86_400) return `${Math.round(ago / 3600)} h ago`;
  const days = Math.round(ago / 86_400);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return dateOnly.format(d);
}

/** Time left until a moment: "in 58 min" (up to two hours), then "in 23 h"; "now" once passed. */
export function formatCountdown(iso: string, now: number): string {
  const d = parse(iso);
  if (!d) return '—';
  const seconds = Math.round((d.getTime() - now) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 60) return `in ${seconds} s`;
  if (seconds < 7200) return `in ${Math.round(seconds / 60)} min`;
  return `in ${Math.round(seconds / 3600)} h`;
}

export function formatNumber(n: number): string {
  return number.format(n);
}

export function formatDuration(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "1 user", "3 groups" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
