import { Redis } from 'ioredis';
import { testRedisUrl } from './services.js';

/** A Redis client on TEST_REDIS_URL and a key prefix of its own, removed by `cleanup()`. */
export function testRedis(): { redis: Redis; prefix: string; cleanup(): Promise<void> } {
  if (!testRedisUrl) throw new Error('TEST_REDIS_URL is not set');
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/**
 * `count` connections sharing one key prefix, as several instances share one Redis. `close()` removes
 * the prefix's keys and disconnects them all.
 */
export function sharedTestRedis(count: number): { prefix: string; clients: Redis[]; close(): Promise<void> } {
  const first = testRedis();
  const clients = [first.redis, ...Array.from({ length: count - 1 }, () => new Redis(testRedisUrl!, { maxRetriesPerRequest: 1 }))];
  return {
    prefix: first.prefix,
    clients,
    async close() {
      for (const client of clients.slice(1)) client.disconnect();
      await first.cleanup();
    },
  };
}
