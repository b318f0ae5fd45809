/**
 * Prepared statements for SQL text that varies with the request (filters, sort orders).
 * Preparing costs tens of microseconds; IdPs repeat the same few shapes (`userName eq ?`),
 * so a small least-recently-used cache keeps them prepared.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

/**
 * LIMIT/OFFSET for a bound page size. SQLite's planner peeks at a bare `LIMIT ?` value, which
 * marks the statement to be re-prepared whenever that parameter is bound: about 12 µs on every
 * run, three times the cost of a userName lookup. Behind a CAST the value is not peeked.
 */
export const LIMIT_OFFSET = 'LIMIT CAST(? AS INTEGER) OFFSET ?';
export const LIMIT = 'LIMIT CAST(? AS INTEGER)';

export class StatementCache {
  private readonly entries = new Map<string, Statement<unknown[], unknown>>();

  constructor(
    private readonly db: Db,
    private readonly capacity: number,
  ) {}

  get<R>(sql: string): Statement<unknown[], R> {
    let stmt = this.entries.get(sql);
    if (stmt) {
      this.entries.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(sql, stmt);
    return stmt as Statement<unknown[], R>;
  }
}
