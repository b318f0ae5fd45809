/** Text rules shared by input validation, filters and the store's indexes. */

/** Text that UTF-8 cannot carry faithfully (SQLite would store U+FFFD in its place). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** The one case-folding rule for `caseExact: false` attributes, shared by JS evaluation, SQL and indexes. */
export function foldCase(value: string): string {
  return value.toLowerCase();
}

/** Canonical form of a dateTime for comparisons: ISO 8601 UTC with milliseconds, as meta timestamps are stored. */
export function normalizeDateTime(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
