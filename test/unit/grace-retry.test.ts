/**
 * A lapsed grace period whose end fails (Redis or the database away) is ended again a little later, until it
 * succeeds (src/chat/grace-timers.ts) — before, it was tried once and the partner waited for ever. A grace
 * period started again meanwhile is left to its own timer.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GRACE_RETRY_MS, GraceTimers, type LostConnection } from '../../src/chat/grace-timers.js';
import { ManualClock } from '../helpers/clock.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('grace timers (src/chat/grace-timers.ts)', () => {
  function timers(failures: number) {
    const clock = new ManualClock();
    const ends: LostConnection[] = [];
    let failing = failures;
    const grace = new GraceTimers(
      clock,
      async (_userId, lost) => {
        ends.push(lost);
        if (failing-- > 0) throw new Error('Redis unreachable');
      },
      pino({ level: 'silent' }),
    );
    return { clock, grace, ends };
  }

  it('an end that fails is tried again every few seconds until it succeeds, then no more', async () => {
    const { clock, grace, ends } = timers(2);
    const lost = { socketId: 's1', untilMs: clock.now().getTime() + 1_000 };
    grace.start('u', lost);
    clock.advance(1_000);
    await flush();
    expect(ends).toHaveLength(1);
    expect(grace.has('u')).toBe(true);
    // Each retry within a quarter of GRACE_RETRY_MS either way (spread out).
    clock.advance(GRACE_RETRY_MS * 1.25);
    await flush();
    clock.advance(GRACE_RETRY_MS * 1.25);
    await flush();
    expect(ends).toEqual([lost, lost, lost]);
    expect(grace.has('u')).toBe(false);
    clock.advance(GRACE_RETRY_MS * 10);
    await flush();
    expect(ends).toHaveLength(3);
  });

  it('a grace period started again meanwhile keeps its own timer: the failed one is not retried over it', async () => {
    const { clock, grace, ends } = timers(1);
    const first = { socketId: 's1', untilMs: clock.now().getTime() + 1_000 };
    grace.start('u', first);
    clock.advance(1_000);
    const second = { socketId: 's2', untilMs: clock.now().getTime() + 20_000 };
    grace.start('u', second);
    await flush();
    clock.advance(GRACE_RETRY_MS * 1.25);
    await flush();
    expect(ends).toEqual([first]);
    clock.advance(20_000);
    await flush();
    expect(ends).toEqual([first, second]);
  });

  it('at shutdown (cancelAll) an end that fails is not tried again', async () => {
    const { clock, grace, ends } = timers(5);
    grace.start('u', { socketId: 's1', untilMs: clock.now().getTime() + 1_000 });
    clock.advance(1_000);
    expect(grace.cancelAll()).toEqual([]);
    await flush();
    clock.advance(GRACE_RETRY_MS * 10);
    await flush();
    expect(ends).toHaveLength(1);
    expect(grace.has('u')).toBe(false);
  });
});
