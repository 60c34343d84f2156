/**
 * What stands between a login request and the password check, beyond the per-network limit
 * (@fastify/rate-limit in plugin.ts):
 * - **An attempt budget for every network together**, counted across instances: someone guessing from
 *   thousands of addresses gets no more tries than the budget, whatever the per-network limit says.
 *   The price: while it is spent, only browsers that logged in before can log in (their device cookie,
 *   device-cookie.ts; sessions already open keep working). It is sized so that admins logging in never
 *   come near it. Unlike the per-network limit (login-limit.ts), it keeps successful attempts: only a
 *   browser's first login spends it (later ones pass on the device cookie), so a whole team costs a few
 *   of its 100; and while it is spent a refund would let nobody in, as attempts are refused unchecked.
 * - **Few scrypt checks at once.** Each check takes tens of milliseconds and 32 MiB on libuv's thread
 *   pool, which the database files and DNS share. A flood of logins waits in a short queue; past it the
 *   answer is SERVER_BUSY at once instead of a pool starved for seconds.
 *   p-limit keeps the queue (a maintained library; its `pendingCount` bounds it).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { AppError, ErrorCode } from '../../errors.js';
import type { AttemptCounts } from './login-limit-store.js';

export interface LoginGuardOptions {
  /** Where attempts are counted (shared with the per-network limit; in Redis in cluster mode). */
  counts: AttemptCounts;
  /** Attempts allowed from all networks together per window, successful ones too. */
  allAttemptsMax: number;
  allWindowMs: number;
  /** Password checks running at once in this process. */
  checksAtOnce: number;
  /** Password checks waiting their turn; one more is SERVER_BUSY. */
  checksQueued: number;
  /** Told once per window, when the budget is first spent (for the log). */
  onBudgetSpent?: (retryAfterMs: number) => void;
}

/** The key of the budget among the per-network keys (theirs are `POST/admin/login-` + a hash). */
const ALL_NETWORKS_KEY = 'all-networks';
/** Keys of devices' own counts (theirs: the device id). */
const DEVICE_KEY_PREFIX = 'device:';
/** Attempts a known device makes past the budget per window; beyond, it counts as any browser. */
export const DEVICE_ATTEMPTS_MAX = 10;
/** How long a refused check should wait before trying again. */
const BUSY_RETRY_MS = 1_000;

export class LoginGuard {
  private readonly checks: LimitFunction;

  constructor(private readonly options: LoginGuardOptions) {
    this.checks = pLimit(options.checksAtOnce);
  }

  /**
   * Spends one attempt of the budget, then runs `check` (a password check: scrypt). Throws RATE_LIMITED when the budget is
   * spent and SERVER_BUSY when too many checks are waiting; neither runs the check. A browser that logged
   * in before (`device`: its id, device-cookie.ts) neither spends nor needs the budget, for
   * DEVICE_ATTEMPTS_MAX attempts per window of its own: whoever spends the budget from many addresses keeps
   * out only browsers that never logged in, and a copied device cookie is no licence to guess.
   */
  async verify(check: () => Promise<boolean>, device?: string): Promise<boolean> {
    const { counts, allAttemptsMax, allWindowMs } = this.options;
    const known = device !== undefined && (await counts.increment(`${DEVICE_KEY_PREFIX}${device}`, allWindowMs)).current <= DEVICE_ATTEMPTS_MAX;
    if (!known) {
      // Counted before the check: parallel guesses must not all pass before the first one is counted.
      const spent = await counts.increment(ALL_NETWORKS_KEY, allWindowMs);
      if (spent.current > allAttemptsMax) {
        if (spent.current === allAttemptsMax + 1) this.options.onBudgetSpent?.(spent.ttl);
        throw new AppError(ErrorCode.RATE_LIMITED, { detail: 'Too many login attempts on this server; retry later', retryAfterMs: spent.ttl });
      }
    }
    return this.queued(check);
  }

  /**
   * Runs `check` in the bounded queue of password checks without spending the budget: a logged-in
   * admin's password asked again (the caller limits those per account), or a new password's hash.
   */
  async queued<T>(check: () => Promise<T>): Promise<T> {
    if (this.checks.pendingCount >= this.options.checksQueued) {
      throw new AppError(ErrorCode.SERVER_BUSY, { detail: 'Too many logins at once; retry in a second', retryAfterMs: BUSY_RETRY_MS });
    }
    return this.checks(check);
  }
}
