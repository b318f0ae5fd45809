/**
 * Prepared statements for SQL text that varies with the request (filters, sort orders).
 * Preparing costs tens of microseconds; IdPs repeat the same few shapes (`userName eq ?`),
 * so a small least-recently-used cache keeps them prepared.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

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
