/**
 * The PrivateRendezvous contract, over the in-memory and the Redis implementation: one waiting place per
 * room, taken atomically (nobody meets themself, nobody twice, even with many entering at once on several
 * connections), and asks to stay in touch that complete exactly once when both people have asked — and
 * then give the key made for them to either of the two asking again, to nobody else.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { MemoryPrivateRendezvous, type PrivateRendezvous } from '../../src/private/private-rendezvous.js';
import { RedisPrivateRendezvous } from '../../src/private/redis-private-rendezvous.js';
import { eventually } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** `count` handles on one shared rendezvous (for Redis: separate connections, as separate instances). */
const implementations: { name: string; createShared: (count: number) => PrivateRendezvous[] }[] = [
  {
    name: 'in-memory',
    createShared: (count) => {
      const rendezvous = new MemoryPrivateRendezvous(systemClock);
      return Array.from({ length: count }, () => rendezvous);
    },
  },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (Lua)',
          createShared: (count: number) => {
            const shared = sharedTestRedis(count);
            cleanups.push(shared.close);
            return shared.clients.map((client) => new RedisPrivateRendezvous(client, shared.prefix));
          },
        },
      ]
    : []),
];

describe.each(implementations)('PrivateRendezvous contract: $name', ({ createShared }) => {
  it('the first to enter waits; the next one meets them and the room is empty again', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    expect(await r.enter('k1', 'alice')).toEqual({ kind: 'waiting' });
    expect(await r.waiting('k1')).toBe('alice');
    expect(await r.enter('k1', 'bob')).toEqual({ kind: 'met', otherId: 'alice' });
    expect(await r.waiting('k1')).toBeUndefined();
    // Rooms are apart.
    expect(await r.enter('k2', 'carol')).toEqual({ kind: 'waiting' });
    expect(await r.enter('k3', 'dave')).toEqual({ kind: 'waiting' });
  });

  it('nobody meets themself: entering one’s own room again keeps the place', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    expect(await r.enter('self', 'alice')).toEqual({ kind: 'waiting' });
    expect(await r.enter('self', 'alice')).toEqual({ kind: 'waiting' });
    expect(await r.waiting('self')).toBe('alice');
  });

  it('leave gives up the place only for the one holding it', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    await r.enter('lv', 'alice');
    expect(await r.leave('lv', 'bob')).toBe(false);
    expect(await r.waiting('lv')).toBe('alice');
    expect(await r.leave('lv', 'alice')).toBe(true);
    expect(await r.leave('lv', 'alice')).toBe(false);
    expect(await r.enter('lv', 'bob')).toEqual({ kind: 'waiting' });
  });

  it('100 people entering one room at once from 4 connections make 50 meetings: nobody twice, nobody with themself', async () => {
    const handles = createShared(4);
    const people = Array.from({ length: 100 }, (_, i) => `p${i}`);
    const outcomes = await Promise.all(people.map((p, i) => handles[i % handles.length]!.enter('crowd', p).then((o) => ({ p, o }))));
    const meetings = outcomes.filter((x) => x.o.kind === 'met').map((x) => [x.p, (x.o as { otherId: string }).otherId] as const);
    expect(meetings).toHaveLength(50);
    const everyone = meetings.flat();
    expect(new Set(everyone).size).toBe(100);
    expect(meetings.every(([a, b]) => a !== b)).toBe(true);
    expect(await handles[0]!.waiting('crowd')).toBeUndefined();
  });

  it('an ask completes once both people have asked, telling the last asker the other’s connection; later asks are settled', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    expect(await r.askToKeep(7, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
    // Asking again is no second person.
    expect(await r.askToKeep(7, 'alice', 'sa2', 60_000)).toEqual({ kind: 'pending' });
    expect(await r.askToKeep(7, 'bob', 'sb', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa2' } });
    expect(await r.askToKeep(7, 'bob', 'sb', 60_000)).toEqual({ kind: 'settled' });
    expect(await r.askToKeep(7, 'alice', 'sa', 60_000)).toEqual({ kind: 'settled' });
    // Another chat's asks are its own.
    expect(await r.askToKeep(8, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
  });

  it('a reopened ask completes again at the next ask', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    await r.askToKeep(9, 'alice', 'sa', 60_000);
    expect((await r.askToKeep(9, 'bob', 'sb', 60_000)).kind).toBe('complete');
    await r.reopen(9);
    expect(await r.askToKeep(9, 'bob', 'sb', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa' } });
  });

  it('the key kept with a completed ask goes to either of the two asking again on a connection not told yet (once each), to nobody else, until reopened', async () => {
    const [r, elsewhere] = createShared(2) as [PrivateRendezvous, PrivateRendezvous];
    await r.askToKeep(21, 'alice', 'sa', 60_000);
    expect(await r.askToKeep(21, 'bob', 'sb', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa' } });
    // Not kept yet (the key is still being made): settled, with nothing to give.
    expect(await elsewhere.askToKeep(21, 'alice', 'sa2', 60_000)).toEqual({ kind: 'settled' });
    await r.keepKey(21, 'KEY-OF-21');
    // The connections the completion told hold it already.
    expect(await r.askToKeep(21, 'alice', 'sa', 60_000)).toEqual({ kind: 'settled' });
    expect(await r.askToKeep(21, 'bob', 'sb', 60_000)).toEqual({ kind: 'settled' });
    // New connections of either get it, once each, on any instance.
    expect(await elsewhere.askToKeep(21, 'alice', 'sa3', 60_000)).toEqual({ kind: 'settled', key: 'KEY-OF-21' });
    expect(await r.askToKeep(21, 'alice', 'sa3', 60_000)).toEqual({ kind: 'settled' });
    expect(await r.askToKeep(21, 'bob', 'sb2', 60_000)).toEqual({ kind: 'settled', key: 'KEY-OF-21' });
    expect(await r.askToKeep(21, 'mallory', 'sm', 60_000)).toEqual({ kind: 'settled' });
    // Another chat's asks are their own.
    expect(await r.askToKeep(22, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
    // Reopened (the key could not be stored): the key is gone with it, and the next completion has none until kept.
    await r.reopen(21);
    expect(await r.askToKeep(21, 'bob', 'sb', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa3' } });
    expect(await r.askToKeep(21, 'alice', 'sa4', 60_000)).toEqual({ kind: 'settled' });
  });

  it('a key is kept only with a settled ask: none for a pending or an unknown one, and it is no second person', async () => {
    const [r] = createShared(1) as [PrivateRendezvous];
    await r.keepKey(23, 'EARLY');
    expect(await r.askToKeep(23, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
    await r.keepKey(23, 'EARLY');
    expect(await r.askToKeep(23, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
    expect(await r.askToKeep(23, 'bob', 'sb', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa' } });
    expect(await r.askToKeep(23, 'bob', 'sb', 60_000)).toEqual({ kind: 'settled' });
  });

  it('a settled ask and its key are kept no longer than a later ask allows (the chat has ended: until its window closes), then given to nobody', async () => {
    const [r, elsewhere] = createShared(2) as [PrivateRendezvous, PrivateRendezvous];
    await r.askToKeep(24, 'alice', 'sa', 60_000);
    expect((await r.askToKeep(24, 'bob', 'sb', 60_000)).kind).toBe('complete');
    await r.keepKey(24, 'KEY-OF-24');
    // The chat has ended since, its window closes in 200 ms: the key is still given, and kept only that long.
    expect(await elsewhere.askToKeep(24, 'bob', 'sb2', 200)).toEqual({ kind: 'settled', key: 'KEY-OF-24' });
    // A later ask with more time does not lengthen it.
    expect(await r.askToKeep(24, 'alice', 'sa', 60_000)).toEqual({ kind: 'settled' });
    // Then the asks are forgotten, the key with them: the next ask is a new one, and what it settles carries no key.
    await eventually(async () => expect(await r.askToKeep(24, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' }), 2_000);
    expect(await elsewhere.askToKeep(24, 'bob', 'sb3', 60_000)).toEqual({ kind: 'complete', other: { userId: 'alice', socketId: 'sa' } });
    expect(await r.askToKeep(24, 'alice', 'sa2', 60_000)).toEqual({ kind: 'settled' });
  });

  it('the chat ended: its asks and their key are kept no longer than its window from then, never longer than they were; none: nothing', async () => {
    const [r, elsewhere] = createShared(2) as [PrivateRendezvous, PrivateRendezvous];
    await r.askToKeep(26, 'alice', 'sa', 60_000);
    expect((await r.askToKeep(26, 'bob', 'sb', 60_000)).kind).toBe('complete');
    await r.keepKey(26, 'KEY-OF-26');
    await elsewhere.chatEnded(26, 200);
    await r.chatEnded(26, 60_000); // a later, longer one does not lengthen it
    await eventually(async () => expect(await r.askToKeep(26, 'alice', 'sa2', 60_000)).toEqual({ kind: 'pending' }), 2_000);
    // A pending ask is shortened the same way: past it, the other's ask finds nobody (an ask made before
    // would complete it, so the test waits without asking).
    await r.askToKeep(27, 'alice', 'sa', 60_000);
    await r.chatEnded(27, 200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await elsewhere.askToKeep(27, 'bob', 'sb', 60_000)).toEqual({ kind: 'pending' });
    // No asks: nothing is made.
    await r.chatEnded(28, 200);
    expect(await r.askToKeep(28, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
  });

  it('both asking at once on two connections, many times over: exactly one completes', async () => {
    const handles = createShared(2);
    const asks = Array.from({ length: 40 }, (_, i) => handles[i % 2]!.askToKeep(11, i % 2 === 0 ? 'alice' : 'bob', `s${i}`, 60_000));
    const outcomes = await Promise.all(asks);
    expect(outcomes.filter((o) => o.kind === 'complete')).toHaveLength(1);
  });
});

describe('PrivateRendezvous (in-memory): asks expire by the injected clock', () => {
  it('an ask older than its time to live is forgotten', async () => {
    const clock = new ManualClock();
    const r = new MemoryPrivateRendezvous(clock);
    await r.askToKeep(1, 'alice', 'sa', 1_000);
    clock.advance(1_001);
    expect(await r.askToKeep(1, 'bob', 'sb', 1_000)).toEqual({ kind: 'pending' });
  });

  it('a kept key is forgotten with its ask', async () => {
    const clock = new ManualClock();
    const r = new MemoryPrivateRendezvous(clock);
    await r.askToKeep(2, 'alice', 'sa', 1_000);
    await r.askToKeep(2, 'bob', 'sb', 1_000);
    await r.keepKey(2, 'KEY-OF-2');
    expect(await r.askToKeep(2, 'alice', 'sa2', 1_000)).toEqual({ kind: 'settled', key: 'KEY-OF-2' });
    clock.advance(1_001);
    await r.keepKey(2, 'TOO-LATE');
    expect(await r.askToKeep(2, 'alice', 'sa', 1_000)).toEqual({ kind: 'pending' });
  });
});

describe.runIf(hasRedis())('PrivateRendezvous (Redis): keys expire', () => {
  it('entering one’s own room again renews the wait’s time to live; a kept key expires with its ask', async () => {
    const shared = sharedTestRedis(1);
    cleanups.push(shared.close);
    const [redis] = shared.clients as [NonNullable<(typeof shared.clients)[0]>];
    const r = new RedisPrivateRendezvous(redis, shared.prefix);
    const waitKey = `${shared.prefix}private:wait:renewed`;
    await r.enter('renewed', 'alice');
    await redis.pexpire(waitKey, 5_000);
    expect(await r.enter('renewed', 'alice')).toEqual({ kind: 'waiting' });
    expect(await redis.pttl(waitKey)).toBeGreaterThan(6 * 24 * 3_600_000);

    const askKey = `${shared.prefix}private:keep:31`;
    await r.askToKeep(31, 'alice', 'sa', 60_000);
    await r.askToKeep(31, 'bob', 'sb', 60_000);
    await r.keepKey(31, 'KEY-OF-31');
    const ttl = await redis.pttl(askKey);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await redis.del(askKey);
    // An ask gone (expired) takes its key with it, and keeping one then makes no ask without an expiry.
    await r.keepKey(31, 'TOO-LATE');
    expect(await redis.exists(askKey)).toBe(0);
    expect(await r.askToKeep(31, 'alice', 'sa', 60_000)).toEqual({ kind: 'pending' });
  });

  it('the end of a chat with no asks stores nothing; one with asks leaves them no longer than its window', async () => {
    const shared = sharedTestRedis(1);
    cleanups.push(shared.close);
    const [redis] = shared.clients as [NonNullable<(typeof shared.clients)[0]>];
    const r = new RedisPrivateRendezvous(redis, shared.prefix);
    await r.chatEnded(33, 300);
    expect(await redis.exists(`${shared.prefix}private:keep:33`)).toBe(0);
    await r.askToKeep(34, 'alice', 'sa', 86_400_000);
    await r.chatEnded(34, 300);
    const ttl = await redis.pttl(`${shared.prefix}private:keep:34`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('a kept key is not stored past the time a later ask allows: its ask, and the key in it, are gone from Redis', async () => {
    const shared = sharedTestRedis(1);
    cleanups.push(shared.close);
    const [redis] = shared.clients as [NonNullable<(typeof shared.clients)[0]>];
    const r = new RedisPrivateRendezvous(redis, shared.prefix);
    const askKey = `${shared.prefix}private:keep:32`;
    await r.askToKeep(32, 'alice', 'sa', 60_000);
    await r.askToKeep(32, 'bob', 'sb', 60_000);
    await r.keepKey(32, 'KEY-OF-32');
    expect(await redis.hget(askKey, '!key')).toBe('KEY-OF-32');
    // Asked after the chat ended, 300 ms before its window closes.
    expect(await r.askToKeep(32, 'alice', 'sa2', 300)).toEqual({ kind: 'settled', key: 'KEY-OF-32' });
    const ttl = await redis.pttl(askKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    await eventually(async () => expect(await redis.exists(askKey)).toBe(0), 2_000);
    expect(await redis.hget(askKey, '!key')).toBeNull();
    expect(await redis.keys(`${shared.prefix}private:keep:32*`)).toEqual([]);
  });
});
