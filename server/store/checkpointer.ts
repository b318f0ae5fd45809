/**
 * WAL checkpoints on a worker thread. With `synchronous = NORMAL` a commit writes to the WAL
 * without fsync, but SQLite's automatic checkpoint (every 1 000 WAL pages, run by whichever
 * commit crosses the line) copies the WAL into the database and fsyncs both: on the server's
 * only thread that stalled a write every few dozen commits and took about a third of a
 * create's cost. Here a second connection checkpoints (PASSIVE: it never blocks the server's
 * readers or writers) every CHECK_MS, so the fsyncs wait on the worker instead. Durability is
 * unchanged: a commit is in the WAL either way.
 *
 * The server connection keeps an automatic checkpoint as a backstop (BACKSTOP_PAGES) in case
 * the worker cannot keep up or is gone.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database';

const CHECK_MS = 200;
/** The server connection checkpoints by itself only past this many WAL pages (~64 MiB). */
export const BACKSTOP_PAGES = 16_000;
/** After a checkpoint resets it, the WAL file is cut back to this size (a burst can grow it). */
const WAL_KEEP_BYTES = 16 * 1024 * 1024;
/** How long close() waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 2_000;

// Plain CommonJS run with `eval`, so no bundler needs to know about a second entry point.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const flag = new Int32Array(workerData.closed);
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true, ...(workerData.binding ? { nativeBinding: workerData.binding } : {}) });
  db.pragma('busy_timeout = 0');
  db.pragma('cache_size = -256');
} catch {
  db = undefined;
}
const timer = setInterval(() => {
  try { db && db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closed: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db && db.close(); } catch {}
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly closed = new SharedArrayBuffer(4);
  private readonly worker: Worker | undefined;
  private exited = false;

  private constructor(file: string, nativeBinding: string | undefined) {
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file, module, binding: nativeBinding, everyMs: CHECK_MS, closed: this.closed },
      });
      this.worker.unref();
      this.worker.on('error', () => undefined); // the backstop checkpoint still runs
      this.worker.on('exit', () => (this.exited = true));
    } catch {
      this.worker = undefined;
    }
  }

  /** Hands checkpoints to the worker: the server connection keeps only the backstop. */
  static attach(db: Db, file: string, nativeBinding: string | undefined): Checkpointer {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_KEEP_BYTES}`);
    return new Checkpointer(file, nativeBinding);
  }

  /** Closes the worker's connection (waits briefly), so the server's close can end the WAL. */
  close(): void {
    if (!this.worker || this.exited) return;
    this.worker.postMessage('close');
    Atomics.wait(new Int32Array(this.closed), 0, 0, CLOSE_WAIT_MS);
    void this.worker.terminate();
  }
}
