import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/ratelimit/memory-rate-limiter.js';
import { ManualClock } from '../helpers/clock.js';

describe('token buckets (MemoryRateLimiter)', () => {
  const rule = { capacity: 3, perSecond: 2 };

  it('allows a burst up to capacity, then refuses with the time until the next token', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock);
    for (let i = 0; i < 3; i++) expect(await limiter.take('k', rule)).toEqual({ allowed: true });
    expect(await limiter.take('k', rule)).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(250);
    expect(await limiter.take('k', rule)).toEqual({ allowed: false, retryAfterMs: 250 });
    clock.advance(250);
    expect(await limiter.take('k', rule)).toEqual({ allowed: true });
  });

  it('keys are independent', async () => {
    const limiter = new MemoryRateLimiter(new ManualClock());
    for (let i = 0; i < 3; i++) await limiter.take('a', rule);
    expect(await limiter.take('b', rule)).toEqual({ allowed: true });
  });

  it('memory stays bounded under many distinct keys', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock, 1_000);
    for (let i = 0; i < 50_000; i++) {
      await limiter.take(`key-${i}`, rule);
      if (i % 100 === 0) clock.advance(10);
    }
    expect(limiter.size).toBeLessThanOrEqual(1_000);
  });
});
