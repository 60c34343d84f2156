/** The ActivityRegistry contract: one activity per identity, every change a compare-and-set. */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryActivityRegistry, type ActivityRegistry, type ActivityState } from '../../src/chat/activity-registry.js';
import { ClaimGate } from '../../src/chat/claim-gate.js';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { eventually } from '../helpers/client.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** `count` handles on one shared registry (for Redis: separate connections, as separate instances). */
const implementations: { name: string; createShared: (count: number) => Promise<ActivityRegistry[]> }[] = [
  {
    name: 'in-memory',
    createShared: async (count) => {
      const registry = new MemoryActivityRegistry();
      return Array.from({ length: count }, () => registry);
    },
  },
  ...(hasRedis()
    ? [
        {
          name: 'Redis (Lua)',
          createShared: async (count: number) => {
            // Each instance has a command connection and a subscriber connection.
            const shared = sharedTestRedis(count * 2);
            cleanups.push(shared.close);
            return Promise.all(
              Array.from({ length: count }, async (_, i) => {
                const [command, subscriber] = [shared.clients[2 * i]!, shared.clients[2 * i + 1]!];
                const registry = new RedisActivityRegistry(command, subscriber, shared.prefix, `instance-${i}`, pino({ level: 'silent' }));
                await registry.start();
                return registry;
              }),
            );
          },
        },
      ]
    : []),
  {
    // The decorator the app puts in front of either: the same contract while the connections are open.
    name: 'behind the claim gate (over in-memory)',
    createShared: async (count: number) => {
      const registry = new ClaimGate(new MemoryActivityRegistry(), { isOpen: () => true, assertMayWait: () => undefined });
      return Array.from({ length: count }, () => registry);
    },
  },
];

const waiting = (socketId: string): ActivityState => ({ kind: 'waiting', socketId, lang: 'zh-CN' });
const chatting = (socketId: string, roomId: number, partnerId = 'p'): ActivityState => ({ kind: 'chatting', socketId, lang: 'en', roomId, partnerId });
/** A stored activity: the state written plus any revision. */
const stored = (state: ActivityState) => ({ ...state, rev: expect.any(Number) });

describe.each(implementations)('ActivityRegistry contract: $name', ({ createShared }) => {
  const create = async () => (await createShared(1))[0]!;

  it('claim succeeds only when the identity has no activity, and returns what it stored', async () => {
    const r = await create();
    expect(await r.get('u1')).toBeUndefined();
    const claimed = await r.claim('u1', waiting('s1'));
    expect(claimed).toEqual(stored(waiting('s1')));
    expect(await r.claim('u1', waiting('s2'))).toBeUndefined();
    expect(await r.get('u1')).toEqual(claimed);
  });

  it('transition applies only when the current activity matches socket, kind and room', async () => {
    const r = await create();
    await r.claim('u1', waiting('s1'));
    expect(await r.transition('u1', { socketId: 's2' }, chatting('s1', 7))).toBeUndefined();
    expect(await r.transition('u1', { socketId: 's1', kind: 'chatting' }, chatting('s1', 7))).toBeUndefined();
    expect(await r.transition('u1', { socketId: 's1', kind: 'waiting' }, chatting('s1', 7))).toEqual(stored(chatting('s1', 7)));
    expect(await r.transition('u1', { roomId: 8 }, waiting('s1'))).toBeUndefined();
    expect(await r.get('u1')).toEqual(stored(chatting('s1', 7)));
    expect(await r.transition('nobody', {}, waiting('x'))).toBeUndefined();
  });

  it('every write gets a new revision, and a change prepared from an older one fails even when the state looks the same', async () => {
    const r = await create();
    const first = (await r.claim('u1', waiting('s1')))!;
    const second = (await r.transition('u1', { rev: first.rev }, waiting('s1')))!;
    expect(second.rev).not.toBe(first.rev);
    // Same state as `first`, but a write happened since: the old revision no longer matches.
    expect(await r.transition('u1', { rev: first.rev }, chatting('s1', 3))).toBeUndefined();
    expect(await r.release('u1', { rev: first.rev })).toBe(false);
    // Released and claimed again (the same state once more): still a different revision.
    expect(await r.release('u1', { rev: second.rev })).toBe(true);
    const third = (await r.claim('u1', waiting('s1')))!;
    expect([first.rev, second.rev]).not.toContain(third.rev);
    expect(await r.transition('u1', { rev: second.rev }, chatting('s1', 3))).toBeUndefined();
    expect(await r.transition('u1', { rev: third.rev }, chatting('s1', 3))).toEqual(stored(chatting('s1', 3)));
  });

  it('release clears only a matching activity', async () => {
    const r = await create();
    await r.claim('u1', chatting('s1', 3));
    expect(await r.release('u1', { roomId: 4 })).toBe(false);
    expect(await r.release('u1', { socketId: 's9' })).toBe(false);
    expect(await r.release('u1', { socketId: 's1', roomId: 3 })).toBe(true);
    expect(await r.get('u1')).toBeUndefined();
    expect(await r.release('u1', {})).toBe(false);
  });

  it('keeps detachment and instance details', async () => {
    const r = await create();
    const detached: ActivityState = { ...chatting('s1', 5), detached: { sinceMs: 1_700_000_000_000, untilMs: 1_700_000_020_000, resumeAfterId: 42 }, instanceId: 'i-1' };
    await r.claim('u1', detached);
    expect(await r.get('u1')).toEqual(stored(detached));
  });

  it('of many concurrent claims for one identity, from several instances, exactly one wins', async () => {
    const handles = await createShared(3);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => handles[i % 3]!.claim('contested', waiting(`s${i}`))));
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('of concurrent transitions from the same state, exactly one wins', async () => {
    const handles = await createShared(3);
    await handles[0]!.claim('u', waiting('s'));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => handles[i % 3]!.transition('u', { socketId: 's', kind: 'waiting' }, chatting('s', i + 1))),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });
});

describe.skipIf(!hasRedis())('Redis registry mirror', () => {
  it('an instance keeps the activities of its own connections when another instance changes them', async () => {
    const [mine, other] = (await implementations[1]!.createShared(2)) as RedisActivityRegistry[];
    await mine!.claim('local-user', { ...waiting('s1'), instanceId: 'instance-0' });
    await other!.claim('remote-user', { ...waiting('s2'), instanceId: 'instance-1' });
    expect(mine!.mirrored().map(([u]) => u)).toEqual(['local-user']);
    // Another instance matches our user: the mirror follows through the change notification.
    await other!.transition('local-user', { kind: 'waiting' }, { ...chatting('s1', 9), instanceId: 'instance-0' });
    await eventually(() => expect(mine!.mirrored()).toEqual([['local-user', stored({ ...chatting('s1', 9), instanceId: 'instance-0' })]]));
    await other!.release('local-user', {});
    await eventually(() => expect(mine!.mirrored()).toEqual([]));
  });
});

describe.skipIf(!hasRedis())('Redis registry notifications', () => {
  it('after its notification connection drops, an instance catches up on what it missed and keeps listening', async () => {
    const shared = sharedTestRedis(3);
    cleanups.push(shared.close);
    const [command, subscriber, otherSubscriber] = shared.clients as [Redis, Redis, Redis];
    const silent = pino({ level: 'silent' });
    const subscriberId = (await subscriber.client('ID')) as number;
    const mine = new RedisActivityRegistry(command, subscriber, shared.prefix, 'instance-0', silent);
    const other = new RedisActivityRegistry(command, otherSubscriber, shared.prefix, 'instance-1', silent);
    await mine.start();
    await other.start();
    await mine.claim('local-user', { ...waiting('s1'), instanceId: 'instance-0' });

    // A change whose notification never reaches this instance (written without one), then the
    // subscriber connection is cut: once it is back, the mirror has the change.
    const reconnected = new Promise((resolve) => subscriber.once('ready', resolve));
    await command.set(`${shared.prefix}act:local-user`, JSON.stringify({ ...chatting('s1', 4), instanceId: 'instance-0', rev: 1 }));
    await command.client('KILL', 'ID', String(subscriberId));
    await reconnected;
    await eventually(() => expect(mine.mirrored()).toEqual([['local-user', { ...chatting('s1', 4), instanceId: 'instance-0', rev: 1 }]]));

    // Notifications arrive again.
    await other.transition('local-user', { roomId: 4 }, { ...chatting('s1', 5), instanceId: 'instance-0' });
    await eventually(() => expect(mine.mirrored()).toEqual([['local-user', stored({ ...chatting('s1', 5), instanceId: 'instance-0' })]]));
  });
});
