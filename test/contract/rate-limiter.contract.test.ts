/** The RateLimiter contract: token buckets with burst, refill and a retry hint; keys independent. */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../src/ratelimit/memory-rate-limiter.js';
import type { RateLimiter } from '../../src/ratelimit/rate-limiter.js';
import { RedisRateLimiter } from '../../src/ratelimit/redis-rate-limiter.js';
import { ManualClock } from '../helpers/clock.js';
import { testRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const implementations: { name: string; create: (clock: ManualClock) => RateLimiter }[] = [
  { name: 'in-memory', create: (clock) => new MemoryRateLimiter(clock) },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (Lua)',
          create: (clock: ManualClock) => {
            const { redis, prefix, cleanup } = testRedis();
            cleanups.push(cleanup);
            return new RedisRateLimiter(redis, prefix, clock, pino({ level: 'silent' }));
          },
        },
      ]
    : []),
];

describe.each(implementations)('RateLimiter contract: $name', ({ create }) => {
  const rule = { capacity: 3, perSecond: 2 };

  it('allows a burst, refuses with the wait until the next token, refills over time', async () => {
    const clock = new ManualClock();
    const limiter = create(clock);
    for (let i = 0; i < 3; i++) expect(await limiter.take('k', rule)).toEqual({ allowed: true });
    expect(await limiter.take('k', rule)).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(500);
    expect(await limiter.take('k', rule)).toEqual({ allowed: true });
    expect(await limiter.take('k', rule)).toMatchObject({ allowed: false });
  });

  it('keys do not share tokens', async () => {
    const limiter = create(new ManualClock());
    for (let i = 0; i < 3; i++) await limiter.take('a', rule);
    expect(await limiter.take('b', rule)).toEqual({ allowed: true });
  });

  it('concurrent takes never hand out more than the capacity', async () => {
    const limiter = create(new ManualClock());
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.take('burst', { capacity: 10, perSecond: 1 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});
