/**
 * Backup and export while the server runs. The backup is SQLite's online backup of the live
 * database (consistent, and it does not stop SCIM writes). The export writes the users and
 * groups as the SCIM API returns them (JSON), or as spreadsheets (CSV: users, groups,
 * memberships), page by page, so 100 000 users never sit in memory at once. Every file goes
 * through requested-files.ts: never over an existing file unless forced, never through a
 * link, 0600, and whole or not at all.
 */
import { once } from 'node:events';
import { createWriteStream, openSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ExportResult } from '../../contract/ipc';
import type { ExportFormat } from '../../contract/choices';
import { parseListParams } from '../scim/list';
import type { JsonObject } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema';
import type { DirectoryBrowser } from '../store/browse';
import { type Db, databasePath } from '../store/database';
import { requestLogPath } from '../store/request-log-schema';
import type { Directory } from './directory';
import { type PendingFile, type RequestedFileOptions, TEMP_WRITE_FLAGS, requestedFolder, writeRequestedFiles } from './requested-files';

/** What backups and exports read: the store, and the directory as the SCIM API shows it. */
export interface DataFilesParts {
  readonly dataDir: string;
  readonly db: Db;
  readonly directory: Directory;
  readonly browser: DirectoryBrowser;
}

const PAGE = 500;

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

/** Every resource of a type as the SCIM API returns it, a page at a time. */
async function* resources(directory: Directory, type: ResourceTypeName): AsyncGenerator<JsonObject> {
  for (let start = 1; ; start += PAGE) {
    const page = directory.list(type, parseListParams(type, { startIndex: String(start), count: String(PAGE) }, { defaultCount: PAGE, maxCount: PAGE })) as { Resources: JsonObject[] };
    yield* page.Resources;
    if (page.Resources.length < PAGE) return;
    await new Promise((r) => setImmediate(r)); // let SCIM requests in between pages
  }
}

async function exportJson(directory: Directory, file: string, options: RequestedFileOptions): Promise<ExportResult> {
  return writeRequestedFiles([file], options, ([pending]) => withStreams([pending!], ([out]) => writeJson(directory, out!, pending!.target)));
}

async function writeJson(directory: Directory, out: WriteStream, file: string): Promise<ExportResult> {
  const counts = { User: 0, Group: 0 };
  await write(out, `{"exportedAt":${JSON.stringify(new Date().toISOString())}`);
  for (const [type, key] of [['User', 'users'], ['Group', 'groups']] as const) {
    await write(out, `,"${key}":[`);
    for await (const resource of resources(directory, type)) {
      await write(out, `${counts[type]++ ? ',' : ''}\n${JSON.stringify(resource)}`);
    }
    await write(out, '\n]');
  }
  await write(out, '}\n');
  await finish(out);
  return { files: [file], users: counts.User, groups: counts.Group };
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

async function exportCsv(browser: DirectoryBrowser, out: string, options: RequestedFileOptions): Promise<ExportResult> {
  const dir = requestedFolder(out);
  const names = ['users.csv', 'groups.csv', 'memberships.csv'].map((name) => join(dir, name));
  return writeRequestedFiles(names, options, (pending) => withStreams(pending, ([users, groups, memberships]) => writeCsv(browser, users!, groups!, memberships!, names)));
}

async function writeCsv(browser: DirectoryBrowser, users: WriteStream, groups: WriteStream, memberships: WriteStream, files: readonly string[]): Promise<ExportResult> {
  await write(users, csvLine(['id', 'userName', 'name', 'email', 'active', 'externalId', 'source', 'created', 'lastModified']));
  let userCount = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = browser.users({ sort: 'created', offset, limit: PAGE });
    for (const u of page.items) await write(users, csvLine([u.id, u.userName, u.name, u.email, u.active, u.externalId, u.source, u.created, u.lastModified]));
    userCount += page.items.length;
    if (page.items.length < PAGE) break;
  }
  await finish(users);

  await write(groups, csvLine(['id', 'displayName', 'memberCount', 'externalId', 'source', 'created', 'lastModified']));
  await write(memberships, csvLine(['groupId', 'groupName', 'userId', 'userName']));
  let groupCount = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = browser.groups({ sort: 'created', offset, limit: PAGE });
    for (const g of page.items) {
      await write(groups, csvLine([g.id, g.displayName, g.memberCount, g.externalId, g.source, g.created, g.lastModified]));
      const seq = browser.group(g.id)?.seq;
      for (let m = 0; seq !== undefined; m += PAGE) {
        const members = browser.members(seq, { offset: m, limit: PAGE });
        for (const member of members.items) await write(memberships, csvLine([g.id, g.displayName, member.id, member.userName]));
        if (members.items.length < PAGE) break;
      }
    }
    groupCount += page.items.length;
    if (page.items.length < PAGE) break;
  }
  await finish(groups);
  await finish(memberships);
  return { files: [...files], users: userCount, groups: groupCount };
}

/** Backups and exports of the data folder's store, also while the server runs. */
export class DataFiles {
  constructor(private readonly parts: DataFilesParts) {}

  /** A copy of the database, by default in the data folder's backups/; `force` replaces an existing file. */
  async backup(file: string = defaultBackupFile(this.parts.dataDir), { force = false }: { force?: boolean } = {}): Promise<{ file: string }> {
    return { file: await backupDatabase(this.parts, file, { force, protect: liveFiles(this.parts.dataDir) }) };
  }

  /** The users and groups as SCIM JSON or CSV files, by default in the data folder's exports/; `force` replaces existing files. */
  export(format: ExportFormat, out: string = defaultExportPath(this.parts.dataDir, format), { force = false }: { force?: boolean } = {}): Promise<ExportResult> {
    const options = { force, protect: liveFiles(this.parts.dataDir) };
    return format === 'json' ? exportJson(this.parts.directory, out, options) : exportCsv(this.parts.browser, out, options);
  }
}
