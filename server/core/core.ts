/**
 * The core: the store and everything that works on it, composed once — the directory the IdPs
 * provision, the two connections and their tokens, the activity log, backups and exports.
 * It has no HTTP server and no tunnel (server/controller adds those); the CLI's one-shot
 * commands open a Core, use it and close it.
 */
import { type FSWatcher, watch } from 'node:fs';
import { DEFAULT_LOCAL_URL } from '../base/address';
import { nativeModulePath } from '../base/native';
import { scimBaseUrl } from '../scim/urls';
import type { SecretStore } from '../secrets/secret-store';
import { ActivityLog, DEFAULT_RETENTION, type RetentionOptions } from '../store/activity-log';
import { DirectoryBrowser } from '../store/browse';
import { Checkpointer } from '../store/checkpointer';
import { ConnectionsRepo } from '../store/connections-repo';
import { DB_FILE, type Db, databasePath, openStore } from '../store/database';
import { Connections } from './connections';
import { DataFiles } from './data-files';
import { Directory } from './directory';

export interface CoreOptions {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  readonly retention?: RetentionOptions;
  /**
   * The public URL IdPs reach the server at (tunnel, reverse proxy, or the listening address),
   * read whenever a link is made; null or absent: the default local address.
   */
  readonly publicUrl?: () => string | null;
  /** How often an unusable secret store is probed again. */
  readonly secretsRetryMs?: number;
}

export class Core {
  readonly db: Db;
  readonly directory: Directory;
  readonly connections: Connections;
  readonly activity: ActivityLog;
  /** The panel's (and the CSV export's) searchable, sortable pages. */
  readonly browser: DirectoryBrowser;
  readonly files: DataFiles;

  private readonly watcher: FSWatcher | undefined;
  private readonly checkpointer: Checkpointer;

  /** Opens the store (StoreError when it cannot be used) and composes the core on it. */
  constructor(readonly options: CoreOptions) {
    this.db = openStore({ dataDir: options.dataDir });
    this.checkpointer = Checkpointer.attach(this.db, databasePath(options.dataDir), nativeModulePath('better_sqlite3.node'));
    this.directory = new Directory(this.db, { baseUrl: () => this.scimUrl() });
    const repo = new ConnectionsRepo(this.db);
    this.connections = new Connections(repo, options.secretStore, { secretsRetryMs: options.secretsRetryMs });
    this.activity = new ActivityLog(this.db, options.retention ?? DEFAULT_RETENTION);
    this.browser = new DirectoryBrowser(this.db);
    this.files = new DataFiles({ dataDir: options.dataDir, db: this.db, directory: this.directory, activity: this.activity, browser: this.browser });
    // Writes by another process (the CLI) show up as writes to the database files.
    try {
      this.watcher = watch(options.dataDir, { persistent: false }, (_event, file) => {
        if (!file || String(file).startsWith(DB_FILE)) repo.filesChanged();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = undefined; // no file watching here: the repo still re-checks every second
    }
  }

  /** The SCIM base URL clients see (public URL + /scim/v2). */
  scimUrl(): string {
    return scimBaseUrl(this.options.publicUrl?.() ?? DEFAULT_LOCAL_URL);
  }

  close(): void {
    this.watcher?.close();
    this.connections.close();
    if (!this.db.open) return;
    // Writes already accepted are committed, not dropped (their clients may be gone).
    this.directory.closeWrites();
    try {
      this.activity.flush();
      this.activity.prune(); // the log obeys its retention when the server stops, too
    } catch {
      /* a log that cannot be written must not keep the store from closing */
    }
    this.checkpointer.close();
    this.db.close();
  }
}
