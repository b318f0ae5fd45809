/**
 * Reads requests.db (read-only; the writer's worker owns it): pages of requests, one request,
 * the refused aggregates, and the facts a connection's health is made of. A file that does not
 * exist yet, or cannot be read, reads as empty: the log is never a reason for a screen to fail.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { FaultKind } from '../../contract/choices';
import type { TokenKind } from './connections-repo';
import type { Db } from './database';
import type { RefusedRecord, RequestRecord } from './request-log-schema';

export interface StoredRequest extends RequestRecord {
  readonly seq: number;
}

export interface StoredRefusal extends RefusedRecord {
  readonly id: number;
}

export interface RequestQuery {
  readonly connection?: string;
  readonly action?: string;
  /** 2 → 2xx (and 3xx), 4 → 4xx, 5 → 5xx. */
  readonly statusClass?: number;
  /** Only failed requests (4xx and 5xx). */
  readonly errorsOnly?: boolean;
  /** Free text: a part of the target or path, or an exact status. */
  readonly search?: string;
  readonly beforeSeq?: number;
  /** Newer than this seq (oldest first), for following the log. */
  readonly afterSeq?: number;
  readonly limit: number;
}

export interface HealthFacts {
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly failuresSince: number;
  /** Failed requests after the last successful one. */
  readonly failuresSinceSuccess: number;
  /** Refused requests presenting this connection's replaced token: how many, first and last. */
  readonly replaced: { readonly count: number; readonly firstAt: string; readonly lastAt: string; readonly replacedAt: string | null } | null;
  /** 403s while the connection was disabled, since the given time. */
  readonly disabledSince: number;
}

interface Row {
  seq: number;
  at: string;
  connection: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  action: string;
  resource_type: 'User' | 'Group' | null;
  resource_id: string | null;
  target: string | null;
  summary: string | null;
  client_ip: string | null;
  user_agent: string | null;
  request_body: string | null;
  response_body: string | null;
  notes: string | null;
  changes: string | null;
  members: string | null;
  scim_type: string | null;
  detail: string | null;
  /** Absent from a file the writer has not brought up to date yet. */
  token?: TokenKind | null;
  /** Absent from a file the writer has not brought up to date yet. */
  simulated?: number;
  fault?: FaultKind | null;
  fault_armed_at?: string | null;
  fault_delay_ms?: number | null;
}

interface RefusedRow {
  id: number;
  client_ip: string;
  status: number;
  reason: string;
  claimed: string;
  replaced_at: string | null;
  count: number;
  first_at: string;
  last_at: string;
  sample_method: string;
  sample_path: string;
  sample_agent: string | null;
  detail: string | null;
}

function toRequest(r: Row): StoredRequest {
  return {
    seq: r.seq,
    at: r.at,
    connection: r.connection,
    token: r.token ?? null,
    simulated: r.simulated === 1,
    method: r.method,
    path: r.path,
    status: r.status,
    durationMs: r.duration_ms,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    target: r.target,
    summary: r.summary,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    requestBody: r.request_body,
    responseBody: r.response_body,
    notes: r.notes ? (JSON.parse(r.notes) as string[]) : [],
    changes: r.changes,
    members: r.members,
    scimType: r.scim_type,
    detail: r.detail,
    fault: r.fault ?? null,
    faultArmedAt: r.fault_armed_at ?? null,
    faultDelayMs: r.fault_delay_ms ?? null,
  };
}

function toRefusal(r: RefusedRow): StoredRefusal {
  return {
    id: r.id,
    clientIp: r.client_ip,
    status: r.status,
    reason: r.reason,
    claimed: r.claimed,
    replacedAt: r.replaced_at,
    count: r.count,
    firstAt: r.first_at,
    lastAt: r.last_at,
    sampleMethod: r.sample_method,
    samplePath: r.sample_path,
    sampleAgent: r.sample_agent,
    detail: r.detail,
  };
}

/** LIKE pattern for a part of a text, with LIKE's own wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Failure counts stop here (the panel shows "10,000" for more). */
const COUNT_CAP = 10_000;

/** The health queries, prepared once per open file (the status asks after every burst). */
function prepareHealth(db: Db) {
  // A fault drill's 429s and 503s and the simulator's requests are not the IdP's; a file the
  // writer has not brought up to date lacks those columns (and such rows) until its first write.
  const columns = new Set((db.pragma('table_info(requests)') as { name: string }[]).map((c) => c.name));
  const notSimulated = columns.has('simulated') ? 'AND simulated = 0' : '';
  // A delay drill only held the real answer: its failures are real.
  const real = `${notSimulated} ${columns.has('fault') ? "AND (fault IS NULL OR fault = 'delay')" : ''}`;
  return {
    db,
    /** The file had every column the filters need: these statements stand while it stays open. */
    upToDate: columns.has('simulated') && columns.has('fault'),
    last: db.prepare<[string], { last_success_at: string | null; last_failure_at: string | null }>('SELECT last_success_at, last_failure_at FROM health WHERE connection = ?'),
    // Failures in a time range: a range of requests_kind, counted up to a cap so an error storm
    // cannot make the status slow. The simulator's requests and a fault drill's 429s and 503s say
    // nothing about how the real IdP is doing.
    failures: db.prepare<[string, string], number>(`SELECT count(*) FROM (SELECT 1 FROM requests WHERE failed = 1 AND at >= ? AND connection = ? ${real} LIMIT ${COUNT_CAP})`).pluck(),
    disabled: db.prepare<[string, string], number>(`SELECT count(*) FROM (SELECT 1 FROM requests WHERE failed = 1 AND at >= ? AND connection = ? AND status = 403 ${notSimulated} LIMIT ${COUNT_CAP})`).pluck(),
    sinceSuccess: db.prepare<[string, string], number>(`SELECT count(*) FROM (SELECT 1 FROM requests WHERE failed = 1 AND at > ? AND connection = ? ${real} LIMIT ${COUNT_CAP})`).pluck(),
    replaced: db.prepare<[string], { count: number | null; first_at: string | null; last_at: string | null; replaced_at: string | null }>(
      `SELECT sum(count) AS count, min(first_at) AS first_at, max(last_at) AS last_at, max(replaced_at) AS replaced_at FROM refused WHERE claimed = ? AND reason = 'replaced'`,
    ),
  };
}

export class RequestLogReader {
  private db: Db | undefined;
  private prepared: ReturnType<typeof prepareHealth> | undefined;

  constructor(
    private readonly file: string,
    private readonly nativeBinding?: string,
  ) {}

  private open(): Db | undefined {
    if (this.db?.open) return this.db;
    if (!existsSync(this.file)) return undefined;
    try {
      this.db = new Database(this.file, { readonly: true, fileMustExist: true, ...(this.nativeBinding ? { nativeBinding: this.nativeBinding } : {}) });
      this.db.pragma('busy_timeout = 1000');
      return this.db;
    } catch {
      return undefined;
    }
  }

  /** Runs a read; a missing or unreadable file reads as `empty` (and is opened again next time). */
  private read<T>(empty: T, work: (db: Db) => T): T {
    const db = this.open();
    if (!db) return empty;
    try {
      return work(db);
    } catch {
      try {
        db.close();
      } catch {
        /* already unusable */
      }
      this.db = undefined;
      return empty;
    }
  }

  list(q: RequestQuery): StoredRequest[] {
    return this.read([], (db) => {
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: q.limit };
      if (q.connection) {
        where.push('connection = @connection');
        params['connection'] = q.connection;
      }
      if (q.action) {
        where.push('action = @action');
        params['action'] = q.action;
      }
      if (q.errorsOnly) where.push('failed = 1');
      if (q.statusClass !== undefined) {
        where.push(q.statusClass === 2 ? 'status < 400' : 'status / 100 = @statusClass');
        params['statusClass'] = q.statusClass;
      }
      const search = q.search?.trim();
      if (search) {
        where.push(`(target LIKE @like ESCAPE '\\' OR path LIKE @like ESCAPE '\\' OR action LIKE @like ESCAPE '\\' OR CAST(status AS TEXT) = @search)`);
        params['like'] = containing(search);
        params['search'] = search;
      }
      if (q.beforeSeq !== undefined) {
        where.push('seq < @beforeSeq');
        params['beforeSeq'] = q.beforeSeq;
      }
      if (q.afterSeq !== undefined) {
        where.push('seq > @afterSeq');
        params['afterSeq'] = q.afterSeq;
      }
      const order = q.afterSeq !== undefined ? 'ASC' : 'DESC';
      const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT @limit`;
      return db.prepare<Record<string, string | number>, Row>(sql).all(params).map(toRequest);
    });
  }

  get(seq: number): StoredRequest | undefined {
    return this.read(undefined, (db) => {
      const row = db.prepare<[number], Row>('SELECT * FROM requests WHERE seq = ?').get(seq);
      return row && toRequest(row);
    });
  }

  actions(): string[] {
    return this.read([], (db) => db.prepare<[], string>('SELECT DISTINCT action FROM requests ORDER BY action').pluck().all());
  }

  refused(limit: number, since?: string): StoredRefusal[] {
    return this.read([], (db) =>
      db
        .prepare<[string, number], RefusedRow>('SELECT * FROM refused WHERE last_at >= ? ORDER BY last_at DESC LIMIT ?')
        .all(since ?? '', limit)
        .map(toRefusal),
    );
  }

  health(connection: string, since: string): HealthFacts {
    const none: HealthFacts = { lastSuccessAt: null, lastFailureAt: null, failuresSince: 0, failuresSinceSuccess: 0, replaced: null, disabledSince: 0 };
    return this.read(none, (db) => {
      // Prepared again while the file is not up to date: the writer adds the columns on its first write.
      if (this.prepared?.db !== db || !this.prepared.upToDate) this.prepared = prepareHealth(db);
      const q = this.prepared;
      const last = q.last.get(connection);
      const lastSuccessAt = last?.last_success_at ?? null;
      const replaced = q.replaced.get(connection);
      return {
        lastSuccessAt,
        lastFailureAt: last?.last_failure_at ?? null,
        failuresSince: q.failures.get(since, connection) ?? 0,
        failuresSinceSuccess: q.sinceSuccess.get(lastSuccessAt ?? '', connection) ?? 0,
        replaced: replaced?.count ? { count: replaced.count, firstAt: replaced.first_at!, lastAt: replaced.last_at!, replacedAt: replaced.replaced_at } : null,
        disabledSince: q.disabled.get(since, connection) ?? 0,
      };
    });
  }

  close(): void {
    try {
      this.db?.close();
    } catch {
      /* nothing to do */
    }
    this.db = undefined;
  }
}
