/**
 * The request log as people read it: the writer (off the request thread) and the reader of
 * requests.db, with every entry's explanation and remedy, the refused-request aggregates, and
 * each connection's health. The panel, the CLI's `log` and `status`, and the SCIM server's
 * recorder all go through here.
 */
import type { ActivityDetail, ActivitySummary, ConnectionHealth, FieldChange, MemberDelta, RefusedSummary, RequestLogRetention, RequestLogStatus } from '../../contract/model';
import { type ConnectionName, isConnectionName } from '../../contract/connections';
import { type Capture, RequestLog } from '../store/request-log';
import { type RequestQuery, RequestLogReader, type StoredRefusal, type StoredRequest } from '../store/request-log-reader';
import { DEFAULT_LOG_RETENTION, type LogRetention, requestLogPath } from '../store/request-log-schema';
import { type Holder, connectionHealth, explainFailure, explainFault } from './explain';

export interface ActivityOptions {
  readonly dataDir: string;
  readonly retention?: LogRetention;
  readonly auditDaysAfterDelete: number;
  readonly nativeBinding?: string;
  /** Who holds a userName/displayName now (for a 409's "open it"). */
  readonly holder?: Holder;
  readonly maxQueued?: number;
}

const HOUR_MS = 3_600_000;

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export class Activity {
  readonly log: RequestLog;
  readonly reader: RequestLogReader;
  readonly retention: LogRetention;

  constructor(private readonly options: ActivityOptions) {
    const file = requestLogPath(options.dataDir);
    this.retention = options.retention ?? DEFAULT_LOG_RETENTION;
    this.log = new RequestLog({ file, retention: this.retention, nativeBinding: options.nativeBinding, maxQueued: options.maxQueued });
    this.reader = new RequestLogReader(file, options.nativeBinding);
  }

  /** Queues a request's capture (the SCIM server's recorder calls this after each response). */
  record(capture: Capture): void {
    this.log.record(capture);
  }

  /** Resolves once what was recorded so far is written (at most `timeoutMs`). */
  settled(timeoutMs?: number): Promise<void> {
    return this.log.settled(timeoutMs);
  }

  summary(e: StoredRequest): ActivitySummary {
    // A 429 or 503 the fault drill answered is explained as the drill, not as the IdP's problem.
    // A delay drill only held the real answer: a failure is explained as itself, a success as held.
    const drilled = e.fault === '429' || e.fault === '503';
    const failure = drilled ? { explanation: explainFault(e), remedy: null } : explainFailure({ ...e, connection: e.connection }, this.options.holder);
    const explanation = failure.explanation ?? (e.fault === 'delay' ? explainFault(e) : null);
    const remedy = failure.remedy;
    return {
      seq: e.seq,
      at: e.at,
      connection: isConnectionName(e.connection) ? e.connection : null,
      // Entries written before rotation overlaps existed say nothing: only the current token worked then.
      token: isConnectionName(e.connection) ? (e.token ?? 'current') : null,
      method: e.method,
      path: e.path,
      status: e.status,
      durationMs: e.durationMs,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      target: e.target,
      summary: e.summary,
      simulated: e.simulated === true,
      fault: e.fault ?? null,
      explanation,
      remedy,
    };
  }

  private detail(e: StoredRequest): ActivityDetail {
    return {
      ...this.summary(e),
      clientIp: e.clientIp,
      userAgent: e.userAgent,
      requestBody: e.requestBody,
      responseBody: e.responseBody,
      notes: e.notes,
      changes: parseJson<FieldChange[]>(e.changes) ?? [],
      members: parseJson<MemberDelta>(e.members),
    };
  }

  async list(query: RequestQuery): Promise<ActivitySummary[]> {
    await this.settled();
    return this.reader.list(query).map((e) => this.summary(e));
  }

  /** Entries after `afterSeq`, oldest first (for following the log); no waiting. */
  newer(afterSeq: number, limit = 500): ActivitySummary[] {
    return this.reader.list({ afterSeq, limit }).map((e) => this.summary(e));
  }

  async get(seq: number): Promise<ActivityDetail | undefined> {
    await this.settled();
    const e = this.reader.get(seq);
    return e && this.detail(e);
  }

  async actions(): Promise<string[]> {
    await this.settled();
    return this.reader.actions();
  }

  refusal(r: StoredRefusal): RefusedSummary {
    const claimed = isConnectionName(r.claimed) ? r.claimed : null;
    const { explanation, remedy } = explainFailure({
      status: r.status,
      connection: null,
      method: r.sampleMethod,
      action: '',
      resourceType: null,
      resourceId: null,
      target: null,
      scimType: null,
      detail: r.detail,
      reason: r.reason,
      claimed,
      replacedAt: r.replacedAt,
      clientIp: r.clientIp,
      count: r.count,
    });
    return {
      id: r.id,
      clientIp: r.clientIp || null,
      status: r.status,
      count: r.count,
      firstAt: r.firstAt,
      lastAt: r.lastAt,
      samplePath: r.samplePath,
      sampleMethod: r.sampleMethod,
      sampleAgent: r.sampleAgent,
      claimedConnection: claimed,
      explanation: explanation ?? `Refused with status ${r.status}`,
      remedy,
    };
  }

  async refused(limit = 200): Promise<RefusedSummary[]> {
    await this.settled();
    return this.reader.refused(limit).map((r) => this.refusal(r));
  }

  health(name: ConnectionName, enabled: boolean, now: Date = new Date()): ConnectionHealth {
    const since = new Date(now.getTime() - HOUR_MS).toISOString();
    const facts = this.reader.health(name, since);
    return connectionHealth(
      {
        name,
        enabled,
        lastSuccessAt: facts.lastSuccessAt,
        lastFailureAt: facts.lastFailureAt,
        failuresLastHour: facts.failuresSince + (facts.replaced && facts.replaced.lastAt >= since ? facts.replaced.count : 0),
        failuresSinceSuccess: facts.failuresSinceSuccess,
        replaced: facts.replaced,
        disabledLastHour: facts.disabledSince,
      },
      now,
    );
  }

  retentionStatus(): RequestLogRetention {
    return { ...this.retention, auditDaysAfterDelete: this.options.auditDaysAfterDelete };
  }

  status(): RequestLogStatus {
    const s = this.log.status();
    return { state: s.state, message: s.message, dropped: s.dropped, retention: this.retentionStatus() };
  }

  close(): void {
    this.log.close();
    this.reader.close();
  }
}
