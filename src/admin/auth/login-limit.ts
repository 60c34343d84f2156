/**
 * The per-network login limit as the routes see it: the key @fastify/rate-limit counts a request under,
 * and how a route gives that attempt back once it proved not to be a guess.
 *
 * The plugin counts every attempt before the route runs, right or wrong: counted only once they failed,
 * guesses sent together would all pass a count read before any of them was checked. Each attempt holds
 * its place in the count while it is checked, so no more than the limit are ever checked at once; only
 * afterwards does the route give back one that proved itself (a session started, the right password
 * asking for its 2FA code, an invitation accepted). Wrong attempts stay counted, so they are bounded per
 * window as before, while colleagues behind one address who log in rightly no longer use the limit up.
 * (`AccountLogin.tryCode` does the same for 2FA codes.)
 *
 * Given back at most `REFUNDS_PER_ACCOUNT` times per account, network and window: enough for each
 * colleague behind one address (a 2FA login is two steps), not a way for one password's holder to log in
 * without end from one address — each login a scrypt check in the shared queue, an audit row and a session.
 */
import type { FastifyRequest } from 'fastify';
import { networkOf } from '../../http/client-address.js';
import { routeKeyPrefix, type AttemptCounts } from './login-limit-store.js';

/** Attempts given back per account, network and window: two logins with 2FA (two steps each), or four without. */
export const REFUNDS_PER_ACCOUNT = 4;

export class LoginLimit {
  /** Requests whose attempt was given back already: one attempt was counted, one is given back. */
  private readonly givenBack = new WeakSet<FastifyRequest>();

  constructor(
    private readonly counts: AttemptCounts,
    /** A client address as the back office keeps it: its network's HMAC. */
    private readonly clientKeyOf: (ip: string) => string,
    /** The limit's window (ms): refunds are counted per account over the same span. */
    private readonly windowMs: number,
  ) {}

  /**
   * @fastify/rate-limit's `keyGenerator`: the client's network by its HMAC, so no address is kept, even
   * for a minute. An IPv6 network is its /48: a /64 alone would let one subscriber rotate through 65,536.
   */
  readonly keyOf = (request: FastifyRequest): string => this.clientKeyOf(networkOf(request.ip, 48));

  /**
   * Gives back the attempt the limit counted for `request` on its route, in this process and in Redis,
   * never below zero (`AttemptCounts.giveBack`). Once per request; nothing on a route without the limit;
   * nothing past `REFUNDS_PER_ACCOUNT` for `accountId` from this network in the window.
   * Call it only when the attempt proved not to be a guess.
   */
  async giveBack(request: FastifyRequest, accountId: number): Promise<void> {
    const { config, method, url } = request.routeOptions;
    if (!config.rateLimit || this.givenBack.has(request)) return;
    this.givenBack.add(request);
    // The key the route's store counted: its prefix (login-limit-store.ts) and this key generator's.
    const key = routeKeyPrefix(method, url) + this.keyOf(request);
    const refunds = await this.counts.increment(`refund:${key}:${accountId}`, this.windowMs);
    if (refunds.current > REFUNDS_PER_ACCOUNT) return;
    await this.counts.giveBack(key);
  }
}
