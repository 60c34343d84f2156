/**
 * Conversation lifecycle: join the queue, get matched, relay messages, leave, drop and come back.
 * Knows the seams (queue, registry, repository, writer, notifier), never Socket.IO.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import type { MatchQueue } from '../matching/match-queue.js';
import { eventText } from '../shared/codes.js';
import type { EndReason, JoinQueueResult, SendMessagePayload, SendMessageResult, SessionStatus } from '../shared/protocol.js';
import type { ChatRepository, NewRoom, RoomRecord } from '../storage/chat-repository.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { MessageWriter } from '../storage/message-writer.js';
import type { Activity, ActivityRegistry, ChattingActivity } from './activity-registry.js';
import type { Caller } from './caller.js';
import { DeliveryGate } from './delivery-gate.js';
import { GuardedQueue, GuardedRegistry } from './guarded-seams.js';
import { Matchmaker } from './matchmaker.js';
import { checkContent, toWireMessage } from './message-rules.js';
import type { ChatNotifier } from './notifier.js';
import { RoomCloser } from './room-closer.js';

export type { Caller } from './caller.js';

/**
 * How a connection ended: `lost` (network drop, ping timeout, page reload or close) keeps the activity
 * for the reconnect grace period; `closed` (the client disconnected on purpose) ends it at once.
 */
export type ConnectionEnd = 'lost' | 'closed';

export interface ChatServiceDeps {
  queue: MatchQueue;
  registry: ActivityRegistry;
  repository: ChatRepository;
  writer: MessageWriter;
  notifier: ChatNotifier;
  clock: Clock;
  logger: Logger;
  timezone: string;
  /** Grace period for lost connections; 0 ends chats at once. */
  reconnectGraceMs: number;
  /** This instance, stamped on the activities of its connections (cluster mode). */
  instanceId?: string;
  /** Whether another instance is alive (cluster mode); without it, every connection is on this one. */
  instanceLiveness?: { isAlive(instanceId: string): Promise<boolean> };
}

export class ChatService {
  private readonly deps: ChatServiceDeps;
  private readonly gate: DeliveryGate;
  private readonly closer: RoomCloser;
  private readonly matchmaker: Matchmaker;
  /** Grace timers of identities whose connection to this process was lost. */
  private readonly graceTimers = new Map<string, () => void>();

  constructor(deps: ChatServiceDeps) {
    this.deps = { ...deps, registry: new GuardedRegistry(deps.registry), queue: new GuardedQueue(deps.queue) };
    this.gate = new DeliveryGate(deps.notifier);
    this.closer = new RoomCloser(deps.repository, deps.clock, deps.logger);
    // Rooms of matches made at the same moment are inserted together, as messages are.
    const rooms = new GroupCommit<NewRoom, RoomRecord>((batch) => deps.repository.createRooms(batch), {
      maxBatch: 500,
      maxQueued: 50_000,
      busy: () => new AppError(ErrorCode.SERVER_BUSY, { retryAfterMs: 1_000 }),
      failed: (cause) => new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause }),
    });
    this.matchmaker = new Matchmaker({ ...this.deps, closer: this.closer, createRoom: (room) => rooms.submit(room) });
  }

  async joinQueue(caller: Caller): Promise<JoinQueueResult> {
    const { registry, queue } = this.deps;
    const current = await registry.get(caller.userId);
    if (current?.kind === 'waiting' && current.socketId === caller.socketId) {
      // Pressing start twice is harmless: still waiting, same place.
      return this.matchmaker.announceWaiting(caller, await queue.size());
    }
    if (current) throw new AppError(ErrorCode.ALREADY_CHATTING);
    if (!(await registry.claim(caller.userId, { kind: 'waiting', socketId: caller.socketId, lang: caller.lang, instanceId: this.deps.instanceId }))) {
      throw new AppError(ErrorCode.ALREADY_CHATTING);
    }
    return this.matchmaker.match(caller);
  }

  async leaveQueue(caller: Caller): Promise<{ was_waiting: boolean }> {
    const current = await this.deps.registry.get(caller.userId);
    if (current?.kind !== 'waiting' || current.socketId !== caller.socketId) return { was_waiting: false };
    await this.deps.queue.remove(caller.userId);
    await this.deps.registry.release(caller.userId, { socketId: caller.socketId, kind: 'waiting' });
    return { was_waiting: true };
  }

  async sendMessage(caller: Caller, payload: SendMessagePayload): Promise<SendMessageResult> {
    const current = await this.ownActivity(caller);
    if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
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
    if (outcome.status === 'stored') this.gate.deliver(message);
    return { message };
  }

  async leaveRoom(caller: Caller): Promise<{ room_id: number | null }> {
    const current = await this.ownActivity(caller);
    if (current?.kind === 'waiting') {
      await this.leaveQueue(caller);
      this.deps.notifier.toSocket(caller.socketId, 'left_room', { message: eventText[caller.lang].leftRoom });
      return { room_id: null };
    }
    if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
    await this.endConversation(caller.userId, current, 'left');
    return { room_id: current.roomId };
  }

  /** A connection ended. Lost connections keep their chat or place in the queue for the grace period. */
  async disconnect(caller: Caller, end: ConnectionEnd): Promise<void> {
    const current = await this.ownActivity(caller);
    if (!current) return; // another tab owns the activity, if any
    if (end === 'lost' && this.deps.reconnectGraceMs > 0) {
      await this.detach(caller, current);
      return;
    }
    await this.endActivity(caller.userId, current, 'disconnected');
  }

  /**
   * Status of an identity for a connection that is opening, taking over its activity if its connection
   * was lost, is gone without a goodbye (its instance died), or — with `takeOver`, the same page coming
   * back — is still considered open. An activity held by another open connection belongs to another tab.
   */
  async attach(caller: Caller, options: { takeOver?: boolean } = {}): Promise<{ status: SessionStatus; resumed?: Activity }> {
    const current = await this.deps.registry.get(caller.userId);
    if (!current) return { status: 'idle' };
    const replacing = !current.detached && !options.takeOver;
    if (replacing && (await this.holderConnected(current))) return { status: current.kind };
    const resumed: Activity = { ...current, socketId: caller.socketId, lang: caller.lang, detached: undefined, instanceId: this.deps.instanceId };
    if (!(await this.deps.registry.transition(caller.userId, { socketId: current.socketId }, resumed))) return this.attach(caller, options);
    this.graceTimers.get(caller.userId)?.();
    this.graceTimers.delete(caller.userId);
    if (!current.detached) {
      // The old connection may still be open (a reload the server has not seen close yet): retire it.
      if (current.kind === 'chatting') this.deps.notifier.leaveConversation(current.socketId, current.roomId);
      this.deps.notifier.disconnect(current.socketId);
    }
    return { status: current.kind, resumed: { ...resumed, detached: current.detached } };
  }

  /**
   * After `attach` resumed an activity and the connection is open: tells the connection where it is and
   * replays the messages it missed, after `lastSeenId` when the client names one.
   */
  async completeResume(caller: Caller, resumed: Activity, lastSeenId: number | undefined): Promise<void> {
    const { notifier, repository, timezone } = this.deps;
    if (resumed.kind === 'waiting') {
      this.matchmaker.announceWaiting(caller, await this.deps.queue.size());
      return;
    }
    notifier.toSocket(caller.socketId, 'matched', { room_id: resumed.roomId, resumed: true });
    const afterId = lastSeenId ?? resumed.detached?.resumeAfterId ?? 0;
    const replayed = await this.gate.replay(resumed.roomId, caller.socketId, async () =>
      (await repository.listMessages(resumed.roomId, { afterId })).map((m) => toWireMessage(m, timezone)),
    );
    this.deps.logger.debug({ roomId: resumed.roomId, replayed }, 'chat resumed');
    const partner = await this.deps.registry.get(resumed.partnerId);
    if (partner?.kind === 'chatting' && partner.roomId === resumed.roomId && !partner.detached) {
      notifier.toSocket(partner.socketId, 'partner_reconnected', { message: eventText[partner.lang].partnerReconnected });
    }
  }

  /** Ends the activity of every given connection because the server stops; partners are told why. */
  async shutdown(callers: Iterable<Caller>): Promise<void> {
    for (const cancel of this.graceTimers.values()) cancel();
    this.graceTimers.clear();
    for (const caller of callers) {
      const current = await this.ownActivity(caller);
      if (current) await this.endActivity(caller.userId, current, 'server_shutdown');
    }
    await this.closer.flush();
  }

  /**
   * Takes over the people of an instance that died (cluster mode): their connections are gone, so they
   * get the grace period from now (or what was left of it), counted by this instance.
   */
  async adopt(userId: string, activity: Activity): Promise<void> {
    const caller: Caller = { userId, socketId: activity.socketId, lang: activity.lang };
    await this.detach(caller, activity, activity.detached?.sinceMs);
  }

  /** Grace timers still running (identities expected back). */
  get detachedCount(): number {
    return this.graceTimers.size;
  }

  /** Whether the connection holding an activity is still there: here, or on a live instance. */
  private async holderConnected(activity: Activity): Promise<boolean> {
    const { instanceId, instanceLiveness, notifier } = this.deps;
    if (activity.instanceId && activity.instanceId !== instanceId && instanceLiveness) return instanceLiveness.isAlive(activity.instanceId);
    return notifier.isConnected(activity.socketId);
  }

  private async ownActivity(caller: Caller): Promise<Activity | undefined> {
    const current = await this.deps.registry.get(caller.userId);
    return current?.socketId === caller.socketId ? current : undefined;
  }

  private async detach(caller: Caller, current: Activity, sinceMs = this.deps.clock.now().getTime()): Promise<void> {
    const { registry, clock, notifier, repository, reconnectGraceMs } = this.deps;
    // Detached first, with nothing else awaited before: a reconnection arriving now must find it resumable.
    const detached: Activity = { ...current, detached: { sinceMs, resumeAfterId: current.detached?.resumeAfterId }, instanceId: this.deps.instanceId };
    if (!(await registry.transition(caller.userId, { socketId: caller.socketId }, detached))) return;
    if (current.kind === 'chatting' && !current.detached) {
      // Where replay starts for a client that does not name its last message: after what the lost
      // connection was sent. Recorded only if the activity is still the detached one.
      const resumeAfterId = await repository.lastMessageId(current.roomId).catch(() => undefined);
      if (resumeAfterId !== undefined) {
        const withReplayPoint: Activity = { ...detached, detached: { sinceMs, resumeAfterId } };
        await registry.transition(caller.userId, { socketId: caller.socketId, roomId: current.roomId }, withReplayPoint);
      }
    }
    if (current.kind === 'chatting' && !current.detached) {
      notifier.leaveConversation(caller.socketId, current.roomId);
      const partner = await registry.get(current.partnerId);
      if (partner?.kind === 'chatting' && partner.roomId === current.roomId) {
        notifier.toSocket(partner.socketId, 'partner_disconnected', { message: eventText[partner.lang].partnerConnectionLost, grace_ms: reconnectGraceMs });
      }
    }
    const remainingMs = Math.max(0, sinceMs + reconnectGraceMs - clock.now().getTime());
    this.graceTimers.set(
      caller.userId,
      clock.schedule(remainingMs, () => {
        this.graceTimers.delete(caller.userId);
        void this.expire(caller).catch((err: unknown) => this.deps.logger.error({ err }, 'ending a lapsed grace period failed'));
      }),
    );
  }

  /** The grace period ran out: if the identity did not come back, its chat or wait ends. */
  private async expire(caller: Caller): Promise<void> {
    const current = await this.ownActivity(caller);
    if (current?.detached) await this.endActivity(caller.userId, current, 'disconnected');
  }

  private async endActivity(userId: string, current: Activity, reason: EndReason): Promise<void> {
    if (current.kind === 'waiting') {
      await this.deps.queue.remove(userId);
      await this.deps.registry.release(userId, { socketId: current.socketId, kind: 'waiting' });
      return;
    }
    await this.endConversation(userId, current, reason);
  }

  private async endConversation(userId: string, current: ChattingActivity, reason: EndReason): Promise<void> {
    const { registry, notifier } = this.deps;
    const { roomId, partnerId } = current;
    // Free both identities first, so each can queue again at once, whatever the database does.
    await registry.release(userId, { socketId: current.socketId, roomId });
    const partner = await registry.get(partnerId);
    const partnerStillHere = partner?.kind === 'chatting' && partner.roomId === roomId;
    if (partnerStillHere) {
      await registry.release(partnerId, { roomId });
      this.graceTimers.get(partnerId)?.();
      this.graceTimers.delete(partnerId);
    }
    await this.closer.close(roomId, reason);

    notifier.leaveConversation(current.socketId, roomId);
    if (reason === 'left') notifier.toSocket(current.socketId, 'left_room', { message: eventText[current.lang].leftRoom });
    if (reason === 'server_shutdown') notifier.toSocket(current.socketId, 'server_shutdown', { message: eventText[current.lang].serverShutdown });
    if (partnerStillHere) {
      notifier.leaveConversation(partner.socketId, roomId);
      const text = eventText[partner.lang];
      const message = reason === 'left' ? text.partnerLeft : reason === 'server_shutdown' ? text.serverShutdown : text.partnerDisconnected;
      notifier.toSocket(partner.socketId, 'partner_left', { message, reason });
    }
  }
}
