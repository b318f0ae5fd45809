/**
 * The one way ScimDesk's objects announce events: each owns an Emitter privately and offers
 * `on(event, listener)`, which returns the unsubscribe function. No object assigns another's
 * fields to be called back. A listener that throws stops neither the emitter nor the others.
 */

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch {
        /* one listener's failure must not stop the others, nor the emitter */
      }
    }
  }

  /** Whether anyone listens to `event` (so its payload is worth building). */
  listening(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  clear(): void {
    this.listeners.clear();
  }
}
