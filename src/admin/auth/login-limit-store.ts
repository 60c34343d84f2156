/**
 * Where login attempts are counted, as a store for @fastify/rate-limit. Every attempt is counted in this
 * process; in cluster mode it is counted in Redis too, so the limit holds across instances. While Redis
 * cannot be reached (or is too slow to answer), this process's count decides: the limit becomes per
 * instance for a while, never absent. The larger of the two counts always wins, so attempts made before
 * an outage, or lost with an emptied Redis, still count.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { defineScript, type RedisScript } from '../../cluster/redis-script.js';

export interface LoginLimitStoreOptions {
  clock: Clock;
  logger: Logger;
  /** Cluster mode: a client of the Redis shared by every instance. */
  redis?: Redis | undefined;
  /** Prefix of the Redis keys, e.g. `chat:admin-login:`. */
  redisKeyPrefix: string;
  /** A Redis answer slower than this counts as no answer (ms). */
  redisTimeoutMs: number;
  /** Client addresses remembered by this process; the least recently seen are forgotten first. Default 10,000. */
  maxLocalKeys?: number;
}

export interface Count {
  current: number;
  /** Until the window ends (ms). */
  ttl: number;
}

// KEYS: the counter; ARGV: window (ms). One fixed window per key, started by its first attempt.
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

// KEYS: the counter. One attempt given back, never below zero; a key whose window has ended stays gone.
const GIVE_BACK = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** A store class for `@fastify/rate-limit`'s `store` option; every instance of it shares `counts`. */
export function loginLimitStore(counts: AttemptCounts): FastifyRateLimitStoreCtor {
  return class extends LoginLimitStore {
    constructor() {
      super(counts, '');
    }
  };
}

class LoginLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly counts: AttemptCounts,
    private readonly keyPrefix: string,
  ) {}

  incr(key: string, callback: (error: Error | null, result?: Count) => void, timeWindow: number): void {
    this.counts.increment(this.keyPrefix + key, timeWindow).then(
      (count) => callback(null, count),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    // The plugin passes the route's rate-limit settings with the route under `routeInfo` (its types say
    // otherwise).
    const route = (routeOptions as unknown as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
    return new LoginLimitStore(this.counts, this.keyPrefix + routeKeyPrefix(route?.method, route?.url));
  }
}

/**
 * What a route's keys start with, before the client's key: `POST/admin/login-`. It is @fastify/rate-limit's
 * own Redis layout, so counts survive a rolling upgrade; a route giving an attempt back (login-limit.ts)
 * finds its key the same way.
 */
export function routeKeyPrefix(method: unknown, url: unknown): string {
  return `${String(method ?? '')}${String(url ?? '')}-`;
}

/** Attempts per key in fixed windows: in Redis when there is one, in this process always (the larger wins). */
export class AttemptCounts {
  private readonly local = new Map<string, { count: number; endsAtMs: number }>();
  private redisFailing = false;

  /** The counting scripts, registered once on the client (EVALSHA); none without Redis. */
  private readonly incrementScript: RedisScript | undefined;
  private readonly giveBackScript: RedisScript | undefined;

  constructor(private readonly options: LoginLimitStoreOptions) {
    this.incrementScript = options.redis ? defineScript(options.redis, 'adminLoginIncrement', INCREMENT) : undefined;
    this.giveBackScript = options.redis ? defineScript(options.redis, 'adminLoginGiveBack', GIVE_BACK) : undefined;
  }

  /** Counts one attempt under `key`; the window starts with the key's first attempt. */
  async increment(key: string, windowMs: number): Promise<Count> {
    const local = this.incrementLocal(key, windowMs);
    const shared = await this.incrementShared(key, windowMs);
    return shared && shared.current >= local.current ? shared : local;
  }

  /**
   * Gives back one attempt counted under `key` (one that turned out not to be a guess), in this process
   * and in Redis; never below zero. Given back after its window ended, it is taken off the next window's
   * count, if one has started. Without an answer from Redis the attempt stays counted there (the larger
   * count wins, so it errs towards refusing).
   */
  async giveBack(key: string): Promise<void> {
    const now = this.options.clock.now().getTime();
    const entry = this.local.get(key);
    if (entry && entry.endsAtMs > now && entry.count > 0) entry.count--;
    const { redis, redisKeyPrefix, redisTimeoutMs, logger } = this.options;
    if (!redis || !this.giveBackScript) return;
    try {
      if (redis.status !== 'ready' && redis.status !== 'wait') throw new Error(`Redis connection is ${redis.status}`);
      await withTimeout(this.giveBackScript([redisKeyPrefix + key], []), redisTimeoutMs);
    } catch (err) {
      logger.warn({ err }, 'admin login limit: an attempt could not be given back in Redis; it stays counted there');
    }
  }

  private incrementLocal(key: string, windowMs: number): Count {
    const now = this.options.clock.now().getTime();
    const previous = this.local.get(key);
    const entry = previous && previous.endsAtMs > now ? previous : { count: 0, endsAtMs: now + windowMs };
    entry.count++;
    // Re-inserted, so the map's order is least recently seen first.
    this.local.delete(key);
    this.local.set(key, entry);
    const maxKeys = this.options.maxLocalKeys ?? 10_000;
    for (const oldest of this.local.keys()) {
      if (this.local.size <= maxKeys) break;
      this.local.delete(oldest);
    }
    return { current: entry.count, ttl: entry.endsAtMs - now };
  }

  /** The count in Redis, or undefined when there is no Redis or it did not answer in time. */
  private async incrementShared(key: string, windowMs: number): Promise<Count | undefined> {
    const { redis, redisKeyPrefix, redisTimeoutMs, logger } = this.options;
    if (!redis || !this.incrementScript) return undefined;
    try {
      // Connecting or reconnecting: don't wait in the client's queue ('wait' is a lazy client's first command).
      if (redis.status !== 'ready' && redis.status !== 'wait') throw new Error(`Redis connection is ${redis.status}`);
      const [current, ttl] = (await withTimeout(this.incrementScript([redisKeyPrefix + key], [windowMs]), redisTimeoutMs)) as [number, number];
      if (this.redisFailing) logger.info('admin login limit: Redis is back, attempts are counted across instances again');
      this.redisFailing = false;
      return { current, ttl };
    } catch (err) {
      if (!this.redisFailing) logger.warn({ err }, 'admin login limit: Redis unreachable, attempts are counted per instance until it is back');
      this.redisFailing = true;
      return undefined;
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
