/**
 * Redis connections for cluster mode. Commands (queue, registry, rate limits) fail fast while Redis is
 * unreachable, so callers answer MATCHING_UNAVAILABLE at once; the adapter's client instead waits for
 * Redis to come back, so broadcasts are delayed rather than dropped. All reconnect forever by themselves.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisClients {
  /** Commands and Lua scripts; fails fast while disconnected. */
  command: Redis;
  /** Socket.IO adapter's client (it duplicates it for reading); queues while disconnected. */
  adapterPub: Redis;
  /** Our own notifications between instances (activity changes). */
  eventsSub: Redis;
  quit(): Promise<void>;
}

/** Reconnect quickly at first, then every 2 s, forever. */
const retryStrategy = (attempt: number) => Math.min(attempt * 100, 2_000);

export function connectRedis(url: string, logger: Logger): RedisClients {
  const base: RedisOptions = { retryStrategy, connectTimeout: 5_000, lazyConnect: false };
  const make = (name: string, options: RedisOptions) => {
    const client = new Redis(url, { ...base, ...options });
    let down = false;
    client.on('error', (err) => {
      if (!down) logger.warn({ err, client: name }, 'redis connection error');
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.info({ client: name }, 'redis connection restored');
      down = false;
    });
    return client;
  };
  // No commandTimeout: a command that timed out is still sent, and Redis runs it when it wakes — a join
  // would take somebody out of the queue with nobody told (found by review). A Redis that hangs holds the
  // commands instead; the stop's deadline (SHUTDOWN_TIMEOUT_MS) keeps it from holding the process.
  const command = make('command', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // The adapter publishes without awaiting; its commands must never reject, so they wait for Redis.
  const adapterPub = make('adapter-pub', { maxRetriesPerRequest: null });
  const eventsSub = make('events-sub', { maxRetriesPerRequest: null });
  return {
    command,
    adapterPub,
    eventsSub,
    async quit() {
      // Not QUIT: while Redis is unreachable it would wait in the offline queue forever.
      for (const client of [command, adapterPub, eventsSub]) client.disconnect();
    },
  };
}

/** Resolves once the command connection is ready (for start-up), or rejects after `timeoutMs`. */
export async function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not reachable within ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
