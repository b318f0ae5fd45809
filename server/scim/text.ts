/** Text rules shared by input validation and filters. */

/** Text that UTF-8 cannot carry faithfully (SQLite would store U+FFFD in its place). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
