/**
 * Redis for benches whose server runs in cluster mode (`WEB_CONCURRENCY` > 1 needs Redis): each run gets a
 * key prefix of its own in `$REDIS_URL`, and its keys are removed afterwards.
 */

/** The Redis the benches' cluster servers use. */
export function benchRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Deletes the keys a bench's servers left under `prefix` in $REDIS_URL. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(benchRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}
