/** The TtlStore contract: keys that expire by themselves, and a "first one wins" that holds under concurrency. */
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { RedisTtlStore } from '../../src/door/redis-ttl-store.js';
import { MemoryTtlStore, type TtlStore } from '../../src/door/ttl-store.js';
import { eventually } from '../helpers/client.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** `count` handles on one shared store (for Redis: separate connections, as separate instances). */
const implementations: { name: string; createShared: (count: number) => TtlStore[] }[] = [
  {
    name: 'in-memory',
    createShared: (count) => {
      const store = new MemoryTtlStore(systemClock);
      return Array.from({ length: count }, () => store);
    },
  },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (SET NX PX)',
          createShared: (count: number) => {
            const shared = sharedTestRedis(count);
            cleanups.push(shared.close);
            return shared.clients.map((client) => new RedisTtlStore(client, shared.prefix));
          },
        },
      ]
    : []),
];

describe.each(implementations)('TtlStore contract: $name', ({ createShared }) => {
  it('a key set is there until it expires, then gone by itself', async () => {
    const [store] = createShared(1) as [TtlStore];
    expect(await store.has('k')).toBe(false);
    await store.set('k', 150);
    await store.set('long', 60_000);
    expect(await store.has('k')).toBe(true);
    await eventually(async () => expect(await store.has('k')).toBe(false), 3_000);
    expect(await store.has('long')).toBe(true);
  });

  it('setIfAbsent creates a key only once, until it has expired', async () => {
    const [store] = createShared(1) as [TtlStore];
    expect(await store.setIfAbsent('once', 150)).toBe(true);
    expect(await store.setIfAbsent('once', 150)).toBe(false);
    expect(await store.has('once')).toBe(true);
    await eventually(async () => expect(await store.setIfAbsent('once', 60_000)).toBe(true), 3_000);
    expect(await store.setIfAbsent('once', 60_000)).toBe(false);
  });

  it('set renews a key for its new lifetime; setIfAbsent never renews one', async () => {
    const [store] = createShared(1) as [TtlStore];
    await store.set('renewed', 150);
    await store.set('renewed', 60_000);
    await store.setIfAbsent('kept', 150);
    await store.setIfAbsent('kept', 60_000);
    await eventually(async () => expect(await store.has('kept')).toBe(false), 3_000);
    expect(await store.has('renewed')).toBe(true);
  });

  it('keys do not share anything', async () => {
    const [store] = createShared(1) as [TtlStore];
    await store.set('a', 60_000);
    expect(await store.has('b')).toBe(false);
    expect(await store.setIfAbsent('b', 60_000)).toBe(true);
  });

  it('100 concurrent setIfAbsent of one key from 4 instances: exactly one wins', async () => {
    const stores = createShared(4);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 4]!.setIfAbsent('race', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    for (const store of stores) expect(await store.has('race')).toBe(true);
  });
});

describe('MemoryTtlStore', () => {
  it('expires by the injected clock, and drops expired keys as it goes, so memory follows the live keys', async () => {
    let nowMs = 1_000_000;
    const store = new MemoryTtlStore({ now: () => new Date(nowMs), schedule: () => () => undefined }, 100);
    for (let i = 0; i < 99; i++) await store.set(`old:${i}`, 1_000);
    nowMs += 1_001;
    expect(await store.has('old:0')).toBe(false);
    await store.set('new', 1_000);
    expect(store.size).toBe(1);
    expect(await store.has('new')).toBe(true);
  });
});
