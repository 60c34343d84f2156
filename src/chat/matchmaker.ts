/**
 * Pairs a caller with a waiting stranger: the one sharing the most interests, else (once neither waits
 * for a shared interest any more) the longest waiting. The queue hands out a partner atomically; then both
 * identities move from waiting to chatting by compare-and-set on the exact revisions read, so a partner
 * who left, dropped or was taken over meanwhile is skipped, and nobody ends up in two chats. Every path
 * that takes somebody out of the queue without pairing them puts them back (or releases them, telling
 * the caller), so nobody is left "waiting" outside the queue.
 *
 * Somebody with interests waits for a shared one until their fallback time; the instance holding their
 * connection then runs the choice again for them (a timer on the injected clock), so nobody waits
 * forever even if nobody new joins. The queue also treats an entry past its fallback time as open for
 * any joiner, on any instance.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import { KeyedTimers } from '../keyed-timers.js';
import type { MatchQueue, QueueEntry, QueuedEntry } from '../matching/match-queue.js';
import type { AppEvents } from '../metrics/app-events.js';
import { errorText, eventText } from '../shared/codes.js';
import { commonInterests } from '../shared/interests.js';
import type { JoinQueueResult, MatchType, WaitingPayload } from '../shared/protocol.js';
import { formatIso } from '../shared/time.js';
import type { NewRoom, RoomRecord } from '../storage/chat-repository.js';
import { backToWaiting, leftBeforeMeeting, stateOf, type Activity, type ActivityRegistry, type ActivityState } from './activity-registry.js';
import type { Caller } from './caller.js';
import type { ChatNotifier } from './notifier.js';
import type { RoomCloser } from './room-closer.js';

/** A match whose partner vanished meanwhile is retried this many times before the caller just waits. */
const MAX_MATCH_ATTEMPTS = 5;
/** A waiting person whose choice failed (storage or queue unreachable) has it made again this much later. */
const RETRY_AFTER_FAILURE_MS = 5_000;

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
  /** Whether one of the two blocked the other, as this instance knows (no I/O). */
  blockedPair: (userId: string, otherId: string) => boolean;
  /** Zone of the times sent to clients (`fallback_at`). */
  timezone: string;
  /** Each match, for the metrics. */
  events: Pick<AppEvents, 'matched'>;
  /** Ends the first one's chat with the other because of a block (see `ActivityEnder.endChatWith`). */
  endBlocked: (userId: string, otherId: string) => Promise<boolean>;
}

/**
 * `request`: the person asked to wait (join_queue); `rematch`: made for somebody already waiting, who is told
 * of a failure by an `error` event; `retry`: the same without the event — made again after such a choice
 * failed (told once: not every 5 s of an outage), or asked by a waiting person whose request's answer says
 * it (`widen_search`).
 */
type Origin = 'request' | 'rematch' | 'retry';

export class Matchmaker {
  /** Per waiting identity with interests: the timer that runs the choice again at its fallback time. */
  private readonly fallbackTimers: KeyedTimers<string>;

  constructor(private readonly deps: MatchmakerDeps) {
    this.fallbackTimers = new KeyedTimers(deps.clock);
  }

  /**
   * `self` is the caller's `waiting` activity as last read. Pairs it, or leaves it waiting in the queue
   * (keeping an earlier place in it).
   */
  async match(caller: Caller, self: Activity, origin: Origin = 'request'): Promise<JoinQueueResult> {
    return (await this.run(caller, self, origin, false))!;
  }

  /**
   * The same for somebody who is waiting already and asks again (start pressed twice): a match made for
   * them meanwhile — their entry taken just before this queued it again — wins, and that entry goes.
   */
  async rejoin(caller: Caller, self: Activity): Promise<JoinQueueResult> {
    return (await this.run(caller, self, 'request', false, true))!;
  }

  /**
   * The choice again for somebody already queued (their fallback time came, or they widened their
   * search): undefined, and nothing done, if they are no longer queued (taken meanwhile). `asked`: the
   * person asked (`widen_search`), and a failure is told in the answer, not also as an event.
   */
  async matchQueued(caller: Caller, self: Activity, asked = false): Promise<JoinQueueResult | undefined> {
    return this.run(caller, self, asked ? 'retry' : 'rematch', true);
  }

  /** Stops the identity's fallback timer (its wait ended, or needs none any more). */
  cancelFallback(userId: string): void {
    this.fallbackTimers.cancel(userId);
  }

  /** Stops every fallback timer (shutdown). */
  stop(): void {
    this.fallbackTimers.stop();
  }

  private async run(caller: Caller, self: Activity, origin: Origin, queuedOnly: boolean, recheck = false): Promise<JoinQueueResult | undefined> {
    const entry: QueueEntry = { userId: caller.userId, socketId: caller.socketId, avoid: this.deps.avoidFor(caller.userId), ...entryInterests(self) };
    try {
      return await this.matchOrWait(caller, self, entry, queuedOnly, recheck, origin);
    } catch (error) {
      // Nobody asked for this attempt (a partner put back after a failed match, the end of an interests
      // wait): tell them instead — they wait on, and the choice is made again a little later.
      if (origin !== 'request') {
        if (origin === 'rematch') {
          const code = isAppError(error) ? error.code : ErrorCode.INTERNAL_ERROR;
          this.deps.notifier.toSocket(caller.socketId, 'error', { code, message: errorText[caller.lang][code] });
        }
        this.retryLater(caller.userId, caller.socketId);
      }
      throw error;
    }
  }

  private async matchOrWait(caller: Caller, self: Activity, entry: QueueEntry, queuedOnly: boolean, recheck: boolean, origin: Origin): Promise<JoinQueueResult | undefined> {
    const { queue } = this.deps;
    for (let attempt = 0; attempt < MAX_MATCH_ATTEMPTS; attempt++) {
      // Taking a partner took the caller out of the queue too: a later attempt joins again.
      const outcome = await this.orGiveUp(caller, self, origin, () => (queuedOnly && attempt === 0 ? queue.matchQueued(entry) : queue.joinOrMatch(entry)));
      if (!outcome) return undefined;
      if (outcome.kind === 'waiting') {
        const matched = recheck ? await this.matchedMeanwhile(caller) : undefined;
        return matched ?? this.announceWaiting(caller, self, outcome.waitingCount);
      }
      const result = await this.pair(caller, self, outcome.partner, origin);
      if (result) return result;
    }
    // Every partner taken had vanished: wait in the queue like anyone else.
    await this.orGiveUp(caller, self, origin, () => queue.enqueue(entry));
    return this.announceWaiting(caller, self, Math.max(0, (await queue.size()) - 1));
  }

  /**
   * A waiting person's entry was taken by somebody pairing with them while their own second join put it
   * back: they are chatting now (`matched` was or will be sent), and the entry put back goes.
   */
  private async matchedMeanwhile(caller: Caller): Promise<JoinQueueResult | undefined> {
    const now = await this.deps.registry.get(caller.userId);
    if (now?.kind !== 'chatting' || now.socketId !== caller.socketId) return undefined;
    await this.deps.queue.remove(caller.userId, caller.socketId);
    return { status: 'matched', room_id: now.roomId };
  }

  /** Tells the caller they wait, with their interests and — while it lasts — the end of the wait for a shared one. */
  private announceWaiting(caller: Caller, self: Activity, waitingCount: number): JoinQueueResult {
    const details: Pick<WaitingPayload, 'interests' | 'fallback_at'> = {};
    if (self.kind === 'waiting' && self.interests?.length) {
      details.interests = self.interests;
      const fallbackAtMs = self.fallbackAtMs ?? 0;
      if (fallbackAtMs > this.deps.clock.now().getTime()) {
        details.fallback_at = formatIso(new Date(fallbackAtMs), this.deps.timezone);
        this.scheduleFallback(caller.userId, caller.socketId, fallbackAtMs);
      }
    }
    this.deps.notifier.toSocket(caller.socketId, 'waiting', { message: eventText[caller.lang].waiting, waiting_count: waitingCount, ...details });
    return { status: 'waiting', waiting_count: waitingCount, ...details };
  }

  /**
   * At the fallback time the choice is made again for the waiting person, if their wait is still the same
   * (same connection, attached): one whose connection dropped is matched again when it is back.
   */
  private scheduleFallback(userId: string, socketId: string, fallbackAtMs: number): void {
    const { clock, registry, logger } = this.deps;
    this.fallbackTimers.start(userId, fallbackAtMs - clock.now().getTime(), () => {
      void (async () => {
        const now = await registry.get(userId);
        if (now?.kind !== 'waiting' || now.socketId !== socketId || now.detached) return;
        await this.matchQueued({ userId, socketId, lang: now.lang, networkHash: now.networkHash }, now);
      })().catch((err: unknown) => logger.warn({ err, userId }, 'matching at the end of an interests wait failed'));
    });
  }

  /**
   * Opens a room for the caller and a partner taken from the queue. Undefined when the partner cannot
   * be paired (gone, or its connection lost): the caller tries the next one.
   */
  private async pair(caller: Caller, self: Activity, partner: QueuedEntry, origin: Origin): Promise<JoinQueueResult | undefined> {
    const { registry, createRoom, closer, clock, queue } = this.deps;
    let partnerNow: Activity | undefined;
    let room: RoomRecord;
    let common: string[] = [];
    try {
      partnerNow = await registry.get(partner.userId);
      // Not waiting any more (or waiting in a private room since): a leftover entry, nobody to put back.
      if (partnerNow?.kind !== 'waiting' || partnerNow.privateKey !== undefined) return undefined;
      if (partnerNow.detached) {
        // Their connection is gone: nobody's partner until they are back, but they keep their place.
        await this.putBack(partner, partnerNow);
        return undefined;
      }
      common = commonInterests(self.kind === 'waiting' ? self.interests : undefined, partnerNow.interests);
      room = await createRoom({
        user1Id: partner.userId,
        user2Id: caller.userId,
        matchType: common.length > 0 ? 'interests' : 'random',
        createdAt: clock.now(),
        user1Network: partnerNow.networkHash,
        user2Network: caller.networkHash ?? self.networkHash,
      });
    } catch (cause) {
      // Unknown state (the registry failed) or still waiting: either way the partner goes back to its place.
      if (partnerNow === undefined || partnerNow.kind === 'waiting') await this.putBack(partner, partnerNow);
      await this.giveUp(caller, self, origin);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }

    let partnerChatting: Activity | undefined;
    let selfChatting: Activity | undefined;
    try {
      const startedMs = clock.now().getTime();
      partnerChatting = await registry.transition(partner.userId, { rev: partnerNow.rev }, { ...withoutWait(stateOf(partnerNow)), kind: 'chatting', roomId: room.id, partnerId: caller.userId, startedMs });
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
      await this.giveUp(caller, self, origin);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
    if (!selfChatting) {
      // The caller changed meanwhile (its connection dropped, or the page took it over from a new
      // connection): the partner waits again at their place, the caller too if still waiting.
      await this.undo(room.id, partner, partnerNow, partnerChatting);
      await this.putBackIfWaiting({ userId: caller.userId, socketId: caller.socketId });
      return { status: 'waiting', waiting_count: 0 };
    }
    let stranded: Activity | undefined;
    if (await leftBeforeMeeting(registry, partner.userId, room.id, this.deps.logger)) {
      // The partner's chat ended (a ban, a leave, a drop) after it was moved and before the caller was: its
      // ender found the caller still waiting and closed the room without them. The caller waits on.
      const back = await backToWaiting(registry, caller.userId, selfChatting, self, room.id, this.deps.logger);
      if ('waiting' in back) {
        await this.putBack({ userId: caller.userId, socketId: caller.socketId }, back.waiting);
        return { status: 'waiting', waiting_count: 0 };
      }
      stranded = back.stranded;
    }

    this.cancelFallback(partner.userId);
    this.cancelFallback(caller.userId);
    // Told at once, before anything else is awaited: a block that ends this chat is then told after it.
    const how = common.length > 0 ? { match_type: 'interests' as const, common_interests: common } : { match_type: 'random' as const };
    this.announceMatch(room.id, partnerNow.socketId, caller.socketId, how);
    if (stranded) this.deps.notifier.toSocket(stranded.socketId, 'partner_left', { message: eventText[stranded.lang].partnerLeft, reason: 'left', room_id: room.id });
    // An entry a second join of either queued again after it was taken (see `rejoin`) is not left behind.
    const leftovers = Promise.all([queue.remove(partner.userId, partnerNow.socketId), queue.remove(caller.userId, caller.socketId)]).catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'removing leftover queue entries after a match failed'),
    );
    await Promise.all([leftovers, this.endIfBlockedMeanwhile(caller.userId, partner.userId)]);
    return { status: 'matched', room_id: room.id, ...how };
  }

  /**
   * A block between the two acked while they were being paired (after the queue handed the partner out)
   * ends the new chat at once; both see an ordinary goodbye (which of them blocked is not known here). Asked once both
   * are in the room and told: a block writes its hold in the queue, then ends a chat of the two that it finds
   * in the registry — so either this sees the hold, or the block sees the chat (or both: one of them ends
   * it). If the hold cannot be read (the queue's Redis is away), the chat goes on: the block's own look at
   * the registry still ends it unless that look came before both were in the room.
   */
  private async endIfBlockedMeanwhile(callerId: string, partnerId: string): Promise<void> {
    const { blockedPair, queue, endBlocked, logger } = this.deps;
    try {
      if (blockedPair(callerId, partnerId) || (await queue.isKeptApart(callerId, partnerId))) await endBlocked(partnerId, callerId);
    } catch (err) {
      logger.warn({ err }, 'could not check a new match against a block made meanwhile');
    }
  }

  /** Both sides learn the room and how they were paired (the shared interests, if any). */
  private announceMatch(roomId: number, partnerSocketId: string, callerSocketId: string, how: { match_type: MatchType; common_interests?: string[] }): void {
    const { notifier, logger } = this.deps;
    notifier.joinConversation(partnerSocketId, roomId);
    notifier.joinConversation(callerSocketId, roomId);
    notifier.toConversation(roomId, 'matched', { room_id: roomId, ...how });
    logger.info({ roomId, matchType: how.match_type }, 'matched');
    this.deps.events.matched(how.match_type);
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
      this.retryLater(entry.userId, entry.socketId);
    }
  }

  /**
   * Puts a waiting person taken from the queue back at their place. One whose connection is there is
   * matched at once if somebody suitable arrived meanwhile — two people must never both wait in the queue
   * unmatched. Never throws: a failure is logged.
   */
  private async putBack(entry: QueueEntry | QueuedEntry, activity: Activity | undefined): Promise<void> {
    const { queue, logger } = this.deps;
    // The wait's interests and fallback time are the activity's (the entry may have been made without them).
    const wait = activity ? entryInterests(activity) : {};
    try {
      // A partner taken from the queue goes back to its own place; a caller who never had one, to the end.
      if ('seq' in entry) await queue.requeue({ ...entry, ...wait });
      else await queue.enqueue({ ...entry, ...wait });
      if (activity?.detached) await queue.pause(entry.userId);
      else if (activity?.kind === 'waiting') {
        const caller: Caller = { userId: entry.userId, socketId: activity.socketId, lang: activity.lang, networkHash: activity.networkHash };
        await this.match(caller, activity, 'rematch');
      }
    } catch (err) {
      logger.warn({ err }, 'could not put somebody back in the queue');
      // Waiting (or not known: the registry was out of reach), perhaps without a place in the queue: the
      // choice is made again later, if the wait is still the same then (a failed re-match scheduled it already).
      if (!activity || (activity.kind === 'waiting' && !activity.detached)) this.retryLater(entry.userId, activity?.socketId ?? entry.socketId);
    }
  }

  /**
   * Makes the choice again later for a waiting person whose last one failed, while that wait lasts (same
   * connection, attached) — joining the queue again if they lost their place in it. A failure schedules the
   * next try; a match, a leave or an end of the wait stops them (`cancelFallback`).
   */
  private retryLater(userId: string, socketId: string): void {
    const { registry, logger } = this.deps;
    this.fallbackTimers.start(userId, RETRY_AFTER_FAILURE_MS, () => {
      void (async () => {
        const now = await registry.get(userId);
        if (now?.kind !== 'waiting' || now.socketId !== socketId || now.detached || now.privateKey !== undefined) return;
        await this.match({ userId, socketId, lang: now.lang, networkHash: now.networkHash }, now, 'retry');
      })().catch((err: unknown) => {
        logger.warn({ err, userId }, 'matching again after a failure failed');
        // The registry itself was out of reach: try again later.
        if (!this.fallbackTimers.has(userId)) this.retryLater(userId, socketId);
      });
    });
  }

  /** Runs a queue operation; if it fails, the caller is given up (see `giveUp`) instead of being stranded. */
  private async orGiveUp<T>(caller: Caller, self: Activity, origin: Origin, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      await this.giveUp(caller, self, origin);
      throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
  }

  /**
   * A failed choice. Asked for (`join_queue`): the wait ends with the error — out of the registry and the
   * queue (best effort); the page shows the error and the start screen. Made for somebody already waiting
   * (a re-match): the wait goes on — back in the queue if the attempt took them out, and made again later
   * (`run`) — for their page still shows them waiting, and nothing else would ever match them again.
   */
  private async giveUp(caller: Caller, self: Activity, origin: Origin): Promise<void> {
    const { registry, queue, logger } = this.deps;
    if (origin !== 'request') {
      // Only a wait still this connection's (one that left meanwhile must not leave an entry behind).
      const requeue = async () => {
        const now = await registry.get(caller.userId);
        if (now?.kind !== 'waiting' || now.socketId !== caller.socketId) return;
        await queue.enqueue({ userId: caller.userId, socketId: caller.socketId, avoid: this.deps.avoidFor(caller.userId), ...entryInterests(now) });
      };
      await requeue().catch((err: unknown) => logger.warn({ err }, 'could not queue a wait again after a failed match'));
      return;
    }
    await registry.release(caller.userId, { rev: self.rev }).catch((err: unknown) => logger.warn({ err }, 'could not release a failed wait'));
    await queue.remove(caller.userId, caller.socketId).catch((err: unknown) => logger.warn({ err }, 'could not remove a failed wait from the queue'));
  }
}

/** The interests and fallback time of a wait, as its queue entry carries them. */
export function entryInterests(activity: Activity): Pick<QueueEntry, 'interests' | 'fallbackAtMs'> {
  if (activity.kind !== 'waiting' || !activity.interests?.length) return {};
  return { interests: activity.interests, fallbackAtMs: activity.fallbackAtMs ?? 0 };
}

/** A wait's state without what only a wait carries (interests, fallback time, its id), to become a chat. */
function withoutWait(state: ActivityState): ActivityState {
  if (state.kind !== 'waiting') return state;
  const { interests: _interests, fallbackAtMs: _fallbackAtMs, waitId: _waitId, ...rest } = state;
  return rest;
}
