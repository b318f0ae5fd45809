/**
 * Group commit: the writes that arrive together share one SQLite transaction.
 *
 * A commit writes every page it dirtied to the WAL, two system calls a page: a user create
 * dirties about ten (the row and the index entries), and the commit was half of its cost.
 * IdPs push with many connections at once (Okta imports with several in parallel), so the
 * writes queued while the event loop handles one round of requests run together on the next
 * turn, each in its own savepoint (a failed write — a 409, a 412 — undoes only itself), and
 * their answers go out after the one COMMIT. Pages they share (the table's last leaf, the
 * hot end of the time-ordered indexes) are written once, and the per-commit work is paid once.
 *
 * Nothing is answered before it is committed, so an acknowledged write survives a crash just
 * as before. A write alone waits one event-loop turn.
 */
import type { Db } from './database';

/** Writes per transaction at most, so a burst never holds the write lock for long. */
const MAX_BATCH = 64;

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  settled?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private closed = false;
  private readonly runBatch: (jobs: readonly Job[]) => void;

  constructor(db: Db) {
    // Called inside runBatch's transaction, this becomes a SAVEPOINT … RELEASE (or ROLLBACK TO).
    const savepoint = db.transaction((work: () => unknown) => work());
    const batch = db.transaction((jobs: readonly Job[]) => {
      for (const job of jobs) {
        try {
          job.settled = { ok: true, value: savepoint(job.work) };
        } catch (error) {
          job.settled = { ok: false, error };
          // A full disk (or an I/O error) can make SQLite roll back the whole transaction, not
          // just the statement: then the writes before this one are gone too, and a SAVEPOINT
          // now would start a new transaction of its own. Stop, and fail the whole batch.
          if (!db.inTransaction) throw error;
        }
      }
    });
    this.runBatch = (jobs) => batch.immediate(jobs);
  }

  /** Runs `work` in the next shared transaction; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now, then refuses new writes: for closing the store. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_BATCH);
      try {
        this.runBatch(jobs);
      } catch (error) {
        // BEGIN or COMMIT failed (the database is locked by another program, the disk is
        // full…): the whole transaction rolled back, so none of these writes happened.
        for (const job of jobs) job.reject(error);
        continue;
      }
      for (const job of jobs) {
        const s = job.settled!;
        if (s.ok) job.resolve(s.value);
        else job.reject(s.error);
      }
    }
  }
}
