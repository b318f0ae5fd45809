/**
 * The running ScimDesk: the core, its SCIM server listening on 127.0.0.1, and the public
 * endpoint that publishes it. The desktop app (through IPC) and the CLI's `serve` start one;
 * it owns the lifecycle (start, stop), the status the panel and the CLI show, and the events
 * that tell them what changed, coalesced so that a bulk push is a few events, not thousands.
 *
 * Connections, tokens, backups and exports are the core's (`controller.core`), the panel's
 * reads are `controller.panel`, the tunnel and public URL are `controller.endpoint`: the CLI's
 * one-shot commands call the same core methods without starting a server.
 */
import type { ExportProgress } from '../../contract/ipc';
import type { ActivitySummary, AppStatus, DirectoryChangeEvent, PublicUrlCheck, SimulationReport } from '../../contract/model';
import type { SimulationRoute, SimulationScenario } from '../../contract/choices';
import type { ConnectionName } from '../../contract/connections';
import { simulate } from '../simulator/simulator';
import type { TunnelSettingsChange } from '../../contract/schemas';
import { Emitter } from '../base/emitter';
import { APP_VERSION } from '../base/version';
import { Core } from '../core/core';
import { ServiceError } from '../core/errors';
import { CheckNonces } from '../http/check-nonces';
import { type RunningServer, listen } from '../http/listen';
import { type ServerOptions, serverOptions } from '../http/options';
import { scimBaseUrl } from '../scim/urls';
import type { SecretStore } from '../secrets/secret-store';
import type { LogRetention } from '../store/request-log-schema';
import { SettingsRepo } from '../store/settings-repo';
import { type OutsideCheckOptions, checkFromOutside } from './outside-check';
import { PanelQueries } from './panel-queries';
import { PublicCheckRunner } from './public-check';
import { removeRuntime, writeRuntime } from './runtime-file';
import { type ControlHandlers, ControlSocket } from './control-socket';
import { PublicEndpoint, type TunnelTiming } from './public-endpoint';

export interface ControllerEvents {
  status: AppStatus;
  directory: DirectoryChangeEvent;
  activity: readonly ActivitySummary[];
  /** A check from outside finished (`serve` logs its sentence). */
  publicCheck: PublicUrlCheck;
  /** How far the running export is (not coalesced: the export sends a few a second at most). */
  exportProgress: ExportProgress;
}

/** Everything a running ScimDesk is started with: the server's own options, and the rest. */
export interface ControllerOptions extends Partial<ServerOptions> {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  readonly retention?: LogRetention;
  readonly auditDaysAfterDelete?: number;
  /** Overrides of the saved tunnel settings for this run (CLI flags); not saved. */
  readonly tunnel?: TunnelSettingsChange;
  readonly tunnelTiming?: TunnelTiming;
  /** How often coalesced directory/activity events are sent at most. */
  readonly eventIntervalMs?: number;
  /** How often an unusable keychain is probed again. */
  readonly secretsRetryMs?: number;
  /** The check from outside's resolver, CAs and step limit (tests: `*.localhost`, a test CA). */
  readonly publicCheck?: OutsideCheckOptions;
  /** The clock tokens are timed by (CoreOptions.now; tests move it to end a rotation overlap). */
  readonly now?: () => Date;
}

/** After the drain, how long the tunnel may take to carry the last answers out (see LazyRelay.settled). */
const TUNNEL_SETTLE_MS = 2_000;

/** Why the server could not listen, in words (the CLI adds what to do about it). */
function listenFailure(err: NodeJS.ErrnoException, host: string, port: number): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine, so the SCIM server cannot listen on it`;
    case 'EACCES':
      return `listening on port ${port} needs administrator rights on this system`;
    default:
      return `the SCIM server could not start on port ${port} on ${host} (${err.message})`;
  }
}

export class Controller {
  readonly core: Core;
  readonly endpoint: PublicEndpoint;
  readonly panel: PanelQueries;
  private readonly nonces = new CheckNonces();
  private readonly checks: PublicCheckRunner;
  private readonly events = new Emitter<ControllerEvents>();
  private readonly server: ServerOptions;
  private running: RunningServer | undefined;
  /** The CLI's way in (`simulate`); null when it could not listen (the rest runs without it). */
  private control: ControlSocket | null = null;
  private serverError: string | null = null;
  private pendingChange: { types: Set<'User' | 'Group'>; ids: Set<string> } | undefined;
  private pendingActivity: ActivitySummary[] = [];
  private activitySeen = false;
  /** A fault drill was armed, taken, used up, expired or cleared since the last flush. */
  private drillsChanged = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void)[] = [];
  /** The simulation running now, or the last one of this run (AppStatus.simulation). */
  private simulation: SimulationReport | null = null;
  private simulating = false;

  private constructor(private readonly options: ControllerOptions) {
    this.server = serverOptions(options);
    this.core = new Core({
      dataDir: options.dataDir,
      secretStore: options.secretStore,
      retention: options.retention,
      auditDaysAfterDelete: options.auditDaysAfterDelete,
      secretsRetryMs: options.secretsRetryMs,
      now: options.now,
      // Links in SCIM answers use the public URL, and the listening address until there is one.
      publicUrl: () => this.endpoint.url() ?? this.running?.localUrl ?? null,
    });
    this.endpoint = new PublicEndpoint(new SettingsRepo(this.core.db), options.tunnel, options.tunnelTiming);
    this.panel = new PanelQueries(this.core);
    this.checks = new PublicCheckRunner(
      (url) => checkFromOutside(url, this.nonces, options.publicCheck),
      (finished) => {
        this.emitStatus();
        if (!finished) return;
        this.writeRuntime();
        this.events.emit('publicCheck', finished);
      },
    );
  }

  /**
   * Opens the store and starts the SCIM server and the tunnel. Store errors (StoreError) are
   * thrown, and a server that cannot listen is a ServiceError 'server-not-running'.
   */
  static async start(options: ControllerOptions): Promise<Controller> {
    let controller: Controller | undefined;
    try {
      controller = new Controller(options);
      await controller.boot();
      return controller;
    } catch (err) {
      await controller?.stop();
      throw err;
    }
  }

  private async boot(): Promise<void> {
    const { core } = this;
    this.unsubscribe.push(
      core.connections.on('change', () => this.emitStatus()),
      core.activity.log.on('recorded', ({ firstSeq, rows }) => {
        // The panel's live log; without one listening (the headless CLI) nothing is kept.
        if (this.events.listening('activity')) this.pendingActivity.push(...rows.map((e, i) => core.activity.summary({ ...e, seq: firstSeq + i })));
        this.activitySeen = true;
        this.scheduleFlush();
      }),
      core.activity.log.on('state', () => this.emitStatus()),
      core.storeHealth.on('change', () => this.emitStatus()),
      // Armed, used up, expired, cleared: the panel's banner and the runtime file follow, with
      // the next coalesced flush (a drill changes on every request it answers).
      core.faultDrills.on('change', () => {
        this.drillsChanged = true;
        this.scheduleFlush();
      }),
      core.files.on('progress', (progress) => this.events.emit('exportProgress', progress)),
      core.directory.on('change', (change) => {
        this.pendingChange ??= { types: new Set(), ids: new Set() };
        this.pendingChange.types.add(change.type);
        this.pendingChange.ids.add(change.id);
        this.scheduleFlush();
      }),
      this.endpoint.on('change', () => {
        // Before the status goes out: a new URL's status carries no check of the old one.
        this.checks.follow(this.endpoint.checkableUrl());
        this.emitStatus();
        this.writeRuntime();
      }),
      this.endpoint.on('configured', () => this.checks.follow(this.endpoint.checkableUrl(), true)),
    );
    await core.connections.checkSecrets();
    // A connection whose hash is missing shows "needs a new token" from the start, not from its first request.
    await core.connections.checkTokens();
    try {
      this.running = await listen(core, this.server, (port) => this.endpoint.isRelayPeer(port), this.nonces);
    } catch (err) {
      this.serverError = listenFailure(err as NodeJS.ErrnoException, this.server.host, this.server.port);
      throw new ServiceError('server-not-running', this.serverError, { cause: err });
    }
    this.endpoint.start(this.running);
    this.control = await this.openControl();
    this.writeRuntime();
  }

  /**
   * The local control channel (control-socket.ts). Without it only `simulate` is unavailable
   * (it says "start serve first"), so a failure to listen — a data folder path too long for a
   * socket, another ScimDesk on the same folder — is logged, not fatal.
   */
  private async openControl(): Promise<ControlSocket | null> {
    const handlers: ControlHandlers = {
      simulate: (options, onStep) => {
        // The progress is the report so far: the channel streams each step once, as it ends.
        let sent = 0;
        return this.simulate(options, (progress) => {
          for (const step of progress.steps.slice(sent)) onStep(step);
          sent = progress.steps.length;
        });
      },
      removeSimulated: () => this.removeSimulated(),
      // The CLI's `fault` commands: drills live in this process's memory, so only it can arm them.
      armFault: (options) => {
        this.core.faultDrills.arm(options);
        return this.core.faultDrills.list();
      },
      clearFault: (connection) => {
        this.core.faultDrills.clear(connection);
        return this.core.faultDrills.list();
      },
      explain: (err) => (err instanceof ServiceError ? { code: err.code === 'busy' ? 'busy' : 'refused', message: err.message } : null),
    };
    try {
      return await ControlSocket.listen(this.options.dataDir, handlers);
    } catch (err) {
      this.server.logger.warn(`control channel unavailable (simulate needs it): ${(err as Error).message}`);
      return null;
    }
  }

  /** Tells other processes (the CLI's `status`) the local URL and the tunnel's state. */
  private writeRuntime(): void {
    if (!this.running) return;
    writeRuntime(this.options.dataDir, {
      localUrl: this.running.localUrl,
      publicUrl: this.endpoint.url(),
      mode: this.endpoint.settings().mode,
      tunnel: this.endpoint.tunnelStatus(),
      publicCheck: this.checks.status().last,
      faultDrills: this.core.faultDrills.list(),
      control: this.control?.path ?? null,
    });
  }

  /**
   * "Check from outside": checks the current public URL now (or joins the check that runs),
   * and answers its result. Refused (ServiceError 'not-allowed') when there is no public URL.
   */
  async checkPublicUrl(): Promise<PublicUrlCheck> {
    if (this.endpoint.reachable() === 'local-only') throw new ServiceError('not-allowed', 'ScimDesk is reachable from this computer only: there is no public URL to check');
    this.checks.follow(this.endpoint.checkableUrl());
    const check = this.checks.run();
    if (check) return check;
    throw new ServiceError(
      'not-allowed',
      this.endpoint.settings().mode === 'localtunnel' ? 'The tunnel is not online yet: there is no public URL to check' : 'The SCIM server is not running: there is no public URL to check',
    );
  }

  /**
   * Plays the connection's IdP against this server over real HTTP (through the public URL by
   * default when there is one, else 127.0.0.1) with a simulator token that lives only for the
   * run, and answers the report; each step updates the status as it ends. One run at a time
   * (ServiceError 'busy'); 'server-not-running' without a server, 'not-allowed' for `public`
   * without a public URL. A disabled connection refuses the simulator like the IdP: the report
   * fails at its first step and says so.
   */
  async simulate(request: { connection: ConnectionName; scenario?: SimulationScenario; through?: SimulationRoute; users?: number }, onStep?: (report: SimulationReport) => void | Promise<void>): Promise<SimulationReport> {
    if (this.simulating) throw new ServiceError('busy', 'A simulation is already running: wait for it to end');
    if (!this.running) throw new ServiceError('server-not-running', 'The SCIM server is not running: there is nothing to simulate against');
    // A configured public URL is the default route (a passing run proves the whole path).
    const configured = this.endpoint.reachable() === 'internet';
    const through = request.through ?? (configured ? 'public' : 'local');
    const publicUrl = this.endpoint.checkableUrl();
    if (through === 'public' && !publicUrl) {
      throw new ServiceError('not-allowed', configured ? 'The tunnel is not online yet: wait for it, or simulate through the local address' : 'There is no public URL to simulate through: set one up, or simulate through the local address');
    }
    const baseUrl = scimBaseUrl(through === 'public' ? publicUrl! : this.running.localUrl);
    this.simulating = true;
    const credential = this.core.connections.issueSimulatorToken(request.connection);
    try {
      const report = await simulate({
        connection: request.connection,
        scenario: request.scenario,
        through,
        baseUrl,
        token: credential.token,
        users: request.users,
        lookup: this.options.publicCheck?.lookup,
        onProgress: (progress) => {
          this.simulation = progress;
          this.emitStatus();
          return onStep?.(progress);
        },
      });
      this.simulation = report;
      return report;
    } finally {
      credential.revoke();
      this.simulating = false;
      this.emitStatus();
    }
  }

  /** Deletes the records the simulator created (never a real IdP's); answers how many. Not while a run writes them ('busy'). */
  removeSimulated(): Promise<{ users: number; groups: number }> {
    if (this.simulating) return Promise.reject(new ServiceError('busy', 'A simulation is running: remove its records once it ends'));
    return this.core.removeSimulated();
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof ControllerEvents>(event: K, listener: (payload: ControllerEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.eventIntervalMs ?? 200);
  }

  /** Directory, activity and fault-drill events are coalesced: a bulk push is a few events, not thousands. */
  private flush(): void {
    this.flushTimer = undefined;
    const change = this.pendingChange;
    this.pendingChange = undefined;
    const activity = this.pendingActivity;
    this.pendingActivity = [];
    const seen = this.activitySeen;
    this.activitySeen = false;
    const drills = this.drillsChanged;
    this.drillsChanged = false;
    if (change) this.events.emit('directory', { types: [...change.types], ids: [...change.ids].slice(0, 1000) });
    if (activity.length) this.events.emit('activity', activity);
    if (drills) this.writeRuntime();
    // Requests change the connections' "last used" (and a drill's count); the status carries them.
    if (change || seen || drills) this.emitStatus();
  }

  private emitStatus(): void {
    if (this.events.listening('status')) this.events.emit('status', this.status());
  }

  status(): AppStatus {
    const publicUrl = this.endpoint.url();
    return {
      version: APP_VERSION,
      dataDir: this.options.dataDir,
      server: { listening: !!this.running, localUrl: this.running?.localUrl ?? null, error: this.serverError },
      publicUrl,
      scimUrl: publicUrl && scimBaseUrl(publicUrl),
      reachable: this.endpoint.reachable(),
      urlChange: this.endpoint.urlChange(),
      secrets: this.core.connections.secretsStatus(),
      tunnelSettings: this.endpoint.settings(),
      tunnel: this.endpoint.tunnelStatus(),
      publicCheck: this.endpoint.reachable() === 'internet' ? this.checks.status() : null,
      connections: this.core.connections.statuses(),
      counts: this.core.directory.counts(),
      store: this.core.storeHealth.get(),
      requestLog: this.core.activity.status(),
      faultDrills: this.core.faultDrills.list(),
      simulation: this.simulation,
    };
  }

  /**
   * Drains the server, then closes the tunnel and the store (in that order): the answers to
   * requests in flight go back through the tunnel, and their writes commit before the store closes.
   */
  async stop(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.checks.stop();
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    removeRuntime(this.options.dataDir);
    // No new control request once stopping; a run in flight ends with the server below.
    const control = this.control;
    this.control = null;
    await control?.close();
    const running = this.running;
    this.running = undefined;
    await running?.close();
    await this.endpoint.stop(TUNNEL_SETTLE_MS);
    this.core.close();
    this.events.clear();
  }
}
