/**
 * The audit trail: one row per change to a user or group, inserted inside the change's own
 * transaction (so it exists exactly when the change does), never evicted by traffic. A
 * record's entries stay for its life and `daysAfterDelete` days after it is deleted.
 */
import type { AuditAction, FieldChange, MemberDelta } from '../scim/audit';
import type { ResourceTypeName } from '../scim/schema';
import type { Db } from './database';

export interface AuditInput {
  readonly at: string;
  readonly connection: string | null;
  readonly resourceType: ResourceTypeName;
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
    resourceId: r.resource_id,
    target: r.target,
    action: r.action,
    summary: r.summary,
    changes: r.changes ? (JSON.parse(r.changes) as FieldChange[]) : [],
    members: r.members ? (JSON.parse(r.members) as MemberDelta) : null,
  };
}

export class AuditTrail {
  private readonly insertStmt;
  private readonly firstStmt;
  private readonly newestStmt;
  private readonly countStmt;
  private readonly pruneStmt;
  private readonly deletedStmt;
  private readonly allStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare<(string | null)[]>(
      'INSERT INTO audit (at, connection, resource_type, resource_id, target, action, summary, changes, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.firstStmt = db.prepare<[string], Row>('SELECT * FROM audit WHERE resource_id = ? ORDER BY seq LIMIT 1');
    this.newestStmt = db.prepare<[string, number], Row>('SELECT * FROM audit WHERE resource_id = ? ORDER BY seq DESC LIMIT ?');
    this.allStmt = db.prepare<[string], Row>('SELECT * FROM audit WHERE resource_id = ? ORDER BY seq');
    this.countStmt = db.prepare<[string], number>('SELECT count(*) FROM audit WHERE resource_id = ?').pluck();
    this.pruneStmt = db.prepare<[string]>(`DELETE FROM audit WHERE resource_id IN (SELECT resource_id FROM audit WHERE action = 'delete' AND at < ?)`);
    this.deletedStmt = db.prepare<[string, string], string>(
      `SELECT resource_id FROM audit WHERE action = 'delete' AND at >= '' AND resource_type = ? AND target = ? COLLATE NOCASE ORDER BY at DESC LIMIT 1`,
    ).pluck();
  }

  /** Call inside the change's transaction. */
  record(e: AuditInput): void {
    this.insertStmt.run(
      e.at,
      e.connection,
      e.resourceType,
      e.resourceId,
      e.target,
      e.action,
      e.summary,
      e.changes.length ? JSON.stringify(e.changes) : null,
      e.members ? JSON.stringify(e.members) : null,
    );
  }

  /** A record's trail: its first entry (the Create) always, then the newest `limit - 1`. */
  history(resourceId: string, limit = 50): AuditHistory {
    const newest = this.newestStmt.all(resourceId, Math.max(1, limit - 1)).reverse();
    const first = this.firstStmt.get(resourceId);
    if (!first) return { entries: [], omitted: 0 };
    const total = this.countStmt.get(resourceId)!;
    const entries = newest[0]?.seq === first.seq ? newest : [first, ...newest];
    return { entries: entries.map(toRecord), omitted: total - entries.length };
  }

  /** A record's whole trail, oldest first. */
  all(resourceId: string): AuditRecord[] {
    return this.allStmt.all(resourceId).map(toRecord);
  }

  /** The id a deleted record had, by its userName/displayName (its trail outlives it). */
  deletedId(type: ResourceTypeName, name: string): string | undefined {
    return this.deletedStmt.get(type, name);
  }

  /** Drops the trails of records deleted more than `days` days ago; returns the rows removed. */
  prune(days: number, now: Date = new Date()): number {
    return this.pruneStmt.run(new Date(now.getTime() - days * 86_400_000).toISOString()).changes;
  }
}
