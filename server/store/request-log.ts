/**
 * The request log's writer. The request thread only queues a capture (a function that builds
 * the record from the request, called later); a timer turns the queue into records in a batch
 * after the responses went out, folds refused requests into aggregates, and posts the batch to
 * a worker thread that owns requests.db and does every SQLite write and prune.
 *
 * Nothing that happens to requests.db reaches the server: a full disk, a lock held by another
 * program or a corrupt file make the worker drop the batch and say why (`status()`), and it
 * tries again later; a corrupt file is moved aside and a new one started. The queue is bounded
 * (`maxQueued`): beyond it, entries are dropped and counted, never silently.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Emitter } from '../base/emitter';
import { DEFAULT_LOG_RETENTION, type LogRetention, REQUEST_FIELDS, REQUEST_LOG_DDL, REQUEST_LOG_MIGRATIONS, type RefusedRecord, type RequestRecord } from './request-log-schema';

export type Capture = () => RequestRecord | RefusedRecord | null;

export interface RequestLogOptions {
  readonly file: string;
  readonly retention?: LogRetention;
  readonly nativeBinding?: string;
  /** Entries waiting (queued or being written) at most; beyond, new ones are dropped. */
  readonly maxQueued?: number;
  /** Batch delay (ms): captures wait at most this long. */
  readonly batchDelayMs?: number;
}

export interface RequestLogState {
  readonly state: 'ok' | 'disk-full' | 'unavailable';
  readonly message: string | null;
  readonly dropped: number;
}

/** A written batch: its authenticated entries, numbered firstSeq, firstSeq + 1, … */
export interface RecordedBatch {
  readonly firstSeq: number;
  readonly rows: readonly RequestRecord[];
}

export interface RequestLogEvents {
  /** A batch was written: its authenticated entries, with their seq numbers (maybe none: only refused ones). */
  recorded: RecordedBatch;
  /** The state changed (ok → disk-full, …) or entries were dropped. */
  state: RequestLogState;
}

/** A batch is built and posted at this many entries (or after the delay): building 512 at once held the event loop for milliseconds, a p99 spike for the requests in flight. */
const BATCH_SIZE = 128;
const DEFAULT_DELAY_MS = 50;
const DEFAULT_MAX_QUEUED = 20_000;
const CLOSE_WAIT_MS = 2_000;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly firstSeq: number | null;
  readonly state: RequestLogState['state'];
  readonly message: string | null;
}

export function isRefused(r: RequestRecord | RefusedRecord): r is RefusedRecord {
  return 'reason' in r;
}

/** Folds refused requests of one batch into one record per aggregate key. */
function aggregate(refused: readonly RefusedRecord[]): RefusedRecord[] {
  const byKey = new Map<string, RefusedRecord>();
  for (const r of refused) {
    const key = `${r.clientIp}\u0000${r.status}\u0000${r.reason}\u0000${r.claimed}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...r, count: seen.count + r.count, firstAt: seen.firstAt } : r);
  }
  return [...byKey.values()];
}

// Plain CommonJS run with `eval` (like the checkpointer's), so no bundler needs a second entry.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { chmodSync, renameSync, existsSync } = require('node:fs');
const Database = require(workerData.module);
const { file, binding, ddl, migrations, retention } = workerData;
const flag = new Int32Array(workerData.closed);
// A file that cannot be opened (a full disk, a lock) is tried again this often, on the next batch.
const REOPEN_MS = 2000;
const CHUNK = 16;
const PRUNE_EVERY = 16;
let db, st, state = 'ok', message = null, failedAt = 0, batches = 0;
/** Rows of each kind (0: successes, 1: failures), counted at open and kept up to date. */
let counts = [0, 0];

const codeOf = (e) => (e && typeof e.code === 'string' ? e.code : '');
const isCorrupt = (e) => /^SQLITE_(CORRUPT|NOTADB)/.test(codeOf(e));
const isFull = (e) => /^SQLITE_FULL/.test(codeOf(e)) || codeOf(e) === 'ENOSPC';
const isBusy = (e) => /^SQLITE_(BUSY|LOCKED)/.test(codeOf(e));

function describe(e) {
  if (isFull(e)) return ['disk-full', 'The disk holding the request log is full: new requests are not being logged (the directory is not affected). Free some space; logging resumes by itself.'];
  if (isBusy(e)) return ['unavailable', 'The request log file is locked by another program: new requests are not being logged. Close the program holding ' + file + '.'];
  return ['unavailable', 'The request log cannot be written (' + (codeOf(e) || 'error') + '): new requests are not being logged. The directory is not affected.'];
}

function close() { try { db && db.close(); } catch {} db = undefined; st = undefined; }

function moveAside() {
  const aside = file + '.corrupt-' + new Date().toISOString().replace(/[:.]/g, '-');
  for (const suffix of ['', '-wal', '-shm']) { try { if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix); } catch {} }
  return aside;
}

function openDb() {
  db = new Database(file, binding ? { nativeBinding: binding } : {});
  // Owner-only before WAL mode creates the -wal and -shm files, which take the database's mode.
  try { chmodSync(file, 0o600); } catch {}
  db.pragma('busy_timeout = 1000');
  if (db.pragma('quick_check', { simple: true }) !== 'ok') { const e = new Error('quick_check failed'); e.code = 'SQLITE_CORRUPT'; throw e; }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Checkpoints once a second (checkpointTimer), not every 1 000 pages by whichever commit
  // crosses the line: that checkpointed (copy + fsync) every few batches under load. The WAL
  // holds at most a second of writes and is cut back after each checkpoint, so a flood does
  // not grow the folder; the page count is only a backstop.
  db.pragma('wal_autocheckpoint = 4096');
  db.pragma('journal_size_limit = 262144');
  db.exec(ddl);
  // A file from an earlier ScimDesk gets the columns added since (REQUEST_LOG_MIGRATIONS).
  for (let v = db.pragma('user_version', { simple: true }); v < migrations.length; v++) {
    db.transaction(() => { db.exec(migrations[v]); db.pragma('user_version = ' + (v + 1)); })();
  }
  const cols = 'at, connection, failed, method, path, status, duration_ms, action, resource_type, resource_id, target, summary, client_ip, user_agent, request_body, response_body, notes, changes, members, scim_type, detail, token, simulated, fault, fault_armed_at, fault_delay_ms';
  st = {
    insert: db.prepare('INSERT INTO requests (' + cols + ') VALUES (' + cols.split(',').map(() => '?').join(', ') + ')'),
    // CHUNK rows a statement: one call into SQLite for many rows.
    insertChunk: db.prepare('INSERT INTO requests (' + cols + ') VALUES ' + Array(CHUNK).fill('(' + cols.split(',').map(() => '?').join(', ') + ')').join(', ')),
    refuse: db.prepare('INSERT INTO refused (client_ip, status, reason, claimed, replaced_at, count, first_at, last_at, sample_method, sample_path, sample_agent, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_ip, status, reason, claimed) DO UPDATE SET count = count + excluded.count, last_at = excluded.last_at, replaced_at = excluded.replaced_at, sample_method = excluded.sample_method, sample_path = excluded.sample_path, sample_agent = excluded.sample_agent, detail = excluded.detail'),
    // The oldest of a kind go, read from the old end of requests_kind (which holds the rowid
    // too): the cost is the rows deleted, not the rows kept (an OFFSET walked 20 000 of them).
    pruneOldest: db.prepare('DELETE FROM requests WHERE seq IN (SELECT seq FROM requests WHERE failed = ? ORDER BY at, seq LIMIT ?)'),
    countKind: db.prepare('SELECT count(*) FROM requests WHERE failed = ?').pluck(),
    health: db.prepare('INSERT INTO health (connection, last_success_at, last_failure_at) VALUES (?, ?, ?) ON CONFLICT (connection) DO UPDATE SET last_success_at = coalesce(excluded.last_success_at, last_success_at), last_failure_at = coalesce(excluded.last_failure_at, last_failure_at)'),
    pruneAge: db.prepare('DELETE FROM requests WHERE failed = ? AND at < ?'),
    pruneRefusedCount: db.prepare('DELETE FROM refused WHERE id IN (SELECT id FROM refused ORDER BY last_at DESC, id DESC LIMIT -1 OFFSET ?)'),
    pruneRefusedAge: db.prepare('DELETE FROM refused WHERE last_at < ?'),

  };
  counts = [st.countKind.get(0), st.countKind.get(1)];
  st.write = db.transaction((rows, refused) => {
    let first = null;
    // Each row arrives as an array in REQUEST_FIELDS order.
    const latest = new Map();
    const values = (r) => {
      const failed = r[4] >= 400 ? 1 : 0;
      counts[failed]++;
      // The simulator's requests, and a fault drill's 429 or 503, say nothing about how the real IdP's
      // are going (a delay drill only held the real answer).
      if (!r[21] && r[22] !== '429' && r[22] !== '503') {
        const seen = latest.get(r[1]) ?? [null, null];
        seen[failed] = r[0];
        latest.set(r[1], seen);
      }
      return [r[0], r[1], failed, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15].length ? JSON.stringify(r[15]) : null, r[16], r[17], r[18], r[19], r[20], r[21] ? 1 : 0, r[22] ?? null, r[23] ?? null, r[24] ?? null];
    };
    let i = 0;
    for (; i + CHUNK <= rows.length; i += CHUNK) {
      const last = Number(st.insertChunk.run(rows.slice(i, i + CHUNK).flatMap(values)).lastInsertRowid);
      if (first === null) first = last - CHUNK + 1; // a statement's rows get consecutive rowids
    }
    for (; i < rows.length; i++) {
      const seq = Number(st.insert.run(values(rows[i])).lastInsertRowid);
      if (first === null) first = seq;
    }
    for (const [connection, [success, failure]] of latest) st.health.run(connection, success, failure);
    for (const a of refused) st.refuse.run(a.clientIp, a.status, a.reason, a.claimed, a.replacedAt, a.count, a.firstAt, a.lastAt, a.sampleMethod, a.samplePath, a.sampleAgent, a.detail);
    return first;
  });
}

function ensureOpen() {
  if (db) return true;
  if (failedAt && Date.now() - failedAt < REOPEN_MS) return false;
  try {
    openDb();
    return true;
  } catch (e) {
    close();
    if (isCorrupt(e)) {
      const aside = moveAside();
      try {
        openDb();
        state = 'ok';
        message = 'The request log file was unreadable; it was moved aside to ' + aside + ' and a new one started.';
        return true;
      } catch (e2) { close(); e = e2; }
    }
    failedAt = Date.now();
    [state, message] = describe(e);
    return false;
  }
}

function cutoff(days) { return new Date(Date.now() - days * 86400000).toISOString(); }

function prune() {
  for (const [failed, r] of [[0, retention.successes], [1, retention.errors]]) {
    if (counts[failed] > r.maxEntries) counts[failed] -= st.pruneOldest.run(failed, counts[failed] - r.maxEntries).changes;
    if (r.maxAgeDays > 0) counts[failed] -= st.pruneAge.run(failed, cutoff(r.maxAgeDays)).changes;
  }
  st.pruneRefusedCount.run(retention.unauthenticated.maxEntries);
  if (retention.unauthenticated.maxAgeDays > 0) st.pruneRefusedAge.run(cutoff(retention.unauthenticated.maxAgeDays));
}

function write(rows, refused) {
  if (!ensureOpen()) return null;
  try {
    const first = st.write(rows, refused);
    if (++batches % PRUNE_EVERY === 0) try { prune(); } catch {}
    if (state !== 'ok') { state = 'ok'; message = null; }
    return { first };
  } catch (e) {
    // The batch rolled back: its rows are not there (count again, rather than guess).
    try { counts = [st.countKind.get(0), st.countKind.get(1)]; } catch {}
    if (isFull(e)) {
      // Make room inside the file (freed pages are reused) and try once more.
      try { counts[0] -= st.pruneOldest.run(0, Math.max(100, rows.length * 4)).changes; prune(); const first = st.write(rows, refused); state = 'ok'; message = null; return { first }; } catch {}
    }
    if (isCorrupt(e)) { close(); failedAt = 0; }
    [state, message] = describe(e);
    return null;
  }
}

let dirty = false;
const checkpointTimer = setInterval(() => {
  if (!db || !dirty) return;
  dirty = false;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, 1000);

// Batches that arrive together are written in one transaction: every commit rewrites the
// pages it touched (the table's last leaf, the index's hot end), so fewer, larger commits write
// each page fewer times. A batch waits at most COALESCE_MS; each is answered after its commit.
const COALESCE_MS = 50;
const COALESCE_ROWS = 1024;
let pending = [];
let pendingRows = 0;
let coalesceTimer;

function writePending() {
  clearTimeout(coalesceTimer);
  coalesceTimer = undefined;
  if (pending.length === 0) return;
  const batches = pending;
  pending = [];
  pendingRows = 0;
  const rows = batches.length === 1 ? batches[0].rows : batches.flatMap((b) => b.rows);
  const refused = batches.length === 1 ? batches[0].refused : batches.flatMap((b) => b.refused);
  const written = write(rows, refused);
  if (written) dirty = true;
  let offset = 0;
  for (const b of batches) {
    parentPort.postMessage({ id: b.id, ok: written !== null, firstSeq: written && written.first !== null ? written.first + offset : null, state, message });
    offset += b.rows.length;
  }
}

parentPort.on('message', (m) => {
  if (m.type === 'batch') {
    pending.push(m);
    pendingRows += m.rows.length;
    if (pendingRows >= COALESCE_ROWS) writePending();
    else if (!coalesceTimer) coalesceTimer = setTimeout(writePending, COALESCE_MS);
  } else if (m.type === 'close') {
    writePending();
    clearInterval(checkpointTimer);
    try { db && prune(); } catch {}
    close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    parentPort.close();
  }
});
`;

interface Batch {
  readonly rows: RequestRecord[];
  readonly refused: RefusedRecord[];
  readonly count: number;
}

export class RequestLog {
  private readonly events = new Emitter<RequestLogEvents>();
  private queue: Capture[] = [];
  private timer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private readonly closedFlag = new SharedArrayBuffer(4);
  private readonly inFlight = new Map<number, Batch>();
  private inFlightCount = 0;
  private nextId = 1;
  private closed = false;
  private current: RequestLogState = { state: 'ok', message: null, dropped: 0 };
  private waiters: (() => void)[] = [];
  private readonly maxQueued: number;
  private readonly delay: number;

  constructor(private readonly options: RequestLogOptions) {
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.delay = options.batchDelayMs ?? DEFAULT_DELAY_MS;
  }

  get retention(): LogRetention {
    return this.options.retention ?? DEFAULT_LOG_RETENTION;
  }

  on<K extends keyof RequestLogEvents>(event: K, listener: (payload: RequestLogEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  status(): RequestLogState {
    return this.current;
  }

  /** Queues one request's capture; it runs within the batch delay, after the response went out. */
  record(capture: Capture): void {
    if (this.closed) return;
    if (this.queue.length + this.inFlightCount >= this.maxQueued) {
      this.drop(1);
      return;
    }
    this.queue.push(capture);
    if (this.queue.length >= BATCH_SIZE) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delay);
      this.timer.unref();
    }
  }

  /** Hands what is queued to the writer now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const captures = this.queue;
    this.queue = [];
    const rows: RequestRecord[] = [];
    const refused: RefusedRecord[] = [];
    let failed = 0;
    for (const capture of captures) {
      try {
        const r = capture();
        if (r === null) continue;
        if (isRefused(r)) refused.push(r);
        else rows.push(r);
      } catch {
        failed++; // a capture that cannot be built is a dropped entry, counted like the others
      }
    }
    if (failed) this.drop(failed);
    if (rows.length === 0 && refused.length === 0) return;
    this.post({ rows, refused: aggregate(refused), count: rows.length + refused.length });
  }

  /** Resolves once everything recorded so far has been written (or dropped); at most `timeoutMs`. */
  settled(timeoutMs = 2_000): Promise<void> {
    this.flush();
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Writes what is queued and closes the file (waits briefly for the worker). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (!this.worker) return;
    this.worker.postMessage({ type: 'close' });
    Atomics.wait(new Int32Array(this.closedFlag), 0, 0, CLOSE_WAIT_MS);
    void this.worker.terminate();
    this.worker = undefined;
  }

  private drop(n: number): void {
    this.current = { ...this.current, dropped: this.current.dropped + n };
    this.events.emit('state', this.current);
  }

  private startWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file: this.options.file, module, binding: this.options.nativeBinding, ddl: REQUEST_LOG_DDL, migrations: REQUEST_LOG_MIGRATIONS, retention: this.retention, closed: this.closedFlag },
      });
      worker.unref();
      worker.on('message', (reply: Reply) => this.answered(reply));
      worker.on('error', () => this.workerGone('The request log writer stopped unexpectedly; new requests are not being logged.'));
      worker.on('exit', () => {
        if (!this.closed) this.workerGone('The request log writer stopped unexpectedly; new requests are not being logged.');
      });
      this.worker = worker;
      return worker;
    } catch {
      this.setState('unavailable', 'The request log writer could not be started; requests are not being logged.');
      return undefined;
    }
  }

  private workerGone(message: string): void {
    this.worker = undefined;
    const lost = this.inFlightCount;
    this.inFlight.clear();
    this.inFlightCount = 0;
    this.setState('unavailable', message);
    if (lost) this.drop(lost);
    this.release();
  }

  private post(batch: Batch): void {
    const worker = this.startWorker();
    if (!worker) {
      this.drop(batch.count);
      return;
    }
    const id = this.nextId++;
    this.inFlight.set(id, batch);
    this.inFlightCount += batch.count;
    worker.postMessage({ type: 'batch', id, rows: batch.rows.map((r) => REQUEST_FIELDS.map((f) => r[f])), refused: batch.refused });
  }

  private answered(reply: Reply): void {
    const batch = this.inFlight.get(reply.id);
    if (!batch) return;
    this.inFlight.delete(reply.id);
    this.inFlightCount -= batch.count;
    this.setState(reply.state, reply.message);
    if (!reply.ok) this.drop(batch.count);
    else this.events.emit('recorded', { firstSeq: reply.firstSeq ?? 0, rows: batch.rows });
    if (this.inFlight.size === 0) this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private setState(state: RequestLogState['state'], message: string | null): void {
    if (state === this.current.state && message === this.current.message) return;
    this.current = { ...this.current, state, message };
    this.events.emit('state', this.current);
  }
}
