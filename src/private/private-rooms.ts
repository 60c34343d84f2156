/**
 * Private rooms: a person makes a key (`create_private`) and waits in its room; whoever enters it
 * (`join_private`) meets them there. The second person to use a key is bound to it, so later visits
 * reunite the same two people, with their earlier conversation (private-history.ts). A wait in a private
 * room is an ordinary `waiting` activity marked with the key's hash, outside the queue: leaving, losing
 * the connection and coming back, bans and shutdown treat it like any wait (the chat service calls
 * `resume` and `vacate`); once met, it is an ordinary chat.
 *
 * Meeting is the matchmaker's discipline: the rendezvous hands out the person waiting atomically, then
 * both identities move from waiting to chatting by compare-and-set on the revisions read; a partner who
 * left, dropped or was taken over meanwhile is skipped, and whoever is still waiting waits in the room again.
 * Who may use a key at all is key-admission.ts; how a wait ends when entering fails, wait-endings.ts.
 */
import type { Logger } from 'pino';
import type { Activity, ActivityRegistry } from '../chat/activity-registry.js';
import { backToWaiting, leftBeforeMeeting, stateOf } from '../chat/activity-registry.js';
import type { Caller } from '../chat/caller.js';
import type { ChatNotifier } from '../chat/notifier.js';
import type { RoomCloser } from '../chat/room-closer.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import { KeyedTimers } from '../keyed-timers.js';
import type { AppEvents } from '../metrics/app-events.js';
import { errorText, eventText } from '../shared/codes.js';
import type { CreatePrivateResult, JoinPrivateResult } from '../shared/protocol.js';
import type { ChatRepository, RoomRecord } from '../storage/chat-repository.js';
import { lastingDbError } from '../storage/database-errors.js';
import { KeyAdmission } from './key-admission.js';
import type { PrivateHistory } from './private-history.js';
import type { PrivateKeyStore } from './private-key-store.js';
import { canonicalKey, keyHash, newPrivateKey } from './private-keys.js';
import type { PrivateRendezvous } from './private-rendezvous.js';
import { isPassing, WaitEndings } from './wait-endings.js';

/** Meetings whose other person vanished meanwhile are retried this many times before giving up. */
const MAX_MEET_ATTEMPTS = 5;

export interface PrivateRoomsDeps {
  /** The chat's registry (failures already mapped to MATCHING_UNAVAILABLE). */
  registry: ActivityRegistry;
  rendezvous: PrivateRendezvous;
  store: Pick<PrivateKeyStore, 'create' | 'people' | 'bind' | 'unbind' | 'touch' | 'linkRoom'>;
  repository: Pick<ChatRepository, 'createRoom'>;
  /** Writes a room's end, retrying until it is written (the chat's closer, flushed at shutdown). */
  closer: Pick<RoomCloser, 'close'>;
  notifier: ChatNotifier;
  history: Pick<PrivateHistory, 'send'>;
  clock: Clock;
  logger: Logger;
  instanceId?: string;
  /** Whether a block keeps the two apart (blocks both ways; a new one from the moment it was acked). */
  isBlocked: (userId: string, otherId: string) => Promise<boolean>;
  /** Each meeting, for the metrics. */
  events?: Pick<AppEvents, 'matched'>;
  /** Ends the first one's chat with the other because of a block (the chat service's `endChatWith`). */
  endBlocked: (userId: string, otherId: string) => Promise<boolean>;
}

/** How long after a failed put-back (the registry or the room out of reach) it is tried again. */
export const PUT_BACK_RETRY_MS = 5_000;

export class PrivateRooms {
  /** Put-backs that failed, tried again later, by person (the cancel of the next try). */
  private readonly retries: KeyedTimers<string>;
  /** Who may use a key, and its use recorded. */
  private readonly keys: KeyAdmission;
  /** How a wait ends when entering its room fails. */
  private readonly endings: WaitEndings;

  constructor(private readonly deps: PrivateRoomsDeps) {
    this.retries = new KeyedTimers(deps.clock);
    this.keys = new KeyAdmission(deps);
    this.endings = new WaitEndings(deps);
  }

  /** No more tries of failed put-backs (the server stops: its people's waits end anyway). */
  stop(): void {
    this.retries.stop();
  }

  /** A new key for the caller, who waits in its room from now on. */
  async create(caller: Caller): Promise<CreatePrivateResult> {
    if (await this.deps.registry.get(caller.userId)) throw new AppError(ErrorCode.ALREADY_CHATTING);
    const key = newPrivateKey();
    const hash = keyHash(canonicalKey(key)!);
    const self = await this.claim(caller, hash);
    // A lasting database error here is no room closed: the server's fault (INTERNAL_ERROR, see `fail`).
    await this.endings.orGiveUp(caller, self, () => this.deps.store.create({ keyHash: hash, user1Id: caller.userId, origin: 'created', createdAt: this.deps.clock.now() }), ErrorCode.STORAGE_UNAVAILABLE, false, ErrorCode.INTERNAL_ERROR);
    await this.enter(caller, self);
    return { key };
  }

  /**
   * Enters the room of a key: met at once if the other person waits there, otherwise waiting for them.
   * Unknown keys, keys of two other people and rooms closed by a block are all NOT_FOUND alike, so an
   * answer never tells whether a key exists.
   */
  async join(caller: Caller, input: string): Promise<JoinPrivateResult> {
    const canonical = canonicalKey(input);
    if (!canonical) throw new AppError(ErrorCode.NOT_FOUND, { detail: 'not a key' });
    const hash = keyHash(canonical);
    const current = await this.deps.registry.get(caller.userId);
    if (current) {
      // Entering again the room this connection already waits in: the same place.
      if (current.kind === 'waiting' && current.privateKey === hash && current.socketId === caller.socketId) return this.enter(caller, current);
      throw new AppError(ErrorCode.ALREADY_CHATTING);
    }
    await this.keys.admit(caller.userId, hash);
    return this.enter(caller, await this.claim(caller, hash));
  }

  /**
   * A private wait taken over by a new connection (a reload, a network switch): back in its room. When the
   * store is out of reach, the wait goes on and it is tried again later, as a put-back is — the page still
   * shows it waiting (before, the wait was ended, the page was told an error and went on waiting for ever).
   */
  async resume(caller: Caller, activity: Activity): Promise<void> {
    if (activity.kind !== 'waiting' || activity.privateKey === undefined) return;
    const hash = activity.privateKey;
    // Waiting in it is using it too.
    await this.keys.touch(hash);
    await this.orLater(caller.userId, 'could not put a resumed private wait back in its room', () => this.enterAgain(caller, activity, hash));
  }

  /**
   * Enters the room again for a wait nobody asked to enter now (resumed, or put back). A passing failure
   * throws (tried again later) and keeps the wait; any other ends it, and the connection is told why.
   */
  private async enterAgain(caller: Caller, self: Activity, hash: string): Promise<void> {
    // Tried again later on the wait as it is then (a retry must not act on a revision read long before).
    const now = await this.deps.registry.get(caller.userId);
    if (now?.kind !== 'waiting' || now.privateKey !== hash || now.detached || now.socketId !== self.socketId) return;
    try {
      await this.enter(caller, now, true);
    } catch (error) {
      if (isPassing(error)) throw error;
      // The wait is over: a block, or a lasting database error (`fail`), both NOT_FOUND — on which the page
      // leaves a private wait it shows (web/src/private-rejoin.ts).
      const code = isAppError(error) ? error.code : ErrorCode.INTERNAL_ERROR;
      this.deps.notifier.toSocket(caller.socketId, 'error', { code, message: errorText[caller.lang][code] });
    }
  }

  /**
   * After Redis lost its data: a connected person's wait in a private room, as the registry holds it now
   * (restored just before, with a new revision), back in its room — meeting whoever entered the key
   * meanwhile. Nothing when it is no longer such a wait. Never throws (a failure is tried again later).
   */
  restoreWait(userId: string, hash: string): Promise<void> {
    return this.putBack(hash, userId);
  }

  /** A private chat resumed by a page that has none of it (a reload): its earlier conversation again. */
  resumedFromStart(socketId: string, keyHash: string, roomId: number): void {
    this.sendHistory(keyHash, roomId, [socketId]);
  }

  /** A private wait ended (left, gone for good, banned): its place in the room is given up. Never throws. */
  vacate(userId: string, hash: string): Promise<void> {
    return this.endings.vacate(userId, hash);
  }

  private async claim(caller: Caller, hash: string): Promise<Activity> {
    const claimed = await this.deps.registry.claim(caller.userId, {
      kind: 'waiting',
      socketId: caller.socketId,
      lang: caller.lang,
      instanceId: this.deps.instanceId,
      networkHash: caller.networkHash,
      privateKey: hash,
    });
    if (!claimed) throw new AppError(ErrorCode.ALREADY_CHATTING);
    return claimed;
  }

  /**
   * `self`: the caller's private wait as last read. Meets whoever waits in the room, or waits there. A failure
   * ends the wait (the caller is answered the error), unless `keep` and it is a passing one: then the wait
   * stays for a later try (a wait nobody asked to enter now, see `enterAgain`).
   */
  private async enter(caller: Caller, self: Activity, keep = false): Promise<JoinPrivateResult> {
    const hash = self.privateKey!;
    for (let attempt = 0; attempt < MAX_MEET_ATTEMPTS; attempt++) {
      const outcome = await this.endings.orGiveUp(caller, self, () => this.deps.rendezvous.enter(hash, caller.userId), ErrorCode.MATCHING_UNAVAILABLE, keep);
      if (outcome.kind === 'waiting') {
        this.deps.notifier.toSocket(caller.socketId, 'waiting', { message: eventText[caller.lang].waiting, waiting_count: 0, private: true });
        return { status: 'waiting' };
      }
      const met = await this.meet(caller, self, outcome.otherId, hash, keep);
      if (met) return met;
    }
    throw await this.endings.fail(caller, self, new AppError(ErrorCode.MATCHING_UNAVAILABLE, { detail: 'the other person kept vanishing' }), keep);
  }

  /**
   * Opens a chat for the caller and the person taken out of the room. Undefined when that person cannot
   * meet now (gone, or their connection lost: they enter again when back, and the caller waits meanwhile).
   */
  private async meet(caller: Caller, self: Activity, otherId: string, hash: string, keep: boolean): Promise<JoinPrivateResult | undefined> {
    const { registry, repository, store, clock } = this.deps;
    let other: Activity | undefined;
    let room: RoomRecord;
    try {
      other = await registry.get(otherId);
      // Not waiting in this room any more: a leftover place, nobody to put back.
      if (other?.kind !== 'waiting' || other.privateKey !== hash || other.detached) return undefined;
      if (await this.deps.isBlocked(caller.userId, otherId)) throw new AppError(ErrorCode.NOT_FOUND, { detail: 'closed by a block' });
      room = await repository.createRoom({
        user1Id: otherId,
        user2Id: caller.userId,
        matchType: 'private',
        createdAt: clock.now(),
        user1Network: other.networkHash,
        user2Network: caller.networkHash ?? self.networkHash,
      });
    } catch (cause) {
      const failure = isAppError(cause) ? cause : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
      // Unknown state (the registry failed) or still waiting: either way the other person waits again —
      // unless the database refuses this meeting for good.
      const ended = other?.kind === 'waiting' && lastingDbError(failure) !== undefined && (await this.endings.endOther(otherId, other));
      if (!ended && (other === undefined || other.kind === 'waiting')) await this.putBack(hash, otherId);
      throw await this.endings.fail(caller, self, failure, keep);
    }

    let otherChatting: Activity | undefined;
    let selfChatting: Activity | undefined;
    try {
      await store.linkRoom(hash, room.id);
      otherChatting = await registry.transition(otherId, { rev: other.rev }, { ...stateOf(other), kind: 'chatting', roomId: room.id, partnerId: caller.userId });
      if (!otherChatting) {
        // The other person changed meanwhile (left, dropped, taken over): in the room again if still waiting.
        await this.close(room.id);
        await this.putBack(hash, otherId);
        return undefined;
      }
      selfChatting = await registry.transition(
        caller.userId,
        { rev: self.rev },
        { ...stateOf(self), kind: 'chatting', socketId: caller.socketId, lang: caller.lang, roomId: room.id, partnerId: otherId, instanceId: this.deps.instanceId },
      );
    } catch (cause) {
      const failure = isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
      if (lastingDbError(failure)) {
        await this.close(room.id);
        if (!(await this.endings.endOther(otherId, otherChatting ?? other))) await this.putBack(hash, otherId);
      } else await this.undo(room.id, hash, otherId, other, otherChatting);
      throw await this.endings.fail(caller, self, failure, keep);
    }
    if (!selfChatting) {
      // The caller changed meanwhile (dropped, or taken over by a new connection, which enters again).
      await this.undo(room.id, hash, otherId, other, otherChatting);
      return { status: 'waiting' };
    }
    let stranded: Activity | undefined;
    if (await leftBeforeMeeting(registry, otherId, room.id, this.deps.logger)) {
      // The other person's chat ended (left, banned, dropped) between the two moves; its ender found the caller
      // still waiting and closed the room without them. The caller waits in the room again.
      const back = await backToWaiting(registry, caller.userId, selfChatting, self, room.id, this.deps.logger);
      if ('waiting' in back) return this.enter(caller, back.waiting, keep);
      stranded = back.stranded;
    }
    const sockets = [other.socketId, caller.socketId];
    this.announce(room.id, sockets);
    if (stranded) {
      this.deps.notifier.toSocket(stranded.socketId, 'partner_left', { message: eventText[stranded.lang].partnerLeft, reason: 'left', room_id: room.id });
      return { status: 'matched', room_id: room.id };
    }
    // A block acked while they were meeting (after the look above) ends the chat now, before their history is
    // sent: the block itself ends a chat it finds both in, and this looks again once both are — one of the two
    // sees the other.
    const blocked = await this.deps.isBlocked(caller.userId, otherId).catch((err: unknown) => void this.deps.logger.warn({ err }, 'could not look for a block again after a meeting'));
    if (blocked) await this.deps.endBlocked(otherId, caller.userId);
    else this.sendHistory(hash, room.id, sockets);
    return { status: 'matched', room_id: room.id };
  }

  /**
   * The earlier conversation to both, without holding the answer to `join_private`: a page waits for its
   * connection to take the previous one (up to half a minute each), far past a client's patience for an
   * ack. `matched` went to both connections before (announce), so on each the history still follows it.
   */
  private sendHistory(hash: string, roomId: number, socketIds: readonly string[]): void {
    for (const socketId of socketIds) {
      void this.deps.history.send({ socketId, keyHash: hash, roomId }).catch((err: unknown) => this.deps.logger.warn({ err, roomId }, 'private room history could not be sent'));
    }
  }

  /** Both are told, each on its own connection (so the history that follows arrives after it). */
  private announce(roomId: number, socketIds: readonly string[]): void {
    const { notifier, logger } = this.deps;
    for (const socketId of socketIds) {
      notifier.joinConversation(socketId, roomId);
      notifier.toSocket(socketId, 'matched', { room_id: roomId, match_type: 'private' });
    }
    logger.info({ roomId, matchType: 'private' }, 'matched');
    this.deps.events?.matched('private');
  }

  /** Takes back a meeting half made: the room is closed and the other person waits in the room again. */
  private async undo(roomId: number, hash: string, otherId: string, otherWaiting: Activity, otherChatting: Activity | undefined): Promise<void> {
    await this.close(roomId);
    if (!otherChatting) return this.putBack(hash, otherId);
    await this.orLater(otherId, 'could not put the other person back after a failed meeting', () => this.waitAgain(roomId, hash, otherId, otherWaiting, otherChatting));
  }

  /**
   * The other person of a meeting taken back, moved to the closed room already (`otherChatting`): waiting
   * in their room again (and met there if somebody came). One who changed since (their connection dropped
   * or was taken over) is out: the room is closed, so it is over for them. Run again after a failure, it
   * finds them waiting already and only puts them back. Throws when the registry cannot be reached.
   */
  private async waitAgain(roomId: number, hash: string, otherId: string, otherWaiting: Activity, otherChatting: Activity): Promise<void> {
    const { registry } = this.deps;
    const now = await registry.get(otherId);
    if (now?.kind === 'waiting' && now.privateKey === hash) return this.putBackNow(hash, otherId);
    if (now?.kind !== 'chatting' || now.roomId !== roomId) return;
    const waitingAgain = await registry.transition(otherId, { rev: otherChatting.rev }, stateOf(otherWaiting));
    if (waitingAgain) return this.putBackNow(hash, otherId);
    await registry.release(otherId, { roomId });
  }

  /**
   * Somebody taken out of the room by a meeting that fell through: in the room again if still waiting
   * there with a connection (met at once if the caller got in meanwhile). One whose connection is lost
   * enters again when back. Never throws: when the registry cannot be reached, it is tried again later.
   */
  private putBack(hash: string, userId: string): Promise<void> {
    return this.orLater(userId, 'could not put somebody back in a private room', () => this.putBackNow(hash, userId));
  }

  private async putBackNow(hash: string, userId: string): Promise<void> {
    const now = await this.deps.registry.get(userId);
    if (now?.kind !== 'waiting' || now.privateKey !== hash || now.detached) return;
    await this.keys.touch(hash);
    await this.enterAgain({ userId, socketId: now.socketId, lang: now.lang, networkHash: now.networkHash }, now, hash);
  }

  /**
   * Runs `step` for `userId`; if it fails (Redis or the database away for a moment), it runs again after
   * PUT_BACK_RETRY_MS, until it succeeds or the server stops — for their page still shows them waiting, and
   * nothing else would bring them back into the room. Never throws.
   */
  private async orLater(userId: string, failure: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.deps.logger.warn({ err, userId }, failure);
      this.retries.start(userId, PUT_BACK_RETRY_MS, () => void this.orLater(userId, failure, step));
    }
  }

  /**
   * The room of a meeting taken back is closed like any chat's, retried until written: tried once, a failure
   * left it "active" for good — out of the retention purge's reach, and its key with it.
   */
  private async close(roomId: number): Promise<void> {
    await this.deps.closer.close(roomId, 'disconnected');
  }
}
