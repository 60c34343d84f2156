/**
 * Conversation lifecycle: join the queue, get matched, relay messages, leave. Connections that drop and
 * come back are `Reconnections` (reconnections.ts), endings `ActivityEnder` (activity-ender.ts); this is
 * the one entry point the gateway calls. Knows the seams (queue, registry, repository, writer,
 * notifier), never Socket.IO.
 *
 * Every change of an activity is a compare-and-set on the revision read just before, and a failed one is
 * never ignored: the step is retried on what changed, or left to whoever changed it.
 */
import pLimit from 'p-limit';
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
import { ActivityEnder } from './activity-ender.js';
import { MAX_CAS_ATTEMPTS, newWaitId, ownActivity, stateOf, type Activity, type ActivityRegistry } from './activity-registry.js';
import type { Caller } from './caller.js';
import { DeliveryGate } from './delivery-gate.js';
import { UncertainSends } from './uncertain-sends.js';
import type { MessageScreen } from '../policy/message-screen.js';
import type { ReceiptIssuer } from '../privacy/receipts.js';
import { GraceTimers } from './grace-timers.js';
import { GuardedQueue, GuardedRegistry } from './guarded-seams.js';
import { Matchmaker } from './matchmaker.js';
import { checkContent, toWireMessage } from './message-rules.js';
import type { ChatNotifier } from './notifier.js';
import type { PrivateWaits } from './private-waits.js';
import { Reconnections, type ConnectionEnd, type Resumed } from './reconnections.js';
import { RoomCloser } from './room-closer.js';
import type { SkipTracker } from './skip-tracker.js';

export type { Caller } from './caller.js';
export type { PrivateWaits } from './private-waits.js';
export type { ConnectionEnd, Resumed } from './reconnections.js';

/** Chats ended at once at shutdown (each a few registry calls; the rooms' ends are written in batches). */
const SHUTDOWN_CONCURRENCY = 32;

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
  /** Whether one of the two blocked the other, as this instance knows (no I/O: asked for every message). */
  blockedPair: (userId: string, otherId: string) => boolean;
  /** The content policy over every message, before it is stored or delivered. */
  screen: MessageScreen;
  /** Who skips chat after chat within seconds (their joins slow down). */
  skips: SkipTracker;
  /** Waits in private rooms (src/private/), which are not in the queue. */
  privateWaits?: PrivateWaits;
  /** Writes rooms' ends with retries; given when the private rooms share it (flushed here at shutdown). */
  closer?: RoomCloser;
  /** Receipts for both sides of every chat that ends; none when chats are not stored (CHAT_STORAGE=memory). */
  receipts?: ReceiptIssuer;
  /** Told of every chat that ends, once both people are free (keep in touch forgets its asks sooner). Never throws. */
  chatEnded?: (roomId: number) => Promise<void>;
  /** Matches, messages (with their timings) and resumes, for the metrics. */
  events?: Pick<AppEvents, 'matched' | 'message' | 'resumed'>;
}

export class ChatService {
  private readonly deps: ChatServiceDeps;
  private readonly events: Pick<AppEvents, 'matched' | 'message' | 'resumed'>;
  private readonly gate: DeliveryGate;
  /** Sends whose write failed without knowing whether it was stored (see `send`). */
  private readonly uncertain: UncertainSends;
  private readonly closer: RoomCloser;
  private readonly matchmaker: Matchmaker;
  private readonly grace: GraceTimers;
  private readonly ender: ActivityEnder;
  private readonly reconnections: Reconnections;

  constructor(deps: ChatServiceDeps) {
    this.deps = { ...deps, registry: new GuardedRegistry(deps.registry), queue: new GuardedQueue(deps.queue) };
    this.events = deps.events ?? noAppEvents;
    this.gate = new DeliveryGate(deps.notifier);
    this.uncertain = new UncertainSends(deps.clock);
    this.closer = deps.closer ?? new RoomCloser(deps.repository, deps.clock, deps.logger);
    this.grace = new GraceTimers(deps.clock, (userId, lost) => this.reconnections.expire(userId, lost), deps.logger);
    this.ender = new ActivityEnder({ ...this.deps, closer: this.closer, grace: this.grace });
    // Rooms of matches made at the same moment are inserted together, as messages are.
    const rooms = new GroupCommit<NewRoom, RoomRecord>((batch) => deps.repository.createRooms(batch), {
      maxBatch: 500,
      maxQueued: 50_000,
      busy: () => new AppError(ErrorCode.SERVER_BUSY, { retryAfterMs: 1_000 }),
      failed: () => new AppError(ErrorCode.STORAGE_UNAVAILABLE),
      onFailure: (cause, items) => deps.logger.warn({ err: describeDbError(cause), rooms: items }, 'creating a batch of rooms failed'),
    });
    this.matchmaker = new Matchmaker({
      ...this.deps,
      events: this.events,
      closer: this.closer,
      createRoom: (room) => rooms.submit(room),
      endBlocked: (userId, otherId) => this.ender.endChatWith(userId, otherId, 'blocked', 'server'),
    });
    this.reconnections = new Reconnections({ ...this.deps, grace: this.grace, gate: this.gate, matchmaker: this.matchmaker, ender: this.ender, events: this.events });
  }

  /** A connection ended. Lost or closed connections keep their chat or place in the queue for a while. */
  disconnect(caller: Caller, end: ConnectionEnd): Promise<void> {
    return this.reconnections.disconnect(caller, end);
  }

  /** Status of an identity for a connection that has just opened, taking over its activity if it may (reconnections.ts). */
  attach(caller: Caller, options: { takeOver?: boolean; roomId?: number } = {}): Promise<{ status: SessionStatus; resumed?: Resumed }> {
    return this.reconnections.attach(caller, options);
  }

  /** What to announce for what `attach` took over: a chat may end, or a wait be matched, before it is announced. */
  statusAfterTakeOver(caller: Caller, resumed: Resumed): Promise<{ status: SessionStatus; resume: boolean }> {
    return this.reconnections.statusAfterTakeOver(caller, resumed.activity);
  }

  /** After `attach` took an activity over: back in the queue or the chat, with what it missed. */
  completeResume(caller: Caller, resumed: Resumed, lastSeenId: number | undefined, options: { replay: boolean } = { replay: true }): Promise<void> {
    return this.reconnections.completeResume(caller, resumed, lastSeenId, options);
  }

  /** Takes over a person of an instance that died (cluster mode). */
  adopt(userId: string, activity: Activity): Promise<void> {
    return this.reconnections.adopt(userId, activity);
  }

  /** Takes back a person adopted while this instance stalled, still connected here (cluster mode). */
  reclaim(caller: Caller): Promise<void> {
    return this.reconnections.reclaim(caller);
  }

  /**
   * A person whose connection is away, written back after Redis lost its data (cluster mode): their grace
   * period is counted again unless a timer here still counts it — one that lapsed meanwhile ends now.
   */
  restoreGrace(userId: string, activity: Activity): void {
    if (activity.detached === undefined || this.grace.has(userId)) return;
    this.grace.start(userId, { socketId: activity.socketId, untilMs: activity.detached.untilMs });
  }

  /** Grace timers still running (identities expected back). */
  get detachedCount(): number {
    return this.grace.size;
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
      ...(interests.length > 0 ? { interests: [...interests], fallbackAtMs: this.deps.clock.now().getTime() + this.deps.interestWaitMs, waitId: newWaitId() } : {}),
    });
    if (!claimed) throw new AppError(ErrorCode.ALREADY_CHATTING);
    return this.matchmaker.match(caller, claimed);
  }

  /**
   * `widen_search`: a waiting person stops waiting for a shared interest; anyone may be matched with
   * them from now on (at once, if somebody suitable waits). A wait without interests, or past its
   * fallback time, stays as it is. Only the wait it was asked in: one that ended meanwhile (the person
   * left, and maybe started a new wait — requests of one socket run concurrently here) is NOT_WAITING.
   */
  async widenSearch(caller: Caller): Promise<JoinQueueResult> {
    const { registry, clock } = this.deps;
    /** The wait on record when the request came: `undefined` until read. */
    let asked: { waitId: string | undefined } | undefined;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await ownActivity(this.deps.registry, caller);
      if (current?.kind === 'chatting') return { status: 'matched', room_id: current.roomId };
      if (current?.kind !== 'waiting') throw new AppError(ErrorCode.NOT_WAITING);
      asked ??= { waitId: current.waitId };
      if (current.waitId !== asked.waitId) throw new AppError(ErrorCode.NOT_WAITING);
      const nowMs = clock.now().getTime();
      const waitsUntil = current.interests?.length ? (current.fallbackAtMs ?? 0) : 0;
      const { rev: _rev, ...state } = current;
      const widened = waitsUntil > nowMs ? await registry.transition(caller.userId, { rev: current.rev }, { ...state, fallbackAtMs: nowMs }) : current;
      if (!widened) continue;
      this.matchmaker.cancelFallback(caller.userId);
      const result = await this.matchmaker.matchQueued(caller, widened, true);
      if (result) return result;
      // Taken meanwhile by somebody else's join: `matched` follows (or came already).
      const now = await ownActivity(this.deps.registry, caller);
      return now?.kind === 'chatting' ? { status: 'matched', room_id: now.roomId } : { status: 'waiting', waiting_count: 0 };
    }
    throw new AppError(ErrorCode.NOT_WAITING);
  }

  async leaveQueue(caller: Caller): Promise<{ was_waiting: boolean }> {
    const current = await ownActivity(this.deps.registry, caller);
    if (current?.kind !== 'waiting') return { was_waiting: false };
    this.matchmaker.cancelFallback(caller.userId);
    await this.deps.queue.remove(caller.userId, caller.socketId);
    // False when a match took the caller meanwhile: `matched` follows.
    const released = await this.deps.registry.release(caller.userId, { rev: current.rev });
    if (released && current.privateKey !== undefined) await this.deps.privateWaits?.vacate(caller.userId, current.privateKey);
    return { was_waiting: released };
  }

  /** Crisis help for a message refused before it was screened (a muted or banned sender), if it has words of crisis. */
  offerCrisisHelp(caller: Caller, content: string): void {
    const help = this.deps.screen.crisisHelp(caller.lang, content);
    if (help) this.deps.notifier.toSocket(caller.socketId, 'notice', help);
  }

  /**
   * Stores and delivers a message. `admission` (the flood check) is awaited alongside the sender's
   * activity read, so both cost one round trip in cluster mode; its refusal wins over NOT_IN_CHAT.
   * `echo: false`: the sending connection gets the message in its ack only, not also as `new_message`.
   */
  async sendMessage(
    caller: Caller,
    payload: SendMessagePayload,
    admission: Promise<void> = Promise.resolve(),
    options: { echo: boolean } = { echo: true },
  ): Promise<SendMessageResult> {
    const arrived = performance.now();
    if (!this.deps.writer.accepting) {
      // Nobody will await the flood check now: its refusal must not become an unhandled rejection.
      admission.catch(() => undefined);
      this.deps.writer.assertAccepting();
    }
    // Both in flight at once; the flood check's refusal is the one reported when both fail.
    const activity = ownActivity(this.deps.registry, caller);
    try {
      await admission;
    } catch (refusal) {
      activity.catch(() => undefined);
      throw refusal;
    }
    const current = await activity;
    const admitted = performance.now();
    if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
    // Written in another chat (a retry, or a send held while offline, arriving after Next): never here.
    if (payload.room_id !== undefined && payload.room_id !== current.roomId) throw new AppError(ErrorCode.NOT_IN_CHAT);
    // A chat of two people one of whom blocked the other is being ended (the block landed as they were matched):
    // nothing more reaches the other side.
    if (this.deps.blockedPair(caller.userId, current.partnerId)) throw new AppError(ErrorCode.NOT_IN_CHAT);
    checkContent(payload.content);
    const screened = this.deps.screen.check(caller, current.roomId, payload.content, payload.pii_confirmed === true, payload.cid);
    if (screened.refused) {
      // Crisis help still reaches the sender, before the refusal's ack (as it comes before a stored one's).
      for (const notice of screened.notices) this.deps.notifier.toSocket(caller.socketId, 'notice', notice);
      throw new AppError(ErrorCode.BLOCKED_CONTENT);
    }
    const createdAt = this.deps.clock.now();
    const outcome = await this.deps.writer
      .append({ roomId: current.roomId, senderId: caller.userId, content: screened.content, createdAt, cid: payload.cid, flags: screened.flags })
      .catch((err: unknown) => {
        // The statement failed: perhaps stored all the same (its answer lost at commit). A resend that finds
        // this very write stored delivers it then. (Not a full queue or a stopping writer: nothing was written.)
        if (payload.cid !== undefined && err instanceof AppError && err.code === ErrorCode.STORAGE_UNAVAILABLE) {
          this.uncertain.failed(current.roomId, caller.userId, payload.cid, createdAt);
        }
        throw err;
      });
    if (outcome.status === 'room_closed') throw new AppError(ErrorCode.NOT_IN_CHAT);
    if (outcome.status === 'unresolved') throw new AppError(ErrorCode.STORAGE_UNAVAILABLE);
    const committed = performance.now();
    const message = toWireMessage(outcome.message, this.deps.timezone);
    // A retried cid was delivered the first time; only its sender hears about it again, through the ack —
    // unless the first time failed (to the sender's knowledge): then its copy reached nobody, and this is it.
    const firstCopy =
      outcome.status === 'duplicate' && payload.cid !== undefined && this.uncertain.takeFailed(current.roomId, caller.userId, payload.cid, outcome.message.createdAt);
    if (outcome.status === 'stored' || firstCopy) {
      this.gate.deliver(message, options.echo ? undefined : caller.socketId);
      this.events.message({ admittedMs: admitted - arrived, committedMs: committed - arrived, deliveredMs: performance.now() - arrived });
      this.deps.screen.stored(caller.userId, current.roomId, message.id, screened);
      for (const notice of screened.notices) this.deps.notifier.toSocket(caller.socketId, 'notice', notice);
    }
    return { message };
  }

  async leaveRoom(caller: Caller): Promise<{ room_id: number | null }> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await ownActivity(this.deps.registry, caller);
      if (current?.kind === 'waiting') {
        await this.leaveQueue(caller);
        this.deps.notifier.toSocket(caller.socketId, 'left_room', { message: eventText[caller.lang].leftRoom });
        return { room_id: null };
      }
      if (current?.kind !== 'chatting') throw new AppError(ErrorCode.NOT_IN_CHAT);
      if (await this.ender.endConversation(caller.userId, current, 'left')) return { room_id: current.roomId };
    }
    throw new AppError(ErrorCode.NOT_IN_CHAT);
  }

  /** Ends whatever the identity is doing, wherever its connection is (a ban; see `ActivityEnder.evict`). */
  evict(userId: string, reason: Extract<EndReason, 'banned'>, queuedAs?: string): Promise<void> {
    return this.ender.evict(userId, reason, queuedAs);
  }

  /** Ends the identity's wait, wherever its connection is (a mute; see `ActivityEnder.endWait`). */
  endWait(userId: string, queuedAs?: string): Promise<void> {
    return this.ender.endWait(userId, queuedAs);
  }

  /**
   * Ends the identity's chat with the person it blocked, in whatever room (see `ActivityEnder.endChatWith`).
   * Called once the block's hold is in the queue: a match of the two made meanwhile is either seen here, or
   * sees the hold itself.
   */
  endChatWith(userId: string, blockedId: string, by: 'self' | 'server' = 'self'): Promise<boolean> {
    return this.ender.endChatWith(userId, blockedId, 'blocked', by);
  }

  /** Ends the activity of every given connection because the server stops; partners are told why. */
  async shutdown(callers: Iterable<Caller>): Promise<void> {
    const lost = this.grace.cancelAll();
    this.matchmaker.stop();
    // Several at a time: one after another, a slow store (each end waiting its query timeout) made the stop
    // last the timeout times the number of chats. Bounded, so a thousand chats do not take the whole pool.
    const limit = pLimit(SHUTDOWN_CONCURRENCY);
    // A chat with both people here is ended from one side, as one after another did (the first end freed
    // the partner and told them `partner_left`): the other side waits for that end, then looks at itself
    // again — still in the chat (that end failed, or could not free it: Redis blipped), it ends it itself.
    const endings = new Map<number, Promise<unknown>>();
    const end = async (caller: Caller): Promise<void> => {
      let current = await ownActivity(this.deps.registry, caller);
      if (current?.kind === 'chatting') {
        const other = endings.get(current.roomId);
        if (other) {
          await other;
          current = await ownActivity(this.deps.registry, caller);
        } else {
          const ending = this.ender.endActivity(caller.userId, current, 'server_shutdown');
          endings.set(current.roomId, ending.catch(() => undefined));
          await ending;
          return;
        }
      }
      if (current) await this.ender.endActivity(caller.userId, current, 'server_shutdown');
    };
    try {
      // One failure (Redis away for a moment) does not leave everyone else without their goodbye.
      await Promise.all(
        [...callers].map((caller) =>
          limit(() => end(caller).catch((err: unknown) => this.deps.logger.warn({ err, userId: caller.userId }, 'a chat could not be ended at shutdown'))),
        ),
      );
      // The grace periods this instance was counting end now, as they would have when it ran out: nobody
      // else counts them (a stopped instance is not "dead", its people are not adopted), and a partner on
      // another instance would wait for ever.
      await Promise.all(
        [...lost].map(([userId, connection]) =>
          limit(() =>
            this.reconnections
              .expire(userId, connection)
              .catch((err: unknown) => this.deps.logger.warn({ err, userId }, 'a grace period could not be ended at shutdown')),
          ),
        ),
      );
    } finally {
      await this.closer.flush();
    }
  }
}
