/**
 * The connection core: the one object the desktop UI (through IPC) and the headless CLI
 * drive. It owns the store, the SCIM server, the token keeper and the tunnel, answers the
 * panel's queries, and announces status, directory and activity changes as typed events.
 */
import type { ServerOptions } from 'node:http';
import type { AuthLimits } from './http/auth-limiter';
import type { FastifyServerOptions } from 'fastify';
import type {
  ActivityDetail,
  ActivityQuery,
  ActivitySummary,
  AppStatus,
  ConnectionName,
  ConnectionStatus,
  DirectoryChangeEvent,
  GroupDetail,
  GroupQuery,
  GroupSummary,
  MemberQuery,
  Page,
  TokenResult,
  TunnelSettings,
  TunnelStatus,
  UserDetail,
  UserQuery,
  UserSummary,
} from './api-types';
import { HEALTH_PATH, scimBaseUrl } from './app';
import type { ConnectionState } from './connections';
import { Emitter } from './events';
import { type ExportFormat, type ExportResult, backupDatabase, defaultBackupFile, defaultExportPath, exportDirectory } from './export';
import { Core, DEFAULT_HOST, DEFAULT_PORT, type RunningServer, listen } from './runtime';
import type { SecretStore } from './secrets/secret-store';
import { SecretStoreUnavailableError, checkSecretStore } from './secrets/secret-store';
import type { ActivityEntry, RetentionOptions } from './store/activity-log';
import { DirectoryBrowser } from './store/browse';
import { SettingsRepo } from './store/settings-repo';
import { DEFAULT_TUNNEL_SETTINGS, normalizeTunnelSettings } from './tunnel/settings';
import { type BackoffOptions, TunnelSupervisor, tunnelOff } from './tunnel/supervisor';

export const APP_VERSION = '0.1.0';

export const CONNECTION_LABELS: Readonly<Record<ConnectionName, string>> = { okta: 'Okta', entra: 'Microsoft Entra ID' };

export interface ControllerEvents {
  status: AppStatus;
  directory: DirectoryChangeEvent;
  activity: readonly ActivitySummary[];
}

export interface ControllerOptions {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  readonly host?: string;
  /** Port of the local SCIM server (0: any free port). */
  readonly port?: number;
  /** Overrides of the saved tunnel settings for this run (CLI flags); not saved. */
  readonly tunnel?: Partial<TunnelSettings>;
  readonly logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  readonly bodyLimit?: number;
  readonly retention?: RetentionOptions;
  /** Tunnel timings (tests shorten them). */
  readonly tunnelTiming?: { openTimeoutMs?: number; healthIntervalMs?: number; backoff?: BackoffOptions; subdomainGraceMs?: number; subdomainRetries?: number };
  /** Node HTTP server options for the SCIM server (tests shorten its timeouts). */
  readonly http?: ServerOptions;
  /** Throttling of wrong-token attempts (tests shorten the window). */
  readonly authLimits?: AuthLimits;
  /** How often coalesced directory/activity events are sent at most. */
  readonly eventIntervalMs?: number;
  /** How often an unusable keychain is probed again. */
  readonly secretsRetryMs?: number;
}

const SETTINGS_TUNNEL = 'tunnel';
const SETTINGS_CONFIRMED_URL = 'confirmedPublicUrl';

/** Errors the UI shows as they are (code + one sentence). */
export class ControllerError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid-settings' | 'keychain-unavailable' | 'server-not-running',
    message: string,
  ) {
    super(message);
    this.name = 'ControllerError';
  }
}

function summary(e: ActivityEntry): ActivitySummary {
  return {
    seq: e.seq,
    at: e.at,
    connection: e.connection,
    method: e.method,
    path: e.path,
    status: e.status,
    durationMs: e.durationMs,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
  };
}

const STATUS_CLASS = { success: 2, 'client-error': 4, 'server-error': 5 } as const;

export class Controller {
  readonly core: Core;
  private readonly events = new Emitter<ControllerEvents>();
  private readonly settings: SettingsRepo;
  private readonly browser: DirectoryBrowser;
  private server: RunningServer | undefined;
  private serverError: string | null = null;
  private supervisor: TunnelSupervisor | undefined;
  private tunnelSettings: TunnelSettings;
  private secretsProblem: string | null = null;
  private pendingChange: { types: Set<'User' | 'Group'>; ids: Set<string> } | undefined;
  private pendingActivity: ActivitySummary[] = [];
  private activitySeen = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private secretsRetry: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void)[] = [];

  private constructor(private readonly options: ControllerOptions) {
    this.core = new Core({ dataDir: options.dataDir, secretStore: options.secretStore, ...(options.retention ? { retention: options.retention } : {}) });
    this.settings = new SettingsRepo(this.core.db);
    this.browser = new DirectoryBrowser(this.core.db);
    const saved = this.settings.get<TunnelSettings>(SETTINGS_TUNNEL) ?? DEFAULT_TUNNEL_SETTINGS;
    this.tunnelSettings = normalizeTunnelSettings(options.tunnel ?? {}, normalizeTunnelSettings(saved));
  }

  /** Opens the store and starts the SCIM server and the tunnel. Store errors (StoreError) are thrown. */
  static async start(options: ControllerOptions): Promise<Controller> {
    const controller = new Controller(options);
    try {
      await controller.boot();
    } catch (err) {
      await controller.stop();
      throw err;
    }
    return controller;
  }

  private async boot(): Promise<void> {
    this.core.connections.onSecretsError = (err) => this.setSecretsProblem(err.message);
    await this.checkSecrets();
    this.core.activity.onRecorded = (entries) => {
      // The panel's live log; without one listening (the headless CLI) nothing is kept.
      if (this.events.listening('activity')) this.pendingActivity.push(...entries.map(summary));
      this.activitySeen = true;
      this.scheduleFlush();
    };
    this.unsubscribe.push(
      this.core.directory.onChange((change) => {
        this.pendingChange ??= { types: new Set(), ids: new Set() };
        this.pendingChange.types.add(change.type);
        this.pendingChange.ids.add(change.id);
        this.scheduleFlush();
      }),
    );
    try {
      this.server = await listen(this.core, {
        host: this.options.host ?? DEFAULT_HOST,
        port: this.options.port ?? DEFAULT_PORT,
        ...(this.options.logger !== undefined ? { logger: this.options.logger } : {}),
        ...(this.options.bodyLimit !== undefined ? { bodyLimit: this.options.bodyLimit } : {}),
        ...(this.options.http ? { http: this.options.http } : {}),
        ...(this.options.authLimits ? { authLimits: this.options.authLimits } : {}),
        viaTunnel: (port) => this.supervisor?.isRelayPeer(port) ?? false,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const where = `port ${this.options.port ?? DEFAULT_PORT} on ${this.options.host ?? DEFAULT_HOST}`;
      this.serverError = e.code === 'EADDRINUSE' ? `${where} is already in use` : `the SCIM server could not start on ${where} (${e.message})`;
      throw new ControllerError('server-not-running', this.serverError);
    }
    this.applyTunnel();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.eventIntervalMs ?? 200);
  }

  /** Directory and activity events are coalesced: a bulk push is a few events, not thousands. */
  private flush(): void {
    this.flushTimer = undefined;
    const change = this.pendingChange;
    this.pendingChange = undefined;
    const activity = this.pendingActivity;
    this.pendingActivity = [];
    const seen = this.activitySeen;
    this.activitySeen = false;
    if (change) this.events.emit('directory', { types: [...change.types], ids: [...change.ids].slice(0, 1000) });
    if (activity.length) this.events.emit('activity', activity);
    // Requests change the connections' "last used"; the status carries them.
    if (change || seen) this.emitStatus();
  }

  private emitStatus(): void {
    if (this.events.listening('status')) this.events.emit('status', this.status());
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof ControllerEvents>(event: K, listener: (payload: ControllerEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  // -------------------------------------------------------------------------------------------
  // Status

  private connectionStatus(s: ConnectionState): ConnectionStatus {
    return { ...s, label: CONNECTION_LABELS[s.name] };
  }

  private publicUrl(): string | null {
    if (!this.server) return null;
    const t = this.tunnelSettings;
    if (t.mode === 'external') return t.publicUrl;
    if (t.mode === 'localtunnel') return this.supervisor?.status().url ?? null;
    return this.server.localUrl;
  }

  status(): AppStatus {
    const publicUrl = this.publicUrl();
    const confirmed = this.settings.get<string>(SETTINGS_CONFIRMED_URL);
    const reachable = this.tunnelSettings.mode === 'none' ? 'local-only' : 'internet';
    return {
      version: APP_VERSION,
      dataDir: this.options.dataDir,
      server: { listening: !!this.server, localUrl: this.server?.localUrl ?? null, error: this.serverError },
      publicUrl,
      scimUrl: publicUrl && scimBaseUrl(publicUrl),
      reachable,
      urlChange: reachable === 'internet' && publicUrl && confirmed && confirmed !== publicUrl ? { previous: confirmed, current: publicUrl } : null,
      secrets: { kind: this.core.connections.secretStore.kind, ok: this.secretsProblem === null, message: this.secretsProblem },
      tunnelSettings: this.tunnelSettings,
      tunnel: this.tunnelStatus(),
      connections: this.core.connections.states().map((s) => this.connectionStatus(s)),
      counts: this.core.directory.counts(),
    };
  }

  private tunnelStatus(): TunnelStatus {
    const t = this.tunnelSettings;
    return this.supervisor?.status() ?? tunnelOff(t.mode === 'localtunnel' ? t.host : null, t.subdomain);
  }

  /** Probes the secret store; the result shows in status (the server answers 503 meanwhile). */
  async checkSecrets(): Promise<AppStatus> {
    try {
      await checkSecretStore(this.core.connections.secretStore);
      this.setSecretsProblem(null);
    } catch (err) {
      if (!(err instanceof SecretStoreUnavailableError)) throw err;
      this.setSecretsProblem(err.message);
    }
    return this.status();
  }

  /**
   * While the keychain is unusable the server refuses every SCIM request (503) and the probe
   * is repeated, so unlocking the keyring brings ScimDesk back without a restart.
   */
  private setSecretsProblem(message: string | null): void {
    const changed = message !== this.secretsProblem;
    this.secretsProblem = message;
    this.core.connections.secretsUnavailable = message !== null;
    clearTimeout(this.secretsRetry);
    if (message !== null) {
      this.secretsRetry = setTimeout(() => void this.checkSecrets().catch(() => undefined), this.options.secretsRetryMs ?? 30_000);
      this.secretsRetry.unref();
    }
    if (changed) this.emitStatus();
  }

  private async withSecrets<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      if (this.secretsProblem) await this.checkSecrets();
      return result;
    } catch (err) {
      if (err instanceof SecretStoreUnavailableError) {
        this.setSecretsProblem(err.message);
        throw new ControllerError('keychain-unavailable', err.message);
      }
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Connections and tokens

  /** The first enable issues the first token and returns it once. */
  async setEnabled(name: ConnectionName, enabled: boolean): Promise<{ connection: ConnectionStatus; token: string | null }> {
    const result = await this.withSecrets(() => this.core.connections.setEnabled(name, enabled));
    this.emitStatus();
    return { connection: this.connectionStatus(result.state), token: result.token ?? null };
  }

  /** A new token, returned once; the previous one is refused from the next request on. */
  async rotateToken(name: ConnectionName): Promise<TokenResult> {
    const token = await this.withSecrets(() => this.core.connections.rotateToken(name));
    this.emitStatus();
    return { connection: this.connectionStatus(this.core.connections.state(name)), token };
  }

  // -------------------------------------------------------------------------------------------
  // Tunnel

  getTunnelSettings(): TunnelSettings {
    return this.tunnelSettings;
  }

  /** Validates, saves and applies tunnel settings (InvalidSettingsError → 'invalid-settings'). */
  async setTunnelSettings(input: Partial<TunnelSettings>): Promise<AppStatus> {
    let next: TunnelSettings;
    try {
      next = normalizeTunnelSettings(input, this.tunnelSettings);
    } catch (err) {
      throw new ControllerError('invalid-settings', (err as Error).message);
    }
    this.settings.set(SETTINGS_TUNNEL, next);
    this.tunnelSettings = next;
    await this.stopTunnel();
    this.applyTunnel();
    return this.status();
  }

  /** The admin updated Okta's Base URL: the current public URL becomes the confirmed one. */
  confirmPublicUrl(): AppStatus {
    const url = this.publicUrl();
    if (url) this.settings.set(SETTINGS_CONFIRMED_URL, url);
    const status = this.status();
    this.events.emit('status', status);
    return status;
  }

  private applyTunnel(): void {
    const t = this.tunnelSettings;
    if (!this.server) return;
    if (t.mode === 'localtunnel') {
      const timing = this.options.tunnelTiming ?? {};
      const supervisor = new TunnelSupervisor({ host: t.host, subdomain: t.subdomain, localPort: this.server.port, probePath: HEALTH_PATH, ...timing });
      this.supervisor = supervisor;
      supervisor.onStatus((s) => this.onTunnelStatus(s));
      supervisor.start();
    } else {
      this.core.setPublicUrl(this.publicUrl() ?? undefined);
      this.rememberUrl();
      this.emitStatus();
    }
  }

  private onTunnelStatus(s: TunnelStatus): void {
    if (s.phase === 'online' && s.url) {
      this.core.setPublicUrl(s.url);
      // Keep the name in use so the URL stays the same across restarts (a random first name,
      // or one given with --subdomain). Only the name is saved: other flags of one CLI run
      // (--tunnel, --tunnel-host) are not.
      const saved = normalizeTunnelSettings(this.settings.get<TunnelSettings>(SETTINGS_TUNNEL) ?? DEFAULT_TUNNEL_SETTINGS);
      if (s.subdomain && !s.subdomainNotGranted && saved.subdomain !== s.subdomain) {
        this.tunnelSettings = { ...this.tunnelSettings, subdomain: s.subdomain };
        this.settings.set(SETTINGS_TUNNEL, { ...saved, subdomain: s.subdomain });
      }
      this.rememberUrl();
    }
    this.emitStatus();
  }

  /** The first public URL ever used is the confirmed one; later changes raise the alert. */
  private rememberUrl(): void {
    const url = this.publicUrl();
    if (url && this.tunnelSettings.mode !== 'none' && this.settings.get<string>(SETTINGS_CONFIRMED_URL) === undefined) {
      this.settings.set(SETTINGS_CONFIRMED_URL, url);
    }
  }

  private async stopTunnel(): Promise<void> {
    const s = this.supervisor;
    this.supervisor = undefined;
    await s?.stop();
  }

  // -------------------------------------------------------------------------------------------
  // Directory and activity queries for the panel

  listUsers(query: UserQuery): Page<UserSummary> {
    return this.browser.users(query);
  }

  private history(resourceId: string): ActivitySummary[] {
    return this.core.activity.list({ resourceId, limit: 50 }).map(summary);
  }

  getUser(id: string): UserDetail {
    const user = this.browser.user(id);
    if (!user) throw new ControllerError('not-found', `No user with id ${id}`);
    const { seq, ...summaryFields } = user;
    return {
      summary: summaryFields,
      resource: this.core.directory.get('User', id).resource,
      groups: this.core.directory.memberships.groupsOf(seq).map((g) => ({ id: g.id, displayName: g.display })),
      history: this.history(id),
    };
  }

  listGroups(query: GroupQuery): Page<GroupSummary> {
    return this.browser.groups(query);
  }

  getGroup(id: string, members: MemberQuery = {}): GroupDetail {
    const group = this.browser.group(id);
    if (!group) throw new ControllerError('not-found', `No group with id ${id}`);
    const { seq, ...summaryFields } = group;
    return {
      summary: summaryFields,
      resource: this.core.directory.get('Group', id, { excludedAttributes: 'members' }).resource,
      members: this.browser.members(seq, members),
      history: this.history(id),
    };
  }

  listActivity(query: ActivityQuery): readonly ActivitySummary[] {
    return this.core.activity
      .list({
        ...(query.connection !== undefined ? { connection: query.connection === 'none' ? null : query.connection } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.status ? { status: STATUS_CLASS[query.status] } : {}),
        ...(query.beforeSeq !== undefined ? { beforeSeq: query.beforeSeq } : {}),
        limit: Math.min(500, Math.max(1, query.limit ?? 100)),
      })
      .map(summary);
  }

  getActivity(seq: number): ActivityDetail {
    const entry = this.core.activity.get(seq);
    if (!entry) throw new ControllerError('not-found', `No activity entry ${seq}`);
    return { ...summary(entry), clientIp: entry.clientIp, userAgent: entry.userAgent, requestBody: entry.requestBody, responseBody: entry.responseBody, notes: entry.notes };
  }

  activityActions(): string[] {
    return this.core.activity.actions();
  }

  /** A copy of the database in the data folder's backups/, taken while the server runs. */
  async backupNow(): Promise<{ file: string }> {
    return { file: await backupDatabase(this.core, defaultBackupFile(this.options.dataDir)) };
  }

  /** The users and groups as SCIM JSON or CSV files in the data folder's exports/. */
  exportDirectory(format: ExportFormat): Promise<ExportResult> {
    return exportDirectory(this.core, format, defaultExportPath(this.options.dataDir, format));
  }

  // -------------------------------------------------------------------------------------------

  /** Closes the tunnel, the server and the store (in that order). */
  async stop(): Promise<void> {
    clearTimeout(this.flushTimer);
    clearTimeout(this.secretsRetry);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    await this.stopTunnel();
    const server = this.server;
    this.server = undefined;
    await server?.close();
    this.core.activity.onRecorded = undefined;
    this.core.close();
    this.events.clear();
  }
}

