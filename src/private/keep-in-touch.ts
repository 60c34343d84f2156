/**
 * Staying in touch: during a chat, or within the window after it ended, each of the two may ask
 * (`keep_in_touch`); once both have, both get the same new key (`contact_key {key, room_id}`), bound to the
 * two of them and filed with that chat — named, as either may be in another chat by the time it comes —
 * so `join_private {key}` reunites them later with the conversation shown. Neither learns anything else
 * about the other, and someone who asks alone is never told that the other did not (nor that they blocked
 * them).
 *
 * The two asks may come at the same moment on two instances: the rendezvous answers `complete` to
 * exactly one of them, which makes the key and tells both. A key that could not be stored is taken
 * back, so the next ask completes again. A block acked before the key is made leaves both without one.
 *
 * The database keeps only the key's hash, so the key itself is kept with the ask (by the rendezvous): one
 * of the two who was not connected when it was made, or came back on a new connection since, asks again
 * and gets the same key there. Only as long as that may happen: once the chat has ended (`chatEnded`, told
 * by the chat service), or an ask made after that, the asks, key included, are kept only until the window
 * after it closes; `ASK_TTL_MS` only bounds them if that news was lost (Redis away then). In cluster mode that is Redis, in plain text: a contact key is bound to its two
 * identities from the start, so whoever reads it there still cannot enter its room (NOT_FOUND) without
 * one of their sessions — and the ask beside it names the two.
 */
import type { Logger } from 'pino';
import type { ActivityRegistry } from '../chat/activity-registry.js';
import type { Caller } from '../chat/caller.js';
import type { ChatNotifier } from '../chat/notifier.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { PrivateKeyStore, RoomFacts } from './private-key-store.js';
import { canonicalKey, keyHash, newPrivateKey } from './private-keys.js';
import type { PrivateRendezvous } from './private-rendezvous.js';

/**
 * How long an ask made while the chat goes on is kept: long enough for any chat and its window (a later
 * ask is refused anyway by the window check, this only bounds what is kept). An ask after the chat ended
 * is kept only until the window closes.
 */
const ASK_TTL_MS = 24 * 3_600_000;

export interface KeepInTouchDeps {
  registry: ActivityRegistry;
  rendezvous: PrivateRendezvous;
  store: Pick<PrivateKeyStore, 'create' | 'room' | 'lastRoomOf'>;
  notifier: Pick<ChatNotifier, 'toSocket' | 'isConnected'>;
  clock: Clock;
  logger: Logger;
  /** How long after a chat ended the two may still ask. */
  windowMs: number;
  /** Whether a block keeps the two apart (blocks both ways): never given a way to meet again. */
  isBlocked: (userId: string, otherId: string) => Promise<boolean>;
  /**
   * Gives the key to an identity's connections other than one (on every instance): the one that asked is
   * gone and the person holds nothing the registry knows of, e.g. reconnected while the chat had ended.
   */
  reachIdentity?: (userId: string, exceptSocketId: string, key: string, roomId: number) => void;
}

export class KeepInTouch {
  constructor(private readonly deps: KeepInTouchDeps) {}

  /** The chat of `roomId` ended: what was asked in it is kept only while an ask may still come. Never throws. */
  async chatEnded(roomId: number): Promise<void> {
    const { rendezvous, windowMs, logger } = this.deps;
    await rendezvous.chatEnded(roomId, windowMs).catch((err: unknown) => logger.warn({ err, roomId }, 'the asks of an ended chat could not be shortened'));
  }

  /** The caller asks to stay in touch with the partner of `roomId` (default: the current or last chat). Idempotent. */
  async ask(caller: Caller, roomId: number | undefined): Promise<object> {
    const { rendezvous, clock, windowMs } = this.deps;
    const room = await this.roomFor(caller.userId, roomId);
    // Only one's own chats, and only chance meetings: a private room's two already hold its key.
    if (!room || (room.user1Id !== caller.userId && room.user2Id !== caller.userId) || room.matchType === 'private') throw new AppError(ErrorCode.NOT_FOUND);
    const nowMs = clock.now().getTime();
    if (!room.isActive && (room.endedAt === null || nowMs - room.endedAt.getTime() > windowMs)) throw new AppError(ErrorCode.KEEP_IN_TOUCH_CLOSED);
    const partnerId = room.user1Id === caller.userId ? room.user2Id : room.user1Id;
    // A block is never told: the ask is taken and leads nowhere.
    if (await this.deps.isBlocked(caller.userId, partnerId)) return {};
    // The asks, and the key once kept with them, only as long as another ask may come: once the chat has
    // ended, until its window closes (while it goes on its end is not known yet: ASK_TTL_MS).
    const keepMs = room.isActive || room.endedAt === null ? ASK_TTL_MS : Math.max(1, room.endedAt.getTime() + windowMs - nowMs);
    const outcome = await rendezvous.askToKeep(room.id, caller.userId, caller.socketId, keepMs).catch((cause: unknown) => {
      throw new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    });
    if (outcome.kind === 'complete') await this.give(room.id, caller, outcome.other);
    // Made already: to this connection too, if it is not the one told (the key may have been given while nobody was here).
    else if (outcome.kind === 'settled' && outcome.key !== undefined) this.deps.notifier.toSocket(caller.socketId, 'contact_key', { key: outcome.key, room_id: room.id });
    return {};
  }

  /**
   * Makes the key of two people who both asked, and tells both — unless a block between them was acked
   * since the caller's ask looked (then neither gets one, and the ask stays settled: asking again leads nowhere).
   */
  private async give(roomId: number, caller: Caller, other: { userId: string; socketId: string }): Promise<void> {
    const { store, rendezvous, notifier, registry, clock, logger } = this.deps;
    const reopen = (): Promise<void> => rendezvous.reopen(roomId).catch((err: unknown) => logger.warn({ err, roomId }, 'could not take back a contact key that was not made'));
    let blocked: boolean;
    try {
      blocked = await this.deps.isBlocked(caller.userId, other.userId);
    } catch (cause) {
      await reopen();
      throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
    }
    if (blocked) return void logger.info({ roomId }, 'contact key not made: a block came first');
    const key = newPrivateKey();
    try {
      await store.create({ keyHash: keyHash(canonicalKey(key)!), user1Id: other.userId, user2Id: caller.userId, origin: 'contact', createdAt: clock.now(), roomId });
    } catch (cause) {
      await reopen();
      throw new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }
    // Kept with the ask for whichever of the two asks again; if it cannot be, those connected now still get it.
    await rendezvous.keepKey(roomId, key).catch((err: unknown) => logger.warn({ err, roomId }, 'could not keep a contact key for a later ask'));
    const payload = { key, room_id: roomId };
    notifier.toSocket(caller.socketId, 'contact_key', payload);
    notifier.toSocket(other.socketId, 'contact_key', payload);
    // The other may have come back on a new connection since asking (a reload, a reconnect): there too —
    // found by its activity if it holds one, otherwise among the identity's connections.
    const now = await registry.get(other.userId).catch(() => undefined);
    if (now && now.socketId !== other.socketId) notifier.toSocket(now.socketId, 'contact_key', payload);
    else if (!now && !(await notifier.isConnected(other.socketId).catch(() => false))) this.deps.reachIdentity?.(other.userId, other.socketId, key, roomId);
    logger.info({ roomId }, 'contact key given');
  }

  private async roomFor(userId: string, roomId: number | undefined): Promise<RoomFacts | undefined> {
    const { store, registry } = this.deps;
    try {
      if (roomId !== undefined) return await store.room(roomId);
      const current = await registry.get(userId);
      if (current?.kind === 'chatting') return await store.room(current.roomId);
      return await store.lastRoomOf(userId);
    } catch (cause) {
      throw isAppError(cause) ? cause : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
    }
  }
}
