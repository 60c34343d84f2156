/**
 * The flood-control seam: token buckets by key. In-memory here; a cluster implementation shares the
 * buckets in Redis so limits hold across instances.
 */

/** A bucket holds up to `capacity` tokens and regains `perSecond` tokens a second. */
export interface RateRule {
  capacity: number;
  perSecond: number;
}

/** One bucket to take a token from. */
export interface BucketTake {
  key: string;
  rule: RateRule;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes one token from the key's bucket, or says when one will be there. */
  take(key: string, rule: RateRule): Promise<TakeResult>;
  /**
   * Takes one token from every bucket at once (one Redis round trip in a cluster), or from none: refused
   * when any bucket is empty, with the wait until every one of them has a token again. An action refused
   * by one limit thus costs nothing against the others (a flooder's refused messages do not drain the
   * budget of others at the same address).
   */
  takeAll(takes: readonly BucketTake[]): Promise<TakeResult>;
}
