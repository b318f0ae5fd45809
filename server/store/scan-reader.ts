/**
 * List reads that no index serves, on a worker thread with its own read-only connection.
 *
 * Why a worker and not only a cost budget: at 100 000 users one `emails co "x"` reads every
 * row's JSON (~180 ms here), one `groups[display co "x"]` runs a sub-query per user (~70 ms),
 * and five of them ~210 ms. A budget that kept every such read under the 250 ms the server
 * may block others would refuse the second term of any search at that size, and still let
 * the first block every IdP lookup for most of the bar. On a worker the search costs the same
 * CPU, but on the other core: `userName eq` lookups (index reads, on the server's thread)
 * keep their milliseconds whatever a search costs. What bounds the worker instead: one
 * search at a time, at most MAX_WAITING waiting (then 503 with Retry-After, which Okta and
 * Entra treat as "try later"), and the filter's own comparison limit (server/scim/filter-parser).
 *
 * WAL lets the worker's connection read while the server writes; it sees what was committed
 * when its statement started, which is everything any client has been answered for.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ScimError } from '../scim/errors';
import { foldCase } from '../scim/text';
import type { SqlParam } from './filter-sql';

/**
 * Searches queued behind the running one; more get 503 at once. Few, because each waiting
 * search holds a connection: through localtunnel that is one of the client's 10 tunnel
 * sockets, and a queue of slow searches holding them all would keep Okta's lookups out at
 * the tunnel, however free the server's thread.
 */
export const MAX_WAITING = 2;
/** Statements the worker keeps prepared (IdP-free traffic: a handful of shapes at most). */
const STATEMENT_CACHE = 50;
/** How long close() waits for the worker to close its connection (so the server's close can end the WAL). */
const CLOSE_WAIT_MS = 2_000;

// Plain CommonJS run with `eval`, so no bundler needs to know about a second entry point (as
// the checkpointer's). `scim_fold` is the store's case-folding function: the worker gets
// foldCase's own source, so the rule cannot drift between the two connections.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const fold = new Function('return (' + workerData.fold + ')')();
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.binding ? { nativeBinding: workerData.binding } : {}) });
db.pragma('busy_timeout = 5000');
db.function('scim_fold', { deterministic: true }, (v) => (typeof v === 'string' ? fold(v) : v));
const statements = new Map();
function prepared(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size >= workerData.cache) statements.delete(statements.keys().next().value);
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { db.close(); } catch {}
    const flag = new Int32Array(workerData.closed);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, rows: prepared(m.sql).all(...m.params) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

interface Pending {
  readonly id: number;
  readonly sql: string;
  readonly params: readonly SqlParam[];
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

const busy = (): ScimError =>
  ScimError.unavailable(`${MAX_WAITING + 1} searches that no index serves are already running or waiting; retry in a few seconds, or search by userName, externalId, id or displayName (eq)`, 5);

export class ScanReader {
  private worker: Worker | undefined;
  private readonly waiting: Pending[] = [];
  private running: Pending | undefined;
  private nextId = 0;
  private closed = false;
  private readonly closedFlag = new SharedArrayBuffer(4);

  constructor(
    private readonly file: string,
    private readonly nativeBinding: string | undefined,
  ) {}

  /** Runs one read statement on the worker; rejects with a 503 ScimError when too many wait. */
  all<R>(sql: string, params: readonly SqlParam[]): Promise<R[]> {
    if (this.closed) return Promise.reject(ScimError.unavailable('The server is shutting down; retry in a few seconds', 5));
    if (this.waiting.length >= MAX_WAITING) return Promise.reject(busy());
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ id: ++this.nextId, sql, params, resolve: resolve as (rows: unknown[]) => void, reject });
      this.pump();
    });
  }

  /** Stops the worker; what still waits is refused (503), as on any shutdown. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const gone = ScimError.unavailable('The server is shutting down; retry in a few seconds', 5);
    for (const p of this.waiting.splice(0)) p.reject(gone);
    this.running?.reject(gone);
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      // A search still running holds the worker; past the wait it is terminated all the same.
      worker.postMessage('close');
      Atomics.wait(new Int32Array(this.closedFlag), 0, 0, CLOSE_WAIT_MS);
      void worker.terminate();
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.running = next;
    this.start().postMessage({ id: next.id, sql: next.sql, params: next.params });
  }

  /** The worker, started on first use (most servers never get a search that needs it). */
  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, module: createRequire(import.meta.url).resolve('better-sqlite3'), binding: this.nativeBinding, fold: foldCase.toString(), cache: STATEMENT_CACHE, closed: this.closedFlag },
    });
    worker.unref();
    worker.on('message', (m: { id: number; rows?: unknown[]; error?: string }) => {
      const done = this.running;
      if (!done || done.id !== m.id) return;
      this.running = undefined;
      if (m.error !== undefined) done.reject(new Error(`search on the scan worker failed: ${m.error}`));
      else done.resolve(m.rows ?? []);
      this.pump();
    });
    // A worker that died (it could not open the file…) fails what it was running; the next
    // search starts a new one.
    const lost = (err: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const done = this.running;
      this.running = undefined;
      done?.reject(err);
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the scan worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
