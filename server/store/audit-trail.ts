/**
 * The audit trail: one row per change to a user or group, inserted inside the change's own
 * transaction (so it exists exactly when the change does), never evicted by traffic. A
 * record's entries stay for its life and `daysAfterDelete` days after it is deleted.
 */
import type { AuditAction, FieldChange, MemberDelta } from '../scim/audit';
import type { ResourceTypeName } from '../scim/schema';
import type { Db } from './database';

/** Which record a trail belongs to: its type, internal key and id (keys are reused after a delete, ids never). */
export interface AuditKey {
  readonly type: ResourceTypeName;
  readonly seq: number;
  readonly id: string;
}

export interface AuditInput {
  readonly at: string;
  readonly connection: string | null;
  readonly resourceType: ResourceTypeName;
  /** The record's internal key (the trail's index is on it). */
  readonly resourceSeq: number;
  readonly resourceId: string;
  readonly target: string;
  readonly action: AuditAction;
  readonly summary: string;
  readonly changes: readonly FieldChange[];
  readonly members: MemberDelta | null;
}

export interface AuditRecord extends AuditInput {
  readonly seq: number;
}

export interface AuditHistory {
  /** Oldest first: the first entry (the Create), then the newest ones. */
  readonly entries: AuditRecord[];
  readonly omitted: number;
}

interface Row {
  seq: number;
  at: string;
  connection: string | null;
  resource_type: ResourceTypeName;
  resource_seq: number;
  resource_id: string;
  target: string;
  action: AuditAction;
  summary: string;
  changes: string | null;
  members: string | null;
}

export const DEFAULT_AUDIT_DAYS_AFTER_DELETE = 90;

function toRecord(r: Row): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    connection: r.connection,
    resourceType: r.resource_type,
    resourceSeq: r.resource_seq,
    resourceId: r.resource_id,
    target: r.target,
    action: r.action,
    summary: r.summary,
    changes: r.changes ? (JSON.parse(r.changes) as FieldChange[]) : [],
    members: r.members ? (JSON.parse(r.members) as MemberDelta) : null,
  };
}

const OF_RECORD = 'resource_type = ? AND resource_seq = ? AND resource_id = ?';
type KeyParams = [ResourceTypeName, number, string];
const params = (k: AuditKey): KeyParams => [k.type, k.seq, k.id];

export class AuditTrail {
  private readonly insertStmt;
  private readonly firstStmt;
  private readonly newestStmt;
  private readonly countStmt;
  private readonly allStmt;
  private readonly expiredStmt;
  private readonly deleteStmt;
  private readonly deletedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<(string | number | null)[]>(
      'INSERT INTO audit (at, connection, resource_type, resource_seq, resource_id, target, action, summary, changes, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.firstStmt = db.prepare<KeyParams, Row>(`SELECT * FROM audit WHERE ${OF_RECORD} ORDER BY seq LIMIT 1`);
    this.newestStmt = db.prepare<[...KeyParams, number], Row>(`SELECT * FROM audit WHERE ${OF_RECORD} ORDER BY seq DESC LIMIT ?`);
    this.countStmt = db.prepare<KeyParams, number>(`SELECT count(*) FROM audit WHERE ${OF_RECORD}`).pluck();
    this.allStmt = db.prepare<KeyParams, Row>(`SELECT * FROM audit WHERE ${OF_RECORD} ORDER BY seq`);
    this.expiredStmt = db.prepare<[string], { resource_type: ResourceTypeName; resource_seq: number; resource_id: string }>(
      `SELECT resource_type, resource_seq, resource_id FROM audit WHERE action = 'delete' AND at < ?`,
    );
    this.deleteStmt = db.prepare<KeyParams>(`DELETE FROM audit WHERE ${OF_RECORD}`);
    this.deletedStmt = db.prepare<[string, string], { resource_seq: number; resource_id: string }>(
      `SELECT resource_seq, resource_id FROM audit WHERE action = 'delete' AND at >= '' AND resource_type = ? AND target = ? COLLATE NOCASE ORDER BY at DESC LIMIT 1`,
    );
  }

  /** Call inside the change's transaction. */
  record(e: AuditInput): void {
    this.insertStmt.run(
      e.at,
      e.connection,
      e.resourceType,
      e.resourceSeq,
      e.resourceId,
      e.target,
      e.action,
      e.summary,
      e.changes.length ? JSON.stringify(e.changes) : null,
      e.members ? JSON.stringify(e.members) : null,
    );
  }

  /** A record's trail: its first entry (the Create) always, then the newest `limit - 1`. */
  history(key: AuditKey, limit = 50): AuditHistory {
    const newest = this.newestStmt.all(...params(key), Math.max(1, limit - 1)).reverse();
    const first = this.firstStmt.get(...params(key));
    if (!first) return { entries: [], omitted: 0 };
    const total = this.countStmt.get(...params(key))!;
    const entries = newest[0]?.seq === first.seq ? newest : [first, ...newest];
    return { entries: entries.map(toRecord), omitted: total - entries.length };
  }

  /** A record's whole trail, oldest first. */
  all(key: AuditKey): AuditRecord[] {
    return this.allStmt.all(...params(key)).map(toRecord);
  }

  /** A deleted record, by its userName/displayName (its trail outlives it). */
  deleted(type: ResourceTypeName, name: string): AuditKey | undefined {
    const row = this.deletedStmt.get(type, name);
    return row && { type, seq: row.resource_seq, id: row.resource_id };
  }

  /** Drops the trails of records deleted more than `days` days ago; returns the rows removed. */
  prune(days: number, now: Date = new Date()): number {
    let removed = 0;
    for (const r of this.expiredStmt.all(new Date(now.getTime() - days * 86_400_000).toISOString())) {
      removed += this.deleteStmt.run(r.resource_type, r.resource_seq, r.resource_id).changes;
    }
    return removed;
  }
}
