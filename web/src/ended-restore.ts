/**
 * The chat-ended screen survives a reload in the same tab. Before, a reload there (a harassed person's
 * panic, a browser restoring the tab) came back to the start screen: no Report for that chat any more, no
 * receipt on the ended bar, no Keep in touch — though the server still takes a report of it (`report
 * {room_id}`) for REPORT_WINDOW_MS after its end, and a `keep_in_touch {room_id}` for its own window.
 *
 * - The page goes away or out of sight (`leaving`) with a chat ended on screen: what the ended screen
 *   offers is kept in this tab (ended-keeper.ts) — unless the identity changed since the chat showed, or
 *   the report window is over. With anything else on screen, whatever was kept is forgotten.
 * - The reloaded page's first `session`: if it says this identity is idle (a chat or wait that is
 *   resumed goes on, and nothing old shows over it), is the one that was in the chat and the report window
 *   is still open, the flow shows the chat again, ended (its messages, why it ended, New), then Report and
 *   Block with what is left of the window, Keep in touch as it was (and its window's rest), the receipt.
 *   Either way the kept chat is taken: a later session (a reconnection) never brings it back.
 * - Moving on (a wait, a new chat, the start screen) forgets it at once, not only when the page goes: a
 *   tab discarded later without a `pagehide` must not bring an old chat back.
 */
import type { ChatClient } from './chat-client.js';
import type { ChatFlow } from './chat-flow-types.js';
import type { EndedKeeper } from './ended-keeper.js';
import type { KeepInTouch } from './keep-in-touch.js';
import type { MessageList } from './message-list.js';
import type { ReceiptNotes } from './receipt-note.js';
import type { ChatState } from './safety-actions.js';

/** The parts of the page that show an ended chat, or know something of it. */
export interface EndedRestoreParts {
  keeper: EndedKeeper;
  flow: Pick<ChatFlow, 'restoreEnded'>;
  messages: Pick<MessageList, 'shown'>;
  receipts: Pick<ReceiptNotes, 'onEndedBar' | 'show'>;
  contact: Pick<KeepInTouch, 'state' | 'restore'>;
  /** Nothing more offered for the partner of `roomId`, whom this person blocked (Block, Keep in touch). */
  partnerBlocked(roomId: number): void;
  /** The page is out of sight: a chat that ends (or whose receipt comes) then is kept at once. */
  hidden(): boolean;
  /**
   * A chat shown again without its receipt (the page went before it came): it is looked up (ended-away.ts);
   * `away`: the chat had ended while the page was away.
   */
  lookUpReceipt(roomId: number, away: boolean): void;
}

export interface EndedRestore {
  /** The chat on screen changed, as the flow tells it (null: none). */
  chatChanged(state: ChatState | null): void;
  /** This person blocked the partner of `roomId`. */
  blocked(roomId: number): void;
  /** The page goes away, or out of sight: the chat ended on screen is kept, anything else forgotten. */
  leaving(): void;
  /** The page is in sight again (or back from the back/forward cache): nothing needs keeping while it is. */
  returned(): void;
}

/** The server's default REPORT_WINDOW_MS, until a `session` says what it is (as safety-actions.ts does). */
const DEFAULT_REPORT_WINDOW_MS = 2 * 60_000;

export function createEndedRestore(client: Pick<ChatClient, 'on'>, parts: EndedRestoreParts): EndedRestore {
  const { keeper } = parts;
  let userId: string | null = null;
  let reportWindowMs = DEFAULT_REPORT_WINDOW_MS;
  /** Whether what the last page kept was dealt with (the first session, or moving on before it): till then it stays. */
  let settled = false;
  let chat: ChatState | null = null;
  /** The identity that was in the chat on screen: the one of the session when that chat showed. */
  let chatUser: string | null = null;
  const blockedRooms = new Set<number>();
  /** Forgets what was kept once its report window is over, if the page is still there to do it. */
  let expiry: ReturnType<typeof setTimeout> | undefined;
  const forget = (): void => {
    clearTimeout(expiry);
    keeper.forget();
  };

  /** What `leaving` does: the chat ended on screen is kept, anything else forgotten. */
  const keepEnded = (): void => {
    if (!settled) return;
    const ended = chat?.live === false ? chat : null;
    // A session with another identity since the chat showed (its cookie replaced): not theirs to see.
    if (ended === null || userId === null || chatUser !== userId) return forget();
    const endedAt = ended.endedAt ?? Date.now();
    const until = endedAt + reportWindowMs;
    if (until <= Date.now()) return forget();
    const onBar = parts.receipts.onEndedBar();
    keeper.keep({
      roomId: ended.roomId,
      userId,
      endedAt,
      until,
      note: ended.endNote ?? 'chatEnded',
      // A private room's earlier conversation is not this chat's (nor reported with it).
      messages: parts.messages.shown().filter(({ message }) => message.room_id === ended.roomId),
      receipt: onBar?.receipt.room_id === ended.roomId ? { code: onBar.receipt.code, away: onBar.away } : null,
      contact: parts.contact.state(ended.roomId),
      blocked: blockedRooms.has(ended.roomId),
    });
    // The conversation is not left in the tab's storage past the window in which it could be shown again
    // (a hidden page lives on; one that went away is read, and found expired, when the tab loads again).
    clearTimeout(expiry);
    expiry = setTimeout(() => keeper.forget(), until - Date.now());
  };

  // Hidden, the page may be discarded without a `pagehide`: its receipt, come now, is kept with the chat.
  // (After receipt-note.ts's own listener, which puts it on the ended bar: main.ts creates that first.)
  client.on('receipt', () => {
    if (parts.hidden() && chat?.live === false) keepEnded();
  });

  // After the flow's own listener (main.ts creates this after the flow), which resumes a chat or wait.
  client.on('session', ({ user_id: user, status, report_window_ms: windowMs }) => {
    userId = user;
    if (Number.isFinite(windowMs) && windowMs >= 0) reportWindowMs = windowMs;
    if (settled) return;
    settled = true;
    const kept = keeper.take(user, Date.now());
    if (kept === null || status !== 'idle' || !parts.flow.restoreEnded(kept)) return;
    parts.contact.restore(kept.roomId, kept.contact);
    if (kept.blocked) parts.partnerBlocked(kept.roomId);
    if (kept.receipt) parts.receipts.show({ room_id: kept.roomId, code: kept.receipt.code }, kept.receipt.away);
    else parts.lookUpReceipt(kept.roomId, kept.note === 'chatEndedWhileAway');
  });

  return {
    chatChanged(state) {
      if (state?.roomId !== chat?.roomId) chatUser = userId;
      chat = state;
      if (state !== null && !state.live) {
        // Ended while out of sight: kept now, as leaving would (no `pagehide` may come before a discard).
        if (parts.hidden()) keepEnded();
        return;
      }
      settled = true;
      forget();
    },
    blocked(roomId) {
      blockedRooms.add(roomId);
    },
    leaving: keepEnded,
    returned() {
      // Before the first session, what the last page kept is still to be shown.
      if (settled) forget();
    },
  };
}
