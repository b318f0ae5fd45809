/**
 * Whether the directory's database can take writes. A write that cannot commit because the
 * disk is full marks it degraded (the panel, `status` and /scimdesk/health say so); the next
 * write that commits clears it. SQLite needs no restart for that: a failed commit rolled back
 * everything it had written, and the same write succeeds once there is room.
 */
import type { StoreHealth } from '../../contract/model';
import { Emitter } from '../base/emitter';
import { storeFailureOf } from '../store/sqlite-errors';

const OK: StoreHealth = { state: 'ok', message: null, since: null };

export class StoreHealthTracker {
  private current: StoreHealth = OK;
  private readonly events = new Emitter<{ change: StoreHealth }>();

  constructor(private readonly dataDir: string) {}

  on(event: 'change', listener: (health: StoreHealth) => void): () => void {
    return this.events.on(event, listener);
  }

  get(): StoreHealth {
    return this.current;
  }

  /** A write committed. */
  succeeded(): void {
    if (this.current.state === 'ok') return;
    this.current = OK;
    this.events.emit('change', this.current);
  }

  /** A write failed: only a full disk degrades the store (a 409 or 400 says nothing about it). */
  failed(err: unknown): void {
    if (storeFailureOf(err) !== 'disk-full' || this.current.state === 'disk-full') return;
    this.current = {
      state: 'disk-full',
      message: `The disk holding ${this.dataDir} is full: IdP changes are refused with 503 (they retry) until space is freed. Nothing already saved is lost; writes resume by themselves.`,
      since: new Date().toISOString(),
    };
    this.events.emit('change', this.current);
  }
}
