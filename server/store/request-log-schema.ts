/**
 * The request log's file (requests.db, next to the directory's database) and the shapes of
 * what is written to it. Shared by the writer (request-log.ts, its worker) and the reader.
 */
import { join } from 'node:path';
import type { FaultKind } from '../../contract/choices';
import type { TokenKind } from './connections-repo';

export const REQUEST_LOG_FILE = 'requests.db';

export function requestLogPath(dataDir: string): string {
  return join(dataDir, REQUEST_LOG_FILE);
}

/** A request some connection's token authenticated (or that a disabled connection sent). */
export interface RequestRecord {
  readonly at: string;
  readonly connection: string;
  /** Which of the connection's tokens authenticated it (null in entries older than rotation overlaps: the current one). */
  readonly token: TokenKind | null;
  /** Sent by ScimDesk's simulator with its own short-lived token, not by the real IdP (absent: false). */
  readonly simulated?: boolean;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly action: string;
  readonly resourceType: 'User' | 'Group' | null;
  readonly resourceId: string | null;
  readonly target: string | null;
  readonly summary: string | null;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  readonly notes: readonly string[];
  /** JSON text of the write's FieldChange[] and MemberDelta (null: none). */
  readonly changes: string | null;
  readonly members: string | null;
  /** From an error answer: its scimType and detail. */
  readonly scimType: string | null;
  readonly detail: string | null;
  /** The fault drill's answer ('429', '503', 'delay'), when a drill changed this one's answer; null or absent otherwise. */
  readonly fault?: FaultKind | null;
  /** When that drill was armed, and how long a delay drill held the answer. */
  readonly faultArmedAt?: string | null;
  readonly faultDelayMs?: number | null;
}

/** A request no token authenticated, counted into its aggregate (address, status, reason, claimed). */
export interface RefusedRecord {
  readonly clientIp: string;
  readonly status: number;
  readonly reason: string;
  /** The connection a replaced token belonged to ('' when none). */
  readonly claimed: string;
  readonly replacedAt: string | null;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly sampleMethod: string;
  readonly samplePath: string;
  readonly sampleAgent: string | null;
  readonly detail: string | null;
}

export interface LogRetention {
  readonly successes: { readonly maxEntries: number; readonly maxAgeDays: number };
  readonly errors: { readonly maxEntries: number; readonly maxAgeDays: number };
  readonly unauthenticated: { readonly maxEntries: number; readonly maxAgeDays: number };
}

export const DEFAULT_LOG_RETENTION: LogRetention = {
  successes: { maxEntries: 20_000, maxAgeDays: 30 },
  errors: { maxEntries: 20_000, maxAgeDays: 90 },
  unauthenticated: { maxEntries: 1_000, maxAgeDays: 30 },
};

/** URLs and User-Agents are stored cut to these lengths (a flood of 8 KB headers stays small). */
export const MAX_PATH_CHARS = 512;
export const MAX_AGENT_CHARS = 200;

/**
 * Created by the writer when it opens the file; the reader only reads. One index, requests_kind,
 * serves retention, the log's pages and the failure counts of the health queries. Each
 * connection's last success and last failure are kept in `health`, written with each batch:
 * found through an index on the connection they cost every insert a second index entry (a
 * fifth of the log's cost per request), and without one, "the latest failure of a connection
 * that has none" read the whole log on the server's thread.
 */
export const REQUEST_LOG_DDL = /* sql */ `
CREATE TABLE IF NOT EXISTS requests (
  seq           INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  connection    TEXT NOT NULL,
  failed        INTEGER NOT NULL,
  method        TEXT NOT NULL,
  path          TEXT NOT NULL,
  status        INTEGER NOT NULL,
  duration_ms   REAL NOT NULL,
  action        TEXT NOT NULL,
  resource_type TEXT,
  resource_id   TEXT,
  target        TEXT,
  summary       TEXT,
  client_ip     TEXT,
  user_agent    TEXT,
  request_body  TEXT,
  response_body TEXT,
  notes         TEXT,
  changes       TEXT,
  members       TEXT,
  scim_type     TEXT,
  detail        TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS requests_kind ON requests (failed, at);
DROP INDEX IF EXISTS requests_health;
CREATE TABLE IF NOT EXISTS health (
  connection      TEXT PRIMARY KEY,
  last_success_at TEXT,
  last_failure_at TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS refused (
  id            INTEGER PRIMARY KEY,
  client_ip     TEXT NOT NULL,
  status        INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  claimed       TEXT NOT NULL,
  replaced_at   TEXT,
  count         INTEGER NOT NULL,
  first_at      TEXT NOT NULL,
  last_at       TEXT NOT NULL,
  sample_method TEXT NOT NULL,
  sample_path   TEXT NOT NULL,
  sample_agent  TEXT,
  detail        TEXT,
  UNIQUE (client_ip, status, reason, claimed)
) STRICT;
CREATE INDEX IF NOT EXISTS refused_last ON refused (last_at);
`;

/** The order the writer's worker receives a request's fields in (arrays clone faster than objects). */
export const REQUEST_FIELDS = ['at', 'connection', 'method', 'path', 'status', 'durationMs', 'action', 'resourceType', 'resourceId', 'target', 'summary', 'clientIp', 'userAgent', 'requestBody', 'responseBody', 'notes', 'changes', 'members', 'scimType', 'detail', 'token', 'simulated', 'fault', 'faultArmedAt', 'faultDelayMs'] as const satisfies readonly (keyof RequestRecord)[];

/**
 * Changes to a requests.db written by an earlier ScimDesk, in order; the file's user_version
 * counts those applied (REQUEST_LOG_DDL creates the first shape, IF NOT EXISTS). Append only.
 * The writer's worker applies them when it opens the file, each in a transaction with its
 * version; the reader reads columns a file does not have yet as null.
 */
export const REQUEST_LOG_MIGRATIONS: readonly string[] = [
  // 1: which of the connection's tokens authenticated each request (rotation overlaps). Old rows: null.
  `ALTER TABLE requests ADD COLUMN token TEXT CHECK (token IN ('current', 'previous'))`,
  // 2: whether ScimDesk's simulator sent the request (issue 13). Old rows: 0, the real IdP.
  `ALTER TABLE requests ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0`,
  // 3: the fault drill (issue 13): which answers it changed, the drill's arming time, a delay's length. Old rows: null.
  `ALTER TABLE requests ADD COLUMN fault TEXT CHECK (fault IN ('429', '503', 'delay'));
   ALTER TABLE requests ADD COLUMN fault_armed_at TEXT;
   ALTER TABLE requests ADD COLUMN fault_delay_ms INTEGER;`,
];
