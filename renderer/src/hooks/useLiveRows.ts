import { useState } from 'react';

/**
 * Rows that stay put while the data under them changes: the one mechanism behind the live lists
 * (Users, Groups, Activity). Events refetch a list every ~200 ms during an import; showing each
 * answer as it comes would move the row a person is about to click. So:
 * - the same rows in the same order (only values changed) are shown at once, in place: no row
 *   moves (cells are one line high, so a new value cannot move the rows below);
 * - rows added, removed or reordered wait while `hold` is true: the shown rows stay, and
 *   `waiting` says how many are new (0 when the list only changed), for a "N new — show" bar;
 *   `show()` (the bar) puts them in;
 * - what the person asks for (another page, sort, search: another `key`) is shown at once.
 * A list that grows at its end by the person's own doing ("Load older") keeps its shown rows
 * and gains the older ones, when `newer` tells the list's order.
 */
export interface LiveRowsInput<T> {
  /** What the rows answer (query, sort, page…): a new key shows its rows at once. */
  readonly key: string;
  /** The freshest rows, undefined while none have loaded. */
  readonly rows: readonly T[] | undefined;
  /** False while `rows` are not yet this key's current answer (see settledOf). */
  readonly settled: boolean;
  readonly idOf: (row: T) => string;
  /** Whether added, removed or reordered rows must wait (a pointer over the list, an open row, Pause…). */
  readonly hold: boolean;
  /** The server's count of all matching rows, when the list is paged: its growth counts as new. */
  readonly total?: number;
  /** For a newest-first list: whether `a` is newer than `b` (new rows are those above the first shown). */
  readonly newer?: (a: T, b: T) => boolean;
}

export interface LiveRows<T> {
  /** What to show. */
  readonly rows: readonly T[] | undefined;
  /** Null: nothing waits. Otherwise how many new rows wait (0: rows were only removed or reordered). */
  readonly waiting: number | null;
  /** Puts the waiting rows in. */
  readonly show: () => void;
}

/**
 * Whether a query's rows answer its key as of now: not a placeholder (the previous key's rows
 * while this key's load), and not a cached answer from before the list was opened that is being
 * fetched again (entering a screen shows its current rows, not "N new" over old ones).
 */
export function settledOf(query: { isPlaceholderData: boolean; isFetchedAfterMount: boolean; isStale: boolean }): boolean {
  return !query.isPlaceholderData && (query.isFetchedAfterMount || !query.isStale);
}

interface Shown<T> {
  readonly key: string;
  readonly rows: readonly T[];
  readonly total: number | undefined;
  readonly settled: boolean;
}

function sameOrder<T>(a: readonly T[], b: readonly T[], idOf: (row: T) => string): boolean {
  return a.length === b.length && a.every((row, i) => idOf(row) === idOf(b[i]!));
}

/** How many of `fresh` are new compared with `shown`: by order when known, else by id and by the total's growth. */
function countNew<T>(shown: Shown<T>, fresh: readonly T[], input: LiveRowsInput<T>): number {
  const first = shown.rows[0];
  if (input.newer && first !== undefined) return fresh.filter((row) => input.newer!(row, first)).length;
  const ids = new Set(shown.rows.map(input.idOf));
  const onPage = fresh.filter((row) => !ids.has(input.idOf(row))).length;
  const grown = input.total !== undefined && shown.total !== undefined ? input.total - shown.total : 0;
  // Fewer rows in all: some were removed, and what slid onto this page is not new.
  return grown < 0 ? 0 : Math.max(onPage, grown);
}

export function useLiveRows<T>(input: LiveRowsInput<T>): LiveRows<T> {
  const { key, rows, settled, idOf, hold, total, newer } = input;
  const [shown, setShown] = useState<Shown<T> | null>(null);
  // Once this key's rows have settled they stay so: a refetch that makes the query stale again
  // does not make the list a fresh load.
  const latched = settled || (shown !== null && shown.key === key && shown.settled);
  const adopt = (next: readonly T[]): Shown<T> => ({ key, rows: next, total, settled: latched });

  let next: Shown<T> | null = shown;
  if (rows === undefined) next = null;
  else if (shown === null || shown.key !== key || !shown.settled || shown.rows.length === 0 || !hold || sameOrder(shown.rows, rows, idOf)) {
    if (shown?.rows !== rows || shown.key !== key || shown.settled !== latched || shown.total !== total) next = adopt(rows);
  } else if (newer) {
    // Held, in a known order: rows older than the last shown one were asked for (Load older).
    const last = shown.rows[shown.rows.length - 1]!;
    const older = rows.filter((row) => newer(last, row));
    if (older.length > 0) next = { ...shown, rows: [...shown.rows, ...older] };
  }
  // Set while rendering (React re-renders at once with it), so the changed rows never flash.
  if (next !== shown) setShown(next);

  const current = next;
  const waiting = current !== null && rows !== undefined && current.rows !== rows && !sameOrder(current.rows, rows, idOf) ? countNew(current, rows, input) : null;
  // For a newest-first list, rows that are only older (loaded by the person) are not waiting.
  const reallyWaiting = newer && waiting === 0 ? null : waiting;
  return {
    rows: current?.rows,
    waiting: reallyWaiting,
    show: () => {
      if (rows !== undefined) setShown(adopt(rows));
    },
  };
}
