/**
 * Backup and export while the server runs. The backup is SQLite's online backup of the live
 * database (consistent, and it does not stop SCIM writes). The export writes the users and
 * groups as the SCIM API returns them (JSON), or as spreadsheets (CSV: users, groups,
 * memberships), page by page, so 100 000 users never sit in memory at once.
 */
import { once } from 'node:events';
import { chmodSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExportResult } from '../../contract/ipc';
import type { ExportFormat } from '../../contract/choices';
import { parseListParams } from '../scim/list';
import type { JsonObject } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema';
import type { DirectoryBrowser } from '../store/browse';
import type { Db } from '../store/database';
import type { Directory } from './directory';

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

/** A consistent copy of the live database, taken without stopping the server. */
async function backupDatabase(parts: DataFilesParts, file: string): Promise<string> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await parts.db.backup(file);
  chmodSync(file, 0o600); // a copy of the directory is as private as the directory
  return file;
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

async function exportJson(directory: Directory, file: string): Promise<ExportResult> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const out = createWriteStream(file, { mode: 0o600 });
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

async function exportCsv(browser: DirectoryBrowser, dir: string): Promise<ExportResult> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = { users: join(dir, 'users.csv'), groups: join(dir, 'groups.csv'), memberships: join(dir, 'memberships.csv') };
  const users = createWriteStream(files.users, { mode: 0o600 });
  await write(users, csvLine(['id', 'userName', 'name', 'email', 'active', 'externalId', 'source', 'created', 'lastModified']));
  let userCount = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = browser.users({ sort: 'created', offset, limit: PAGE });
    for (const u of page.items) await write(users, csvLine([u.id, u.userName, u.name, u.email, u.active, u.externalId, u.source, u.created, u.lastModified]));
    userCount += page.items.length;
    if (page.items.length < PAGE) break;
  }
  await finish(users);

  const groups = createWriteStream(files.groups, { mode: 0o600 });
  const memberships = createWriteStream(files.memberships, { mode: 0o600 });
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
  return { files: [files.users, files.groups, files.memberships], users: userCount, groups: groupCount };
}

/** Backups and exports of the data folder's store, also while the server runs. */
export class DataFiles {
  constructor(private readonly parts: DataFilesParts) {}

  /** A copy of the database, by default in the data folder's backups/. */
  async backup(file: string = defaultBackupFile(this.parts.dataDir)): Promise<{ file: string }> {
    return { file: await backupDatabase(this.parts, file) };
  }

  /** The users and groups as SCIM JSON or CSV files, by default in the data folder's exports/. */
  export(format: ExportFormat, out: string = defaultExportPath(this.parts.dataDir, format)): Promise<ExportResult> {
    return format === 'json' ? exportJson(this.parts.directory, out) : exportCsv(this.parts.browser, out);
  }
}
