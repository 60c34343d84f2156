import type { Config } from '../config/config.js';
import { AppError, ErrorCode } from '../errors.js';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.js';

/** Who is acting, for flood control. */
export interface Actor {
  userId: string;
  address: string;
}

/**
 * Per-identity and per-address limits on messages and queue joins. Over a limit the action is refused
 * with RATE_LIMITED and a retry hint — never dropped silently.
 */
export class FloodControl {
  private readonly messageRule: RateRule;
  private readonly messageAddressRule: RateRule;
  private readonly joinRule: RateRule;
  private readonly joinAddressRule: RateRule;
  private readonly resumeRule: RateRule;
  private readonly resumeAddressRule: RateRule;
  private readonly identityRule: RateRule;
  /** Reports and blocks: a person files a few; a stream of them is abuse of the queue. */
  private readonly reportRule: RateRule = { capacity: 10, perSecond: 10 / 60 };

  constructor(
    private readonly limiter: RateLimiter,
    limits: Config['rateLimits'],
  ) {
    this.messageRule = { capacity: limits.messagesBurst, perSecond: limits.messagesPerS };
    this.messageAddressRule = { capacity: limits.messagesPerAddressPerS * 2, perSecond: limits.messagesPerAddressPerS };
    this.joinRule = { capacity: Math.max(5, Math.ceil(limits.joinsPerMin / 4)), perSecond: limits.joinsPerMin / 60 };
    this.joinAddressRule = { capacity: Math.ceil(limits.joinsPerAddressPerMin / 4), perSecond: limits.joinsPerAddressPerMin / 60 };
    this.resumeRule = { capacity: limits.resumesPerMin, perSecond: limits.resumesPerMin / 60 };
    this.resumeAddressRule = { capacity: limits.resumesPerAddressPerMin, perSecond: limits.resumesPerAddressPerMin / 60 };
    this.identityRule = { capacity: limits.identitiesPerAddressPerMin, perSecond: limits.identitiesPerAddressPerMin / 60 };
  }

  /** A report or a block. */
  async checkReport(actor: Actor): Promise<void> {
    await this.take(`rp:u:${actor.userId}`, this.reportRule);
  }

  /** A new anonymous identity for a client address (per-identity limits would mean nothing if identities were free). */
  async checkNewIdentity(address: string): Promise<void> {
    await this.take(`i:a:${address}`, this.identityRule);
  }

  /** A chat resumed with a replay of what it missed (a reading of the whole conversation, at worst). */
  async checkResume(actor: Actor): Promise<void> {
    await this.take(`r:u:${actor.userId}`, this.resumeRule);
    await this.take(`r:a:${actor.address}`, this.resumeAddressRule);
  }

  async checkMessage(actor: Actor): Promise<void> {
    await this.take(`m:u:${actor.userId}`, this.messageRule);
    await this.take(`m:a:${actor.address}`, this.messageAddressRule);
  }

  async checkJoin(actor: Actor): Promise<void> {
    await this.take(`j:u:${actor.userId}`, this.joinRule);
    await this.take(`j:a:${actor.address}`, this.joinAddressRule);
  }

  private async take(key: string, rule: RateRule): Promise<void> {
    const result = await this.limiter.take(key, rule);
    if (!result.allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: result.retryAfterMs });
  }
}
