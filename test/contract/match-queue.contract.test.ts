/**
 * The MatchQueue contract, run over every implementation. A cluster implementation joins the list
 * with its own availability check.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MatchQueue, QueueEntry } from '../../src/matching/match-queue.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Each implementation makes a fresh queue, or `count` handles on one shared queue (as instances have). */
const implementations: { name: string; createShared: (count: number) => Promise<MatchQueue[]> }[] = [
  {
    name: 'in-memory',
    createShared: async (count) => {
      const queue = new MemoryMatchQueue();
      return Array.from({ length: count }, () => queue);
    },
  },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (Lua)',
          createShared: async (count: number) => {
            const shared = sharedTestRedis(count);
            cleanups.push(shared.close);
            return shared.clients.map((client) => new RedisMatchQueue(client, shared.prefix));
          },
        },
      ]
    : []),
];

const entry = (n: number, socket = `s${n}`): QueueEntry => ({ userId: `u${n}`, socketId: socket });

describe.each(implementations)('MatchQueue contract: $name', ({ createShared }) => {
  const create = async () => (await createShared(1))[0]!;

  it('the first joiner waits; the second takes it', async () => {
    const q = await create();
    expect(await q.joinOrMatch(entry(1))).toEqual({ kind: 'waiting', waitingCount: 1 });
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: entry(1) });
    expect(await q.size()).toBe(0);
  });

  it('takes the longest-waiting entry first (FIFO)', async () => {
    const q = await create();
    // Entries only accumulate when nobody can be paired; simulate three waiting by removing matches.
    await q.joinOrMatch(entry(1));
    await q.requeueFront(entry(0));
    expect(await q.size()).toBe(2);
    expect(await q.joinOrMatch(entry(9))).toEqual({ kind: 'matched', partner: entry(0) });
    expect(await q.joinOrMatch(entry(8))).toEqual({ kind: 'matched', partner: entry(1) });
  });

  it('never pairs a user with themself: a second join of the same user replaces its entry', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1, 'tab-a'));
    expect(await q.joinOrMatch(entry(1, 'tab-b'))).toEqual({ kind: 'waiting', waitingCount: 1 });
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: entry(1, 'tab-b') });
  });

  it('remove takes a waiting user out, only for the owning socket when given', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1));
    expect(await q.remove('u1', 'other-socket')).toBe(false);
    expect(await q.remove('u1', 's1')).toBe(true);
    expect(await q.remove('u1')).toBe(false);
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'waiting', waitingCount: 1 });
  });

  it('requeueFront puts an entry back ahead of everyone', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1));
    await q.requeueFront(entry(7));
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: entry(7) });
  });

  it('100 concurrent joins → 50 pairs, nobody twice, nobody with themself', async () => {
    const q = await create();
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => q.joinOrMatch(entry(i))));
    expectPerfectPairs(outcomes, 100);
    expect(await q.size()).toBe(0);
  });

  it('2,000 concurrent joins through several clients of the same queue → 1,000 pairs', async () => {
    // Several handles (for Redis: several connections) join at once, as several instances do.
    const queues = await createShared(4);
    const outcomes = await Promise.all(Array.from({ length: 2_000 }, (_, i) => queues[i % queues.length]!.joinOrMatch(entry(i))));
    expectPerfectPairs(outcomes, 2_000);
  });

  function expectPerfectPairs(outcomes: Awaited<ReturnType<MatchQueue['joinOrMatch']>>[], count: number): void {
    const pairs = outcomes.flatMap((o, i) => (o.kind === 'matched' ? [[`u${i}`, o.partner.userId] as const] : []));
    expect(pairs).toHaveLength(count / 2);
    const everyone = pairs.flat();
    expect(new Set(everyone).size).toBe(count);
    for (const [a, b] of pairs) expect(a).not.toBe(b);
  }
});
