/** Text rules shared by input validation, filters and the store's indexes. */

/** Text that UTF-8 cannot carry faithfully (SQLite would store U+FFFD in its place). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** The one case-folding rule for `caseExact: false` attributes, shared by JS evaluation, SQL and indexes. */
export function foldCase(value: string): string {
  return value.toLowerCase();
}

/**
 * Letters Unicode does not decompose into a base letter plus accent (so NFKD leaves them), read
 * as people type them on a keyboard without them.
 */
const UNDECOMPOSED: Readonly<Record<string, string>> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'n' };
const UNDECOMPOSED_LETTER = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'g');

/**
 * The panel's search rule, looser than `foldCase` (which SCIM filters and uniqueness use and
 * must keep "Åsa" and "Asa" apart): case and accents both go, so "angstrom" finds "Ångström"
 * and "Ångström" finds "Angstrom". Applied to the stored search columns and to the typed text.
 */
export function foldForSearch(value: string): string {
  // NFKD before lower-casing too: compatibility letters ("ᴬ", "ϒ") decompose to capitals.
  return foldCase(value.normalize('NFKD'))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(UNDECOMPOSED_LETTER, (c) => UNDECOMPOSED[c]!);
}

/** Canonical form of a dateTime for comparisons: ISO 8601 UTC with milliseconds, as meta timestamps are stored. */
export function normalizeDateTime(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
