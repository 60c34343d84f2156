import type { Clock } from '../clock.js';
import type { RateLimiter, RateRule, TakeResult } from './rate-limiter.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Token buckets in a Map. Memory stays bounded: past `maxKeys`, buckets that have refilled completely
 * (indistinguishable from new ones) are dropped, and then the oldest ones.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket & { rule: RateRule }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, rule: RateRule): Promise<TakeResult> {
    const nowMs = this.clock.now().getTime();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(nowMs);
      bucket = { tokens: rule.capacity, updatedMs: nowMs, rule };
      this.buckets.set(key, bucket);
    }
    refill(bucket, rule, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) / rule.perSecond) * 1000) };
  }

  /** Number of buckets held (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }

  private evict(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      refill(bucket, bucket.rule, nowMs);
      if (bucket.tokens >= bucket.rule.capacity) this.buckets.delete(key);
    }
    // Still full of active keys: drop the oldest tenth rather than grow without bound.
    let excess = this.buckets.size - Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

function refill(bucket: Bucket, rule: RateRule, nowMs: number): void {
  const elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
  bucket.tokens = Math.min(rule.capacity, bucket.tokens + (elapsedMs / 1000) * rule.perSecond);
  bucket.updatedMs = nowMs;
}
