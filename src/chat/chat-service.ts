/**
 * Conversation lifecycle: join the queue, get matched, relay messages, leave, drop and come back.
 * Knows the seams (queue, registry, repository, writer, notifier), never Socket.IO.
 *
 * Every change of an activity is a compare-and-set on the revision read just before, and a failed one is
 * never ignored: the step is retried on what changed, or left to whoever changed it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import type { MatchQueue } from '../matching/match-queue.js';
import { noAppEvents, type AppEvents } from '../metrics/app-events.js';
import { eventText } from '../shared/codes.js';
import type { EndReason, JoinQueueResult, SendMessagePayload, SendMessageResult, SessionStatus } from '../shared/protocol.js';
import type { ChatRepository, NewRoom, RoomRecord } from '../storage/chat-repository.js';
import { describeDbError } from '../storage/database-errors.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { MessageWriter } from '../storage/message-writer.js';
import { stateOf, type Activity, type ActivityRegistry, type ChattingActivity } from './activity-registry.js';
import type { Caller } from './caller.js';
import { DeliveryGate, REPLAY_PAGE } from './delivery-gate.js';
import type { MessageScreen } from '../policy/message-screen.js';
import type { ReceiptIssuer } from '../privacy/receipts.js';
import { GraceTimers } from './grace-timers.js';
import { GuardedQueue, GuardedRegistry } from './guarded-seams.js';
import { Matchmaker } from './matchmaker.js';
import { checkContent, toWireMessage } from './message-rules.js';
import type { ChatNotifier } from './notifier.js';
import { RoomCloser } from './room-closer.js';
import type { SkipTracker } from './skip-tracker.js';

export type { Caller } from './caller.js';

/**
 * How a connection ended: `deliberate` (the client disconnected on purpose) ends its activity at once;
 * `closed` (the transport closed cleanly: a tab closed or reloaded) keeps it for the short close grace,
 * long enough for a reload to come back; `lost` (ping timeout, transport error) keeps it for the whole
 * reconnect grace period.
 */
export type ConnectionEnd = 'deliberate' | 'closed' | 'lost';

/** A compare-and-set that keeps losing to other changes is retried this many times, then given up (logged). */
const MAX_CAS_ATTEMPTS = 5;

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
  /** Grace period for a connection closed cleanly (a closed or reloaded tab); at most `reconnectGraceMs`. */
  closeGraceMs: number;
  /** How long somebody with interests waits for a shared one before anyone may be matched (INTEREST_WAIT_MS). */
  interestWaitMs: number;
  /** This instance, stamped on the activities of its connections (cluster mode). */
  instanceId?: string;
  /** Whether another instance is alive (cluster mode); without it, every connection is on this one. */
  instanceLiveness?: { isAlive(instanceId: string): Promise<boolean> };
  /** People someone must never be matched with (blocks, both ways). */
  avoidFor: (userId: string) => readonly string[];
  /** The content policy over every message, before it is stored or delivered. */
  screen: MessageScreen;
  /** Who skips chat after chat within seconds (their joins slow down). */
  skips: SkipTracker;
  /** Waits in private rooms (src/private/), which are not in the queue. */
  privateWaits?: PrivateWaits;
  /** Receipts for both sides of every chat that ends; none when chats are not stored (CHAT_STORAGE=memory). */
  receipts?: ReceiptIssuer;
  /** Matches, messages (with their timings) and resumes, for the metrics. */
  events?: Pick<AppEvents, 'matched' | 'message' | 'resumed'>;
}

/**
 * Waits in private rooms (src/private/private-rooms.ts): outside the queue, so a resumed one goes back to
 * its room, and an ended one gives up its place there.
 */
export interface PrivateWaits {
  /** A private wait taken over by a new connection: back in its room (and met, if the other person is there). */
  resume(caller: Caller, activity: Activity): Promise<void>;
  /** A private wait ended (left, gone for good, banned, shutdown): its place in the room is given up. Never throws. */
  vacate(userId: string, keyHash: string): Promise<void>;
}

/** An activity taken over by a new connection, with where its replay starts when the client names nothing. */
export interface Resumed {
  activity: Activity;
  resumeAfterId: number | undefined;
}

export class ChatService {
  private readonly deps: ChatServiceDeps;
  private readonly events: Pick<AppEvents, 'matched' | 'message' | 'resumed'>;
  private readonly gate: DeliveryGate;
  private readonly closer: RoomCloser;
  private readonly matchmaker: Matchmaker;
  private readonly grace: GraceTimers;

  constructor(deps: ChatServiceDeps) {
    this.deps = { ...deps, registry: new GuardedRegistry(deps.registry), queue: new GuardedQueue(deps.queue) };
    this.events = deps.events ?? noAppEvents;
    this.gate = new DeliveryGate(deps.notifier);
    this.closer = new RoomCloser(deps.repository, deps.clock, deps.logger);
    this.grace = new GraceTimers(deps.clock, (userId, socketId) => this.expire(userId, socketId), deps.logger);
    // Rooms of matches made at the same moment are inserted together, as messages are.
    const rooms = new GroupCommit<NewRoom, RoomRecord>((batch) => deps.repository.createRooms(batch), {
      maxBatch: 500,
      maxQueued: 50_000,
      busy: () => new AppError(ErrorCode.SERVER_BUSY, { retryAfterMs: 1_000 }),
      failed: () => new AppError(ErrorCode.STORAGE_UNAVAILABLE),
      onFailure: (cause, items) => deps.logger.warn({ err: describeDbError(cause), rooms: items }, 'creating a batch of rooms failed'),
    });
    this.matchmaker = new Matchmaker({ ...this.deps, events: this.events, closer: this.closer, createRoom: (room) => rooms.submit(room) });
  }

  /**
   * `interests`: normalised (src/shared/interests.ts). With some, only somebody sharing one is matched
   * until `interestWaitMs` from now, then anyone. Joining again while waiting keeps the wait as it is.
   */
  async joinQueue(caller: Caller, interests: readonly string[] = []): Promise<JoinQueueResult> {
    const { registry } = this.deps;
    const current = await registry.get(caller.userId);
    // Pressing start again while waiting: same place, and a wait that lost its queue entry gets it back.
    if (current?.kind === 'waiting' && current.socketId === caller.socketId && current.privateKey === undefined) return this.matchmaker.rejoin(caller, current);
    if (current) throw new AppError(ErrorCode.ALREADY_CHATTING);
    const pauseMs = this.deps.skips.waitMs(caller.userId);
    if (pauseMs > 0) throw new AppError(ErrorCode.RATE_LIMITED, { detail: 'skipping too fast', retryAfterMs: pauseMs });
    const claimed = await registry.claim(caller.userId, {
      kind: 'waiting',
      socketId: caller.socketId,
      lang: caller.lang,
      instanceId: this.deps.instanceId,
      networkHash: caller.networkHash,
      ...(interests.length > 0 ? { interests: [...interests], fallbackAtMs: this.deps.clock.now().getTime() + this.deps.interestWaitMs } : {}),
    });
    if (!claimed) throw new AppError(ErrorCode.ALREADY_CHATTING);
    return this.matchmaker.match(caller, claimed);
  }

  /**
   * `widen_search`: a waiting person stops waiting for a shared interest; anyone may be matched with
   * them from now on (at once, if somebody suitable waits). A wait without interests, or past its
   * fallback time, stays as it is.
   */
  async widenSearch(caller: Caller): Promise<JoinQueueResult> {
    const { registry, clock } = this.deps;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.ownActivity(caller);
      if (current?.kind === 'chatting') return { status: 'matched', room_id: current.roomId };
      if (current?.kind !== 'waiting') throw new AppError(ErrorCode.NOT_WAITING);
      const nowMs = clock.now().getTime();
      const waitsUntil = current.interests?.length ? (current.fallbackAtMs ?? 0) : 0;
      const { rev: _rev, ...state } = current;
      const widened = waitsUntil > nowMs ? await registry.transition(caller.userId, { rev: current.rev }, { ...state, fallbackAtMs: nowMs }) : current;
      if (!widened) continue;
      this.matchmaker.cancelFallback(caller.userId);
      const result = await this.matchmaker.matchQueued(caller, widened);
      if (result) return result;
      // Taken meanwhile by somebody else's join: `matched` follows (or came already).
      const now = await this.ownActivity(caller);
      return now?.kind === 'chatting' ? { status: 'matched', room_id: now.roomId } : { status: 'waiting', waiting_count: 0 };
    }
    throw new AppError(ErrorCode.NOT_WAITING);
  }

  async leaveQueue(caller: Caller): Promise<{ was_waiting: boolean }> {
    const current = await this.ownActivity(caller);
    if (current?.kind !== 'waiting') return { was_waiting: false };
    this.matchmaker.cancelFallback(caller.userId);
    await this.deps.queue.remove(caller.userId, caller.socketId);
    // False when a match took the caller meanwhile: `matched` follows.
    const released = await this.deps.registry.release(caller.userId, { rev: current.rev });
    if (released && current.privateKey !== undefined) await this.deps.privateWaits?.vacate(caller.userId, current.privateKey);
    return { was_waiting: released };
  }

  /**
   * Stores and delivers a message. `admission` (the flood check) is awaited alongside the sender's
   * activity read, so both cost one round trip in cluster mode; its refusal wins over NOT_IN_CHAT.
   */
  async sendMessage(caller: Caller, payload: SendMessagePayload, admission: Promise<void> = Promise.resolve()): Promise<SendMessageResult> {
    const arrived = performance.now();
    const [activity, admitted] = await Promise.allSettled([this.ownActivity(caller), admission]);
    if (admitted.status === 'rejected') throw admitted.reason;
    if (activity.status === 'rejected') throw activity.reason;
    const current = activity.value;
    if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
    checkContent(payload.content);
    const screened = this.deps.screen.check(caller, current.roomId, payload.content, payload.pii_confirmed === true);
    const outcome = await this.deps.writer.append({
      roomId: current.roomId,
      senderId: caller.userId,
      content: screened.content,
      createdAt: this.deps.clock.now(),
      cid: payload.cid,
      flags: screened.flags,
    });
    if (outcome.status === 'room_closed') throw new AppError(ErrorCode.NOT_IN_CHAT);
    const committed = performance.now();
    const message = toWireMessage(outcome.message, this.deps.timezone);
    // A retried cid was delivered the first time; only its sender hears about it again, through the ack.
    if (outcome.status === 'stored') {
      this.gate.deliver(message);
      this.events.message(committed - arrived, performance.now() - arrived);
      this.deps.screen.stored(caller.userId, current.roomId, message.id, screened);
      for (const notice of screened.notices) this.deps.notifier.toSocket(caller.socketId, 'notice', notice);
    }
    return { message };
  }

  async leaveRoom(caller: Caller): Promise<{ room_id: number | null }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.ownActivity(caller);
      if (current?.kind === 'waiting') {
        await this.leaveQueue(caller);
        this.deps.notifier.toSocket(caller.socketId, 'left_room', { message: eventText[caller.lang].leftRoom });
        return { room_id: null };
      }
      if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
      if (await this.endConversation(caller.userId, current, 'left')) return { room_id: current.roomId };
    }
    throw new AppError(ErrorCode.NOT_IN_CHAT);
  }

  /** A connection ended. Lost or closed connections keep their chat or place in the queue for a while. */
  async disconnect(caller: Caller, end: ConnectionEnd): Promise<void> {
    const { reconnectGraceMs, closeGraceMs, logger } = this.deps;
    const graceMs = end === 'deliberate' ? 0 : end === 'closed' ? Math.min(closeGraceMs, reconnectGraceMs) : reconnectGraceMs;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.ownActivity(caller);
      if (!current) return; // another tab (or a newer connection of this page) owns the activity, if any
      const settled = graceMs > 0 ? await this.detach(caller, current, graceMs) : await this.endActivity(caller.userId, current, 'disconnected');
      if (settled) return;
    }
    logger.warn({ userId: caller.userId }, 'a closed connection’s activity kept changing; left to its grace timer');
  }

  /**
   * Status of an identity for a connection that has just opened, taking over its activity if its
   * connection was lost, is gone without a goodbye (its instance died), or — with `takeOver`, the same
   * page coming back — is still considered open. An activity held by another open connection belongs to
   * another tab. Called once the connection exists (never from handshake middleware), so a connection
   * that fails during its handshake cannot take anything over.
   */
  async attach(caller: Caller, options: { takeOver?: boolean } = {}): Promise<{ status: SessionStatus; resumed?: Resumed }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(caller.userId);
      if (!current) return { status: 'idle' };
      const replacing = !current.detached && !options.takeOver;
      if (replacing && (await this.holderConnected(current))) return { status: current.kind };
      const taken = await this.deps.registry.transition(
        caller.userId,
        { rev: current.rev },
        { ...stateOf(current), socketId: caller.socketId, lang: caller.lang, detached: undefined, instanceId: this.deps.instanceId },
      );
      if (!taken) continue;
      this.grace.cancel(caller.userId);
      if (!current.detached) {
        // The old connection may still be open (a reload the server has not seen close yet): retire it.
        if (current.kind === 'chatting') this.deps.notifier.leaveConversation(current.socketId, current.roomId);
        this.deps.notifier.disconnect(current.socketId);
      }
      return { status: current.kind, resumed: { activity: taken, resumeAfterId: current.detached?.resumeAfterId } };
    }
    return { status: 'idle' };
  }

  /**
   * After `attach` took an activity over: a wait goes back to its place in the queue (and may be matched
   * at once); a chat is announced with `matched {resumed}`, the messages it missed are replayed — after
   * `lastSeenId` when the client names one, unless `replay` is off (over the replay limit) — and the
   * partner is told.
   */
  async completeResume(caller: Caller, resumed: Resumed, lastSeenId: number | undefined, options: { replay: boolean } = { replay: true }): Promise<void> {
    const { notifier, repository, timezone, logger } = this.deps;
    const activity = resumed.activity;
    this.events.resumed(activity.kind);
    if (activity.kind === 'waiting') {
      if (activity.privateKey !== undefined && this.deps.privateWaits) await this.deps.privateWaits.resume(caller, activity);
      else await this.matchmaker.match(caller, activity);
      return;
    }
    notifier.toSocket(caller.socketId, 'matched', { room_id: activity.roomId, resumed: true, ...(activity.privateKey === undefined ? {} : { match_type: 'private' as const }) });
    if (!options.replay) {
      // Over the replay limit: back in the conversation, without what it missed meanwhile.
      notifier.joinConversation(caller.socketId, activity.roomId);
      return;
    }
    const afterId = lastSeenId ?? resumed.resumeAfterId ?? 0;
    const replay = await this.gate
      .replay(activity.roomId, caller.socketId, afterId, async (after) =>
        (await repository.listMessages(activity.roomId, { afterId: after, limit: REPLAY_PAGE })).map((m) => toWireMessage(m, timezone)),
      )
      .catch((err: unknown) => {
        // The conversation could not be read (database down): the client reconnects and resumes again.
        logger.warn({ err, roomId: activity.roomId }, 'replay failed: connection dropped so that it resumes again');
        notifier.dropConnection(caller.socketId);
        return undefined;
      });
    if (replay?.status === 'stalled') notifier.dropConnection(caller.socketId);
    if (replay?.status !== 'done') return;
    logger.debug({ roomId: activity.roomId, replayed: replay.replayed }, 'chat resumed');
    const partner = await this.deps.registry.get(activity.partnerId);
    if (partner?.kind === 'chatting' && partner.roomId === activity.roomId && !partner.detached) {
      notifier.toSocket(partner.socketId, 'partner_reconnected', { message: eventText[partner.lang].partnerReconnected });
    }
  }

  /**
   * Ends whatever the identity is doing, wherever its connection is (a ban): a chat ends for the partner
   * as an ordinary goodbye; a wait is left.
   */
  async evict(userId: string, reason: Extract<EndReason, 'banned'>): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      if (!current || (await this.endActivity(userId, current, reason))) return;
    }
  }

  /** Ends the caller's chat if it is the given room (the caller blocked the partner). */
  async endChatIn(caller: Caller, roomId: number, reason: Extract<EndReason, 'blocked'>): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.ownActivity(caller);
      if (current?.kind !== 'chatting' || current.roomId !== roomId) return false;
      if (await this.endConversation(caller.userId, current, reason)) return true;
    }
    return false;
  }

  /** Ends the activity of every given connection because the server stops; partners are told why. */
  async shutdown(callers: Iterable<Caller>): Promise<void> {
    this.grace.cancelAll();
    this.matchmaker.stop();
    for (const caller of callers) {
      const current = await this.ownActivity(caller);
      if (current) await this.endActivity(caller.userId, current, 'server_shutdown');
    }
    await this.closer.flush();
  }

  /**
   * Takes over the people of an instance that died (cluster mode): their connections are gone, so they
   * get what was left of their grace period (or the whole of it), counted by this instance.
   */
  async adopt(userId: string, activity: Activity): Promise<void> {
    const caller: Caller = { userId, socketId: activity.socketId, lang: activity.lang };
    const untilMs = activity.detached?.untilMs ?? this.deps.clock.now().getTime() + this.deps.reconnectGraceMs;
    await this.detach(caller, activity, Math.max(0, untilMs - this.deps.clock.now().getTime()));
  }

  /**
   * Takes back, for a connection still open here, an activity another instance adopted while this one
   * was stalled (taken for dead): a wait goes back to its place, a chat goes on (what the partner sent
   * meanwhile replayed, the partner told). Nothing if the activity moved on (ended, or another connection).
   */
  async reclaim(caller: Caller): Promise<void> {
    const current = await this.deps.registry.get(caller.userId);
    if (!current?.detached || current.socketId !== caller.socketId || current.instanceId === this.deps.instanceId) return;
    const taken = await this.deps.registry.transition(caller.userId, { rev: current.rev }, { ...stateOf(current), detached: undefined, instanceId: this.deps.instanceId });
    if (!taken) return;
    this.deps.logger.info({ userId: caller.userId, kind: taken.kind }, 'took back an activity adopted while this instance stalled');
    await this.completeResume(caller, { activity: taken, resumeAfterId: current.detached.resumeAfterId }, undefined);
  }

  /** Grace timers still running (identities expected back). */
  get detachedCount(): number {
    return this.grace.size;
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

  /**
   * Keeps an activity whose connection is gone for `graceMs`: a wait keeps its place but is nobody's
   * partner meanwhile; a chat's partner is told. False if the activity changed before it could be marked.
   */
  private async detach(caller: Caller, current: Activity, graceMs: number): Promise<boolean> {
    const { registry, queue, clock, notifier, repository, logger } = this.deps;
    const sinceMs = current.detached?.sinceMs ?? clock.now().getTime();
    const untilMs = clock.now().getTime() + graceMs;
    const detached = await registry.transition(
      caller.userId,
      { rev: current.rev },
      { ...stateOf(current), detached: { sinceMs, untilMs, resumeAfterId: current.detached?.resumeAfterId }, instanceId: this.deps.instanceId },
    );
    if (!detached) return false;
    this.grace.start(caller.userId, caller.socketId, untilMs - clock.now().getTime());
    if (current.kind === 'waiting') {
      await queue.pause(caller.userId).catch((err: unknown) => logger.warn({ err }, 'could not pause a lost wait in the queue'));
      return true;
    }
    if (current.detached) return true; // adopted from a dead instance: the partner was told already
    notifier.leaveConversation(caller.socketId, current.roomId);
    const partner = await registry.get(current.partnerId);
    if (partner?.kind === 'chatting' && partner.roomId === current.roomId) {
      notifier.toSocket(partner.socketId, 'partner_disconnected', { message: eventText[partner.lang].partnerConnectionLost, grace_ms: graceMs });
    }
    // Where replay starts for a client that does not name its last message: after what the lost
    // connection was sent. Recorded only if the activity is still this detached one.
    const resumeAfterId = await repository.lastMessageId(current.roomId).catch(() => undefined);
    if (resumeAfterId !== undefined && detached.detached) {
      await registry.transition(caller.userId, { rev: detached.rev }, { ...stateOf(detached), detached: { ...detached.detached, resumeAfterId } });
    }
    return true;
  }

  /** The grace period ran out: if the identity did not come back, its chat or wait ends. */
  private async expire(userId: string, lostSocketId: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      // Back on another connection, or already ended: nothing to do.
      if (!current?.detached || current.socketId !== lostSocketId) return;
      if (await this.endActivity(userId, current, 'disconnected')) return;
    }
  }

  /** Ends an activity. False if it changed before it could be ended (the caller decides what next). */
  private async endActivity(userId: string, current: Activity, reason: EndReason): Promise<boolean> {
    if (current.kind === 'chatting') return this.endConversation(userId, current, reason);
    if (!(await this.deps.registry.release(userId, { rev: current.rev }))) return false;
    this.grace.cancel(userId);
    await this.deps.queue.remove(userId, current.socketId);
    if (current.privateKey !== undefined) await this.deps.privateWaits?.vacate(userId, current.privateKey);
    return true;
  }

  /**
   * Ends a chat for both people: both identities are freed first (each can queue again at once, whatever
   * the database does), then the room is closed and both sides are told. False — and nothing done — if
   * the activity changed meanwhile (taken over by a new connection, or already ended by the partner).
   */
  private async endConversation(userId: string, current: ChattingActivity, reason: EndReason): Promise<boolean> {
    const { registry, notifier, logger } = this.deps;
    const { roomId, partnerId } = current;
    if (!(await registry.release(userId, { rev: current.rev }))) return false;
    this.grace.cancel(userId);
    if ((reason === 'left' || reason === 'blocked') && current.startedMs !== undefined) {
      this.deps.skips.left(userId, this.deps.clock.now().getTime() - current.startedMs);
    }
    const partner = await registry.get(partnerId);
    const partnerReleased = partner?.kind === 'chatting' && partner.roomId === roomId && (await registry.release(partnerId, { roomId }));
    if (partnerReleased) this.grace.cancel(partnerId);
    // Both receipts are written while the room is closed, not after it.
    const receipts = this.issueReceipts(roomId, [userId, partnerId]);
    await this.closer.close(roomId, reason);
    logger.info({ roomId, reason }, 'chat ended');

    notifier.leaveConversation(current.socketId, roomId);
    if (reason === 'left' || reason === 'blocked') notifier.toSocket(current.socketId, 'left_room', { message: eventText[current.lang].leftRoom });
    if (reason === 'server_shutdown') notifier.toSocket(current.socketId, 'server_shutdown', { message: eventText[current.lang].serverShutdown });
    if (partnerReleased && partner) {
      notifier.leaveConversation(partner.socketId, roomId);
      // A block or a ban looks to the partner like an ordinary goodbye.
      const told: EndReason = reason === 'blocked' || reason === 'banned' ? 'left' : reason;
      const text = eventText[partner.lang];
      const message = told === 'left' ? text.partnerLeft : told === 'server_shutdown' ? text.serverShutdown : text.partnerDisconnected;
      notifier.toSocket(partner.socketId, 'partner_left', { message, reason: told });
    }
    // Each side gets its receipt once stored; a side whose connection is gone (or a partner who had
    // already moved on) finds it on the /my page instead.
    const [ownCode, partnerCode] = await receipts;
    if (ownCode) notifier.toSocket(current.socketId, 'receipt', { room_id: roomId, code: ownCode });
    if (partnerCode && partnerReleased && partner) notifier.toSocket(partner.socketId, 'receipt', { room_id: roomId, code: partnerCode });
    return true;
  }

  /** The receipt codes of an ending chat's two sides, stored (none when chats are not stored). Never rejects. */
  private async issueReceipts(roomId: number, userIds: readonly string[]): Promise<(string | undefined)[]> {
    const { receipts, logger } = this.deps;
    if (!receipts) return [];
    return receipts.issue(roomId, userIds).catch((err: unknown) => {
      logger.warn({ err, roomId }, 'receipts could not be issued');
      return [];
    });
  }
}
