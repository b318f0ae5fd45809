/**
 * Keeps a localtunnel tunnel alive: off → connecting → online → reconnecting → online …, or
 * error with a reason. It handles the client failures in server/tunnel/LOCALTUNNEL.md: the
 * client never reconnects by itself (any 'error' means close and reopen, with exponential
 * backoff and jitter), its open can hang (bounded here), a taken subdomain comes back as a
 * random one (retried after the server's grace period, then accepted loudly, and given up as
 * soon as the wanted name is free again), a tunnel can die silently (health checks of the
 * server's tunnel status), and idle local sockets would collect 408s (the LazyRelay never
 * connects them to the server until a request arrives).
 *
 * Two questions are kept apart: "is the tunnel up at the server?" (the server's tunnel status:
 * known, with open connections) decides reconnects; "can the public URL be reached from this
 * machine?" (a probe of <url><probePath>) often cannot be answered yes on-prem — the public
 * name may not resolve here (split DNS), outbound traffic may be blocked — and IdPs reach the
 * URL anyway, so a probe that gets no HTTP answer is a warning with its cause, never a reason
 * to tear down a tunnel the server reports healthy. A probe that does get an answer other
 * than 200 reached the tunnel server and found our tunnel broken: that reconnects.
 */
import type { TunnelProblem, TunnelStatus } from '../../contract/model';
import { Emitter } from '../base/emitter';
import { LazyRelay } from './lazy-relay';
import { type TunnelClient, openTunnel } from './lt-client';
import { subdomainTakenProblem, tunnelProblem } from './problem';

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Random share of each delay, e.g. 0.5 → the delay is between 50 % and 100 % of the step. */
  readonly jitter: number;
}

export interface SupervisorOptions {
  readonly host: string;
  /** The subdomain to ask for; without one the server picks a random name. */
  readonly subdomain: string | null;
  /** The local SCIM server. */
  readonly localPort: number;
  readonly openTimeoutMs?: number;
  readonly healthIntervalMs?: number;
  /** Delay of the first health check after coming online (resets the backoff when healthy). */
  readonly firstHealthCheckMs?: number;
  readonly healthTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Attempts to get the wanted subdomain back before accepting another one. */
  readonly subdomainRetries?: number;
  /** The server forgets a client this long after its last socket closes. */
  readonly subdomainGraceMs?: number;
  /** Also check a request through the tunnel reaches the local server (GET <url><probePath>). */
  readonly probePath?: string | null;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

export interface SupervisorEvents {
  /** Every change of the tunnel's status. */
  status: TunnelStatus;
}

/** The status of a tunnel that is not running. */
export function tunnelOff(host: string | null, wantedSubdomain: string | null): TunnelStatus {
  return {
    phase: 'off',
    host,
    url: null,
    subdomain: null,
    wantedSubdomain,
    subdomainNotGranted: false,
    attempt: 0,
    lastError: null,
    nextRetryAt: null,
    onlineSince: null,
    reconnects: 0,
    verifiedAt: null,
    publicUrlWarning: null,
    problem: null,
  };
}

/** The cause of a failed fetch in words: Node's "fetch failed" alone says nothing. */
export function fetchFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  return e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(err);
}

/** What a request to the public URL found: an HTTP status, or why no answer came. */
type ProbeResult = { readonly status: number } | { readonly unreachable: string };

class SubdomainNotGranted extends Error {}

/** How a failure is reported: its error (whose code names the cause), or the problem itself. */
interface FailureOptions {
  /** The least delay before the next attempt (a taken subdomain waits out the server's grace period). */
  readonly minDelayMs?: number;
  readonly err?: unknown;
  readonly problem?: TunnelProblem;
}

/** The tunnel server's view of our tunnel: its open connections (null: not said), or why it is not up. */
type ServerView = number | null | { readonly failure: string; readonly err?: unknown };

export class TunnelSupervisor {
  private client: TunnelClient | undefined;
  private readonly relay: LazyRelay;
  private timer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private firstHealthTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private generation = 0;
  private notGranted = 0;
  private everOnline = false;
  private readonly events = new Emitter<SupervisorEvents>();
  private state: TunnelStatus;
  private readonly o: Required<Omit<SupervisorOptions, 'subdomain' | 'probePath'>> & Pick<SupervisorOptions, 'subdomain' | 'probePath'>;

  constructor(options: SupervisorOptions) {
    this.o = {
      openTimeoutMs: 10_000,
      healthIntervalMs: 15_000,
      firstHealthCheckMs: 2_000,
      healthTimeoutMs: 5_000,
      backoff: DEFAULT_BACKOFF,
      subdomainRetries: 4,
      subdomainGraceMs: 1_500,
      ...options,
    };
    this.relay = new LazyRelay({ host: '127.0.0.1', port: options.localPort });
    this.state = tunnelOff(options.host, options.subdomain);
  }

  status(): TunnelStatus {
    return this.state;
  }

  /** Whether a connection to the SCIM server (by its peer port) came through this tunnel. */
  isRelayPeer(port: number | undefined): boolean {
    return this.relay.isPeer(port);
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof SupervisorEvents>(event: K, listener: (payload: SupervisorEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  private update(patch: Partial<TunnelStatus>): void {
    this.state = { ...this.state, ...patch };
    this.events.emit('status', this.state);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.update({ phase: 'connecting', attempt: 0, lastError: null, nextRetryAt: null, problem: null });
    void this.connect();
  }

  /**
   * Starts the attempt that waits for its backoff now (the admin's "Retry now"). False when
   * none waits: stopped, online, or an attempt is under way.
   */
  retryNow(): boolean {
    if (this.stopped || this.timer === undefined || this.state.nextRetryAt === null) return false;
    clearTimeout(this.timer);
    this.attemptNow();
    return true;
  }

  private attemptNow(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.update({ phase: this.everOnline ? 'reconnecting' : 'connecting', nextRetryAt: null });
    void this.connect();
  }

  /** Closes the tunnel; `settleMs` first lets answers still in the relay's pipes leave (see LazyRelay.settled). */
  async stop(settleMs = 0): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopHealth();
    if (settleMs > 0) await this.relay.settled(settleMs);
    this.closeClient();
    await this.relay.close();
    this.update({ phase: 'off', nextRetryAt: null, onlineSince: null, problem: null });
  }

  private closeClient(): void {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('error');
      client.on('error', () => {}); // late socket errors of a closed client must not crash the process
      client.close();
    }
  }

  private stopHealth(): void {
    clearInterval(this.healthTimer);
    clearTimeout(this.firstHealthTimer);
    this.healthTimer = undefined;
  }

  private delay(attempt: number): number {
    const { initialMs, maxMs, jitter } = this.o.backoff;
    const step = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(step * (1 - jitter * Math.random()));
  }

  private async checkServer(): Promise<void> {
    try {
      await fetch(`${this.o.host}/api/status`, { signal: AbortSignal.timeout(this.o.openTimeoutMs) });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? 'no answer in time' : (e.cause?.code ?? (err as Error).message);
      throw new Error(`the tunnel server ${this.o.host} cannot be reached (${why})`, { cause: err });
    }
  }

  private async connect(): Promise<void> {
    const gen = this.generation;
    try {
      await this.checkServer();
      const port = await this.relay.start();
      const wanted = this.o.subdomain ?? undefined;
      const client = await openTunnel({ host: this.o.host, port, timeoutMs: this.o.openTimeoutMs, ...(wanted ? { subdomain: wanted } : {}) });
      if (gen !== this.generation || this.stopped) {
        client.on('error', () => {});
        client.close();
        return;
      }
      this.client = client;
      client.on('error', (err: Error) => this.fail(`the tunnel broke (${err.message})`, gen, { err }));
      const granted = client.clientId ?? null;
      let notGranted = false;
      if (wanted && granted !== wanted) {
        // The name is still held (our previous client, within the server's grace period) or
        // taken by someone else: try again, then accept the other name and say so loudly.
        this.notGranted++;
        if (this.notGranted <= this.o.subdomainRetries) throw new SubdomainNotGranted(`the subdomain "${wanted}" was not granted (in use); trying again`);
        notGranted = true;
      }
      this.notGranted = 0;
      const reconnected = this.everOnline;
      this.everOnline = true;
      this.update({
        phase: 'online',
        url: client.url ?? null,
        subdomain: granted,
        subdomainNotGranted: notGranted,
        lastError: notGranted ? `the subdomain "${wanted}" is in use; the server gave "${granted}" instead` : null,
        nextRetryAt: null,
        onlineSince: new Date().toISOString(),
        reconnects: this.state.reconnects + (reconnected ? 1 : 0),
        verifiedAt: null,
        publicUrlWarning: null,
        // Online under another name is still a problem: Okta's URL no longer leads here.
        problem: notGranted && wanted ? subdomainTakenProblem(this.o.host, wanted, granted) : null,
      });
      // A first check soon after coming online, so a healthy tunnel resets the backoff quickly.
      const first = setTimeout(() => void this.checkHealth(gen), Math.min(this.o.firstHealthCheckMs, this.o.healthIntervalMs));
      first.unref();
      this.healthTimer = setInterval(() => void this.checkHealth(gen), this.o.healthIntervalMs);
      this.healthTimer.unref();
      this.firstHealthTimer = first;
    } catch (err) {
      if (err instanceof SubdomainNotGranted) {
        this.fail(err.message, gen, { minDelayMs: this.o.subdomainGraceMs, problem: subdomainTakenProblem(this.o.host, this.o.subdomain ?? '', null) });
      } else this.fail((err as Error).message, gen, { err });
    }
  }

  private fail(reason: string, gen: number, { minDelayMs = 0, err, problem }: FailureOptions = {}): void {
    if (gen !== this.generation || this.stopped) return;
    this.generation++;
    this.stopHealth();
    this.closeClient();
    const attempt = this.state.attempt + 1;
    const wait = Math.max(minDelayMs, this.delay(attempt));
    const nextRetryAt = new Date(Date.now() + wait).toISOString();
    this.update({
      phase: this.everOnline ? 'reconnecting' : 'error',
      attempt,
      lastError: reason,
      nextRetryAt,
      onlineSince: null,
      verifiedAt: null,
      problem: problem ?? tunnelProblem(this.o.host, err, reason),
    });
    this.timer = setTimeout(() => this.attemptNow(), wait);
    this.timer.unref();
  }

  private async checkHealth(gen: number): Promise<void> {
    const id = this.state.subdomain;
    if (gen !== this.generation || !id) return;
    const sockets = await this.serverTunnelSockets(id);
    if (gen !== this.generation) return;
    if (sockets !== null && typeof sockets === 'object') return this.fail(sockets.failure, gen, { err: sockets.err });
    let warning: string | null = null;
    if (this.o.probePath && this.state.url) {
      const probe = await this.probe(`${this.state.url}${this.o.probePath}`);
      if (gen !== this.generation) return;
      if ('status' in probe && probe.status !== 200) return this.fail(`a request through the tunnel got HTTP ${probe.status}`, gen);
      if ('unreachable' in probe) {
        warning =
          `the public URL ${this.state.url} cannot be reached from this machine (${probe.unreachable}), but the tunnel server reports the tunnel up` +
          `${sockets === null ? '' : ` with ${sockets} connection${sockets === 1 ? '' : 's'}`}, so it stays open. ` +
          'This is expected when the public name does not resolve here (split DNS) or outbound traffic is blocked; check the URL from outside the network';
      }
    }
    // Healthy: the backoff starts over. Announced only when something changed.
    const patch: Partial<TunnelStatus> = {
      ...(this.state.attempt !== 0 ? { attempt: 0 } : {}),
      ...(this.state.verifiedAt === null ? { verifiedAt: new Date().toISOString() } : {}),
      ...(this.state.publicUrlWarning !== warning ? { publicUrlWarning: warning } : {}),
    };
    if (Object.keys(patch).length > 0) this.update(patch);
    if (this.state.subdomainNotGranted) await this.reclaimWanted(gen);
  }

  /**
   * The server's view of tunnel `id`: its open connections (null when it does not say), or why
   * the tunnel is not up there (a sentence).
   */
  private async serverTunnelSockets(id: string): Promise<ServerView> {
    const url = `${this.o.host}/api/tunnels/${encodeURIComponent(id)}/status`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.healthTimeoutMs) });
      if (res.status === 404) return { failure: 'the tunnel server no longer knows this tunnel' };
      if (!res.ok) {
        await res.arrayBuffer();
        return null; // a server without the status API: its clients' errors are the only signal
      }
      const body = (await res.json()) as { connected_sockets?: unknown };
      if (typeof body.connected_sockets !== 'number') return null;
      return body.connected_sockets < 1 ? { failure: 'the tunnel has no open connections' } : body.connected_sockets;
    } catch (err) {
      return { failure: `the tunnel server ${this.o.host} did not answer its health check (${fetchFailure(err, this.o.healthTimeoutMs)})`, err };
    }
  }

  private async probe(url: string): Promise<ProbeResult> {
    try {
      new URL(url);
    } catch {
      return { unreachable: 'it is not a valid URL' };
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.healthTimeoutMs), headers: { 'bypass-tunnel-reminder': '1' } });
      await res.arrayBuffer();
      return { status: res.status };
    } catch (err) {
      return { unreachable: fetchFailure(err, this.o.healthTimeoutMs) };
    }
  }

  /**
   * Online under another name than the wanted one: once the server no longer knows the wanted
   * name (whoever held it is gone), reopen asking for it, so the URL the IdP has works again
   * without a restart.
   */
  private async reclaimWanted(gen: number): Promise<void> {
    const wanted = this.o.subdomain;
    if (!wanted) return;
    try {
      const res = await fetch(`${this.o.host}/api/tunnels/${encodeURIComponent(wanted)}/status`, { signal: AbortSignal.timeout(this.o.healthTimeoutMs) });
      await res.arrayBuffer();
      if (res.status !== 404) return; // still held (or within the server's grace period)
    } catch {
      return; // the next health check says what is wrong with the server
    }
    if (gen !== this.generation || this.stopped) return;
    this.generation++;
    this.stopHealth();
    this.closeClient();
    this.notGranted = 0;
    this.update({ phase: 'reconnecting', lastError: `the subdomain "${wanted}" is free again; switching back to it`, nextRetryAt: null, onlineSince: null, problem: null });
    void this.connect();
  }
}
