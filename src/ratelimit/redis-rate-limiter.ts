/**
 * Token buckets in Redis, shared by every instance: one Lua script refills and takes atomically.
 * If Redis cannot be reached, the limiter lets the action through (and says so once in the log):
 * refusing every message during a Redis outage would hurt far more than a short unlimited spell.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { RateLimiter, RateRule, TakeResult } from './rate-limiter.js';

// KEYS: bucket; ARGV: capacity, perSecond, nowMs. Returns ms to wait (0 = taken).
const TAKE = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local now = tonumber(ARGV[3])
local bucket = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(bucket[1]) or capacity
local updated = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return wait`;

export class RedisRateLimiter implements RateLimiter {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async take(key: string, rule: RateRule): Promise<TakeResult> {
    try {
      const waitMs = Number(await this.redis.eval(TAKE, 1, `${this.prefix}rl:${key}`, rule.capacity, rule.perSecond, this.clock.now().getTime()));
      this.failing = false;
      return waitMs > 0 ? { allowed: false, retryAfterMs: waitMs } : { allowed: true };
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'rate limiter: Redis unreachable, not limiting until it is back');
      this.failing = true;
      return { allowed: true };
    }
  }
}
