/**
 * The one-time nonces of the check from outside. The checker issues one, sends it through the
 * public URL, and the route (routes/check.ts) answers it with a proof: an HMAC of the nonce
 * under a key that never leaves this process. Something else at that address — an echo server,
 * another ScimDesk — can repeat the nonce but cannot sign it, and a nonce answers once only.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long an issued nonce waits for its request (a check takes 20 s at most). */
export const NONCE_TTL_MS = 30_000;

export class CheckNonces {
  private readonly key = randomBytes(32);
  /** Pending nonces and when each expires. Checks are joined, so a handful at most. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly ttlMs = NONCE_TTL_MS) {}

  /** A new nonce: 32 random bytes as lowercase hex (the router matches paths in any case). */
  issue(): string {
    this.sweep();
    const nonce = randomBytes(32).toString('hex');
    this.pending.set(nonce, Date.now() + this.ttlMs);
    return nonce;
  }

  /** Consumes a pending nonce and answers its proof; null for an unknown, used or expired one. */
  redeem(nonce: string): string | null {
    const expires = this.pending.get(nonce);
    if (expires === undefined) return null;
    this.pending.delete(nonce);
    return expires >= Date.now() ? this.sign(nonce) : null;
  }

  /** Whether `proof` is this process's signature of `nonce`. */
  verify(nonce: string, proof: unknown): boolean {
    if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/i.test(proof)) return false;
    return timingSafeEqual(Buffer.from(this.sign(nonce), 'hex'), Buffer.from(proof, 'hex'));
  }

  /** The check is over: its nonce, if never asked for, cannot be redeemed later. */
  forget(nonce: string): void {
    this.pending.delete(nonce);
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.key).update(nonce).digest('hex');
  }

  private sweep(): void {
    const now = Date.now();
    for (const [nonce, expires] of this.pending) if (expires < now) this.pending.delete(nonce);
  }
}
