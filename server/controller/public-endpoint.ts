/**
 * The public endpoint: how Okta and Entra ID reach the SCIM server on 127.0.0.1 — not at all
 * (local only), through a localtunnel tunnel, or through the admin's own reverse proxy — and
 * the one answer to "what is the public URL now". It owns the tunnel settings (the saved ones,
 * plus a CLI run's overrides), the tunnel supervisor, and the URL the admin last confirmed,
 * which raises the "update Okta's Base URL" alert when the public URL moves away from it.
 */
import type { TunnelSettings, TunnelStatus, UrlChange } from '../../contract/model';
import type { TunnelSettingsChange } from '../../contract/schemas';
import { Emitter } from '../base/emitter';
import { ServiceError } from '../core/errors';
import { HEALTH_PATH } from '../http/app';
import type { RunningServer } from '../http/listen';
import type { SettingsRepo } from '../store/settings-repo';
import { DEFAULT_TUNNEL_SETTINGS, InvalidSettingsError, normalizeTunnelSettings } from '../tunnel/settings';
import { type SupervisorOptions, TunnelSupervisor, tunnelOff } from '../tunnel/supervisor';

const SETTINGS_TUNNEL = 'tunnel';
const SETTINGS_CONFIRMED_URL = 'confirmedPublicUrl';

/** Tunnel timings (tests shorten them). */
export type TunnelTiming = Partial<Pick<SupervisorOptions, 'openTimeoutMs' | 'healthIntervalMs' | 'backoff' | 'subdomainGraceMs' | 'subdomainRetries'>>;

export interface PublicEndpointEvents {
  /** The public URL, the tunnel's state, the settings or the confirmed URL changed. */
  change: null;
  /** The admin saved settings (the public URL is checked again, even when it stayed the same). */
  configured: null;
}

/**
 * Stores `url` as the public URL the admin confirmed (Okta's Base URL was set from it), for
 * the running app and for `tunnel confirm` in another process. A tunnel URL the tunnel server
 * has not reported up is refused (ServiceError 'invalid-settings'): it may never work, and
 * confirming it would silence the alert for a wrong URL.
 * @param tunnel the tunnel's status when the URL is a tunnel's, null otherwise
 */
export function confirmPublicUrl(settingsRepo: SettingsRepo, url: string | null, tunnel: TunnelStatus | null): string {
  if (!url) throw new ServiceError('invalid-settings', 'There is no public URL to confirm yet: the server is not running, or its tunnel is not online');
  if (tunnel && (tunnel.phase !== 'online' || tunnel.verifiedAt === null)) {
    throw new ServiceError('invalid-settings', `The tunnel URL ${url} has not been reported up by the tunnel server (tunnel ${tunnel.phase}); confirm it once the tunnel is online`);
  }
  settingsRepo.set(SETTINGS_CONFIRMED_URL, url);
  return url;
}

/** The public URL the admin last confirmed, if any. */
export function confirmedPublicUrl(settingsRepo: SettingsRepo): string | null {
  return settingsRepo.get<string>(SETTINGS_CONFIRMED_URL) ?? null;
}

export class PublicEndpoint {
  private readonly events = new Emitter<PublicEndpointEvents>();
  private current: TunnelSettings;
  private server: Pick<RunningServer, 'port' | 'localUrl'> | undefined;
  private supervisor: TunnelSupervisor | undefined;
  private unsubscribeTunnel: (() => void) | undefined;

  /** @param overrides this run's settings (CLI flags), applied over the saved ones and never saved. */
  constructor(
    private readonly settingsRepo: SettingsRepo,
    overrides: TunnelSettingsChange | undefined,
    private readonly timing: TunnelTiming = {},
  ) {
    try {
      this.current = normalizeTunnelSettings(overrides ?? {}, this.saved());
    } catch (err) {
      // Saved by an older ScimDesk (an IP-address tunnel host…): said in one sentence, not a crash.
      if (err instanceof InvalidSettingsError) throw new ServiceError('invalid-settings', err.message);
      throw err;
    }
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof PublicEndpointEvents>(event: K, listener: (payload: PublicEndpointEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  private saved(): TunnelSettings {
    return normalizeTunnelSettings(this.settingsRepo.get<TunnelSettings>(SETTINGS_TUNNEL) ?? DEFAULT_TUNNEL_SETTINGS);
  }

  settings(): TunnelSettings {
    return this.current;
  }

  /** The URL IdPs reach ScimDesk at; null while the server is not listening or the tunnel has no URL yet. */
  url(): string | null {
    if (!this.server) return null;
    const t = this.current;
    if (t.mode === 'external') return t.publicUrl;
    if (t.mode === 'localtunnel') return this.supervisor?.status().url ?? null;
    return this.server.localUrl;
  }

  /**
   * The public URL a check from outside can try now: an own URL while the server listens, a
   * tunnel's while it is online; null otherwise (local only, the tunnel down or connecting).
   */
  checkableUrl(): string | null {
    if (this.reachable() !== 'internet') return null;
    if (this.current.mode === 'localtunnel' && this.supervisor?.status().phase !== 'online') return null;
    return this.url();
  }

  /** Whether the SCIM URL can be reached from the internet (a tunnel or an external URL). */
  reachable(): 'internet' | 'local-only' {
    return this.current.mode === 'none' ? 'local-only' : 'internet';
  }

  /** Set when the public URL is not the one the admin last confirmed: Okta's Base URL must be updated. */
  urlChange(): UrlChange | null {
    const url = this.url();
    const confirmed = this.settingsRepo.get<string>(SETTINGS_CONFIRMED_URL);
    return this.reachable() === 'internet' && url && confirmed && confirmed !== url ? { previous: confirmed, current: url } : null;
  }

  tunnelStatus(): TunnelStatus {
    const t = this.current;
    return this.supervisor?.status() ?? tunnelOff(t.mode === 'localtunnel' ? t.host : null, t.subdomain);
  }

  /** Whether a connection to the SCIM server (by its peer port) came through the tunnel. */
  isRelayPeer(port: number | undefined): boolean {
    return this.supervisor?.isRelayPeer(port) ?? false;
  }

  /** Publishes the server, now listening, the way the settings say. */
  start(server: Pick<RunningServer, 'port' | 'localUrl'>): void {
    this.server = server;
    this.apply();
  }

  /** Validates, saves and applies new settings (ServiceError 'invalid-settings' with the reason). */
  async configure(change: TunnelSettingsChange): Promise<void> {
    let next: TunnelSettings;
    try {
      next = normalizeTunnelSettings(change, this.current);
    } catch (err) {
      if (err instanceof InvalidSettingsError) throw new ServiceError('invalid-settings', err.message);
      throw err;
    }
    this.settingsRepo.set(SETTINGS_TUNNEL, next);
    this.current = next;
    await this.stopTunnel();
    this.apply();
    this.events.emit('configured', null);
  }

  /** The admin updated Okta's Base URL: the current public URL becomes the confirmed one (see confirmPublicUrl). */
  confirm(): string {
    const url = confirmPublicUrl(this.settingsRepo, this.url(), this.current.mode === 'localtunnel' ? this.tunnelStatus() : null);
    this.events.emit('change', null);
    return url;
  }

  /**
   * "Retry now": the tunnel's next attempt starts at once instead of after its backoff. Refused
   * (ServiceError 'not-allowed', saying why) when no tunnel waits to retry.
   */
  retry(): TunnelStatus {
    const t = this.current;
    if (t.mode !== 'localtunnel') {
      throw new ServiceError('not-allowed', t.mode === 'external' ? 'There is no tunnel to retry: ScimDesk is reached through your own public URL' : 'There is no tunnel to retry: ScimDesk is reachable from this computer only');
    }
    const supervisor = this.supervisor;
    if (!supervisor) throw new ServiceError('not-allowed', 'There is no tunnel to retry: the SCIM server is not running');
    if (supervisor.retryNow()) return supervisor.status();
    const s = supervisor.status();
    throw new ServiceError(
      'not-allowed',
      s.phase === 'online' ? `The tunnel is online at ${s.url}: there is nothing to retry` : 'The tunnel is connecting now: wait for this attempt to finish',
    );
  }

  /** `settleMs`: after the server drained, how long the tunnel may wait for the last answers to pass. */
  async stop(settleMs = 0): Promise<void> {
    await this.stopTunnel(settleMs);
    this.server = undefined;
  }

  private apply(): void {
    const t = this.current;
    const server = this.server;
    if (!server) return;
    if (t.mode === 'localtunnel') {
      const supervisor = new TunnelSupervisor({ host: t.host, subdomain: t.subdomain, localPort: server.port, probePath: HEALTH_PATH, ...this.timing });
      this.supervisor = supervisor;
      this.unsubscribeTunnel = supervisor.on('status', (s) => this.onTunnelStatus(s));
      supervisor.start();
    } else {
      this.rememberUrl();
      this.events.emit('change', null);
    }
  }

  private onTunnelStatus(s: TunnelStatus): void {
    if (s.phase === 'online' && s.url) {
      // Keep the name in use so the URL stays the same across restarts (a random first name,
      // or one given with --subdomain). Only the name is saved: other flags of one CLI run
      // (--tunnel, --tunnel-host) are not.
      const saved = this.saved();
      if (s.subdomain && !s.subdomainNotGranted && saved.subdomain !== s.subdomain) {
        this.current = { ...this.current, subdomain: s.subdomain };
        this.settingsRepo.set(SETTINGS_TUNNEL, { ...saved, subdomain: s.subdomain });
      }
      // Only a URL the tunnel server reported up may become the confirmed one.
      if (s.verifiedAt) this.rememberUrl();
    }
    this.events.emit('change', null);
  }

  /** The first public URL ever used is the confirmed one; later changes raise the alert. */
  private rememberUrl(): void {
    const url = this.url();
    if (url && this.current.mode !== 'none' && this.settingsRepo.get<string>(SETTINGS_CONFIRMED_URL) === undefined) {
      this.settingsRepo.set(SETTINGS_CONFIRMED_URL, url);
    }
  }

  private async stopTunnel(settleMs = 0): Promise<void> {
    const supervisor = this.supervisor;
    this.supervisor = undefined;
    this.unsubscribeTunnel?.();
    this.unsubscribeTunnel = undefined;
    await supervisor?.stop(settleMs);
  }
}
