/**
 * Pairs a caller with the longest-waiting stranger: the queue hands out a partner atomically, then both
 * identities move from waiting to chatting by compare-and-set, so a partner who left meanwhile is
 * skipped and nobody ends up in two chats.
 */
import type { Clock } from '../clock.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { MatchQueue, QueueEntry } from '../matching/match-queue.js';
import { eventText } from '../shared/codes.js';
import type { JoinQueueResult } from '../shared/protocol.js';
import type { NewRoom, RoomRecord } from '../storage/chat-repository.js';
import type { Activity, ActivityRegistry } from './activity-registry.js';
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
  reconnectGraceMs: number;
  instanceId?: string;
}

export class Matchmaker {
  constructor(private readonly deps: MatchmakerDeps) {}

  /** The caller already holds a `waiting` activity. Pairs it, or leaves it waiting in the queue. */
  async match(caller: Caller): Promise<JoinQueueResult> {
    const self: QueueEntry = { userId: caller.userId, socketId: caller.socketId };
    for (let attempt = 0; attempt < MAX_MATCH_ATTEMPTS; attempt++) {
      const outcome = await this.joinOrMatch(caller, self);
      if (outcome.kind === 'waiting') return this.announceWaiting(caller, outcome.waitingCount);
      const roomId = await this.startConversation(caller, outcome.partner);
      if (roomId !== undefined) return { status: 'matched', room_id: roomId };
    }
    // Every partner we took had vanished; wait in the queue like anyone else.
    const outcome = await this.joinOrMatch(caller, self);
    if (outcome.kind === 'matched') await this.deps.queue.requeueFront(outcome.partner);
    const count = outcome.kind === 'waiting' ? outcome.waitingCount : await this.deps.queue.size();
    return this.announceWaiting(caller, count);
  }

  announceWaiting(caller: Caller, waitingCount: number): JoinQueueResult {
    this.deps.notifier.toSocket(caller.socketId, 'waiting', { message: eventText[caller.lang].waiting, waiting_count: waitingCount });
    return { status: 'waiting', waiting_count: waitingCount };
  }

  private async joinOrMatch(caller: Caller, self: QueueEntry) {
    try {
      return await this.deps.queue.joinOrMatch(self);
    } catch (cause) {
      await this.deps.registry.release(caller.userId, { socketId: caller.socketId, kind: 'waiting' });
      throw new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
  }

  /** Opens a room for the caller and a partner taken from the queue. Undefined when the partner was gone. */
  private async startConversation(caller: Caller, partner: QueueEntry): Promise<number | undefined> {
    const { registry, createRoom, notifier, clock } = this.deps;
    const partnerActivity = await registry.get(partner.userId);
    if (partnerActivity?.kind !== 'waiting') return undefined;

    let roomId: number;
    try {
      roomId = (await createRoom({ user1Id: partner.userId, user2Id: caller.userId, matchType: 'random', createdAt: clock.now() })).id;
    } catch (cause) {
      await this.deps.queue.requeueFront(partner);
      await registry.release(caller.userId, { socketId: caller.socketId, kind: 'waiting' });
      throw isAppError(cause) ? cause : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }

    // The partner may be between connections (reconnect grace): it stays detached and catches up on return.
    const partnerChatting: Activity = { ...partnerActivity, kind: 'chatting', roomId, partnerId: caller.userId };
    if (!(await registry.transition(partner.userId, { socketId: partnerActivity.socketId, kind: 'waiting' }, partnerChatting))) {
      await this.deps.closer.close(roomId, 'disconnected');
      return undefined;
    }
    const selfChatting: Activity = {
      kind: 'chatting',
      socketId: caller.socketId,
      lang: caller.lang,
      roomId,
      partnerId: partner.userId,
      instanceId: this.deps.instanceId,
    };
    if (!(await registry.transition(caller.userId, { socketId: caller.socketId, kind: 'waiting' }, selfChatting))) {
      // The caller went away while the room was being created: give the partner its place back.
      await this.deps.closer.close(roomId, 'disconnected');
      await registry.transition(partner.userId, { roomId }, partnerActivity);
      await this.deps.queue.requeueFront(partner);
      throw new AppError(ErrorCode.NOT_IN_CHAT);
    }
    if (!partnerActivity.detached) notifier.joinConversation(partnerActivity.socketId, roomId);
    notifier.joinConversation(caller.socketId, roomId);
    notifier.toConversation(roomId, 'matched', { room_id: roomId });
    if (partnerActivity.detached) {
      const graceLeftMs = Math.max(0, partnerActivity.detached.sinceMs + this.deps.reconnectGraceMs - clock.now().getTime());
      notifier.toSocket(caller.socketId, 'partner_disconnected', { message: eventText[caller.lang].partnerConnectionLost, grace_ms: graceLeftMs });
    }
    return roomId;
  }
}
