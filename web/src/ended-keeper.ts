/**
 * The chat-ended screen kept over a reload: when the page goes away (or out of sight, where a phone may
 * discard it without a `pagehide`) with a chat ended on screen, what that screen offered is kept in
 * sessionStorage (this tab only, never localStorage, never sent anywhere): the chat's room, the identity
 * that was in it, when it ended, its messages, its receipt, whether keeping in touch was asked (and the
 * contact key shown), whether its partner was blocked. The reloaded page takes it back once, for the same
 * identity only and only until the report window closes — a harassed person who reloads in panic still
 * has Report, the receipt and the conversation (ended-restore.ts decides when). Storage may be blocked
 * (privacy modes) or full: then nothing is kept, and the reload starts afresh as it did before.
 */
import type { ChatMessage, MatchType } from '../../src/shared/protocol.js';
import { isTextKey, type TextKey } from './i18n.js';
import type { ContactState } from './keep-in-touch.js';

const STORAGE_KEY = 'chat-ended';
/**
 * At most this many messages are kept, the latest: a long chat's (500 characters each at most) still fits
 * the few megabytes sessionStorage allows, beside the page's other keys.
 */
export const MAX_KEPT_MESSAGES = 500;

/** An ended chat as kept for a reload. */
export interface KeptEndedChat {
  roomId: number;
  /** The identity that was in it: never shown to another. */
  userId: string;
  /** When the page saw it end (ms since the epoch, this browser's clock). */
  endedAt: number;
  /** Until when it is kept (ms since the epoch): the report window's end. */
  until: number;
  /** Why it ended, as the conversation said it ("Your partner left the chat"). */
  note: TextKey;
  /** Its messages (the latest MAX_KEPT_MESSAGES), in id order, and whose each is. */
  messages: { message: ChatMessage; own: boolean }[];
  /** Its receipt as the ended bar showed it; `away`: looked up after an end the page missed. */
  receipt: { code: string; away: boolean } | null;
  /** What keeping in touch had for it. */
  contact: ContactState;
  /** This person blocked its partner. */
  blocked: boolean;
}

export interface EndedKeeper {
  /** The page goes away with `chat` ended on screen: kept (the latest messages only), replacing any other. */
  keep(chat: KeptEndedChat): void;
  /**
   * The chat kept for `userId`, if one is and its time (`until`) has not passed at `now`; whatever is kept
   * is forgotten either way (kept again as the page goes, if it shows the chat again).
   */
  take(userId: string, now: number): KeptEndedChat | null;
  /** Whatever is kept is forgotten (the person moved on). */
  forget(): void;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const MATCH_TYPES: readonly MatchType[] = ['random', 'interests', 'private'];

/** A message of `roomId` as kept; anything else (another room's, a malformed one) is dropped. */
function readMessage(value: unknown, roomId: number): { message: ChatMessage; own: boolean } | null {
  if (!isObject(value) || !isObject(value['message'])) return null;
  const { id, room_id: room, sender_id: sender, content, timestamp } = value['message'];
  if (!isCount(id) || room !== roomId || typeof sender !== 'string' || typeof content !== 'string' || typeof timestamp !== 'string') return null;
  return { message: { id, room_id: roomId, sender_id: sender, content, timestamp }, own: value['own'] === true };
}

function readContact(value: unknown): ContactState {
  const contact = isObject(value) ? value : {};
  const matchType = MATCH_TYPES.find((type) => type === contact['matchType']) ?? null;
  const banner = isObject(contact['banner']) ? contact['banner'] : null;
  const key = banner?.['key'];
  const bannerRoom = banner?.['roomId'];
  return {
    matchType,
    asked: contact['asked'] === true,
    keyed: contact['keyed'] === true,
    banner: typeof key === 'string' && key !== '' ? { key, roomId: isCount(bannerRoom) ? bannerRoom : null } : null,
  };
}

/** What the storage holds, if it is an ended chat as kept (a malformed one is nothing). */
function readChat(saved: unknown): KeptEndedChat | null {
  if (!isObject(saved)) return null;
  const { roomId, userId, endedAt, until, note, messages, receipt, contact, blocked } = saved;
  if (!isCount(roomId) || typeof userId !== 'string' || userId === '' || !isCount(endedAt) || !isCount(until)) return null;
  const code = isObject(receipt) ? receipt['code'] : undefined;
  return {
    roomId,
    userId,
    endedAt,
    until,
    note: typeof note === 'string' && isTextKey(note) ? note : 'chatEnded',
    messages: (Array.isArray(messages) ? (messages as unknown[]) : []).flatMap((m) => readMessage(m, roomId) ?? []),
    receipt: typeof code === 'string' && code !== '' ? { code, away: isObject(receipt) && receipt['away'] === true } : null,
    contact: readContact(contact),
    blocked: blocked === true,
  };
}

export function createEndedKeeper(storage: () => Storage = () => sessionStorage): EndedKeeper {
  const forget = (): void => {
    try {
      storage().removeItem(STORAGE_KEY);
    } catch {
      // Nothing was kept.
    }
  };

  return {
    keep(chat) {
      try {
        storage().setItem(STORAGE_KEY, JSON.stringify({ ...chat, messages: chat.messages.slice(-MAX_KEPT_MESSAGES) }));
      } catch {
        // Blocked or full: not kept (and an older chat's, if any, not left in its place).
        forget();
      }
    },
    take(userId, now) {
      let chat: KeptEndedChat | null = null;
      try {
        chat = readChat(JSON.parse(storage().getItem(STORAGE_KEY) ?? 'null'));
      } catch {
        // Blocked, or not what this page writes: nothing to take.
      }
      forget();
      return chat !== null && chat.userId === userId && now < chat.until ? chat : null;
    },
    forget,
  };
}
