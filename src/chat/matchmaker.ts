/**
 * Pairs a caller with the longest-waiting stranger. The queue hands out a partner atomically; then both
 * identities move from waiting to chatting by compare-and-set on the exact revisions read, so a partner
 * who left, dropped or was taken over meanwhile is skipped, and nobody ends up in two chats. Every path
 * that takes somebody out of the queue without pairing them puts them back (or releases them, telling
 * the caller), so nobody is left "waiting" outside the queue.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { MatchQueue, QueueEntry, QueuedEntry } from '../matching/match-queue.js';
import type { AppEvents } from '../metrics/app-events.js';
import { errorText, eventText } from '../shared/codes.js';
import type { JoinQueueResult } from '../shared/protocol.js';
import type { NewRoom, RoomRecord } from '../storage/chat-repository.js';
import { stateOf, type Activity, type ActivityRegistry } from './activity-registry.js';
import type { Caller } from './caller.js';
import type { ChatNotifier } from './notifier.js';
import type { RoomCloser } from './room-closer.js';

/** A match whose partner vanished meanwhile is retried this many times before the caller just waits. */
const MAX_MATCH_ATTEMPTS = 5;

export interface MatchmakerDeps {
  queue: MatchQueue;
  registry: ActivityRegistry;
  /** Stores a new room (batched with other matches made at the same moment). */
  createRoom: (room: NewRoom) => Promise<RoomRecord>;
  notifier: ChatNotifier;
  closer: RoomCloser;
  clock: Clock;
  logger: Logger;
  instanceId?: string;
  /** People someone must never be matched with (blocks, both ways). */
  avoidFor: (userId: string) => readonly string[];
  /** Each match, for the metrics. */
  events: Pick<AppEvents, 'matched'>;
}

export class Matchmaker {
  constructor(private readonly deps: MatchmakerDeps) {}

  /**
   * `self` is the caller's `waiting` activity as last read. Pairs it, or leaves it waiting in the queue
   * (keeping an earlier place in it).
   */
  async match(caller: Caller, self: Activity, origin: 'request' | 'rematch' = 'request'): Promise<JoinQueueResult> {
    const entry: QueueEntry = { userId: caller.userId, socketId: caller.socketId, avoid: this.deps.avoidFor(caller.userId) };
    try {
      return await this.matchOrWait(caller, self, entry);
    } catch (error) {
      // Nobody asked for this attempt (a partner put back after a failed match): tell them instead.
      if (origin === 'rematch') {
        const code = isAppError(error) ? error.code : ErrorCode.INTERNAL_ERROR;
        this.deps.notifier.toSocket(caller.socketId, 'error', { code, message: errorText[caller.lang][code] });
      }
      throw error;
    }
  }

  private async matchOrWait(caller: Caller, self: Activity, entry: QueueEntry): Promise<JoinQueueResult> {
    for (let attempt = 0; attempt < MAX_MATCH_ATTEMPTS; attempt++) {
      const outcome = await this.orGiveUp(caller, self, () => this.deps.queue.joinOrMatch(entry));
      if (outcome.kind === 'waiting') return this.announceWaiting(caller, outcome.waitingCount);
      const result = await this.pair(caller, self, outcome.partner);
      if (result) return result;
    }
    // Every partner taken had vanished: wait in the queue like anyone else.
    await this.orGiveUp(caller, self, () => this.deps.queue.enqueue(entry));
    return this.announceWaiting(caller, Math.max(0, (await this.deps.queue.size()) - 1));
  }

  announceWaiting(caller: Caller, waitingCount: number): JoinQueueResult {
    this.deps.notifier.toSocket(caller.socketId, 'waiting', { message: eventText[caller.lang].waiting, waiting_count: waitingCount });
    return { status: 'waiting', waiting_count: waitingCount };
  }

  /**
   * Opens a room for the caller and a partner taken from the queue. Undefined when the partner cannot
   * be paired (gone, or its connection lost): the caller tries the next one.
   */
  private async pair(caller: Caller, self: Activity, partner: QueuedEntry): Promise<JoinQueueResult | undefined> {
    const { registry, createRoom, closer, clock } = this.deps;
    let partnerNow: Activity | undefined;
    let room: RoomRecord;
    try {
      partnerNow = await registry.get(partner.userId);
      // Not waiting any more: a leftover entry, nobody to put back.
      if (partnerNow?.kind !== 'waiting') return undefined;
      if (partnerNow.detached) {
        // Their connection is gone: nobody's partner until they are back, but they keep their place.
        await this.putBack(partner, partnerNow);
        return undefined;
      }
      room = await createRoom({
        user1Id: partner.userId,
        user2Id: caller.userId,
        matchType: 'random',
        createdAt: clock.now(),
        user1Network: partnerNow.networkHash,
        user2Network: caller.networkHash ?? self.networkHash,
      });
    } catch (cause) {
      // Unknown state (the registry failed) or still waiting: either way the partner goes back to its place.
      if (partnerNow === undefined || partnerNow.kind === 'waiting') await this.putBack(partner, partnerNow);
      await this.giveUp(caller, self);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }

    let partnerChatting: Activity | undefined;
    let selfChatting: Activity | undefined;
    try {
      const startedMs = clock.now().getTime();
      partnerChatting = await registry.transition(partner.userId, { rev: partnerNow.rev }, { ...stateOf(partnerNow), kind: 'chatting', roomId: room.id, partnerId: caller.userId, startedMs });
      if (!partnerChatting) {
        // The partner changed meanwhile (left, dropped, taken over): back in line if still waiting.
        await closer.close(room.id, 'disconnected');
        await this.putBackIfWaiting(partner);
        return undefined;
      }
      selfChatting = await registry.transition(
        caller.userId,
        { rev: self.rev },
        {
          kind: 'chatting',
          socketId: caller.socketId,
          lang: caller.lang,
          roomId: room.id,
          partnerId: partner.userId,
          instanceId: this.deps.instanceId,
          networkHash: caller.networkHash ?? self.networkHash,
          startedMs,
        },
      );
    } catch (cause) {
      await this.undo(room.id, partner, partnerNow, partnerChatting);
      await this.giveUp(caller, self);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
    if (!selfChatting) {
      // The caller changed meanwhile (its connection dropped, or the page took it over from a new
      // connection): the partner waits again at their place, the caller too if still waiting.
      await this.undo(room.id, partner, partnerNow, partnerChatting);
      await this.putBackIfWaiting({ userId: caller.userId, socketId: caller.socketId });
      return { status: 'waiting', waiting_count: 0 };
    }

    this.announceMatch(room.id, partnerNow.socketId, caller.socketId);
    return { status: 'matched', room_id: room.id };
  }

  private announceMatch(roomId: number, partnerSocketId: string, callerSocketId: string): void {
    const { notifier, logger } = this.deps;
    notifier.joinConversation(partnerSocketId, roomId);
    notifier.joinConversation(callerSocketId, roomId);
    notifier.toConversation(roomId, 'matched', { room_id: roomId });
    logger.info({ roomId, matchType: 'random' }, 'matched');
    this.deps.events.matched('random');
  }

  /** Takes back a match half made: the room is closed and the partner waits again at their place. */
  private async undo(roomId: number, partner: QueuedEntry, partnerWaiting: Activity, partnerChatting: Activity | undefined): Promise<void> {
    const { registry, closer, logger } = this.deps;
    await closer.close(roomId, 'disconnected');
    try {
      if (!partnerChatting) {
        await this.putBackIfWaiting(partner);
        return;
      }
      const waitingAgain = await registry.transition(partner.userId, { rev: partnerChatting.rev }, stateOf(partnerWaiting));
      if (waitingAgain) await this.putBack(partner, waitingAgain);
      // The partner changed again (e.g. its connection dropped): the room is closed, so it is over for them.
      else await registry.release(partner.userId, { roomId });
    } catch (err) {
      logger.warn({ err, roomId }, 'could not put a partner back after a failed match');
    }
  }

  /** Somebody taken out of the queue by a match that fell through: back to their place if still waiting. */
  private async putBackIfWaiting(entry: QueueEntry | QueuedEntry): Promise<void> {
    try {
      const now = await this.deps.registry.get(entry.userId);
      if (now?.kind === 'waiting') await this.putBack({ ...entry, socketId: now.socketId }, now);
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not put somebody back in the queue after a failed match');
    }
  }

  /**
   * Puts a waiting person taken from the queue back at their place. One whose connection is there is
   * matched at once if somebody suitable arrived meanwhile — two people must never both wait in the queue
   * unmatched. Never throws: a failure is logged.
   */
  private async putBack(entry: QueueEntry | QueuedEntry, activity: Activity | undefined): Promise<void> {
    const { queue, logger } = this.deps;
    try {
      // A partner taken from the queue goes back to its own place; a caller who never had one, to the end.
      if ('seq' in entry) await queue.requeue(entry);
      else await queue.enqueue(entry);
      if (activity?.detached) await queue.pause(entry.userId);
      else if (activity?.kind === 'waiting') {
        const caller: Caller = { userId: entry.userId, socketId: activity.socketId, lang: activity.lang, networkHash: activity.networkHash };
        await this.match(caller, activity, 'rematch');
      }
    } catch (err) {
      logger.warn({ err }, 'could not put somebody back in the queue');
    }
  }

  /** Runs a queue operation; if it fails, the caller stops waiting (and is told why) instead of being stranded. */
  private async orGiveUp<T>(caller: Caller, self: Activity, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      await this.giveUp(caller, self);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
  }

  /** The caller's wait ends with an error: out of the registry and the queue (best effort). */
  private async giveUp(caller: Caller, self: Activity): Promise<void> {
    const { registry, queue, logger } = this.deps;
    await registry.release(caller.userId, { rev: self.rev }).catch((err: unknown) => logger.warn({ err }, 'could not release a failed wait'));
    await queue.remove(caller.userId, caller.socketId).catch((err: unknown) => logger.warn({ err }, 'could not remove a failed wait from the queue'));
  }
}
