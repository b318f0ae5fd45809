/**
 * The record of SCIM requests the panel's activity view shows. Bodies arrive here already
 * redacted (no tokens, no passwords). The table is bounded by count and by age (retention).
 */
import type { ActivityDetail } from '../../contract/model';
import { Emitter } from '../base/emitter';
import type { Db } from './database';
import { LIMIT } from './statement-cache';

/** One recorded request, as the panel shows it (contract/model.ts). */
export type ActivityEntry = ActivityDetail;
export type ActivityInput = Omit<ActivityDetail, 'seq'>;

export interface ActivityLogQuery {
  /** A connection name, or null for requests no token authenticated. */
  readonly connection?: string | null;
  readonly action?: string;
  /** An exact status, or a class: 2 → 2xx, 4 → 4xx, 5 → 5xx. */
  readonly status?: number;
  /** The changes (non-GET requests) made to one resource, newest first. */
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
  /** Keep at most this many entries (the newest). */
  readonly maxEntries: number;
  /** Drop entries older than this many days (0: no age limit). */
  readonly maxAgeDays: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxEntries: 20_000, maxAgeDays: 30 };

/** Entries are written in batches: after this many, or this long after the first. */
const BATCH_SIZE = 256;
const BATCH_DELAY_MS = 50;
/** Rows per multi-row INSERT. */
const CHUNK = 16;
/** Retention is applied every this many batches. */
const PRUNE_EVERY_BATCHES = 8;

/**
 * Requests are recorded in batches, one transaction each, after their responses went out:
 * the log costs a SCIM request an array push, not a disk write. A crash loses at most the
 * last BATCH_DELAY_MS of activity, never directory data (those writes are their own commits).
 */
export interface ActivityLogEvents {
  /** A batch was written (the entries now have their seq numbers): the panel's live log. */
  recorded: readonly ActivityEntry[];
}

export class ActivityLog {
  private readonly events = new Emitter<ActivityLogEvents>();
  private readonly insertStmt;
  private readonly insertChunkStmt;
  private readonly pruneCountStmt;
  private readonly pruneAgeStmt;
  private readonly listStmt;
  private readonly oneStmt;
  private readonly historyStmt;
  private readonly actionsStmt;
  private readonly writeBatch;
  private pending: ActivityInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private batches = 0;

  constructor(
    private readonly db: Db,
    private readonly retention: RetentionOptions = DEFAULT_RETENTION,
  ) {
    const columns = 'at, connection, method, path, status, duration_ms, action, resource_type, resource_id, client_ip, user_agent, request_body, response_body, notes';
    const row = `(${Array(14).fill('?').join(', ')})`;
    this.insertStmt = db.prepare<DbValue[]>(`INSERT INTO activity (${columns}) VALUES ${row}`);
    // Many rows per statement: one call into SQLite per CHUNK rows instead of per row.
    this.insertChunkStmt = db.prepare<DbValue[]>(`INSERT INTO activity (${columns}) VALUES ${Array(CHUNK).fill(row).join(', ')}`);
    this.pruneCountStmt = db.prepare<[number]>('DELETE FROM activity WHERE seq <= (SELECT max(seq) FROM activity) - ?');
    this.pruneAgeStmt = db.prepare<[string]>('DELETE FROM activity WHERE at < ?');
    // One statement for every combination of filters: a NULL parameter disables its condition.
    this.listStmt = db.prepare<Record<string, string | number | null>, Row>(
      `SELECT * FROM activity
       WHERE (@connection IS NULL OR connection = @connection OR (@connection = '' AND connection IS NULL))
         AND (@action IS NULL OR action = @action)
         AND (@status IS NULL OR status = @status OR status / 100 = @status)
         AND (@beforeSeq IS NULL OR seq < @beforeSeq)
       ORDER BY seq DESC LIMIT CAST(@limit AS INTEGER)`,
    );
    this.oneStmt = db.prepare<[number], Row>('SELECT * FROM activity WHERE seq = ?');
    this.historyStmt = db.prepare<[string, number], Row>(`SELECT * FROM activity WHERE resource_id = ? AND method <> 'GET' ORDER BY seq DESC ${LIMIT}`);
    this.actionsStmt = db.prepare<[], string>('SELECT DISTINCT action FROM activity ORDER BY action').pluck();
    this.writeBatch = db.transaction((batch: readonly ActivityInput[]): ActivityEntry[] => {
      let i = 0;
      let last = 0;
      for (; i + CHUNK <= batch.length; i += CHUNK) last = Number(this.insertChunkStmt.run(...batch.slice(i, i + CHUNK).flatMap(values)).lastInsertRowid);
      for (; i < batch.length; i++) last = Number(this.insertStmt.run(...values(batch[i]!)).lastInsertRowid);
      // Rowids of one transaction's inserts are consecutive: the last one gives them all.
      return batch.map((entry, k) => ({ ...entry, seq: last - (batch.length - 1 - k) }));
    });
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof ActivityLogEvents>(event: K, listener: (payload: ActivityLogEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Queues one request's record; it is written within BATCH_DELAY_MS. */
  record(entry: ActivityInput): void {
    this.pending.push(entry);
    if (this.pending.length >= BATCH_SIZE) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes what is queued (reads do this first, so they see every answered request). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 || !this.db.open) return;
    const batch = this.pending;
    this.pending = [];
    const written = this.writeBatch(batch);
    if (++this.batches % PRUNE_EVERY_BATCHES === 0) this.prune();
    this.events.emit('recorded', written);
  }

  /** Applies retention: the newest maxEntries, none older than maxAgeDays. */
  prune(now: Date = new Date()): void {
    this.pruneCountStmt.run(this.retention.maxEntries);
    if (this.retention.maxAgeDays > 0) this.pruneAgeStmt.run(new Date(now.getTime() - this.retention.maxAgeDays * 86_400_000).toISOString());
  }

  list(query: ActivityLogQuery): ActivityEntry[] {
    this.flush();
    if (query.resourceId !== undefined) return this.historyStmt.all(query.resourceId, query.limit).map(toEntry);
    return this.listStmt
      .all({
        connection: query.connection === null ? '' : (query.connection ?? null),
        action: query.action ?? null,
        status: query.status ?? null,
        beforeSeq: query.beforeSeq ?? null,
        limit: query.limit,
      })
      .map(toEntry);
  }

  get(seq: number): ActivityEntry | undefined {
    this.flush();
    const row = this.oneStmt.get(seq);
    return row && toEntry(row);
  }

  /** The IdP actions recorded so far, for the panel's filter. */
  actions(): string[] {
    this.flush();
    return this.actionsStmt.all();
  }
}

type DbValue = string | number | null;

function values(e: ActivityInput): DbValue[] {
  return [e.at, e.connection, e.method, e.path, e.status, e.durationMs, e.action, e.resourceType, e.resourceId, e.clientIp, e.userAgent, e.requestBody, e.responseBody, e.notes.length ? JSON.stringify(e.notes) : null];
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
