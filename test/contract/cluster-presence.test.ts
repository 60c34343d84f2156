/**
 * Presence between instances (real Redis): an instance that stops announcing has its people adopted by
 * another — but one that was only silent for a moment (a stalled event loop) keeps them. The timing of
 * the rule is stepped on manual clocks; one case runs it end to end on real time and Redis expiry.
 */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivityState } from '../../src/chat/activity-registry.js';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { type Clock, systemClock } from '../../src/clock.js';
import { ClusterPresence } from '../../src/cluster/cluster-presence.js';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { eventually } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { sharedTestRedis } from '../helpers/redis.js';
import { hasRedis } from '../helpers/services.js';

const HEARTBEAT_MS = 200;
const TTL_MS = 1_000;
const silent = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Instance {
  id: string;
  prefix: string;
  command: Redis;
  registry: RedisActivityRegistry;
  presence: ClusterPresence;
  adopted: string[];
  /** How many times the instance found itself taken for dead and took its people back. */
  reclaims: number;
  /** How many of the next take-backs fail (Redis away halfway through). */
  failReclaims: number;
  /** People whose next adoption fails once. */
  failAdopts: Set<string>;
  /** When set, each adoption waits for this before it completes (a long adoption). */
  adoptGate?: Promise<void>;
  /** People whose grace period was counted again after Redis lost its data. */
  graceRestored: string[];
}

/** `count` instances over one Redis; instance i runs on `clocks[i]` (the system clock by default). */
async function cluster(count: number, clocks: Clock[] = [], timing = { heartbeatMs: HEARTBEAT_MS, instanceTtlMs: TTL_MS }, mayAdopt: boolean[] = []): Promise<Instance[]> {
  const shared = sharedTestRedis(count * 2);
  cleanups.push(shared.close);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const [command, subscriber] = [shared.clients[2 * i]!, shared.clients[2 * i + 1]!];
      const id = `instance-${i}`;
      const registry = new RedisActivityRegistry(command, subscriber, shared.prefix, id, silent);
      await registry.start();
      const queue = new RedisMatchQueue(command, shared.prefix);
      const presence = new ClusterPresence({ redis: command, prefix: shared.prefix, instanceId: id, registry, queue, logger: silent, clock: clocks[i] ?? systemClock, ...timing });
      const instance: Instance = { id, prefix: shared.prefix, command, registry, presence, adopted: [], reclaims: 0, failReclaims: 0, failAdopts: new Set(), graceRestored: [] };
      await presence.start({
        localPeople: () => 0,
        adopt: async (userId) => {
          if (instance.failAdopts.delete(userId)) throw new Error('Redis away for a moment');
          await instance.adoptGate;
          instance.adopted.push(userId);
        },
        reclaim: async () => {
          instance.reclaims++;
          if (instance.failReclaims-- > 0) throw new Error('Redis away halfway through the take-back');
        },
        mayAdopt: () => mayAdopt[i] ?? true,
        restoreGrace: (userId) => void instance.graceRestored.push(userId),
      });
      cleanups.push(async () => presence.stop());
      return instance;
    }),
  );
}

const chatting = (instanceId: string): ActivityState => ({ kind: 'chatting', socketId: 's', lang: 'zh-CN', roomId: 1, partnerId: 'p', instanceId });

describe.skipIf(!hasRedis())('cluster presence', () => {
  /** An announcement lifetime of 3 heartbeats, as in production (1 s and 3 s). */
  const stepped = { heartbeatMs: 1_000, instanceTtlMs: 3_000 };

  /** One heartbeat of the watcher's clock, and the heartbeat it starts run to its end. */
  async function beat(clock: ManualClock, presence: ClusterPresence): Promise<void> {
    clock.advance(stepped.heartbeatMs);
    await presence.settled();
  }

  it('an instance whose announcement is gone is suspected at the next heartbeat and adopted one lifetime later, not a heartbeat sooner', async () => {
    const watcherClock = new ManualClock();
    const [watcher, dead] = await cluster(2, [watcherClock, new ManualClock()], stepped);
    await dead!.registry.claim('dead-user', chatting(dead!.id));
    // Its clock never moves again, so it never announces again; its announcement expires (made at once).
    await dead!.command.del(`${watcher!.prefix}inst:${dead!.id}`);

    await beat(watcherClock, watcher!.presence); // suspected now: 0 s of silence seen
    for (let seen = 1; seen < 3; seen++) {
      await beat(watcherClock, watcher!.presence);
      expect(watcher!.adopted, `after ${seen} s of silence`).toEqual([]);
    }
    await beat(watcherClock, watcher!.presence); // 3 s = one announcement lifetime since the suspicion
    expect(watcher!.adopted).toEqual(['dead-user']);
  });

  it('one person who cannot be adopted does not stop the others; the dead instance stays listed and they are adopted later', async () => {
    const watcherClock = new ManualClock();
    const [watcher, dead] = await cluster(2, [watcherClock, new ManualClock()], stepped);
    await dead!.registry.claim('first-user', chatting(dead!.id));
    await dead!.registry.claim('second-user', chatting(dead!.id));
    await dead!.command.del(`${watcher!.prefix}inst:${dead!.id}`);
    watcher!.failAdopts.add('first-user');
    for (let i = 0; i < 4; i++) await beat(watcherClock, watcher!.presence);
    // Before, the first failure ended the loop: nobody after it was adopted until the lock ran out (60 s).
    expect(watcher!.adopted).toContain('second-user');
    expect(watcher!.adopted).not.toContain('first-user');
    expect(await watcher!.command.smembers(`${watcher!.prefix}instances`)).toContain(dead!.id);
    for (let i = 0; i < 5; i++) await beat(watcherClock, watcher!.presence);
    expect(watcher!.adopted).toContain('first-user');
    expect(await watcher!.command.smembers(`${watcher!.prefix}instances`)).not.toContain(dead!.id);
  });

  it('an instance busy with a long adoption keeps announcing itself, so it is not taken for dead meanwhile', async () => {
    const busyClock = new ManualClock();
    const [busy, dead] = await cluster(2, [busyClock, new ManualClock()], stepped);
    let finish!: () => void;
    busy!.adoptGate = new Promise((resolve) => (finish = resolve));
    await dead!.registry.claim('dead-user', chatting(dead!.id));
    await dead!.command.del(`${busy!.prefix}inst:${dead!.id}`);
    for (let i = 0; i < 3; i++) await beat(busyClock, busy!.presence);
    busyClock.advance(stepped.heartbeatMs); // this heartbeat starts the adoption, which waits
    try {
      await eventually(async () => expect(await busy!.command.get(`${busy!.prefix}reap:${dead!.id}`)).toBe(busy!.id));
      // Far longer than an announcement lifetime while the adoption runs: each heartbeat renews the
      // announcement. Before, none did until the adoption ended, and the others adopted this one's people.
      for (let i = 0; i < 6; i++) {
        busyClock.advance(stepped.heartbeatMs);
        const announced = `0 ${busyClock.now().getTime()}`;
        await eventually(async () => expect(await busy!.command.get(`${busy!.prefix}inst:${busy!.id}`)).toBe(announced), 2_000);
      }
    } finally {
      finish();
    }
    await busy!.presence.settled();
    expect(busy!.adopted).toEqual(['dead-user']);
  });

  it('an instance that is stopping adopts nobody: the dead one stays listed for a live instance to adopt', async () => {
    const watcherClock = new ManualClock();
    const [stopping, dead] = await cluster(2, [watcherClock, new ManualClock()], stepped, [false, true]);
    await dead!.registry.claim('dead-user', chatting(dead!.id));
    await dead!.command.del(`${stopping!.prefix}inst:${dead!.id}`);
    for (let seen = 0; seen < 5; seen++) await beat(watcherClock, stopping!.presence);
    expect(stopping!.adopted).toEqual([]);
    expect(await stopping!.command.smembers(`${stopping!.prefix}instances`)).toContain(dead!.id);
  });

  it('an instance that announces again while suspected keeps its people, and a later silence is timed afresh', async () => {
    const watcherClock = new ManualClock();
    const pausedClock = new ManualClock();
    const [watcher, paused] = await cluster(2, [watcherClock, pausedClock], stepped);
    await paused!.registry.claim('paused-user', chatting(paused!.id));
    const announcement = `${watcher!.prefix}inst:${paused!.id}`;

    await paused!.command.del(announcement);
    await beat(watcherClock, watcher!.presence); // suspected
    await beat(watcherClock, watcher!.presence);
    await beat(pausedClock, paused!.presence); // back: it announces
    for (let i = 0; i < 3; i++) await beat(watcherClock, watcher!.presence);
    expect(watcher!.adopted).toEqual([]);

    // Silent again: suspected anew from this heartbeat, so the earlier suspicion does not shorten the wait.
    await paused!.command.del(announcement);
    for (let i = 0; i < 3; i++) await beat(watcherClock, watcher!.presence);
    expect(watcher!.adopted).toEqual([]);
    await beat(watcherClock, watcher!.presence);
    expect(watcher!.adopted).toEqual(['paused-user']);
  });

  /** Two instances; the second stalls (its clock stops) and is adopted by the first, one person with it. */
  async function adoptedWhileStalled() {
    const watcherClock = new ManualClock();
    const stalledClock = new ManualClock();
    const [watcher, stalled] = (await cluster(2, [watcherClock, stalledClock], stepped)) as [Instance, Instance];
    await stalled.registry.claim('stalled-user', chatting(stalled.id));
    await stalled.command.del(`${watcher.prefix}inst:${stalled.id}`);
    for (let i = 0; i < 4; i++) await beat(watcherClock, watcher.presence);
    expect(watcher.adopted).toEqual(['stalled-user']);
    return { watcher, watcherClock, stalled, stalledClock };
  }

  it('an instance adopted while it was stalled takes its people back when it announces again, once', async () => {
    const { watcher, watcherClock, stalled, stalledClock } = await adoptedWhileStalled();
    expect(stalled!.reclaims).toBe(0);

    await beat(stalledClock, stalled!.presence); // its event loop runs again
    expect(stalled!.reclaims).toBe(1);
    await beat(stalledClock, stalled!.presence);
    await beat(watcherClock, watcher!.presence);
    expect(stalled!.reclaims).toBe(1);
    expect(watcher!.reclaims).toBe(0);
  });

  it('a take-back cut short (Redis away halfway) runs again at the next heartbeat, until it completes', async () => {
    const { watcher, watcherClock, stalled, stalledClock } = await adoptedWhileStalled();
    stalled!.failReclaims = 1;
    await beat(stalledClock, stalled!.presence);
    expect(stalled!.reclaims).toBe(1);
    // Before, the next announcement no longer said "removed", and the rest of the take-back never ran.
    await beat(stalledClock, stalled!.presence);
    expect(stalled!.reclaims).toBe(2);
    await beat(stalledClock, stalled!.presence);
    expect(stalled!.reclaims).toBe(2);
  });

  it('an instance whose Redis lost its data restores its people from its mirror instead of taking them back', async () => {
    const clock = new ManualClock();
    const [alone] = await cluster(1, [clock], stepped);
    await alone!.registry.claim('kept-user', chatting(alone!.id));
    // One whose connection is away: written back, its grace period is counted again (the hook).
    const away = { ...chatting(alone!.id), roomId: 2, partnerId: 'q', detached: { sinceMs: 1, untilMs: 2 } } as ActivityState;
    await alone!.registry.claim('away-user', away);
    // What a Redis restarted empty looks like to it: its keys are gone (the instances set and the epoch too).
    const keys = await alone!.command.keys(`${alone!.prefix}*`);
    await alone!.command.del(...keys);
    await beat(clock, alone!.presence);
    expect(alone!.reclaims).toBe(0);
    expect(await alone!.registry.get('kept-user')).toMatchObject({ kind: 'chatting', instanceId: alone!.id });
    expect(await alone!.registry.get('away-user')).toMatchObject({ kind: 'chatting', detached: { untilMs: 2 } });
    expect(alone!.graceRestored).toEqual(['away-user']);
  });

  it('on real time and Redis expiry: adopts the people of an instance that stopped announcing, not those of one that paused', { timeout: 30_000 }, async () => {
    const [watcher, paused, dead] = await cluster(3);
    await paused!.registry.claim('paused-user', chatting(paused!.id));
    await dead!.registry.claim('dead-user', chatting(dead!.id));

    // Both go silent; the paused one comes back after 1.3 announcement lifetimes (its announcement has
    // expired by then).
    paused!.command.disconnect();
    dead!.command.disconnect();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 1.3));
    await paused!.command.connect();

    // The dead one's people are adopted (by whichever live instance takes the lock), the paused one's not.
    const adopted = () => [...watcher!.adopted, ...paused!.adopted];
    await eventually(() => expect(adopted()).toContain('dead-user'), 10_000, 100);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect(adopted()).toEqual(['dead-user']);
  });
});
