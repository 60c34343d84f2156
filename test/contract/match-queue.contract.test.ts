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
  const taken = (n: number, socket = `s${n}`) => ({ ...entry(n, socket), seq: expect.any(Number) });

  it('the first joiner waits (nobody else is waiting); the second takes it', async () => {
    const q = await create();
    expect(await q.joinOrMatch(entry(1))).toEqual({ kind: 'waiting', waitingCount: 0 });
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: taken(1) });
    expect(await q.size()).toBe(0);
  });

  it('takes the longest-waiting entry first (FIFO)', async () => {
    const q = await create();
    // Entries only pile up when nobody can be paired; `enqueue` queues without matching.
    for (const n of [1, 2, 3]) await q.enqueue(entry(n));
    expect(await q.joinOrMatch(entry(7))).toEqual({ kind: 'matched', partner: taken(1) });
    expect(await q.joinOrMatch(entry(8))).toEqual({ kind: 'matched', partner: taken(2) });
    expect(await q.joinOrMatch(entry(9))).toEqual({ kind: 'matched', partner: taken(3) });
  });

  it('someone who pauses and comes back keeps their place ahead of later arrivals', async () => {
    const q = await create();
    for (const n of [1, 2, 3]) await q.enqueue(entry(n));
    await q.pause('u1');
    expect(await q.joinOrMatch(entry(7))).toEqual({ kind: 'matched', partner: taken(2) });
    // u1 comes back: the oldest other waiting person is u3.
    expect(await q.joinOrMatch(entry(1))).toEqual({ kind: 'matched', partner: taken(3) });
    await q.enqueue(entry(4));
    await q.enqueue(entry(5));
    await q.pause('u4');
    // u4 returns with nobody else unpaused ahead: it keeps its place before u5.
    await q.pause('u5');
    expect(await q.joinOrMatch(entry(4))).toEqual({ kind: 'waiting', waitingCount: 1 });
    expect(await q.joinOrMatch(entry(5))).toEqual({ kind: 'matched', partner: taken(4) });
  });

  it('never pairs a user with themself: a second join of the same user keeps one entry, at its place', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1, 'tab-a'));
    expect(await q.joinOrMatch(entry(1, 'tab-b'))).toEqual({ kind: 'waiting', waitingCount: 0 });
    expect(await q.size()).toBe(1);
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: taken(1, 'tab-b') });
  });

  it('the waiting count is of the others queued, never the one asking', async () => {
    const q = await create();
    for (const n of [1, 2, 3]) {
      await q.joinOrMatch(entry(n));
      await q.pause(`u${n}`);
    }
    expect(await q.joinOrMatch(entry(4))).toEqual({ kind: 'waiting', waitingCount: 3 });
    expect(await q.joinOrMatch(entry(4))).toEqual({ kind: 'waiting', waitingCount: 3 });
    expect(await q.size()).toBe(4);
  });

  it('a paused entry is nobody\'s partner but keeps its place until it joins again', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1));
    expect(await q.pause('u1')).toBe(true);
    expect(await q.pause('nobody')).toBe(false);
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'waiting', waitingCount: 1 });
    // u1 is back: it is matched with u2, who arrived while it was away.
    expect(await q.joinOrMatch(entry(1))).toEqual({ kind: 'matched', partner: taken(2) });
    expect(await q.size()).toBe(0);
  });

  it('remove takes a waiting user out, only for the owning socket when given', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1));
    expect(await q.remove('u1', 'other-socket')).toBe(false);
    expect(await q.remove('u1', 's1')).toBe(true);
    expect(await q.remove('u1')).toBe(false);
    expect(await q.joinOrMatch(entry(2))).toEqual({ kind: 'waiting', waitingCount: 0 });
  });

  it('requeue puts a taken entry back at its own place, ahead of later arrivals', async () => {
    const q = await create();
    await q.joinOrMatch(entry(1));
    const outcome = await q.joinOrMatch(entry(2));
    if (outcome.kind !== 'matched') throw new Error('expected a match');
    await q.joinOrMatch(entry(3));
    await q.requeue(outcome.partner);
    // Already queued users are not moved by a requeue.
    await q.requeue({ ...entry(3), seq: 0 });
    expect(await q.joinOrMatch(entry(4))).toEqual({ kind: 'matched', partner: taken(1) });
    expect(await q.joinOrMatch(entry(5))).toEqual({ kind: 'matched', partner: taken(3) });
  });

  it('enqueue queues without matching, and keeps a queued user\'s place', async () => {
    const q = await create();
    await q.enqueue(entry(1));
    await q.enqueue(entry(2));
    await q.enqueue(entry(1, 's1-new'));
    expect(await q.size()).toBe(2);
    expect(await q.joinOrMatch(entry(3))).toEqual({ kind: 'matched', partner: taken(1, 's1-new') });
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

  it('1,000 concurrent joins while some drop (pause) and come back: nobody paused is taken, nobody twice', async () => {
    const queues = await createShared(3);
    const paused = new Set<string>();
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const q = queues[i % queues.length]!;
        const outcome = await q.joinOrMatch(entry(i));
        if (outcome.kind === 'waiting' && i % 7 === 0) {
          if (await q.pause(`u${i}`)) paused.add(`u${i}`);
        }
        return outcome;
      }),
    );
    const takenIds = outcomes.flatMap((o) => (o.kind === 'matched' ? [o.partner.userId] : []));
    const takers = outcomes.flatMap((o, i) => (o.kind === 'matched' ? [`u${i}`] : []));
    // Every pause happened after its user's own join; a user taken before the pause was simply not queued any more.
    expect(new Set([...takenIds, ...takers]).size).toBe(takenIds.length * 2);
    for (const id of paused) expect(takenIds).not.toContain(id);
    expect(await queues[0]!.size()).toBe(1_000 - 2 * takenIds.length);
  });

  it('skips whoever the joiner must avoid (a block), and takes the next one', async () => {
    const q = await create();
    await q.enqueue(entry(1));
    await q.enqueue(entry(2));
    expect(await q.joinOrMatch({ ...entry(3), avoid: ['u1'] })).toEqual({ kind: 'matched', partner: taken(2) });
    expect(await q.joinOrMatch({ ...entry(4), avoid: ['u1'] })).toEqual({ kind: 'waiting', waitingCount: 1 });
    expect(await q.joinOrMatch(entry(5))).toEqual({ kind: 'matched', partner: taken(1) });
  });

  it('1,000 concurrent joins with random blocks: no blocked pair matched, nobody left waiting beside someone acceptable', async () => {
    const queues = await createShared(3);
    const count = 1_000;
    const blocks = new Map<string, Set<string>>();
    const block = (a: string, b: string) => {
      for (const [x, y] of [[a, b], [b, a]] as const) blocks.set(x, (blocks.get(x) ?? new Set()).add(y));
    };
    // A fixed pseudo-random pattern (reproducible): each person blocks three others.
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % count;
    for (let i = 0; i < count; i++) for (let k = 0; k < 3; k++) block(`u${i}`, `u${next()}`);
    const outcomes = await Promise.all(
      Array.from({ length: count }, (_, i) => queues[i % queues.length]!.joinOrMatch({ ...entry(i), avoid: [...(blocks.get(`u${i}`) ?? [])] })),
    );
    const pairs = outcomes.flatMap((o, i) => (o.kind === 'matched' ? [[`u${i}`, o.partner.userId] as const] : []));
    for (const [a, b] of pairs) expect(blocks.get(a)?.has(b) ?? false).toBe(false);
    const paired = new Set(pairs.flat());
    expect(paired.size).toBe(pairs.length * 2);
    const waiting = Array.from({ length: count }, (_, i) => `u${i}`).filter((u) => !paired.has(u));
    expect(await queues[0]!.size()).toBe(waiting.length);
    for (const a of waiting) for (const b of waiting) if (a !== b) expect(blocks.get(a)?.has(b) ?? false).toBe(true);
  });

  function expectPerfectPairs(outcomes: Awaited<ReturnType<MatchQueue['joinOrMatch']>>[], count: number): void {
    const pairs = outcomes.flatMap((o, i) => (o.kind === 'matched' ? [[`u${i}`, o.partner.userId] as const] : []));
    expect(pairs).toHaveLength(count / 2);
    const everyone = pairs.flat();
    expect(new Set(everyone).size).toBe(count);
    for (const [a, b] of pairs) expect(a).not.toBe(b);
  }
});
