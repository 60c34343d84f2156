/**
 * Timers kept by what they are for — one per key: a person's retry, a room's pending close, a grace period.
 * Starting a key's timer again replaces the one running; a timer forgets itself when it fires, so the map
 * holds only what is still pending; `stop` cancels all of them at shutdown and refuses new ones.
 *
 * Each "try again later" in the server (matching after a failure, putting somebody back in a private room,
 * freeing a partner, writing a room's end or a receipt) is one of these with its own stop condition.
 */
import type { Clock } from './clock.js';

export class KeyedTimers<K, V = undefined> {
  private readonly timers = new Map<K, { cancel: () => void; value: V }>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /**
   * (Re)starts `key`'s timer: after `delayMs` it is forgotten and `fn` runs. `value` is kept with it (what it
   * is counting, for `stop`). Does nothing once stopped. Returns whether a timer was started.
   */
  start(key: K, delayMs: number, fn: () => void, ...value: V extends undefined ? [] : [V]): boolean {
    if (this.stopped) return false;
    this.cancel(key);
    const cancel = this.clock.schedule(Math.max(0, delayMs), () => {
      if (this.timers.get(key)?.cancel === cancel) this.timers.delete(key);
      fn();
    });
    this.timers.set(key, { cancel, value: value[0] as V });
    return true;
  }

  /** Cancels `key`'s timer, if one is pending. */
  cancel(key: K): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  has(key: K): boolean {
    return this.timers.has(key);
  }

  /** Cancels every pending timer, keeps accepting new ones, and returns what the cancelled ones held. */
  cancelAll(): [K, V][] {
    const pending = [...this.timers].map(([key, timer]): [K, V] => [key, timer.value]);
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    return pending;
  }

  /** `cancelAll`, and no timer starts afterwards (shutdown). */
  stop(): [K, V][] {
    this.stopped = true;
    return this.cancelAll();
  }

  get size(): number {
    return this.timers.size;
  }
}
