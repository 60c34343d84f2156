/**
 * When the WEB_CONCURRENCY primary starts a worker again after it exited while serving
 * (src/cluster/primary.ts `restartDelayMs`): at once after a while of serving; otherwise after a delay that
 * doubles with each such exit in a row, up to a minute — never at once for ever, never not at all.
 */
import { describe, expect, it } from 'vitest';
import { MIN_WORKER_LIFETIME_MS, restartDelayMs, stopFailed } from '../../src/cluster/primary.js';

describe('restartDelayMs', () => {
  const readyAt = 1_000_000;
  it('a worker that served MIN_WORKER_LIFETIME_MS after it got ready is restarted at once', () => {
    expect(restartDelayMs({ readyAt }, readyAt + MIN_WORKER_LIFETIME_MS, 0)).toBe(0);
    expect(restartDelayMs({ readyAt }, readyAt + 3_600_000, 7)).toBe(0);
  });

  it('one that crashed soon after it got ready waits, counted from ready, not from its start', () => {
    // Ready at 4.9 s after its fork, dead at 5.1 s: before, 5.1 s of age made it "served a while".
    expect(restartDelayMs({ readyAt }, readyAt + 200, 0)).toBe(1_000);
  });

  it('a replacement that never got ready is started again later, longer each time in a row, at most a minute', () => {
    // Before: at once for ever when it took over 5 s to fail (PostgreSQL timing out), never when it failed sooner.
    expect([0, 1, 2, 3, 5, 6, 20].map((n) => restartDelayMs({}, readyAt, n))).toEqual([1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000]);
  });
});

describe('stopFailed', () => {
  it('a worker that exited 0, or one still starting ended by SIGTERM, stopped as it should', () => {
    expect(stopFailed(0, null)).toBe(false);
    expect(stopFailed(null, 'SIGTERM')).toBe(false);
  });

  it('one that exited 1 (its stop past SHUTDOWN_TIMEOUT_MS) or was killed makes the stop a failure', () => {
    expect(stopFailed(1, null)).toBe(true);
    expect(stopFailed(null, 'SIGKILL')).toBe(true);
  });
});
