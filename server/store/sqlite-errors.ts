/**
 * What a SQLite error means for the caller, so that no layer above the store needs to know
 * SQLite's error codes. better-sqlite3 throws a SqliteError whose `code` is SQLite's extended
 * result code name (SQLITE_BUSY, SQLITE_CONSTRAINT_UNIQUE…).
 */

/**
 * busy: another connection holds the write lock past the busy timeout, try again shortly;
 * rejected-value: a CHECK constraint refused the value (the data columns must hold valid JSON);
 * disk-full: the disk (or the database's size limit) has no room for the write — nothing of it
 * was kept, and the same write succeeds once space is freed.
 */
export type StoreFailure = 'busy' | 'rejected-value' | 'disk-full';

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The kind of a store failure a client can be told about, or undefined for anything else. */
export function storeFailureOf(err: unknown): StoreFailure | undefined {
  switch (codeOf(err)) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'busy';
    case 'SQLITE_CONSTRAINT_CHECK':
      return 'rejected-value';
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR_WRITE':
    case 'SQLITE_IOERR_FSYNC':
    case 'SQLITE_IOERR_SHMSIZE':
      return 'disk-full';
    default:
      return undefined;
  }
}

/** True when an error is SQLite's unique-constraint failure on `table.column`. */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return codeOf(err) === 'SQLITE_CONSTRAINT_UNIQUE' && (column === undefined || (typeof message === 'string' && message.includes(column)));
}
