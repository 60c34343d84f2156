/**
 * Token buckets in Redis, shared by every instance: one Lua script refills and takes atomically, from one
 * bucket or from several at once (a message's per-identity and per-address buckets in one round trip).
 * The script is registered once per connection and then called by its SHA1. Time is Redis's own (`TIME`),
 * one clock for every instance however far their machines' clocks drift; a test's clock is sent instead.
 * If Redis cannot be reached, the limiter lets the action through (and says so once in the log):
 * refusing every message during a Redis outage would hurt far more than a short unlimited spell.
 *
 * Redis Cluster: the buckets of one call are different keys without a shared hash tag, so one call may
 * span slots, which Redis Cluster refuses; like the rest of the cluster mode this needs one Redis
 * (a primary with replicas and Sentinel is fine), not Redis Cluster.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import { defineScript, type RedisScript } from '../cluster/redis-script.js';
import type { BucketTake, RateLimiter, RateRule, TakeResult } from './rate-limiter.js';

// KEYS: the buckets. ARGV: capacity and tokens per second of each bucket in turn, then optionally the time
// in ms (else Redis's TIME). Takes a token from every bucket if each has one, else from none.
// Returns ms to wait until every bucket has a token (0 = taken).
const TAKE_ALL = `
local now = tonumber(ARGV[#KEYS * 2 + 1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local tokens, wait = {}, 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i * 2 - 1])
  local rate = tonumber(ARGV[i * 2]) / 1000
  local bucket = redis.call('HMGET', key, 't', 'u')
  local held = tonumber(bucket[1]) or capacity
  local updated = tonumber(bucket[2]) or now
  tokens[i] = math.min(capacity, held + math.max(0, now - updated) * rate)
  if tokens[i] < 1 then wait = math.max(wait, math.ceil((1 - tokens[i]) / rate)) end
end
for i, key in ipairs(KEYS) do
  local left = tokens[i]
  if wait == 0 then left = left - 1 end
  local rate = tonumber(ARGV[i * 2]) / 1000
  redis.call('HSET', key, 't', tostring(left), 'u', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[i * 2 - 1]) / rate) + 1000)
end
return wait`;

export class RedisRateLimiter implements RateLimiter {
  private failing = false;
  private readonly takeAllScript: RedisScript;

  /**
   * @param clock the system clock means Redis's clock (`TIME`); any other clock (a test's manual one) is
   *   read here and sent with each call, so the buckets follow it.
   */
  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.takeAllScript = defineScript(redis, 'rateLimitTakeAll', TAKE_ALL);
  }

  async take(key: string, rule: RateRule): Promise<TakeResult> {
    return this.takeAll([{ key, rule }]);
  }

  async takeAll(takes: readonly BucketTake[]): Promise<TakeResult> {
    if (takes.length === 0) return { allowed: true };
    const keys = takes.map(({ key }) => `${this.prefix}rl:${key}`);
    const args = takes.flatMap(({ rule }) => [rule.capacity, rule.perSecond]);
    if (this.clock !== systemClock) args.push(this.clock.now().getTime());
    try {
      const waitMs = Number(await this.takeAllScript(keys, args));
      this.failing = false;
      return waitMs > 0 ? { allowed: false, retryAfterMs: waitMs } : { allowed: true };
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'rate limiter: Redis unreachable, not limiting until it is back');
      this.failing = true;
      return { allowed: true };
    }
  }
}
