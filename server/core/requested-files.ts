/**
 * Files written where a person asked for them (`backup --out`, `export --out`). They hold
 * personal data and may land in a shared folder, so:
 * - an existing file is replaced only when asked (`--force`), and the live database never;
 * - the last part of the path is never followed when it is a symbolic link (`O_NOFOLLOW`), so a
 *   link planted in /tmp cannot redirect the write; with `--force` the link itself is replaced;
 * - the file is created owner-only (0600) under a temporary name beside its target (`O_EXCL`),
 *   written, flushed and then moved into place whole: a reader never sees a half-written file,
 *   and a failed write (a full disk) leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { open as openHandle } from 'node:fs/promises';
import { closeSync, constants, linkSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { storeFailureOf } from '../store/sqlite-errors';
import { ServiceError } from './errors';

export interface RequestedFileOptions {
  /** Replace a file that exists (never a directory, never a protected file). */
  readonly force?: boolean;
  /** Files no write may replace, even with force: the live database and its WAL. */
  readonly protect?: readonly string[];
}

/** A file being written: its final path and the temporary file (created 0600) beside it. */
export interface PendingFile {
  readonly target: string;
  readonly temp: string;
}

/** How a writer opens its temporary file: the one just created, never a link put in its place. */
export const TEMP_WRITE_FLAGS = constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW;

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A path with its folders resolved (links in folders are the person's own layout), its last part as given. */
function canonical(path: string): string {
  const absolute = resolve(path);
  let dir = dirname(absolute);
  try {
    dir = realpathSync(dir);
  } catch {
    /* not there yet: created below, so nothing to resolve */
  }
  return join(dir, basename(absolute));
}

function refuse(message: string): never {
  throw new ServiceError('not-allowed', message);
}

/** Refuses a target that exists (unless forced), is a link (unless forced) or is protected. */
function checkTarget(target: string, options: RequestedFileOptions): void {
  const protectedFiles = (options.protect ?? []).map(canonical);
  if (protectedFiles.includes(target)) refuse(`${target} is ScimDesk's live database; it was not changed. Choose another path for the copy.`);
  let stat;
  try {
    stat = lstatSync(target);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  if (stat.isDirectory()) refuse(`${target} is a folder; nothing was written. Give a file name.`);
  if (!options.force) {
    const what = stat.isSymbolicLink() ? 'is a symbolic link (ScimDesk never writes through one)' : 'already exists';
    refuse(`${target} ${what}; it was not changed. Choose another path, or pass --force to replace it.`);
  }
}

/** Creates the folder for requested files, owner-only when it is new; never through a link at its last part. */
export function requestedFolder(dir: string): string {
  const target = canonical(dir);
  try {
    if (lstatSync(target).isSymbolicLink()) refuse(`${target} is a symbolic link (ScimDesk never writes through one); nothing was written. Choose another folder.`);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
  mkdirSync(target, { recursive: true, mode: 0o700 });
  return target;
}

function open(file: string, options: RequestedFileOptions): PendingFile {
  mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
  const target = canonical(file);
  checkTarget(target, options);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  closeSync(openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
  return { target, temp };
}

/** Moves a written temporary file into place: atomically refused when the target appeared meanwhile. */
async function publish(file: PendingFile, options: RequestedFileOptions): Promise<void> {
  const handle = await openHandle(file.temp, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // The data is on disk before its name is. Off the server's thread: flushing a 60 MB export
    // held it for hundreds of milliseconds, and every SCIM request with it.
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (options.force) {
    renameSync(file.temp, file.target); // replaces a link itself, never what it points to
    return;
  }
  try {
    linkSync(file.temp, file.target); // fails with EEXIST if something took the name since the check
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') refuse(`${file.target} appeared while it was being written; it was not changed. Choose another path, or pass --force to replace it.`);
    throw err;
  }
  rmSync(file.temp, { force: true });
}

/** Why a write failed, and what to do, in words. */
function failure(targets: readonly string[], err: unknown): ServiceError {
  const which = targets.join(', ');
  const code = errnoOf(err);
  if (code === 'ENOSPC' || code === 'EDQUOT' || storeFailureOf(err) === 'disk-full') {
    return new ServiceError('write-failed', `Could not write ${which}: the disk is full. Nothing was written; free some space and try again.`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ServiceError('write-failed', `Could not write ${which}: no permission to write there (${code}). Nothing was written; choose another path.`);
  }
  return new ServiceError('write-failed', `Could not write ${which}: ${(err as Error).message}. Nothing was written.`);
}

/**
 * Writes files where a person asked: `write` fills the temporary files (opened with
 * TEMP_WRITE_FLAGS, or by a library that takes a path); only when it succeeds are they moved into place. Any failure removes them all.
 */
export async function writeRequestedFiles<T>(files: readonly string[], options: RequestedFileOptions, write: (pending: readonly PendingFile[]) => Promise<T>): Promise<T> {
  const pending: PendingFile[] = [];
  try {
    for (const file of files) pending.push(open(file, options));
    const result = await write(pending);
    for (const file of pending) await publish(file, options);
    return result;
  } catch (err) {
    for (const file of pending) rmSync(file.temp, { force: true });
    if (err instanceof ServiceError) throw err;
    throw failure(pending.length > 0 ? pending.map((p) => p.target) : files, err);
  }
}
