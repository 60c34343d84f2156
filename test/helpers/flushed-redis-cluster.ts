/**
 * For tests of a Redis that loses its data (restarted empty, as FLUSHALL leaves it): `count` complete
 * instances in this process over a Redis server of the suite's own, one PostgreSQL, and a Redis client to
 * flush it with. Set up before the suite's tests, closed after them; `client(i)` connects to instance `i`.
 * `overrides`: configuration beyond the Redis (grace periods, say); `clock`: one clock every instance reads
 * (a ManualClock paces their heartbeats and grace timers by hand).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { Config } from '../../src/config/config.js';
import { connect, type TestSocket } from './client.js';
import { startInProcessCluster, type InProcessCluster } from './in-process-cluster.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

export function flushedRedisCluster(count: number, prefix: string, options: { overrides?: Partial<Config>; clock?: Clock } = {}) {
  let redisServer: PrivateRedis | undefined;
  let cluster: InProcessCluster | undefined;
  let redis: Redis | undefined;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    cluster = await startInProcessCluster(count, { ...options.overrides, redisUrl: redisServer.url, redisPrefix: prefix }, { clock: options.clock });
    redis = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    redis?.disconnect();
    await cluster?.close();
    await redisServer?.destroy();
  });
  return {
    /** The Redis client of the test (FLUSHALL, reading keys). */
    redis: () => redis!,
    async client(instance: number) {
      const c = await connect(cluster!.instances[instance]!.url);
      sockets.push(c.socket);
      return c;
    },
  };
}
