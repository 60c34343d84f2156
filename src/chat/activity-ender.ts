/**
 * Ending an activity, for whatever reason (left, blocked, banned, a wait a mute stops, disconnected for
 * good, shutdown): a wait leaves the queue (or its private room); a chat ends for both people — both
 * identities freed first (each can queue again at once, whatever the database does), then the room
 * closed, both sides told, and each given their receipt. Every step is a compare-and-set: false, and
 * nothing done, if the activity changed.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { KeyedTimers } from '../keyed-timers.js';
import type { MatchQueue } from '../matching/match-queue.js';
import type { ReceiptIssuer } from '../privacy/receipts.js';
import { eventText } from '../shared/codes.js';
import type { EndReason } from '../shared/protocol.js';
import { MAX_CAS_ATTEMPTS, type Activity, type ActivityRegistry, type ChattingActivity } from './activity-registry.js';
import type { GraceTimers } from './grace-timers.js';
import type { ChatNotifier } from './notifier.js';
import type { PrivateWaits } from './private-waits.js';
import type { RoomCloser } from './room-closer.js';
import type { SkipTracker } from './skip-tracker.js';

export interface ActivityEnderDeps {
  registry: ActivityRegistry;
  queue: MatchQueue;
  notifier: ChatNotifier;
  clock: Clock;
  logger: Logger;
  closer: RoomCloser;
  /** The grace timers of lost connections: an ended activity's timer is cancelled. */
  grace: GraceTimers;
  skips: SkipTracker;
  privateWaits?: PrivateWaits;
  receipts?: ReceiptIssuer;
  /** Told of every chat that ends (see ChatServiceDeps). Never throws. */
  chatEnded?: (roomId: number) => Promise<void>;
}

/** How long after a failed release of an ended chat's partner it is tried again, and how many times. */
export const RELEASE_RETRY_MS = 5_000;
const RELEASE_RETRIES = 12;

export class ActivityEnder {
  /** Partners of ended chats still to be freed, by identity and room. */
  private readonly releases: KeyedTimers<string>;

  constructor(private readonly deps: ActivityEnderDeps) {
    this.releases = new KeyedTimers(deps.clock);
  }

  /**
   * Ends an activity. False if it changed before it could be ended (the caller decides what next).
   * `chosen`: the person ended it themselves (a client's deliberate disconnect) — a quick one is a skip.
   */
  async endActivity(userId: string, current: Activity, reason: EndReason, chosen = false): Promise<boolean> {
    if (current.kind === 'chatting') return this.endConversation(userId, current, reason, 'self', chosen);
    if (!(await this.deps.registry.release(userId, { rev: current.rev }))) return false;
    this.deps.grace.cancel(userId);
    await this.deps.queue.remove(userId, current.socketId);
    if (current.privateKey !== undefined) await this.deps.privateWaits?.vacate(userId, current.privateKey);
    return true;
  }

  /**
   * Ends a chat for both people: both identities are freed first (each can queue again at once, whatever
   * the database does), then the room is closed and both sides are told. False — and nothing done — if
   * the activity changed meanwhile (taken over by a new connection, or already ended by the partner).
   * `by: 'server'`: neither of them ended it (a block found by the match that made the chat) — both are told
   * an ordinary goodbye, and it is nobody's skip. `chosen`: the person ended it (by default when they left or
   * blocked), so a quick one counts as a skip.
   */
  async endConversation(userId: string, current: ChattingActivity, reason: EndReason, by: 'self' | 'server' = 'self', chosen = reason === 'left' || reason === 'blocked'): Promise<boolean> {
    const { registry, notifier, logger } = this.deps;
    const { roomId, partnerId } = current;
    if (!(await registry.release(userId, { rev: current.rev }))) return false;
    this.deps.grace.cancel(userId);
    // A chat its person ended — leaving, blocking, or disconnecting on purpose to come back on a new
    // connection — is a skip when quick: else a bot cycles through strangers by reconnecting.
    if (by === 'self' && chosen && current.startedMs !== undefined) {
      this.deps.skips.left(userId, this.deps.clock.now().getTime() - current.startedMs);
    }
    // The partner is freed as read — its connection with it — so the goodbye goes to the connection that held
    // the chat when it ended: one that came back meanwhile (a resume took the chat over) is read again.
    // The caller is free now: the chat is over whatever follows. A partner who cannot be read or freed (Redis
    // away for a moment) is told through the chat's own delivery group and freed a little later — before, the
    // room stayed open, the partner was never told, and their messages still reached the caller.
    let partner: Activity | undefined;
    let partnerReleased = false;
    let partnerUnknown = false;
    try {
      partner = await registry.get(partnerId);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS && partner?.kind === 'chatting' && partner.roomId === roomId; attempt++) {
        if ((partnerReleased = await registry.release(partnerId, { rev: partner.rev }))) break;
        partner = await registry.get(partnerId);
      }
    } catch (err) {
      partnerUnknown = true;
      logger.warn({ err, roomId }, 'the partner of an ending chat could not be read or freed: told through the chat, freed later');
      this.releaseLater(partnerId, roomId, 1);
    }
    if (!partnerReleased && !partnerUnknown && partner?.kind === 'chatting' && partner.roomId === roomId) {
      // Still in the room after every compare-and-set lost to a change of theirs: freed from the room whatever
      // its revision (their connection unknown, so told through the chat); later, if even that fails.
      partnerUnknown = true;
      logger.warn({ roomId }, 'the partner of an ending chat kept changing: freed by room, told through the chat');
      partnerReleased = await registry.release(partnerId, { roomId }).catch((err: unknown) => {
        logger.warn({ err, roomId }, 'the partner of an ending chat could not be freed: freed later');
        this.releaseLater(partnerId, roomId, 1);
        return false;
      });
      partner = undefined;
    }
    if (partnerReleased) this.deps.grace.cancel(partnerId);
    // Both receipts are written while the room is closed, not after it. The goodbyes wait for the close: a
    // message whose send read the chat before it ended is being stored meanwhile, and is delivered to both
    // only while they are still in the chat's delivery group (sent after the goodbye, it reached nobody).
    const receipts = this.issueReceipts(roomId, [userId, partnerId]);
    await this.deps.closer.close(roomId, reason);
    logger.info({ roomId, reason }, 'chat ended');

    notifier.leaveConversation(current.socketId, roomId);
    if (by === 'server') notifier.toSocket(current.socketId, 'partner_left', { message: eventText[current.lang].partnerLeft, reason: 'left', room_id: roomId });
    else if (reason === 'left' || reason === 'blocked') notifier.toSocket(current.socketId, 'left_room', { message: eventText[current.lang].leftRoom, room_id: roomId, reason });
    if (reason === 'server_shutdown') notifier.toSocket(current.socketId, 'server_shutdown', { message: eventText[current.lang].serverShutdown });
    // A block or a ban looks to the partner like an ordinary goodbye.
    const told: EndReason = reason === 'blocked' || reason === 'banned' ? 'left' : reason;
    const goodbye = (lang: Activity['lang']) => {
      const text = eventText[lang];
      return { message: told === 'left' ? text.partnerLeft : told === 'server_shutdown' ? text.serverShutdown : text.partnerDisconnected, reason: told, room_id: roomId };
    };
    if (partnerReleased && partner) {
      notifier.leaveConversation(partner.socketId, roomId);
      notifier.toSocket(partner.socketId, 'partner_left', goodbye(partner.lang));
    } else if (partnerUnknown) {
      // Whichever connection of theirs is in the chat (the caller's has left it); their language unknown.
      notifier.toConversationExcept(roomId, [current.socketId], 'partner_left', goodbye(current.lang));
    }
    // Once the room is closed (an ask to keep in touch after this is kept only for the window: it reads the
    // room as closed), what was asked in the chat is kept only that long too.
    await this.deps.chatEnded?.(roomId);
    // Each side gets its receipt once stored; a side whose connection is gone (or a partner who had
    // already moved on) finds it on the /my page instead.
    const [ownCode, partnerCode] = await receipts;
    if (ownCode) notifier.toSocket(current.socketId, 'receipt', { room_id: roomId, code: ownCode });
    if (partnerCode && partnerReleased && partner) notifier.toSocket(partner.socketId, 'receipt', { room_id: roomId, code: partnerCode });
    return true;
  }

  /**
   * Ends the identity's chat with `otherId` because one of the two blocked the other: wherever its
   * connection is, whatever room (also one begun while the block was on its way). Only a chat both are in:
   * a match half made (one moved into the room, the other not yet) is left to whoever is making it, which
   * asks for the block once both are in and ends it then (`by: 'server'`: it does not know which of the two
   * blocked). False if there was no such chat.
   */
  async endChatWith(userId: string, otherId: string, reason: Extract<EndReason, 'blocked'>, by: 'self' | 'server' = 'self'): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      if (current?.kind !== 'chatting' || current.partnerId !== otherId) return false;
      const other = await this.deps.registry.get(otherId);
      if (other?.kind !== 'chatting' || other.roomId !== current.roomId) return false;
      if (await this.endConversation(userId, current, reason, by)) return true;
    }
    return false;
  }

  /**
   * Ends whatever the identity is doing, wherever its connection is (a ban): a chat ends for the partner
   * as an ordinary goodbye; a wait is left.
   */
  async evict(userId: string, reason: Extract<EndReason, 'banned'>, queuedAs?: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      if (!current) return;
      if (await this.endActivity(userId, current, reason)) return this.dropQueued(userId, current, queuedAs);
    }
  }

  /**
   * Ends the identity's wait, wherever its connection is (a mute: no new chat while it lasts); a chat is left
   * as it is. The connection that held the wait is told `left_room {reason: 'muted'}`. `queuedAs`: a
   * connection the wait was taken over from (`Resumed.takenFrom`), whose queue entry is still there.
   */
  async endWait(userId: string, queuedAs?: string): Promise<void> {
    let sawWait = false;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await this.deps.registry.get(userId);
      // The wait read here was matched before it could be ended (a stranger's join had read it before the
      // mute came): that chat is ended as a ban's would be — the stranger gets an ordinary goodbye, not a
      // partner who cannot answer. A chat found at the first read was going on before: it goes on.
      if (current?.kind === 'chatting' && sawWait) {
        if (await this.endConversation(userId, current, 'left', 'server')) return;
        continue;
      }
      if (current?.kind !== 'waiting') return;
      sawWait = true;
      if (await this.endActivity(userId, current, 'left')) {
        this.deps.notifier.toSocket(current.socketId, 'left_room', { message: eventText[current.lang].mutedWaitEnded, reason: 'muted' });
        return this.dropQueued(userId, current, queuedAs);
      }
    }
  }

  /** A wait ended just after a resume took it over: its queue entry, under the connection before, goes too. */
  private async dropQueued(userId: string, ended: Activity, queuedAs: string | undefined): Promise<void> {
    if (ended.kind === 'waiting' && queuedAs !== undefined && queuedAs !== ended.socketId) await this.deps.queue.remove(userId, queuedAs);
  }

  /**
   * Frees a partner who could not be freed when their chat ended — if still in that room — retrying every
   * RELEASE_RETRY_MS, a few times. Timers do not keep a stopping process alive (the clock unrefs them).
   */
  private releaseLater(userId: string, roomId: number, attempt: number): void {
    const { registry, logger, grace } = this.deps;
    this.releases.start(`${userId}:${roomId}`, RELEASE_RETRY_MS, () => {
      void registry.release(userId, { roomId }).then(
        (released) => {
          if (released) grace.cancel(userId);
        },
        (err: unknown) => {
          if (attempt < RELEASE_RETRIES) return this.releaseLater(userId, roomId, attempt + 1);
          logger.error({ err, roomId }, 'the partner of an ended chat could not be freed');
        },
      );
    });
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
