/**
 * The record of SCIM requests the panel's activity view shows. Bodies arrive here already
 * redacted (no tokens, no passwords). The table is bounded: every `pruneEvery` inserts, rows
 * beyond the newest `maxEntries` are deleted.
 */
import type { ActivityDetail } from '../api-types';
import type { Db } from './database';

/** One recorded request, as the panel shows it (server/api-types.ts). */
export type ActivityEntry = ActivityDetail;
export type ActivityInput = Omit<ActivityDetail, 'seq'>;

export interface ActivityQuery {
  /** A connection name, or null for requests no token authenticated. */
  readonly connection?: string | null;
  readonly action?: string;
  /** An exact status, or a class: 2 → 2xx, 4 → 4xx, 5 → 5xx. */
  readonly status?: number;
  readonly resourceId?: string;
  /** Entries older than this seq (paging backwards from the newest). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

interface Row {
  seq: number;
  at: string;
  connection: string | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  request_body: string | null;
  response_body: string | null;
  notes: string | null;
}

export interface RetentionOptions {
  readonly maxEntries: number;
  readonly pruneEvery: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxEntries: 20_000, pruneEvery: 256 };

export class ActivityLog {
  private readonly insertStmt;
  private readonly pruneStmt;
  private readonly listStmt;
  private readonly oneStmt;
  private readonly actionsStmt;
  private sincePrune = 0;

  constructor(
    db: Db,
    private readonly retention: RetentionOptions = DEFAULT_RETENTION,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO activity (at, connection, method, path, status, duration_ms, action, resource_type, resource_id, client_ip, user_agent, request_body, response_body, notes)
       VALUES (@at, @connection, @method, @path, @status, @durationMs, @action, @resourceType, @resourceId, @clientIp, @userAgent, @requestBody, @responseBody, @notes)`,
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM activity WHERE seq <= (SELECT max(seq) FROM activity) - ?');
    // One statement for every combination of filters: a NULL parameter disables its condition.
    this.listStmt = db.prepare<Record<string, string | number | null>, Row>(
      `SELECT * FROM activity
       WHERE (@connection IS NULL OR connection = @connection OR (@connection = '' AND connection IS NULL))
         AND (@action IS NULL OR action = @action)
         AND (@status IS NULL OR status = @status OR status / 100 = @status)
         AND (@resourceId IS NULL OR resource_id = @resourceId)
         AND (@beforeSeq IS NULL OR seq < @beforeSeq)
       ORDER BY seq DESC LIMIT @limit`,
    );
    this.oneStmt = db.prepare<[number], Row>('SELECT * FROM activity WHERE seq = ?');
    this.actionsStmt = db.prepare<[], string>('SELECT DISTINCT action FROM activity ORDER BY action').pluck();
  }

  record(entry: ActivityInput): number {
    const seq = Number(this.insertStmt.run({ ...entry, notes: entry.notes.length ? JSON.stringify(entry.notes) : null }).lastInsertRowid);
    if (++this.sincePrune >= this.retention.pruneEvery) this.prune();
    return seq;
  }

  prune(): void {
    this.sincePrune = 0;
    this.pruneStmt.run(this.retention.maxEntries);
  }

  list(query: ActivityQuery): ActivityEntry[] {
    return this.listStmt
      .all({
        connection: query.connection === null ? '' : (query.connection ?? null),
        action: query.action ?? null,
        status: query.status ?? null,
        resourceId: query.resourceId ?? null,
        beforeSeq: query.beforeSeq ?? null,
        limit: query.limit,
      })
      .map(toEntry);
  }

  get(seq: number): ActivityEntry | undefined {
    const row = this.oneStmt.get(seq);
    return row && toEntry(row);
  }

  /** The IdP actions recorded so far, for the panel's filter. */
  actions(): string[] {
    return this.actionsStmt.all();
  }
}

function toEntry(r: Row): ActivityEntry {
  return {
    seq: r.seq,
    at: r.at,
    connection: r.connection,
    method: r.method,
    path: r.path,
    status: r.status,
    durationMs: r.duration_ms,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    requestBody: r.request_body,
    responseBody: r.response_body,
    notes: r.notes ? (JSON.parse(r.notes) as string[]) : [],
  };
}
