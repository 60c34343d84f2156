/**
 * Conversation lifecycle: join the queue, get matched, relay messages, leave or drop.
 * Knows the seams (queue, registry, repository, writer, notifier), never Socket.IO.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import type { MatchQueue, QueueEntry } from '../matching/match-queue.js';
import { eventText, type Lang } from '../shared/codes.js';
import type { EndReason, JoinQueueResult, SendMessagePayload, SendMessageResult } from '../shared/protocol.js';
import type { ChatRepository } from '../storage/chat-repository.js';
import type { MessageWriter } from '../storage/message-writer.js';
import type { Activity, ActivityRegistry } from './activity-registry.js';
import { checkContent, toWireMessage } from './message-rules.js';
import type { ChatNotifier } from './notifier.js';

/** Who is asking: an identity and the connection it asks from. */
export interface Caller {
  userId: string;
  socketId: string;
  lang: Lang;
}

export interface ChatServiceDeps {
  queue: MatchQueue;
  registry: ActivityRegistry;
  repository: ChatRepository;
  writer: MessageWriter;
  notifier: ChatNotifier;
  clock: Clock;
  logger: Logger;
  timezone: string;
}

/** A match whose partner vanished meanwhile is retried this many times before the caller just waits. */
const MAX_MATCH_ATTEMPTS = 5;

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  async joinQueue(caller: Caller): Promise<JoinQueueResult> {
    const { registry, queue } = this.deps;
    const current = await registry.get(caller.userId);
    if (current?.kind === 'waiting' && current.socketId === caller.socketId) {
      // Pressing start twice is harmless: still waiting, same place.
      return this.announceWaiting(caller, await queue.size());
    }
    if (current) throw new AppError(ErrorCode.ALREADY_CHATTING);
    if (!(await registry.claim(caller.userId, { kind: 'waiting', socketId: caller.socketId, lang: caller.lang }))) {
      throw new AppError(ErrorCode.ALREADY_CHATTING);
    }
    return this.match(caller);
  }

  async leaveQueue(caller: Caller): Promise<{ was_waiting: boolean }> {
    const current = await this.deps.registry.get(caller.userId);
    if (current?.kind !== 'waiting' || current.socketId !== caller.socketId) return { was_waiting: false };
    await this.deps.queue.remove(caller.userId, caller.socketId);
    await this.deps.registry.release(caller.userId, { socketId: caller.socketId, kind: 'waiting' });
    return { was_waiting: true };
  }

  async sendMessage(caller: Caller, payload: SendMessagePayload): Promise<SendMessageResult> {
    const current = await this.deps.registry.get(caller.userId);
    if (current?.kind !== 'chatting' || current.socketId !== caller.socketId) throw new AppError(ErrorCode.NOT_IN_CHAT);
    checkContent(payload.content);
    const outcome = await this.deps.writer.append({
      roomId: current.roomId,
      senderId: caller.userId,
      content: payload.content,
      createdAt: this.deps.clock.now(),
      cid: payload.cid,
    });
    if (outcome.status === 'room_closed') throw new AppError(ErrorCode.NOT_IN_CHAT);
    const message = toWireMessage(outcome.message, this.deps.timezone);
    // A retried cid was delivered the first time; only its sender hears about it again, through the ack.
    if (outcome.status === 'stored') this.deps.notifier.toConversation(current.roomId, 'new_message', message);
    return { message };
  }

  async leaveRoom(caller: Caller): Promise<{ room_id: number | null }> {
    const current = await this.deps.registry.get(caller.userId);
    if (current?.socketId === caller.socketId && current.kind === 'waiting') {
      await this.leaveQueue(caller);
      this.deps.notifier.toSocket(caller.socketId, 'left_room', { message: eventText[caller.lang].leftRoom });
      return { room_id: null };
    }
    if (current?.kind !== 'chatting' || current.socketId !== caller.socketId) throw new AppError(ErrorCode.NOT_IN_CHAT);
    await this.endConversation(caller, current, 'left');
    return { room_id: current.roomId };
  }

  /** The caller's connection is gone. `reason` is `disconnected`, or `server_shutdown` when we close. */
  async disconnect(caller: Caller, reason: EndReason = 'disconnected'): Promise<void> {
    const current = await this.deps.registry.get(caller.userId);
    if (!current || current.socketId !== caller.socketId) return; // another tab owns the activity, if any
    if (current.kind === 'waiting') {
      await this.leaveQueue(caller);
      return;
    }
    await this.endConversation(caller, current, reason);
  }

  private async match(caller: Caller): Promise<JoinQueueResult> {
    const self: QueueEntry = { userId: caller.userId, socketId: caller.socketId };
    for (let attempt = 0; attempt < MAX_MATCH_ATTEMPTS; attempt++) {
      const outcome = await this.joinOrMatch(caller, self);
      if (outcome.kind === 'waiting') return this.announceWaiting(caller, outcome.waitingCount);
      const roomId = await this.startConversation(caller, outcome.partner);
      if (roomId !== undefined) return { status: 'matched', room_id: roomId };
    }
    // Every partner we took vanished; wait in the queue like anyone else.
    const outcome = await this.joinOrMatch(caller, self);
    if (outcome.kind === 'matched') await this.deps.queue.requeueFront(outcome.partner);
    const count = outcome.kind === 'waiting' ? outcome.waitingCount : await this.deps.queue.size();
    return this.announceWaiting(caller, count);
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
    const { registry, repository, notifier, clock } = this.deps;
    const partnerActivity = await registry.get(partner.userId);
    if (partnerActivity?.kind !== 'waiting' || partnerActivity.socketId !== partner.socketId) return undefined;

    let roomId: number;
    try {
      const room = await repository.createRoom({ user1Id: partner.userId, user2Id: caller.userId, matchType: 'random', createdAt: clock.now() });
      roomId = room.id;
    } catch (cause) {
      await this.deps.queue.requeueFront(partner);
      await registry.release(caller.userId, { socketId: caller.socketId, kind: 'waiting' });
      throw new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }

    const partnerChatting: Activity = { kind: 'chatting', socketId: partner.socketId, lang: partnerActivity.lang, roomId, partnerId: caller.userId };
    if (!(await registry.transition(partner.userId, { socketId: partner.socketId, kind: 'waiting' }, partnerChatting))) {
      await this.closeQuietly(roomId, 'disconnected');
      return undefined;
    }
    const selfChatting: Activity = { kind: 'chatting', socketId: caller.socketId, lang: caller.lang, roomId, partnerId: partner.userId };
    if (!(await registry.transition(caller.userId, { socketId: caller.socketId, kind: 'waiting' }, selfChatting))) {
      // The caller went away while the room was being created: give the partner its place back.
      await this.closeQuietly(roomId, 'disconnected');
      await registry.transition(partner.userId, { roomId }, { kind: 'waiting', socketId: partner.socketId, lang: partnerActivity.lang });
      await this.deps.queue.requeueFront(partner);
      throw new AppError(ErrorCode.NOT_IN_CHAT);
    }
    notifier.joinConversation(partner.socketId, roomId);
    notifier.joinConversation(caller.socketId, roomId);
    notifier.toConversation(roomId, 'matched', { room_id: roomId });
    return roomId;
  }

  private async endConversation(caller: Caller, current: Extract<Activity, { kind: 'chatting' }>, reason: EndReason): Promise<void> {
    const { registry, notifier } = this.deps;
    const { roomId, partnerId } = current;
    // Free both identities first, so each can queue again at once, whatever the database does.
    await registry.release(caller.userId, { socketId: caller.socketId, roomId });
    const partner = await registry.get(partnerId);
    const partnerStillHere = partner?.kind === 'chatting' && partner.roomId === roomId;
    if (partnerStillHere) await registry.release(partnerId, { roomId });
    await this.closeQuietly(roomId, reason);

    notifier.leaveConversation(caller.socketId, roomId);
    if (reason === 'left') notifier.toSocket(caller.socketId, 'left_room', { message: eventText[caller.lang].leftRoom });
    if (partnerStillHere) {
      notifier.leaveConversation(partner.socketId, roomId);
      const text = eventText[partner.lang];
      const message = reason === 'left' ? text.partnerLeft : reason === 'server_shutdown' ? text.serverShutdown : text.partnerDisconnected;
      notifier.toSocket(partner.socketId, 'partner_left', { message, reason });
    }
  }

  /** Marks a room ended. A failure is logged, not thrown: the room is already over for both people,
   * and a start-up sweep ends rooms left active. */
  private async closeQuietly(roomId: number, reason: EndReason): Promise<void> {
    try {
      await this.deps.repository.endRoom(roomId, reason, this.deps.clock.now());
    } catch (err) {
      this.deps.logger.error({ err, roomId }, 'could not mark room ended');
    }
  }

  private announceWaiting(caller: Caller, waitingCount: number): JoinQueueResult {
    this.deps.notifier.toSocket(caller.socketId, 'waiting', { message: eventText[caller.lang].waiting, waiting_count: waitingCount });
    return { status: 'waiting', waiting_count: waitingCount };
  }
}
