/**
 * Backup and export while the server runs. The backup is SQLite's online backup of the live
 * database (consistent, and it does not stop SCIM writes). The export writes the users and
 * groups as the SCIM API returns them (JSON), or as spreadsheets (CSV: users, groups,
 * memberships), page by page, so 100 000 users never sit in memory at once. Every file goes
 * through requested-files.ts: never over an existing file unless forced, never through a
 * link, 0600, and whole or not at all.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, openSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ExportProgress, ExportResult } from '../../contract/ipc';
import type { ExportFormat } from '../../contract/choices';
import { Emitter } from '../base/emitter';
import type { JsonObject } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema';
import type { DirectoryBrowser } from '../store/browse';
import { type Db, databasePath } from '../store/database';
import { requestLogPath } from '../store/request-log-schema';
import type { Directory } from './directory';
import { ServiceError } from './errors';
import { type PendingFile, type RequestedFileOptions, TEMP_WRITE_FLAGS, requestedFolder, writeRequestedFiles } from './requested-files';

/** What backups and exports read: the store, and the directory as the SCIM API shows it. */
export interface DataFilesParts {
  readonly dataDir: string;
  readonly db: Db;
  readonly directory: Directory;
  readonly browser: DirectoryBrowser;
}

/**
 * Rows per page of the export: the server's thread renders a page whole before it lets requests
 * in, and 200 users as SCIM JSON take ~2 ms here (500 took 5, and 30–80 under a loaded CPU).
 */
const PAGE = 200;

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function defaultBackupFile(dataDir: string): string {
  return join(dataDir, 'backups', `scimdesk-${stamp()}.db`);
}

function defaultExportPath(dataDir: string, format: ExportFormat): string {
  return join(dataDir, 'exports', format === 'json' ? `scimdesk-${stamp()}.json` : `scimdesk-${stamp()}`);
}

/** The files SQLite is using: no backup or export may replace them, --force or not. */
function liveFiles(dataDir: string): string[] {
  return [databasePath(dataDir), requestLogPath(dataDir)].flatMap((db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]);
}

/** A consistent copy of the live database, taken without stopping the server. */
async function backupDatabase(parts: DataFilesParts, file: string, options: RequestedFileOptions): Promise<string> {
  return writeRequestedFiles([file], options, async ([copy]) => {
    try {
      // Into the empty 0600 file made for it: the copy is as private as the directory.
      await parts.db.backup(copy!.temp);
    } finally {
      rmSync(`${copy!.temp}-journal`, { force: true });
    }
    return copy!.target;
  });
}

function streamTo(file: PendingFile): WriteStream {
  return createWriteStream(file.temp, { fd: openSync(file.temp, TEMP_WRITE_FLAGS) }); // the stream closes it
}

/** Runs `fill` on streams to the files; on failure, closes them (the caller removes the files). */
async function withStreams<T>(files: readonly PendingFile[], fill: (streams: WriteStream[]) => Promise<T>): Promise<T> {
  const streams = files.map(streamTo);
  try {
    return await fill(streams);
  } finally {
    for (const stream of streams) stream.destroy();
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function finish(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** Lets the server's requests in between two pages: an export never holds the thread for more than one. */
function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How often an export says how far it is, at most (the panel's progress bar; the last count always goes). */
const PROGRESS_MS = 100;

/** What an export has written so far, told to `send` at most every PROGRESS_MS and once at the end. */
class ExportCounter {
  users = 0;
  groups = 0;
  private sentAt = 0;

  constructor(
    private readonly format: ExportFormat,
    private readonly totals: { readonly users: number; readonly groups: number },
    private readonly send: (progress: ExportProgress) => void,
  ) {}

  add(kind: 'users' | 'groups', n: number): void {
    this[kind] += n;
    if (performance.now() - this.sentAt >= PROGRESS_MS) this.report(false);
  }

  report(done: boolean): void {
    this.sentAt = performance.now();
    // The directory may grow while it is exported: the total is never below what was written.
    const { users, groups, format } = this;
    this.send({ format, users, groups, totalUsers: Math.max(users, this.totals.users), totalGroups: Math.max(groups, this.totals.groups), done });
  }
}

/** Groups carry their members (thousands, for some), so fewer of them a page. */
const GROUP_PAGE = 20;

/** Every resource of a type as the SCIM API returns it, a page at a time, with the server's requests let in between. */
async function* resourcePages(directory: Directory, type: ResourceTypeName): AsyncGenerator<JsonObject[]> {
  const size = type === 'User' ? PAGE : GROUP_PAGE;
  for (let after = 0; ; ) {
    const page = directory.exportPage(type, after, size);
    if (page.resources.length) yield page.resources;
    if (page.last === null || page.resources.length < size) return;
    after = page.last;
    await pause();
  }
}

async function exportJson(directory: Directory, file: string, options: RequestedFileOptions, counter: ExportCounter): Promise<ExportResult> {
  return writeRequestedFiles([file], options, ([pending]) => withStreams([pending!], ([out]) => writeJson(directory, out!, pending!.target, counter)));
}

async function writeJson(directory: Directory, out: WriteStream, file: string, counter: ExportCounter): Promise<ExportResult> {
  await write(out, `{"exportedAt":${JSON.stringify(new Date().toISOString())}`);
  for (const [type, key] of [['User', 'users'], ['Group', 'groups']] as const) {
    await write(out, `,"${key}":[`);
    let first = true;
    for await (const resources of resourcePages(directory, type)) {
      // One write a page: a write (and a wait for the disk) per resource made the export twice as long.
      await write(out, `${first ? '' : ','}\n${resources.map((r) => JSON.stringify(r)).join(',\n')}`);
      first = false;
      counter.add(key, resources.length);
    }
    await write(out, '\n]');
  }
  await write(out, '}\n');
  await finish(out);
  return { files: [file], users: counter.users, groups: counter.groups };
}

/**
 * One CSV cell (RFC 4180). A value a spreadsheet would run as a formula (= + - @ at the
 * start) gets a leading apostrophe: IdP data must not become code in the admin's spreadsheet.
 */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

async function exportCsv(browser: DirectoryBrowser, out: string, options: RequestedFileOptions, counter: ExportCounter): Promise<ExportResult> {
  const dir = requestedFolder(out);
  const names = ['users.csv', 'groups.csv', 'memberships.csv'].map((name) => join(dir, name));
  return writeRequestedFiles(names, options, (pending) => withStreams(pending, ([users, groups, memberships]) => writeCsv(browser, users!, groups!, memberships!, names, counter)));
}

async function writeCsv(browser: DirectoryBrowser, users: WriteStream, groups: WriteStream, memberships: WriteStream, files: readonly string[], counter: ExportCounter): Promise<ExportResult> {
  await write(users, csvLine(['id', 'userName', 'name', 'email', 'active', 'externalId', 'source', 'created', 'lastModified']));
  for (let after = 0; ; ) {
    const page = browser.usersAfter(after, PAGE);
    await write(users, page.map((u) => csvLine([u.id, u.userName, u.name, u.email, u.active, u.externalId, u.source, u.created, u.lastModified])).join(''));
    counter.add('users', page.length);
    if (page.length < PAGE) break;
    after = page.at(-1)!.seq;
    await pause();
  }
  await finish(users);

  // Groups are few (hundreds), so their pages may use an offset; a group's members (100 000, for some) come after the last.
  await write(groups, csvLine(['id', 'displayName', 'memberCount', 'externalId', 'source', 'created', 'lastModified']));
  await write(memberships, csvLine(['groupId', 'groupName', 'userId', 'userName']));
  for (let offset = 0; ; offset += PAGE) {
    const page = browser.groups({ sort: 'created', offset, limit: PAGE });
    for (const g of page.items) {
      await write(groups, csvLine([g.id, g.displayName, g.memberCount, g.externalId, g.source, g.created, g.lastModified]));
      const seq = browser.group(g.id)?.seq;
      for (let after = 0; seq !== undefined; ) {
        const members = browser.membersAfter(seq, after, PAGE);
        await write(memberships, members.map((member) => csvLine([g.id, g.displayName, member.id, member.userName])).join(''));
        if (members.length < PAGE) break;
        after = members.at(-1)!.seq;
        await pause();
      }
      counter.add('groups', 1);
    }
    if (page.items.length < PAGE) break;
    await pause();
  }
  await finish(groups);
  await finish(memberships);
  return { files: [...files], users: counter.users, groups: counter.groups };
}

/** What DataFiles announces: how far the running export is. */
export interface DataFilesEvents {
  progress: ExportProgress;
}

/**
 * Backups and exports of the data folder's store, also while the server runs. One export at a
 * time (a second is refused with 'busy': two would only double the wait for both); backups
 * run beside it. Remembers what it wrote in this run: the only files the panel may show in a folder.
 */
export class DataFiles {
  private readonly events = new Emitter<DataFilesEvents>();
  private readonly written = new Set<string>();
  private exporting: ExportFormat | null = null;

  constructor(private readonly parts: DataFilesParts) {}

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof DataFilesEvents>(event: K, listener: (payload: DataFilesEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** A copy of the database, by default in the data folder's backups/; `force` replaces an existing file. */
  async backup(file: string = defaultBackupFile(this.parts.dataDir), { force = false }: { force?: boolean } = {}): Promise<{ file: string }> {
    const written = await backupDatabase(this.parts, file, { force, protect: liveFiles(this.parts.dataDir) });
    this.written.add(written);
    return { file: written };
  }

  /**
   * The users and groups as SCIM JSON or CSV files, by default in the data folder's exports/;
   * `force` replaces existing files. Written a page at a time with the server's requests let in
   * between, announcing its progress; refused with 'busy' while another export runs.
   */
  async export(format: ExportFormat, out: string = defaultExportPath(this.parts.dataDir, format), { force = false }: { force?: boolean } = {}): Promise<ExportResult> {
    if (this.exporting) throw new ServiceError('busy', `An export (${this.exporting.toUpperCase()}) is already running: wait for it to finish, then export again.`);
    this.exporting = format;
    const counter = new ExportCounter(format, this.parts.directory.counts(), (p) => this.events.emit('progress', p));
    try {
      const options = { force, protect: liveFiles(this.parts.dataDir) };
      counter.report(false);
      const result = await (format === 'json' ? exportJson(this.parts.directory, out, options, counter) : exportCsv(this.parts.browser, out, options, counter));
      for (const file of result.files) this.written.add(file);
      return result;
    } finally {
      this.exporting = null;
      counter.report(true);
    }
  }

  /**
   * `file`, when this run wrote it as a backup or an export and it is still there: what the
   * panel may show in the file manager. Any other path is refused, so the window cannot have
   * the shell reveal (or open) files ScimDesk did not write.
   */
  writtenFile(file: string): string {
    if (!this.written.has(file)) throw new ServiceError('not-allowed', 'ScimDesk shows only the backups and exports it wrote since it started.');
    if (!existsSync(file)) throw new ServiceError('not-found', `${file} is no longer there: it was moved or deleted.`);
    return file;
  }
}
