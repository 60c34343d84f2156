/**
 * The RateLimiter contract: token buckets with burst, refill and a retry hint; keys independent; several
 * buckets taken at once, all or none. Redis runs twice: on the test's clock (sent with each call) and on
 * Redis's own `TIME`, as in production — that variant waits real time where the others move a clock.
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
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

/** A limiter, how to let time pass for it, and how far a wait it announces may fall short of exact. */
interface Subject {
  limiter: RateLimiter;
  advance(ms: number): Promise<void>;
  /** 0 on a manual clock; on real time a few ms pass between the takes and the refusal. */
  slackMs: number;
}

function onManualClock(create: (clock: ManualClock) => RateLimiter): () => Subject {
  return () => {
    const clock = new ManualClock();
    return { limiter: create(clock), advance: async (ms) => clock.advance(ms), slackMs: 0 };
  };
}

function redisLimiter(clock: typeof systemClock): RateLimiter {
  const { redis, prefix, cleanup } = testRedis();
  cleanups.push(cleanup);
  return new RedisRateLimiter(redis, prefix, clock, pino({ level: 'silent' }));
}

const redisVariants = [
  { name: 'Redis (Lua, test clock)', create: onManualClock(redisLimiter) },
  {
    name: 'Redis (Lua, Redis TIME)',
    create: (): Subject => ({
      limiter: redisLimiter(systemClock),
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      slackMs: 200,
    }),
  },
];
const implementations: { name: string; create: () => Subject }[] = [
  { name: 'in-memory', create: onManualClock((clock) => new MemoryRateLimiter(clock)) },
  ...(hasRedis() ? redisVariants : []),
];

/** A refusal announcing a wait of `ms` (less the subject's slack at most). */
function refusedFor(subject: Subject, ms: number) {
  return { allowed: false, retryAfterMs: expect.toSatisfy((wait: number) => wait <= ms && wait >= ms - subject.slackMs) };
}

describe.each(implementations)('RateLimiter contract: $name', ({ create }) => {
  const rule = { capacity: 3, perSecond: 2 };

  it('allows a burst, refuses with the wait until the next token, refills over time', async () => {
    const subject = create();
    const { limiter } = subject;
    for (let i = 0; i < 3; i++) expect(await limiter.take('k', rule)).toEqual({ allowed: true });
    expect(await limiter.take('k', rule)).toEqual(refusedFor(subject, 500));
    await subject.advance(500);
    expect(await limiter.take('k', rule)).toEqual({ allowed: true });
    expect(await limiter.take('k', rule)).toMatchObject({ allowed: false });
  });

  it('keys do not share tokens', async () => {
    const { limiter } = create();
    for (let i = 0; i < 3; i++) await limiter.take('a', rule);
    expect(await limiter.take('b', rule)).toEqual({ allowed: true });
  });

  it('concurrent takes never hand out more than the capacity', async () => {
    const { limiter } = create();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.take('burst', { capacity: 10, perSecond: 1 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('takes from every bucket of a combined call, or from none when one is empty', async () => {
    const { limiter } = create();
    const identity = { key: 'user', rule: { capacity: 1, perSecond: 1 } };
    const address = { key: 'address', rule: { capacity: 3, perSecond: 1 } };
    expect(await limiter.takeAll([identity, address])).toEqual({ allowed: true });
    // The identity's bucket is empty: refused, and the address keeps the token it would have given.
    expect(await limiter.takeAll([identity, address])).toMatchObject({ allowed: false });
    expect(await limiter.take('address', address.rule)).toEqual({ allowed: true });
    expect(await limiter.take('address', address.rule)).toEqual({ allowed: true });
    expect(await limiter.take('address', address.rule)).toMatchObject({ allowed: false });
    expect(await limiter.take('user', identity.rule)).toMatchObject({ allowed: false });
  });

  it('a refused combined call waits for the slowest of its empty buckets', async () => {
    const subject = create();
    const fast = { key: 'fast', rule: { capacity: 1, perSecond: 4 } };
    const slow = { key: 'slow', rule: { capacity: 1, perSecond: 1 } };
    expect(await subject.limiter.takeAll([fast, slow])).toEqual({ allowed: true });
    expect(await subject.limiter.takeAll([fast, slow])).toEqual(refusedFor(subject, 1_000));
    await subject.advance(250);
    expect(await subject.limiter.takeAll([fast, slow])).toEqual(refusedFor(subject, 750));
  });

  it('concurrent combined calls sharing a bucket hand out its capacity exactly, all or none', async () => {
    const { limiter } = create();
    const shared = { key: 'shared-address', rule: { capacity: 10, perSecond: 1 } };
    const own = { key: 'one-identity', rule: { capacity: 4, perSecond: 1 } };
    // 50 people behind one address, and one person sending 20 at once.
    const crowd = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.takeAll([{ key: `identity-${i}`, rule: own.rule }, shared])));
    expect(crowd.filter((r) => r.allowed)).toHaveLength(10);
    const other = { key: 'other-address', rule: { capacity: 10, perSecond: 1 } };
    const flood = await Promise.all(Array.from({ length: 20 }, () => limiter.takeAll([own, other])));
    expect(flood.filter((r) => r.allowed)).toHaveLength(4);
    // Only the 4 that went through took from the address.
    const rest = await Promise.all(Array.from({ length: 10 }, () => limiter.take(other.key, other.rule)));
    expect(rest.filter((r) => r.allowed)).toHaveLength(6);
  });
});
