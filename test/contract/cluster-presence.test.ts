/**
 * Presence between instances (real Redis): an instance that stops announcing has its people adopted by
 * another — but one that was only silent for a moment (a stalled event loop) keeps them.
 */
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivityState } from '../../src/chat/activity-registry.js';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { ClusterPresence } from '../../src/cluster/cluster-presence.js';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { eventually } from '../helpers/client.js';
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
  command: Redis;
  registry: RedisActivityRegistry;
  presence: ClusterPresence;
  adopted: string[];
}

async function cluster(count: number): Promise<Instance[]> {
  const shared = sharedTestRedis(count * 2);
  cleanups.push(shared.close);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const [command, subscriber] = [shared.clients[2 * i]!, shared.clients[2 * i + 1]!];
      const id = `instance-${i}`;
      const registry = new RedisActivityRegistry(command, subscriber, shared.prefix, id, silent);
      await registry.start();
      const queue = new RedisMatchQueue(command, shared.prefix);
      const presence = new ClusterPresence({ redis: command, prefix: shared.prefix, instanceId: id, registry, queue, logger: silent, heartbeatMs: HEARTBEAT_MS, instanceTtlMs: TTL_MS });
      const adopted: string[] = [];
      await presence.start({ localConnections: () => 0, adopt: async (userId) => void adopted.push(userId) });
      cleanups.push(async () => presence.stop());
      return { id, command, registry, presence, adopted };
    }),
  );
}

const chatting = (instanceId: string): ActivityState => ({ kind: 'chatting', socketId: 's', lang: 'zh-CN', roomId: 1, partnerId: 'p', instanceId });

describe.skipIf(!hasRedis())('cluster presence', () => {
  it('adopts the people of an instance that stopped announcing, not those of one that paused', { timeout: 30_000 }, async () => {
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
