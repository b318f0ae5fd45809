/**
 * An exclusive lock that every ScimDesk process on the machine honours: a lock file created
 * with O_EXCL (`wx`), holding the owner's pid and a random nonce, removed when the work is done.
 * Token rotations and the file store's read-modify-write go through it, so the CLI, the desktop
 * app and a headless server never interleave their steps (two interleaved rotations lost a
 * token hash: the printed token was refused and the replaced one kept working).
 *
 * A lock whose owner died (its pid no longer exists) is broken at once; one older than staleMs is
 * broken too, because a pid can be reused after a crash. Within one process, waiters queue on a
 * promise instead of polling the file, so a lock that names this process's own pid while the
 * queue says it is free was left by an earlier process with the same pid (common in containers).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SecretStoreBusyError, SecretStoreUnavailableError } from './secret-store';
import { processAlive } from '../base/process';

export interface FileLockOptions {
  /** How long to wait for another process's lock before giving up with a clear error. */
  readonly timeoutMs?: number;
  /** A lock older than this is taken to be left behind, whatever its pid says. */
  readonly staleMs?: number;
}

/** A keychain prompt can hold a rotation for a while; nothing else holds the lock longer than a second. */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_STALE_MS = 120_000;
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 25;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Per lock path, the tail of this process's queue (so a process never waits on its own file). */
const queues = new Map<string, Promise<void>>();

async function tryCreate(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SecretStoreUnavailableError(`cannot create the lock file ${path}: ${(err as Error).message}`);
  }
}

/** The lock's owner pid, or null when the file is gone or half-written (a writer that is still starting). */
async function holder(path: string): Promise<{ pid: number; content: string; ageMs: number } | null> {
  try {
    const [content, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const pid = Number(content.split('\n')[0]);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, content, ageMs: Date.now() - info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Removes a lock left behind, unless someone else broke it and took it meanwhile: the file is
 * moved aside first (atomic), and put back when what was moved is not the lock judged stale.
 */
async function breakStale(path: string, staleContent: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleContent);
  if (moved !== staleContent) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function acquire(path: string, { timeoutMs = DEFAULT_TIMEOUT_MS, staleMs = DEFAULT_STALE_MS }: FileLockOptions): Promise<string> {
  const content = `${process.pid}\n${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + timeoutMs;
  let pause = POLL_FIRST_MS;
  for (;;) {
    if (await tryCreate(path, content)) return content;
    const owner = await holder(path);
    // pid 0: the file is still being written (or was left half-written): only its age tells.
    if (owner && (owner.ageMs > staleMs || owner.pid === process.pid || (owner.pid > 0 && !processAlive(owner.pid)))) {
      await breakStale(path, owner.content);
      continue;
    }
    if (Date.now() > deadline) {
      throw new SecretStoreBusyError(
        `another ScimDesk process${owner?.pid ? ` (pid ${owner.pid})` : ''} has been changing tokens for ${Math.round(timeoutMs / 1000)} s (lock file ${path}): try again, or remove that file if no ScimDesk is running`,
      );
    }
    await sleep(pause);
    pause = Math.min(pause * 2, POLL_MAX_MS);
  }
}

async function release(path: string, content: string): Promise<void> {
  // Only our own lock: if it was broken as stale and taken by another process, it is theirs now.
  const owner = await holder(path).catch(() => null);
  if (owner?.content === content) await unlink(path).catch(() => undefined);
}

/** Runs `work` while holding the lock file at `path`; no other ScimDesk process holds it meanwhile. */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const path = resolve(file);
  const before = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = before.then(() => mine);
  queues.set(path, tail);
  try {
    await before;
    const content = await acquire(path, options);
    try {
      return await work();
    } finally {
      await release(path, content);
    }
  } finally {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  }
}
