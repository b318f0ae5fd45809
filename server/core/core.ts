/**
 * The core: the store and everything that works on it, composed once — the directory the IdPs
 * provision, the two connections and their tokens, the activity log, backups and exports.
 * It has no HTTP server and no tunnel (server/controller adds those); the CLI's one-shot
 * commands open a Core, use it and close it.
 */
import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOCAL_URL } from '../base/address';
import { nativeModulePath } from '../base/native';
import { scimBaseUrl } from '../scim/urls';
import { withFileLock } from '../secrets/file-lock';
import type { SecretStore } from '../secrets/secret-store';
import { DirectoryBrowser } from '../store/browse';
import { Checkpointer } from '../store/checkpointer';
import { ScanReader } from '../store/scan-reader';
import { ConnectionsRepo } from '../store/connections-repo';
import { DB_FILE, type Db, databasePath, openStore } from '../store/database';
import { DEFAULT_AUDIT_DAYS_AFTER_DELETE } from '../store/audit-trail';
import type { LogRetention } from '../store/request-log-schema';
import { Activity } from './activity';
import { Connections, simulatedSource } from './connections';
import { CONNECTIONS } from '../../contract/connections';
import { StoreHealthTracker } from './store-health';
import { DataFiles } from './data-files';
import { FaultDrills } from './fault-drill';
import { Directory } from './directory';

/** The lock file, in the data folder, that a token change holds (see withFileLock). */
export const TOKENS_LOCK_FILE = 'tokens.lock';

export interface CoreOptions {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  /** How long the request log keeps each kind of request. */
  readonly retention?: LogRetention;
  /** Days a deleted record's audit trail is kept (default 90). */
  readonly auditDaysAfterDelete?: number;
  /**
   * The public URL IdPs reach the server at (tunnel, reverse proxy, or the listening address),
   * read whenever a link is made; null or absent: the default local address.
   */
  readonly publicUrl?: () => string | null;
  /** How often an unusable secret store is probed again. */
  readonly secretsRetryMs?: number;
  /**
   * The clock tokens are timed by: when one is issued or used, when a rotation overlap ends;
   * and fault drills: when one was armed, when it expires. Default: the system clock; tests
   * pass one they move forward, to end an overlap or a drill without waiting.
   */
  readonly now?: () => Date;
}

export class Core {
  readonly db: Db;
  readonly directory: Directory;
  readonly connections: Connections;
  /** The request log (requests.db, written off the request thread) as people read it. */
  readonly activity: Activity;
  readonly storeHealth: StoreHealthTracker;
  /** The panel's (and the CSV export's) searchable, sortable pages. */
  readonly browser: DirectoryBrowser;
  readonly files: DataFiles;
  /** Armed fault drills, in this process's memory only (a restart ends them). */
  readonly faultDrills: FaultDrills;

  private readonly watcher: FSWatcher | undefined;
  private readonly checkpointer: Checkpointer;
  private readonly scans: ScanReader;
  private readonly auditPrune: NodeJS.Timeout;

  /** Opens the store (StoreError when it cannot be used) and composes the core on it. */
  constructor(readonly options: CoreOptions) {
    this.db = openStore({ dataDir: options.dataDir });
    this.checkpointer = Checkpointer.attach(this.db, databasePath(options.dataDir), nativeModulePath('better_sqlite3.node'));
    this.storeHealth = new StoreHealthTracker(options.dataDir);
    this.scans = new ScanReader(databasePath(options.dataDir), nativeModulePath('better_sqlite3.node'));
    this.directory = new Directory(this.db, { baseUrl: () => this.scimUrl(), health: this.storeHealth, reader: this.scans });
    const repo = new ConnectionsRepo(this.db);
    const auditDays = options.auditDaysAfterDelete ?? DEFAULT_AUDIT_DAYS_AFTER_DELETE;
    this.browser = new DirectoryBrowser(this.db);
    this.activity = new Activity({
      dataDir: options.dataDir,
      retention: options.retention,
      auditDaysAfterDelete: auditDays,
      nativeBinding: nativeModulePath('better_sqlite3.node'),
      holder: (type, name) => (type === 'User' ? this.browser.userIdByName(name) : this.browser.groupIdByName(name)),
    });
    this.connections = new Connections(repo, options.secretStore, {
      secretsRetryMs: options.secretsRetryMs,
      now: options.now,
      health: (name, enabled) => this.activity.health(name, enabled),
      // Every process that opens this data folder (CLI, desktop app, server) takes this lock to change a token.
      exclusive: (work) => withFileLock(join(options.dataDir, TOKENS_LOCK_FILE), work),
    });
    // A deleted record's trail goes `auditDays` after the delete: checked now and every hour.
    const pruneAudit = (): void => {
      try {
        this.directory.audit.prune(auditDays);
      } catch {
        /* a full or locked disk: the next hour tries again */
      }
    };
    pruneAudit();
    this.auditPrune = setInterval(pruneAudit, 3_600_000);
    this.auditPrune.unref();
    this.faultDrills = new FaultDrills({ now: options.now });
    this.files = new DataFiles({ dataDir: options.dataDir, db: this.db, directory: this.directory, browser: this.browser });
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

  /**
   * Deletes the records ScimDesk's simulator created (source `<connection>-simulated`), never a
   * real IdP's, in one transaction; the audit trail says who: "simulator-cleanup".
   */
  removeSimulated(): Promise<{ users: number; groups: number }> {
    const sources = CONNECTIONS.map(simulatedSource);
    return this.directory.commit(() => this.directory.deleteBySource(sources, 'simulator-cleanup'));
  }

  /** The SCIM base URL clients see (public URL + /scim/v2). */
  scimUrl(): string {
    return scimBaseUrl(this.options.publicUrl?.() ?? DEFAULT_LOCAL_URL);
  }

  close(): void {
    this.watcher?.close();
    clearInterval(this.auditPrune);
    this.connections.close();
    this.faultDrills.close();
    this.scans.close();
    if (!this.db.open) return;
    // Writes already accepted are committed, not dropped (their clients may be gone).
    this.directory.closeWrites();
    this.activity.close();
    this.checkpointer.close();
    this.db.close();
  }
}
