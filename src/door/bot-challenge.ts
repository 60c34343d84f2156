/**
 * The bot challenge at the door: when a client must solve an ALTCHA proof of work before it connects
 * or joins the queue, and what it earns by solving one.
 *
 * - `off`: never.
 * - `auto`: an address (IPv4 address or IPv6 /64) that behaved like a bot — too many new identities,
 *   queue joins (skips) or refusals by flood control in a minute — is *suspect* for `suspectMs`
 *   (renewed while it goes on). Meanwhile every connection and every `join_queue` of an identity from
 *   it that has not solved a challenge within `validMs` is refused with CHALLENGE_REQUIRED.
 * - `always`: besides, every connection needs an identity or an address verified within `validMs`.
 *   While an address is suspect only the identity counts: one solution does not buy a bot farm.
 *
 * A solution arrives in the handshake (`auth.altcha`) and is accepted once, on the whole cluster, until
 * its challenge expires; it verifies the identity and the address for `validMs`. Everything shared lives
 * in the TtlStore and the RateLimiter seams (Redis in a cluster). An "address" here is what the app
 * gives every per-address control: the HMAC of the client's network (src/privacy/network-hash.ts).
 * If the store cannot be reached, the door stays open (logged once), like the rate limits: refusing every
 * person during a Redis outage would hurt more than letting bots through for a while.
 */
import type { Challenge } from 'altcha-lib';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { AppError, ErrorCode } from '../errors.js';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.js';
import type { FloodObserver } from '../realtime/flood-control.js';
import { AltchaChallenges } from './altcha-challenges.js';
import type { TtlStore } from './ttl-store.js';

export type ChallengeMode = Config['challenge']['mode'];

export interface BotChallengeDeps {
  settings: Config['challenge'];
  secretKey: string;
  store: TtlStore;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
}

/** What `GET /api/challenge` gets: a challenge, or how long to wait. */
export type IssueResult = { ok: true; challenge: Challenge } | { ok: false; retryAfterMs: number };

/** Why a handshake was let in or refused (for tests and logs; the client only sees CHALLENGE_REQUIRED). */
export type Admission = 'not_required' | 'solved' | 'missing' | 'malformed' | 'invalid' | 'expired' | 'replayed';

/** Store keys: an address by its network hash, an identity by its ID, a challenge by its signature. */
const key = {
  suspect: (address: string) => `bc:suspect:${address}`,
  verifiedIdentity: (userId: string) => `bc:ok:u:${userId}`,
  verifiedAddress: (address: string) => `bc:ok:a:${address}`,
  used: (challengeId: string) => `bc:used:${challengeId}`,
};

/** A used solution is remembered a little past its challenge's expiry (clocks of instances differ). */
const REPLAY_MARGIN_MS = 60_000;

export class BotChallenge implements FloodObserver {
  readonly mode: ChallengeMode;
  private readonly challenges: AltchaChallenges;
  private readonly rules: Record<'identities' | 'joins' | 'refusals' | 'requests', RateRule>;
  private storeFailing = false;

  constructor(private readonly deps: BotChallengeDeps) {
    const { settings } = deps;
    this.mode = settings.mode;
    this.challenges = new AltchaChallenges(deps.secretKey, settings, settings.expiryMs, deps.clock);
    const perMinute = (n: number): RateRule => ({ capacity: n, perSecond: n / 60 });
    this.rules = {
      identities: perMinute(settings.identitiesPerAddressPerMin),
      joins: perMinute(settings.joinsPerAddressPerMin),
      refusals: perMinute(settings.refusalsPerAddressPerMin),
      requests: perMinute(settings.requestsPerAddressPerMin),
    };
    if (this.mode === 'off') deps.logger.warn('CHALLENGE=off: no bot challenge; addresses that behave like bots are only rate-limited');
  }

  /** A challenge for `GET /api/challenge`, limited per address. */
  async issue(address: string): Promise<IssueResult> {
    const taken = await this.deps.limiter.take(`bc:get:${address}`, this.rules.requests);
    if (!taken.allowed) {
      await this.refused(address);
      return { ok: false, retryAfterMs: taken.retryAfterMs };
    }
    return { ok: true, challenge: await this.challenges.create() };
  }

  /**
   * Handshake: may this identity connect from this address? A payload is checked and spent — when one is
   * needed, and also when it is not: a request may ask for a solution without the connection needing one
   * (a key attempt over its network's budget, see `hasSolved`), and the page then connects with it. A bad
   * payload where none is needed does not refuse the connection. Never throws.
   */
  async admit(userId: string, address: string, payload: string | undefined): Promise<Admission> {
    if (this.mode === 'off') return 'not_required';
    const required = await this.required('connect', userId, address);
    if (!required && payload === undefined) return 'not_required';
    if (payload === undefined) return 'missing';
    const check = await this.challenges.check(payload);
    if (!check.ok) return required ? check.reason : 'not_required';
    const ttlMs = check.expiresAtMs - this.deps.clock.now().getTime() + REPLAY_MARGIN_MS;
    const first = await this.guard(() => this.deps.store.setIfAbsent(key.used(check.id), ttlMs), true);
    if (!first) return required ? 'replayed' : 'not_required';
    // Spent, so the work counts even if a later check (a connection limit) refuses this connection.
    const { validMs } = this.deps.settings;
    await this.guard(async () => {
      await this.deps.store.set(key.verifiedIdentity(userId), validMs);
      await this.deps.store.set(key.verifiedAddress(address), validMs);
    }, undefined);
    return 'solved';
  }

  /** `join_queue`: refused with CHALLENGE_REQUIRED while the address is suspect and the identity has not solved. */
  async checkJoin(userId: string, address: string): Promise<void> {
    if (this.mode === 'off') return;
    if (await this.required('join', userId, address)) throw new AppError(ErrorCode.CHALLENGE_REQUIRED);
  }

  /**
   * Whether the identity solved a challenge within `validMs` — what lets a key attempt over its network's
   * budget go on (private-gateway.ts). False with the challenge off (nothing can be solved); true while the
   * store cannot be reached (the door stays open, as everywhere here).
   */
  async hasSolved(userId: string): Promise<boolean> {
    if (this.mode === 'off') return false;
    return this.guard(() => this.deps.store.has(key.verifiedIdentity(userId)), true);
  }

  // ---- signals (FloodObserver): counted per address; over a threshold, the address is suspect ----

  async newIdentity(address: string): Promise<void> {
    await this.count(address, 'identities');
  }

  async joined(address: string): Promise<void> {
    await this.count(address, 'joins');
  }

  async refused(address: string): Promise<void> {
    await this.count(address, 'refusals');
  }

  /** Whether the address is suspect now (for tests and the admin). */
  async isSuspect(address: string): Promise<boolean> {
    return this.guard(() => this.deps.store.has(key.suspect(address)), false);
  }

  private async count(address: string, signal: 'identities' | 'joins' | 'refusals'): Promise<void> {
    if (this.mode === 'off') return;
    const taken = await this.deps.limiter.take(`bc:${signal}:${address}`, this.rules[signal]).catch(() => ({ allowed: true }) as const);
    if (taken.allowed) return;
    const { suspectMs } = this.deps.settings;
    const { store } = this.deps;
    const fresh = await this.guard(async () => {
      if (await store.setIfAbsent(key.suspect(address), suspectMs)) return true;
      // Already suspect: renewed while it goes on.
      await store.set(key.suspect(address), suspectMs);
      return false;
    }, false);
    // Not even the address's hash: which signal it was is enough to see that the door works.
    if (fresh) this.deps.logger.info({ signal }, 'bot challenge: an address is now suspect');
  }

  private async required(what: 'connect' | 'join', userId: string, address: string): Promise<boolean> {
    return this.guard(async () => {
      const { store } = this.deps;
      const suspect = await store.has(key.suspect(address));
      if (!suspect && (this.mode === 'auto' || what === 'join')) return false;
      if (await store.has(key.verifiedIdentity(userId))) return false;
      return suspect || !(await store.has(key.verifiedAddress(address)));
    }, false);
  }

  /** Runs a store operation; when the store fails, logs once and answers `whenDown` (the door stays open). */
  private async guard<T>(operation: () => Promise<T>, whenDown: T): Promise<T> {
    try {
      const result = await operation();
      this.storeFailing = false;
      return result;
    } catch (err) {
      if (!this.storeFailing) this.deps.logger.warn({ err }, 'bot challenge: store unreachable, not enforcing until it is back');
      this.storeFailing = true;
      return whenDown;
    }
  }
}
