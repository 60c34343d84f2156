/**
 * The receipt of a chat that ended while the page was away (its connection lost, or the page reloaded):
 * the server sent it to the connection that was gone, and what the partner said meanwhile — their goodbye
 * too — never reached the page. The identity's recent chats (`GET /api/my/chats`, by the identity cookie)
 * hold that room's code, so it is looked up and shown as a receipt that came with the end is, saying that
 * what was said meanwhile can be read with it on /my — when the listing counts more messages in the chat
 * than the page shows (nothing was said meanwhile when the server itself went down, say). Only that room's code: a listing that fails, or that
 * does not have the room (storage off), shows nothing more, and no error.
 */
import type { ChatClient } from './chat-client.js';
import type { ReceiptPayload } from '../../src/shared/protocol.js';

/**
 * How often the listing is asked for a room it does not have yet: the session that says "not chatting" can
 * come just before the closing of the room is stored, which is when the listing starts to have it.
 */
const TRIES = 3;
/** The wait between two tries, in ms. */
const RETRY_MS = 1_000;

/**
 * The code of `roomId` in a `GET /api/my/chats` answer (`{user_id, chats: [{room_id, code, message_count, …}]}`),
 * if listed, with how many messages the chat holds (undefined when the answer does not say).
 */
export function receiptOf(listing: unknown, roomId: number): (ReceiptPayload & { messages?: number }) | undefined {
  if (typeof listing !== 'object' || listing === null) return undefined;
  const chats: unknown = (listing as { chats?: unknown }).chats;
  if (!Array.isArray(chats)) return undefined;
  for (const chat of chats as unknown[]) {
    if (typeof chat !== 'object' || chat === null) continue;
    const { room_id: room, code, message_count: count } = chat as { room_id?: unknown; code?: unknown; message_count?: unknown };
    if (room !== roomId || typeof code !== 'string' || code === '') continue;
    return typeof count === 'number' ? { room_id: roomId, code, messages: count } : { room_id: roomId, code };
  }
  return undefined;
}

/** The identity's recent chats as the server answers them; undefined when the request failed. */
async function fetchRecentChats(): Promise<unknown> {
  try {
    const response = await fetch('/api/my/chats', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

export interface EndedAwayOptions {
  /**
   * Shows the receipt as one that came with the chat's end would be; `away`: noting it reads what was said
   * meanwhile — only when something was: the chat holds more messages than the page shows of it (a server
   * that crashed ends the chat with nothing said meanwhile).
   */
  show(receipt: ReceiptPayload, away: boolean): void;
  /** How many stored messages of the chat of `roomId` the page shows (default: none known, so "away" stands). */
  shownOf?: (roomId: number) => number;
  /** The listing (tests give their own); undefined when it failed. Default: `GET /api/my/chats`. */
  recentChats?: () => Promise<unknown>;
  /** Waits `ms` between tries (tests give their own). */
  sleep?: (ms: number) => Promise<void>;
}

export interface EndedAway {
  /** The chat of `roomId`, which the page showed or was reloaded from, turned out to have ended while it was away. */
  ended(roomId: number): void;
  /**
   * The chat of `roomId`, which ended on screen, was shown again after a reload without its receipt (the
   * page went before the receipt came, or before the lookup of one that ended while away was done): looked
   * up the same way; `away`, as for `ended`, when it had ended while the page was away.
   */
  missing(roomId: number, away: boolean): void;
}

export function createEndedAway(client: Pick<ChatClient, 'on'>, options: EndedAwayOptions): EndedAway {
  const recentChats = options.recentChats ?? fetchRecentChats;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /**
   * Counts what makes a lookup under way late: a new chat (or one resumed), or a receipt that arrived —
   * the receipt notes then belong to that one, and an older room's code must not replace it.
   */
  let generation = 0;
  client.on('matched', () => generation++);
  client.on('receipt', () => generation++);

  const lookUp = async (roomId: number, asked: number, away: boolean): Promise<void> => {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const listing = await recentChats();
      if (asked !== generation) return;
      // A failed request is not retried: it says nothing, as a listing without the room does in the end.
      if (listing === undefined) return;
      const listed = receiptOf(listing, roomId);
      if (listed) {
        const { messages, ...receipt } = listed;
        const missed = messages === undefined || options.shownOf === undefined || messages > options.shownOf(roomId);
        return options.show(receipt, away && missed);
      }
      if (attempt < TRIES) await sleep(RETRY_MS);
      if (asked !== generation) return;
    }
  };

  return {
    ended(roomId) {
      void lookUp(roomId, ++generation, true);
    },
    missing(roomId, away) {
      void lookUp(roomId, ++generation, away);
    },
  };
}
