/**
 * The flood-control seam: token buckets by key. In-memory here; a cluster implementation shares the
 * buckets in Redis so limits hold across instances.
 */

/** A bucket holds up to `capacity` tokens and regains `perSecond` tokens a second. */
export interface RateRule {
  capacity: number;
  perSecond: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes one token from the key's bucket, or says when one will be there. */
  take(key: string, rule: RateRule): Promise<TakeResult>;
}
