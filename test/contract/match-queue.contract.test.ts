/**
 * The MatchQueue contract, run over every implementation. A cluster implementation joins the list
 * with its own availability check.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { JoinOutcome, MatchQueue, QueueEntry } from '../../src/matching/match-queue.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { ManualClock } from '../helpers/clock.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/**
 * Each implementation makes a fresh queue, or `count` handles on one shared queue (as instances have),
 * reading the time from `clock` (every handle the same clock here; instances each have their own).
 */
const implementations: { name: string; createShared: (count: number, clock?: ManualClock) => Promise<MatchQueue[]> }[] = [
  {
    name: 'in-memory',
    createShared: async (count, clock) => {
      const queue = new MemoryMatchQueue(clock);
      return Array.from({ length: count }, () => queue);
    },
  },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (Lua)',
          createShared: async (count: number, clock?: ManualClock) => {
            const shared = sharedTestRedis(count);
            cleanups.push(shared.close);
            return shared.clients.map((client) => new RedisMatchQueue(client, shared.prefix, clock));
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

  it('a pair kept apart (a new block) is not matched, whichever of them joins, until the time is over', async () => {
    const clock = new ManualClock();
    const [q1, q2] = await createShared(2, clock);
    // u1 is already waiting when the block comes (it blocked its last partner from the queue).
    expect(await q1!.joinOrMatch(entry(1))).toEqual({ kind: 'waiting', waitingCount: 0 });
    expect(await q2!.isKeptApart('u1', 'u2')).toBe(false);
    await q1!.keepApart('u2', 'u1', 60_000);
    expect([await q2!.isKeptApart('u1', 'u2'), await q2!.isKeptApart('u2', 'u1'), await q2!.isKeptApart('u1', 'u3')]).toEqual([true, true, false]);
    // The joiner's own avoid list is empty (its instance has not heard of the block): the queue holds it.
    expect(await q2!.joinOrMatch(entry(2))).toEqual({ kind: 'waiting', waitingCount: 1 });
    // Anybody else is matched with either of them, longest waiting first.
    expect(await q2!.joinOrMatch(entry(3))).toEqual({ kind: 'matched', partner: taken(1) });
    expect(await q1!.joinOrMatch(entry(1))).toEqual({ kind: 'waiting', waitingCount: 1 });
    clock.advance(60_000);
    expect(await q1!.isKeptApart('u1', 'u2')).toBe(false);
    expect(await q2!.joinOrMatch(entry(4))).toEqual({ kind: 'matched', partner: taken(2) });
    expect(await q1!.joinOrMatch(entry(2))).toEqual({ kind: 'matched', partner: taken(1) });
  });

  it('a pair kept apart is skipped in the search by interests and when a queued entry is matched again', async () => {
    const clock = new ManualClock();
    const [q] = await createShared(1, clock);
    const nowMs = clock.now().getTime();
    await q!.keepApart('u1', 'u2', 60_000);
    await q!.enqueue({ ...entry(1), interests: ['music'], fallbackAtMs: nowMs + 10_000 });
    expect(await q!.joinOrMatch({ ...entry(2), interests: ['music'], fallbackAtMs: nowMs + 10_000 })).toEqual({ kind: 'waiting', waitingCount: 1 });
    clock.advance(10_000);
    expect(await q!.matchQueued({ ...entry(2), interests: ['music'], fallbackAtMs: nowMs + 10_000 })).toEqual({ kind: 'waiting', waitingCount: 1 });
    expect(await q!.joinOrMatch({ ...entry(3), interests: ['music'] })).toMatchObject({ kind: 'matched', partner: { userId: 'u1' } });
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

  describe('interests', () => {
    const WAIT_MS = 10_000;
    let clock: ManualClock;
    /** A fresh queue on a clock of the test's own. */
    const createTimed = async (count = 1) => {
      clock = new ManualClock();
      return createShared(count, clock);
    };
    /** Somebody with interests, waiting for a shared one until `WAIT_MS` from now. */
    const fan = (n: number, interests: string[], socket = `s${n}`): QueueEntry => ({
      ...entry(n, socket),
      interests,
      fallbackAtMs: clock.now().getTime() + WAIT_MS,
    });
    const takenFan = (n: number, interests: string[]) => ({ ...entry(n), interests, fallbackAtMs: expect.any(Number), seq: expect.any(Number) });

    it('prefers the waiting person sharing the most interests, whatever their place', async () => {
      const [q] = await createTimed();
      // People sharing nothing pile up only if queued without matching (`enqueue`).
      await q!.enqueue(fan(1, ['music']));
      await q!.enqueue(fan(2, ['music', 'film', 'chess']));
      await q!.enqueue(fan(3, ['music', 'film']));
      expect(await q!.joinOrMatch(fan(4, ['film', 'music', 'go']))).toEqual({ kind: 'matched', partner: takenFan(2, ['music', 'film', 'chess']) });
      expect(await q!.joinOrMatch(fan(5, ['film']))).toEqual({ kind: 'matched', partner: takenFan(3, ['music', 'film']) });
      expect(await q!.joinOrMatch(fan(6, ['music']))).toEqual({ kind: 'matched', partner: takenFan(1, ['music']) });
      expect(await q!.size()).toBe(0);
    });

    it('between equal overlaps, the longest waiting wins', async () => {
      const [q] = await createTimed();
      await q!.enqueue(fan(1, ['a', 'x']));
      await q!.enqueue(fan(2, ['b', 'x']));
      await q!.enqueue(fan(3, ['a', 'b']));
      expect(await q!.joinOrMatch(fan(4, ['a', 'b', 'x']))).toMatchObject({ kind: 'matched', partner: { userId: 'u1' } });
    });

    it('nobody sharing: both wait until their fallback time, then anyone open is taken', async () => {
      const [q] = await createTimed();
      const u1 = fan(1, ['music']);
      expect(await q!.joinOrMatch(u1)).toEqual({ kind: 'waiting', waitingCount: 0 });
      expect(await q!.joinOrMatch(fan(2, ['film']))).toEqual({ kind: 'waiting', waitingCount: 1 });
      // Somebody without interests is open, but the others are not yet: everybody waits.
      expect(await q!.joinOrMatch(entry(3))).toEqual({ kind: 'waiting', waitingCount: 2 });
      clock.advance(WAIT_MS - 1);
      expect(await q!.matchQueued(u1)).toEqual({ kind: 'waiting', waitingCount: 2 });
      clock.advance(1);
      // u1's own timer: its wait is over; the longest-waiting open other is u2 (whose wait ended with u1's).
      expect(await q!.matchQueued(u1)).toEqual({ kind: 'matched', partner: takenFan(2, ['film']) });
      // A newcomer without interests takes the one left.
      expect(await q!.joinOrMatch(entry(4))).toEqual({ kind: 'matched', partner: taken(3) });
    });

    it('before its fallback time a person with interests is skipped by people without, and skips them', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(fan(1, ['music']));
      expect(await q!.joinOrMatch(entry(2))).toEqual({ kind: 'waiting', waitingCount: 1 });
      expect(await q!.joinOrMatch(fan(3, ['film']))).toEqual({ kind: 'waiting', waitingCount: 2 });
      // Past u1's time, the next open joiner takes u1 (longest waiting), with nobody's timer involved.
      clock.advance(WAIT_MS);
      expect(await q!.joinOrMatch(entry(4))).toEqual({ kind: 'matched', partner: takenFan(1, ['music']) });
      expect(await q!.joinOrMatch(entry(5))).toEqual({ kind: 'matched', partner: taken(2) });
    });

    it('a shared interest matches at once, before any fallback time; people without interests match each other at once', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(fan(1, ['music']));
      await q!.joinOrMatch(entry(2));
      expect(await q!.joinOrMatch(fan(3, ['film', 'music']))).toEqual({ kind: 'matched', partner: takenFan(1, ['music']) });
      expect(await q!.joinOrMatch(entry(4))).toEqual({ kind: 'matched', partner: taken(2) });
    });

    it('widening (a fallback time of now) makes a waiting person matchable with anyone at once, keeping their place', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(entry(1));
      await q!.joinOrMatch(fan(2, ['music']));
      await q!.joinOrMatch(fan(3, ['film']));
      // u3 widens: still queued, so the choice is made for it now — the oldest open person, u1.
      const widened = await q!.matchQueued({ ...entry(3), interests: ['film'], fallbackAtMs: clock.now().getTime() });
      expect(widened).toEqual({ kind: 'matched', partner: taken(1) });
      // u2 widens with nobody open around: it waits, open now, and the next joiner without interests takes it.
      expect(await q!.joinOrMatch({ ...entry(2), interests: ['music'], fallbackAtMs: clock.now().getTime() })).toEqual({ kind: 'waiting', waitingCount: 0 });
      expect(await q!.joinOrMatch(entry(4))).toMatchObject({ kind: 'matched', partner: { userId: 'u2', interests: ['music'] } });
    });

    it('matchQueued does nothing for somebody no longer queued (taken meanwhile)', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(fan(1, ['music']));
      await q!.joinOrMatch(fan(2, ['music']));
      clock.advance(WAIT_MS);
      expect(await q!.matchQueued(fan(1, ['music']))).toBeUndefined();
      expect(await q!.size()).toBe(0);
    });

    it('paused and avoided people are skipped in the search by interests too', async () => {
      const [q] = await createTimed();
      await q!.enqueue(fan(1, ['music', 'film']));
      await q!.enqueue(fan(2, ['music', 'film']));
      await q!.enqueue(fan(3, ['music']));
      await q!.pause('u1');
      expect(await q!.joinOrMatch({ ...fan(4, ['music', 'film']), avoid: ['u2'] })).toMatchObject({ kind: 'matched', partner: { userId: 'u3' } });
      expect(await q!.joinOrMatch(fan(5, ['film']))).toMatchObject({ kind: 'matched', partner: { userId: 'u2' } });
    });

    it('a taken entry put back keeps its interests and fallback time; a removed one leaves every index', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(fan(1, ['music']));
      const outcome = await q!.joinOrMatch(fan(2, ['music']));
      if (outcome.kind !== 'matched') throw new Error('expected a match');
      await q!.requeue(outcome.partner);
      expect(await q!.joinOrMatch(entry(3))).toEqual({ kind: 'waiting', waitingCount: 1 });
      expect(await q!.joinOrMatch(fan(4, ['music']))).toEqual({ kind: 'matched', partner: takenFan(1, ['music']) });
      await q!.joinOrMatch(fan(5, ['chess']));
      expect(await q!.remove('u5')).toBe(true);
      expect(await q!.joinOrMatch(fan(6, ['chess']))).toEqual({ kind: 'waiting', waitingCount: 1 });
      clock.advance(WAIT_MS);
      expect(await q!.joinOrMatch(entry(7))).toEqual({ kind: 'matched', partner: taken(3) });
      expect(await q!.joinOrMatch(entry(8))).toEqual({ kind: 'matched', partner: takenFan(6, ['chess']) });
    });

    it('a queued user joining again takes the new interests at the same place', async () => {
      const [q] = await createTimed();
      await q!.joinOrMatch(fan(1, ['music']));
      await q!.joinOrMatch(fan(2, ['go']));
      await q!.joinOrMatch(fan(1, ['chess']));
      expect(await q!.joinOrMatch(fan(3, ['music']))).toEqual({ kind: 'waiting', waitingCount: 2 });
      expect(await q!.joinOrMatch(fan(4, ['chess']))).toEqual({ kind: 'matched', partner: takenFan(1, ['chess']) });
    });

    it('2,000 concurrent joins with random interests and blocks over several clients: paired exactly once, never with themself nor a blocked person', async () => {
      const queues = await createTimed(4);
      const count = 2_000;
      let seed = 7;
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
      // Interests from a skewed distribution over 60 tags; a fifth of the people have none.
      const tags = Array.from({ length: 60 }, (_, i) => `tag${i}`);
      const pick = () => tags[Math.floor(tags.length * random() ** 3)]!;
      const interestsOf = Array.from({ length: count }, () => (random() < 0.2 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, pick))]));
      const blocks = new Map<string, Set<string>>();
      for (let i = 0; i < count; i++) {
        const other = Math.floor(random() * count);
        for (const [x, y] of [[i, other], [other, i]] as const) blocks.set(`u${x}`, (blocks.get(`u${x}`) ?? new Set()).add(`u${y}`));
      }
      const deadline = clock.now().getTime() + WAIT_MS;
      const entryOf = (i: number, fallbackAtMs = deadline): QueueEntry => ({ ...entry(i), interests: interestsOf[i], fallbackAtMs, avoid: [...(blocks.get(`u${i}`) ?? [])] });
      const pairs: [string, string][] = [];
      const record = (i: number, outcome: JoinOutcome | undefined) => {
        if (outcome?.kind === 'matched') pairs.push([`u${i}`, outcome.partner.userId]);
      };
      const outcomes = await Promise.all(Array.from({ length: count }, (_, i) => queues[i % queues.length]!.joinOrMatch(entryOf(i))));
      outcomes.forEach((o, i) => record(i, o));
      const sharedPairs = pairs.length;
      // The fallback time passes: every waiter's own timer asks again (all at once), until nothing changes.
      clock.advance(WAIT_MS);
      for (let round = 0; round < 10; round++) {
        const before = pairs.length;
        const again = await Promise.all(Array.from({ length: count }, (_, i) => queues[i % queues.length]!.matchQueued(entryOf(i))));
        again.forEach((o, i) => record(i, o));
        if (pairs.length === before) break;
      }
      const everyone = pairs.flat();
      expect(new Set(everyone).size).toBe(everyone.length);
      for (const [a, b] of pairs) {
        expect(a).not.toBe(b);
        expect(blocks.get(a)?.has(b) ?? false).toBe(false);
      }
      // Whoever is left waits beside nobody they could be matched with (only blocked people).
      const paired = new Set(everyone);
      const left = Array.from({ length: count }, (_, i) => `u${i}`).filter((u) => !paired.has(u));
      expect(await queues[0]!.size()).toBe(left.length);
      for (const a of left) for (const b of left) if (a !== b) expect(blocks.get(a)?.has(b) ?? false).toBe(true);
      expect(left.length).toBeLessThanOrEqual(2);
      expect(sharedPairs).toBeGreaterThan(count / 4);
    });
  });

  function expectPerfectPairs(outcomes: Awaited<ReturnType<MatchQueue['joinOrMatch']>>[], count: number): void {
    const pairs = outcomes.flatMap((o, i) => (o.kind === 'matched' ? [[`u${i}`, o.partner.userId] as const] : []));
    expect(pairs).toHaveLength(count / 2);
    const everyone = pairs.flat();
    expect(new Set(everyone).size).toBe(count);
    for (const [a, b] of pairs) expect(a).not.toBe(b);
  }
});
