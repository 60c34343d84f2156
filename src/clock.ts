/** Time source and timers, injected so tests control them. */
export interface Clock {
  /** Current time. */
  now(): Date;
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    // A pending grace period or retry must not keep a stopping process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
