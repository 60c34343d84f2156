/**
 * Marks rooms ended in the database. A chat is over for both people the moment it ends; if the database
 * is down then, the write is retried with backoff until it succeeds, so no room stays "active" forever.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { KeyedTimers } from '../keyed-timers.js';
import type { EndReason } from '../shared/protocol.js';
import type { ChatRepository } from '../storage/chat-repository.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

export class RoomCloser {
  /** Rooms whose end is not written yet: the retry, with what it writes. */
  private readonly pending: KeyedTimers<number, { reason: EndReason; endedAt: Date }>;

  constructor(
    private readonly repository: ChatRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.pending = new KeyedTimers(clock);
  }

  /** Ends the room now, or keeps retrying in the background. Never throws. */
  async close(roomId: number, reason: EndReason): Promise<void> {
    await this.attempt(roomId, reason, this.clock.now(), FIRST_RETRY_MS);
  }

  /** Rooms whose end is not written yet. */
  get backlog(): number {
    return this.pending.size;
  }

  /** One last try for every pending room (at shutdown). */
  async flush(): Promise<void> {
    for (const [roomId, entry] of this.pending.cancelAll()) await this.attempt(roomId, entry.reason, entry.endedAt, MAX_RETRY_MS, false);
  }

  private async attempt(roomId: number, reason: EndReason, endedAt: Date, nextDelayMs: number, retry = true): Promise<void> {
    try {
      await this.repository.endRoom(roomId, reason, endedAt);
      this.pending.cancel(roomId);
    } catch (err) {
      this.logger.warn({ err, roomId, retryInMs: retry ? nextDelayMs : null }, 'could not mark room ended');
      // A room closed twice at once (two endings racing) keeps one retry, not two.
      if (!retry || this.pending.has(roomId)) return;
      this.pending.start(roomId, nextDelayMs, () => void this.attempt(roomId, reason, endedAt, Math.min(nextDelayMs * 2, MAX_RETRY_MS)), { reason, endedAt });
    }
  }
}
