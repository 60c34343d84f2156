import type { Clock } from '../clock.js';
import type { BucketTake, RateLimiter, RateRule, TakeResult } from './rate-limiter.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const ALLOWED: TakeResult = Object.freeze({ allowed: true });

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
    return this.takeAll([{ key, rule }]);
  }

  async takeAll(takes: readonly BucketTake[]): Promise<TakeResult> {
    // Plain loops: this runs for every message (two buckets), so nothing is allocated but what is kept.
    const nowMs = this.clock.now().getTime();
    // Room is made before any bucket is taken in hand, so eviction cannot drop one of them.
    let missing = 0;
    for (const { key } of takes) if (!this.buckets.has(key)) missing++;
    if (missing > 0 && this.buckets.size + missing > this.maxKeys) this.evict(nowMs);
    let waitMs = 0;
    for (const { key, rule } of takes) {
      const bucket = this.bucket(key, rule, nowMs);
      refill(bucket, rule, nowMs);
      waitMs = Math.max(waitMs, waitForToken(bucket.tokens, rule));
    }
    if (waitMs > 0) return { allowed: false, retryAfterMs: waitMs };
    for (const { key } of takes) this.buckets.get(key)!.tokens -= 1;
    return ALLOWED;
  }

  /** Number of buckets held (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }

  private bucket(key: string, rule: RateRule, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: rule.capacity, updatedMs: nowMs, rule };
      this.buckets.set(key, bucket);
    }
    return bucket;
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

/** Ms until the bucket holds a whole token (0 when it does). */
function waitForToken(tokens: number, rule: RateRule): number {
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / rule.perSecond) * 1000);
}
