/**
 * How a moderation change made on one instance reaches every instance: a new or lifted sanction (by id:
 * each instance reads it back from the database), a new block, a new content policy, or a moderator's offer
 * of support to a person (each instance shows the help card on that person's connections it holds). In one
 * process, a direct call; in a cluster, Redis pub/sub. An instance that misses an event (its Redis
 * connection blipped) catches up at its next full reload of the caches — an offer of support too, as one
 * waiting for the person's next connection (support-offers.ts): the connections open at that moment are not
 * shown it again.
 */
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type ModerationEvent =
  | { type: 'sanction'; id: number }
  | { type: 'block'; blockerId: string; blockedId: string }
  /** The content policy changed: read it again. */
  | { type: 'policy' }
  /** A moderator offered support on report `reportId`: show `userId`'s connections the crisis help card. */
  | { type: 'support'; userId: string; reportId: number };

export interface ModerationBus {
  /** Tells every instance, this one included. */
  publish(event: ModerationEvent): Promise<void>;
  /** Called for every event, from any instance (this one included). */
  subscribe(handler: (event: ModerationEvent) => void): Promise<void>;
}

/** One process: events go straight to the handlers (after the current call returns). */
export class MemoryModerationBus implements ModerationBus {
  private readonly handlers: ((event: ModerationEvent) => void)[] = [];

  async publish(event: ModerationEvent): Promise<void> {
    for (const handler of this.handlers) queueMicrotask(() => handler(event));
  }

  async subscribe(handler: (event: ModerationEvent) => void): Promise<void> {
    this.handlers.push(handler);
  }
}

/** A cluster: Redis pub/sub on `<prefix>moderation`. */
export class RedisModerationBus implements ModerationBus {
  private readonly channel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}moderation`;
  }

  async publish(event: ModerationEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  async subscribe(handler: (event: ModerationEvent) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      try {
        handler(JSON.parse(message) as ModerationEvent);
      } catch (err) {
        this.logger.warn({ err }, 'unreadable moderation event');
      }
    });
    if (this.subscriber.status !== 'ready') await once(this.subscriber, 'ready');
    await this.subscriber.subscribe(this.channel);
    // A SUBSCRIBE does not survive a reconnection by itself in every case: made again each time.
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.channel).catch((err: unknown) => this.logger.warn({ err }, 'moderation events: resubscribing failed'));
    });
  }
}
