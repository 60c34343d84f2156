/**
 * 保持联系 / Keep in touch: in the chat header while a chance chat goes on, and on the chat-ended bar for
 * the server's window after it (KEEP_IN_TOUCH_WINDOW_MS, 2 minutes by default; a late ask is refused with
 * KEEP_IN_TOUCH_CLOSED anyway). Asking is told to nobody: the button says it was asked, and a note says
 * what happens if the other person asks too. When both have, `contact_key {key, room_id}` comes: the key is
 * shown in a banner at the top of the page (on whatever screen the person is by then), with Copy and how to
 * use it, until closed (the focus, if on the button the key takes away, goes to the banner's title; on
 * Close, from inside the banner, to the input, else the screen's heading). It is credited to the chat it
 * names, which may be an earlier one than the chat on screen (asked, then New, then that partner asked
 * within the window): a note there only if it is on screen. Private rooms have no such button (their two
 * hold their key already). What it had for an ended chat — asked, keyed, the banner's key — is shown again
 * after a reload on that chat (ended-restore.ts), with what is left of the window: the server gives a key
 * made meanwhile to the new connection.
 */
import type { MatchType } from '../../src/shared/protocol.js';
import type { ChatClient } from './chat-client.js';
import { byTestId } from './dom.js';
import { errorText } from './i18n.js';
import { createKeyBox } from './key-box.js';
import type { MessageList } from './message-list.js';
import { privateTexts, showPrivateText } from './private-texts.js';
import { windowLeft, type ChatState } from './safety-actions.js';
import type { Toast } from './toast.js';

/** The server's default KEEP_IN_TOUCH_WINDOW_MS; the page learns the end a moment after the server, never before. */
const WINDOW_MS = 2 * 60_000;

export interface KeepInTouchViews {
  /** The chat header's button (while the chat goes on) and the chat-ended bar's (after it). */
  buttons: { live: HTMLButtonElement; ended: HTMLButtonElement };
  /** The banner that shows a contact key. */
  banner: HTMLElement;
  messages: MessageList;
  toast: Toast;
  /** Where the focus goes when the banner closes with the focus inside it (as the crisis card's Close: main.ts). */
  focusAfter: () => HTMLElement | null;
}

/** What keeping in touch had for a chat, kept over a reload (ended-keeper.ts). */
export interface ContactState {
  /** How the chat was paired (a private room has no Keep in touch); unknown: null. */
  matchType: MatchType | null;
  /** This person asked to keep in touch in it (the button says so). */
  asked: boolean;
  /** The two got a contact key for it (the button is gone). */
  keyed: boolean;
  /** The contact key the banner shows (null: none, or closed), and the chat it is for (null: not said). */
  banner: { key: string; roomId: number | null } | null;
}

export interface KeepInTouch {
  /** The chat on screen changed (null: none). */
  chatChanged(state: ChatState | null): void;
  /** What it has for the chat of `roomId`, to keep over a reload. */
  state(roomId: number): ContactState;
  /** After a reload, what it had for the chat of `roomId` (before that chat shows again, or after). */
  restore(roomId: number, state: ContactState): void;
  /** The partner of `roomId` was blocked: keeping in touch with them is not offered any more. */
  blocked(roomId: number): void;
  retranslate(): void;
}

export function createKeepInTouch(client: ChatClient, views: KeepInTouchViews): KeepInTouch {
  const { banner, messages, toast } = views;
  const { focusAfter } = views;
  const buttons = [views.buttons.live, views.buttons.ended];
  const box = createKeyBox(banner, 'contact');
  /** Where the focus goes when the key arrives and takes the pressed button with it (`tabindex="-1"`: not in the Tab order). */
  const bannerTitle = banner.querySelector<HTMLElement>('.contact-title');
  let chat: ChatState | null = null;
  /** How each chat on this page was paired (the button is for chance meetings only). */
  const matchTypes = new Map<number, MatchType>();
  const asked = new Set<number>();
  /** Chats whose two got a contact key already. */
  const keyed = new Set<number>();
  /** Chats whose partner this person blocked (the server would let the request lead nowhere). */
  const blockedRooms = new Set<number>();
  /** The chat the banner's key is for (null: none said). */
  let bannerRoom: number | null = null;
  let windowTimer: ReturnType<typeof setTimeout> | undefined;
  let windowOpen = true;

  const render = (): void => {
    const room = chat?.roomId;
    const offered = room !== undefined && matchTypes.get(room) !== 'private' && !keyed.has(room) && !blockedRooms.has(room);
    views.buttons.live.hidden = !offered || chat?.live !== true;
    views.buttons.ended.hidden = !offered || chat?.live !== false || !windowOpen;
    for (const button of buttons) {
      const isAsked = room !== undefined && asked.has(room);
      // Asked: it says so, and stays focusable (aria-disabled) rather than vanishing from the keyboard's path.
      if (isAsked) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
      const label = button.querySelector<HTMLElement>('.btn-label') ?? button;
      showPrivateText(label, isAsked ? 'keepInTouchAsked' : 'keepInTouch');
    }
  };

  client.on('matched', ({ room_id: roomId, match_type: matchType }) => {
    if (matchType) matchTypes.set(roomId, matchType);
    render();
  });

  const ask = (): void => {
    const room = chat?.roomId;
    if (room === undefined || asked.has(room)) return;
    asked.add(room);
    render();
    void client.keepInTouch(room).then((res) => {
      if (res.ok) {
        // Unless the key came first (the other had asked already): then that says it all.
        if (chat?.roomId === room && !keyed.has(room)) messages.addNote((text) => showPrivateText(text, 'keepInTouchNote'));
        return;
      }
      asked.delete(room);
      render();
      toast.show(errorText(res));
    });
  };
  for (const button of buttons) button.addEventListener('click', ask);

  client.on('contact_key', ({ key, room_id: room }) => {
    // Not the chat asked about last nor the one on screen: the partner of an earlier chat may ask later.
    // (No room_id only from a server of an earlier version: the key is shown, credited to no chat.)
    if (room !== undefined) keyed.add(room);
    bannerRoom = room ?? null;
    box.show(key);
    banner.hidden = false;
    const pressed = buttons.find((button) => button === globalThis.document?.activeElement);
    render();
    // The button pressed goes with the key: the focus goes to the banner's title (read out), not the body.
    if (pressed?.hidden) bannerTitle?.focus();
    if (room !== undefined && chat?.roomId === room) messages.addNote((text) => showPrivateText(text, 'contactKeyArrived'));
    else toast.show(privateTexts.t('contactKeyArrived'));
  });
  byTestId('contact-dismiss', HTMLButtonElement, banner).addEventListener('click', () => {
    const hadFocus = banner.contains(document.activeElement);
    banner.hidden = true;
    if (hadFocus) focusAfter()?.focus();
  });

  return {
    chatChanged(state) {
      const sameRoom = state !== null && state.roomId === chat?.roomId;
      // Ended on screen, or shown again ended after a reload (no live chat before it then).
      const endedNow = state !== null && !state.live && !(sameRoom && chat?.live === false);
      chat = state;
      if (state === null || state.live || endedNow) {
        // A window belongs to the chat that ended: one still counting for an earlier chat must not close
        // the window of the chat on screen when it ends later.
        clearTimeout(windowTimer);
        windowTimer = undefined;
        windowOpen = true;
      }
      if (endedNow) {
        const left = windowLeft(state, WINDOW_MS);
        windowOpen = left > 0;
        if (windowOpen) {
          windowTimer = setTimeout(() => {
            windowOpen = false;
            render();
          }, left);
        }
      }
      render();
    },
    state(roomId) {
      return {
        matchType: matchTypes.get(roomId) ?? null,
        asked: asked.has(roomId),
        keyed: keyed.has(roomId),
        banner: banner.hidden || box.key === '' ? null : { key: box.key, roomId: bannerRoom },
      };
    },
    restore(roomId, state) {
      if (state.matchType !== null) matchTypes.set(roomId, state.matchType);
      if (state.asked) asked.add(roomId);
      if (state.keyed) keyed.add(roomId);
      if (state.banner) {
        bannerRoom = state.banner.roomId;
        box.show(state.banner.key);
        banner.hidden = false;
      }
      render();
    },
    blocked(roomId) {
      blockedRooms.add(roomId);
      render();
    },
    retranslate: box.retranslate,
  };
}
