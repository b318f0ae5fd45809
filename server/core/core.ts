/**
 * Composition of the core — store, directory, connections, activity log — and the listening
 * SCIM server. The headless CLI and Electron's main process both start ScimDesk through here.
 */
import { type FSWatcher, watch } from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type AppOptions, buildApp, scimBaseUrl } from './app';
import { Connections } from './connections';
import { Directory } from './directory';
import type { SecretStore } from './secrets/secret-store';
import { ActivityLog, DEFAULT_RETENTION, type RetentionOptions } from './store/activity-log';
import { ConnectionsRepo } from './store/connections-repo';
import { Checkpointer } from './store/checkpointer';
import { DB_FILE, type Db, databasePath, openStore } from './store/database';
import { nativeModulePath } from './native';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

export interface CoreOptions {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  readonly retention?: RetentionOptions;
}

/** The store and everything that works on it, without HTTP. */
export class Core {
  readonly db: Db;
  readonly directory: Directory;
  readonly connections: Connections;
  readonly activity: ActivityLog;
  private publicUrl: string | undefined;

  private readonly watcher: FSWatcher | undefined;
  private readonly checkpointer: Checkpointer;

  constructor(readonly options: CoreOptions) {
    this.db = openStore({ dataDir: options.dataDir });
    this.checkpointer = Checkpointer.attach(this.db, databasePath(options.dataDir), nativeModulePath('better_sqlite3.node'));
    this.directory = new Directory(this.db, { baseUrl: () => this.scimUrl() });
    const connections = new ConnectionsRepo(this.db);
    this.connections = new Connections(connections, options.secretStore);
    this.activity = new ActivityLog(this.db, options.retention ?? DEFAULT_RETENTION);
    // Writes by another process (the CLI) show up as writes to the database files.
    try {
      this.watcher = watch(options.dataDir, { persistent: false }, (_event, file) => {
        if (!file || String(file).startsWith(DB_FILE)) connections.filesChanged();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = undefined; // no file watching here: the repo still re-checks every second
    }
  }

  /** The public URL clients reach the server at (tunnel, reverse proxy, or the local address). */
  setPublicUrl(url: string | undefined): void {
    this.publicUrl = url?.replace(/\/+$/, '');
  }

  getPublicUrl(): string | undefined {
    return this.publicUrl;
  }

  scimUrl(): string {
    return scimBaseUrl(this.publicUrl ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`);
  }

  close(): void {
    this.watcher?.close();
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

export interface ListenOptions {
  readonly host?: string;
  readonly port?: number;
  /** A fixed public URL (reverse proxy); without it the local address is used until a tunnel sets one. */
  readonly publicUrl?: string;
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  readonly bodyLimit?: number;
  readonly http?: AppOptions['http'];
  readonly viaTunnel?: AppOptions['viaTunnel'];
  readonly authLimits?: AppOptions['authLimits'];
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port of the listening socket. */
  readonly localUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(core: Core, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const app = await buildApp({
    directory: core.directory,
    connections: core.connections,
    activity: core.activity,
    baseUrl: () => core.scimUrl(),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.http ? { http: options.http } : {}),
    ...(options.viaTunnel ? { viaTunnel: options.viaTunnel } : {}),
    ...(options.authLimits ? { authLimits: options.authLimits } : {}),
  });
  await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
  const localUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (options.publicUrl) core.setPublicUrl(options.publicUrl);
  else if (!core.getPublicUrl()) core.setPublicUrl(localUrl);
  let closed = false;
  return {
    app,
    localUrl,
    port,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
