/**
 * Throttles clients that keep presenting wrong SCIM tokens: after `maxFailures` failures
 * (answered 401) within `windowMs`, a client's next wrong attempts get 429 with Retry-After until the window
 * has passed. A valid token is never throttled, so a real IdP sharing an address with an
 * attacker (or behind the same tunnel) keeps working. Memory is bounded (oldest clients go).
 */

export interface AuthLimits {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly maxClients: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = { maxFailures: 10, windowMs: 60_000, maxClients: 10_000 };

interface Window {
  start: number;
  failures: number;
}

export class AuthLimiter {
  private readonly clients = new Map<string, Window>();

  constructor(
    private readonly limits: AuthLimits = DEFAULT_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private window(client: string): Window {
    const now = this.now();
    let w = this.clients.get(client);
    if (!w || now - w.start >= this.limits.windowMs) {
      w = { start: now, failures: 0 };
      this.clients.delete(client);
      this.clients.set(client, w);
      if (this.clients.size > this.limits.maxClients) this.clients.delete(this.clients.keys().next().value!);
    }
    return w;
  }

  /** Seconds until this client may try again, or 0 when it is not throttled. */
  retryAfter(client: string): number {
    const w = this.clients.get(client);
    if (!w || w.failures <= this.limits.maxFailures) return 0;
    const left = this.limits.windowMs - (this.now() - w.start);
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Counts a failed attempt; returns the seconds to wait when the client is now throttled. */
  fail(client: string): number {
    this.window(client).failures++;
    return this.retryAfter(client);
  }
}
