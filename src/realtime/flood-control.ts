import type { Config } from '../config/config.js';
import { AppError, ErrorCode } from '../errors.js';
import type { BucketTake, RateLimiter, RateRule } from '../ratelimit/rate-limiter.js';
import type { ChatSocket } from './types.js';

/**
 * Told what flood control sees, per client address: the bot challenge (src/door/bot-challenge.ts) counts
 * these to find addresses that behave like bots. Awaited; an observer never throws.
 */
export interface FloodObserver {
  /** A new anonymous identity was given to a client at this address. */
  newIdentity(address: string): Promise<void>;
  /** A queue join (a skip included) from this address went through. */
  joined(address: string): Promise<void>;
  /** Something from this address was refused as over a limit. */
  refused(address: string): Promise<void>;
}

/** Who is acting, for flood control. */
export interface Actor {
  userId: string;
  address: string;
}

export function actorOf(socket: ChatSocket): Actor {
  return { userId: socket.data.userId, address: socket.data.address };
}

/**
 * Per-identity and per-address limits on messages and queue joins. Over a limit the action is refused
 * with RATE_LIMITED and a retry hint — never dropped silently. An action's identity and address buckets
 * are taken in one call (one Redis round trip in a cluster), both or neither.
 */
export class FloodControl {
  private readonly messageRule: RateRule;
  private readonly messageAddressRule: RateRule;
  private readonly joinRule: RateRule;
  private readonly joinAddressRule: RateRule;
  private readonly resumeRule: RateRule;
  private readonly resumeAddressRule: RateRule;
  private readonly identityRule: RateRule;
  private readonly connectRule: RateRule;
  /** Reports and blocks: a person files a few; a stream of them is abuse of the queue. */
  private readonly reportRule: RateRule = { capacity: 10, perSecond: 10 / 60 };
  /** Accepting the rules: once per identity and version; a page reloaded a few times may repeat it. */
  private readonly acceptRule: RateRule = { capacity: 5, perSecond: 5 / 60 };

  constructor(
    private readonly limiter: RateLimiter,
    limits: Config['rateLimits'],
    private readonly observer?: FloodObserver,
  ) {
    this.messageRule = { capacity: limits.messagesBurst, perSecond: limits.messagesPerS };
    this.messageAddressRule = { capacity: limits.messagesPerAddressPerS * 2, perSecond: limits.messagesPerAddressPerS };
    this.joinRule = { capacity: Math.max(5, Math.ceil(limits.joinsPerMin / 4)), perSecond: limits.joinsPerMin / 60 };
    this.joinAddressRule = { capacity: Math.ceil(limits.joinsPerAddressPerMin / 4), perSecond: limits.joinsPerAddressPerMin / 60 };
    this.resumeRule = { capacity: limits.resumesPerMin, perSecond: limits.resumesPerMin / 60 };
    this.resumeAddressRule = { capacity: limits.resumesPerAddressPerMin, perSecond: limits.resumesPerAddressPerMin / 60 };
    this.identityRule = { capacity: limits.identitiesPerAddressPerMin, perSecond: limits.identitiesPerAddressPerMin / 60 };
    this.connectRule = { capacity: limits.connectsPerMin, perSecond: limits.connectsPerMin / 60 };
  }

  /** A report or a block. */
  async checkReport(actor: Actor): Promise<void> {
    await this.take([{ key: `rp:u:${actor.userId}`, rule: this.reportRule }], actor.address);
  }

  /** `accept_rules`: a write to the database when it is new, so never a stream of them. */
  async checkAcceptRules(actor: Actor): Promise<void> {
    await this.take([{ key: `ar:u:${actor.userId}`, rule: this.acceptRule }], actor.address);
  }

  /** A new anonymous identity for a client address (per-identity limits would mean nothing if identities were free). */
  async checkNewIdentity(address: string): Promise<void> {
    await this.take([{ key: `i:a:${address}`, rule: this.identityRule }], address);
    await this.observer?.newIdentity(address);
  }

  /**
   * A connection of a known identity: a reconnect loop would otherwise cost lookups without end. Not told to
   * the observer: one identity's loop must not make everyone behind its address (a NAT) solve the bot check.
   */
  async checkConnect(actor: Actor): Promise<void> {
    await this.take([{ key: `c:u:${actor.userId}`, rule: this.connectRule }], actor.address, false);
  }

  /** A chat resumed with a replay of what it missed (a reading of the whole conversation, at worst). */
  async checkResume(actor: Actor): Promise<void> {
    await this.take(
      [
        { key: `r:u:${actor.userId}`, rule: this.resumeRule },
        { key: `r:a:${actor.address}`, rule: this.resumeAddressRule },
      ],
      actor.address,
    );
  }

  async checkMessage(actor: Actor): Promise<void> {
    await this.take(
      [
        { key: `m:u:${actor.userId}`, rule: this.messageRule },
        { key: `m:a:${actor.address}`, rule: this.messageAddressRule },
      ],
      actor.address,
    );
  }

  async checkJoin(actor: Actor): Promise<void> {
    await this.take(
      [
        { key: `j:u:${actor.userId}`, rule: this.joinRule },
        { key: `j:a:${actor.address}`, rule: this.joinAddressRule },
      ],
      actor.address,
    );
  }

  /** A join that passed the whole door (`door.ts`): one more for the bot challenge's count of joins per address. */
  async joined(actor: Actor): Promise<void> {
    await this.observer?.joined(actor.address);
  }

  private async take(buckets: readonly BucketTake[], address: string, observed = true): Promise<void> {
    const result = await this.limiter.takeAll(buckets);
    if (result.allowed) return;
    if (observed) await this.observer?.refused(address);
    throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: result.retryAfterMs });
  }
}
