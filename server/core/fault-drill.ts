/**
 * The fault drill (issue 13): for evaluating how an IdP copes when the app misbehaves, the next
 * N requests of one connection get a 429 or a 503 (with Retry-After) instead of their answer,
 * or their real answer held back a while. One drill per connection; arming again replaces it.
 * A drill ends by itself when its count is used up or at its expiry, whichever comes first.
 *
 * Drills live in the memory of the process that serves SCIM (the desktop app or `serve`): a
 * restart ends them, which is what an admin who forgot one wants.
 */
import type { FaultKind } from '../../contract/choices';
import type { ConnectionName } from '../../contract/connections';
import type { Payloads } from '../../contract/ipc';
import type { FaultDrill } from '../../contract/model';
import { Emitter } from '../base/emitter';
import { ServiceError } from './errors';

/** A drill ends by itself this long after arming, even with requests remaining. */
export const FAULT_DRILL_EXPIRY_MS = 10 * 60_000;
/** The Retry-After a 429 or 503 drill sends unless told otherwise. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

/** What arming takes: the armFaultDrill call's payload, from the panel or the control channel. */
export type ArmFaultDrill = Payloads['armFaultDrill'];

/** What one drilled request gets: the drill as it was armed (its kind, Retry-After or delay, when). */
export interface TakenFault {
  readonly kind: FaultKind;
  readonly retryAfterSeconds: number | null;
  readonly delayMs: number | null;
  readonly armedAt: string;
}

interface FaultDrillEvents {
  /** A drill was armed, cleared, used up or expired. */
  change: readonly FaultDrill[];
}

export interface FaultDrillsOptions {
  /** The clock (CoreOptions.now): tests move it past a drill's expiry. */
  readonly now?: () => Date;
  readonly expiryMs?: number;
}

export class FaultDrills {
  private readonly drills = new Map<ConnectionName, FaultDrill>();
  private readonly events = new Emitter<FaultDrillEvents>();
  /** One timer per drill, so the banner goes at expiry even when no request comes. */
  private readonly timers = new Map<ConnectionName, NodeJS.Timeout>();

  constructor(private readonly options: FaultDrillsOptions = {}) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  on<K extends keyof FaultDrillEvents>(event: K, listener: (payload: FaultDrillEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Arms (or replaces) the connection's drill. ServiceError 'invalid-settings' for a delay without delayMs. */
  arm(input: ArmFaultDrill): FaultDrill {
    if (!Number.isInteger(input.count) || input.count < 1) throw new ServiceError('invalid-settings', 'A fault drill needs a count of at least 1 request');
    if (input.kind === 'delay' && !(input.delayMs && input.delayMs > 0)) throw new ServiceError('invalid-settings', 'A delay drill needs delayMs: how long to hold each answer');
    const armedAt = this.now();
    const expiryMs = this.options.expiryMs ?? FAULT_DRILL_EXPIRY_MS;
    const drill: FaultDrill = {
      connection: input.connection,
      kind: input.kind,
      remaining: input.count,
      retryAfterSeconds: input.kind === 'delay' ? null : (input.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS),
      delayMs: input.kind === 'delay' ? input.delayMs! : null,
      armedAt: armedAt.toISOString(),
      expiresAt: new Date(armedAt.getTime() + expiryMs).toISOString(),
    };
    this.drills.set(input.connection, drill);
    this.schedule(input.connection, expiryMs);
    this.changed();
    return drill;
  }

  /** Ends the connection's drill; true when there was one. */
  clear(connection: ConnectionName): boolean {
    if (!this.end(connection)) return false;
    this.changed();
    return true;
  }

  /**
   * Consumes one request of the connection's drill: the fault to answer it with, or null when
   * none is armed. Synchronous, so two requests never take the same last one.
   */
  take(connection: string): TakenFault | null {
    const drill = this.live(connection as ConnectionName);
    if (!drill) return null;
    const remaining = drill.remaining - 1;
    if (remaining > 0) this.drills.set(drill.connection, { ...drill, remaining });
    else this.end(drill.connection);
    this.changed();
    return { kind: drill.kind, retryAfterSeconds: drill.retryAfterSeconds, delayMs: drill.delayMs, armedAt: drill.armedAt };
  }

  /** The armed drills, oldest first (expired ones are ended on the way). */
  list(): FaultDrill[] {
    const armed: FaultDrill[] = [];
    for (const name of [...this.drills.keys()]) {
      const drill = this.live(name);
      if (drill) armed.push(drill);
    }
    return armed;
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.drills.clear();
    this.events.clear();
  }

  /** The drill if still armed; one past its expiry (by the clock, which tests move) is ended here. */
  private live(connection: ConnectionName): FaultDrill | undefined {
    const drill = this.drills.get(connection);
    if (!drill) return undefined;
    if (this.now().getTime() < Date.parse(drill.expiresAt)) return drill;
    this.end(connection);
    // Announced a tick later: the caller may be building the very status being announced.
    queueMicrotask(() => this.changed());
    return undefined;
  }

  private end(connection: ConnectionName): boolean {
    clearTimeout(this.timers.get(connection));
    this.timers.delete(connection);
    return this.drills.delete(connection);
  }

  private schedule(connection: ConnectionName, ms: number): void {
    clearTimeout(this.timers.get(connection));
    const timer = setTimeout(() => {
      this.timers.delete(connection);
      if (this.drills.delete(connection)) this.changed();
    }, ms);
    // A drill never keeps a process alive that is otherwise done.
    timer.unref();
    this.timers.set(connection, timer);
  }

  private changed(): void {
    if (this.events.listening('change')) this.events.emit('change', this.list());
  }
}
