/**
 * Waiting in a private room, on the waiting screen: after creating one, its key to share (with Copy);
 * after entering a key whose other person is not there yet, that the page waits for them. Shown from
 * the `waiting {private}` events (a page reloaded while waiting gets one too) and the key from
 * `create_private`'s answer; a new wait starts blank (`reset`). The server keeps only a hash of the key,
 * so the page keeps the key of the room it waits in — created or entered, and which — in sessionStorage
 * (this tab only) until the wait ends — matched, left, or ended on the page (cancelled, refused: `ended`):
 * a creator who reloads still has the key to share, a wait lost with the connection after a reload is
 * joined again in the same room (chat-comeback.ts), and a later wait never shows the key as its own.
 * Someone who entered a key sees it too, and that the room stays (private-wait-hint.ts). On `matched` the
 * key goes on with the chat, for its ended bar (private-chat-key.ts, private-again.ts).
 */
import type { ChatClient } from './chat-client.js';
import { byTestId } from './dom.js';
import { createKeyBox } from './key-box.js';
import { createChatKeyStore } from './private-chat-key.js';
import { showPrivateText } from './private-texts.js';
import { createWaitHint } from './private-wait-hint.js';
import { keepingFocus } from './screen-focus.js';

export interface PrivateWait {
  /** A new wait (or none): hidden until a private one is known. */
  reset(): void;
  /** The room just created, with its key. */
  created(key: string): void;
  /** A room entered by its key (unless it is the room this tab created: its key stays the one to share). */
  entered(key: string): void;
  /** The key of the room this tab waits in (created or entered), if kept. */
  key(): string | null;
  /** The wait is over on the page (cancelled, refused, back at the start): its key is forgotten. */
  ended(): void;
  /** Renders what needs it again in the current language. */
  retranslate(): void;
}

const STORAGE_KEY = 'private-wait-key';

/** A room's key as kept, and whether this tab created the room (then the key is shown, to share). */
interface SavedKey {
  key: string;
  created: boolean;
}

/** The room's key kept for a reload; storage may be blocked (privacy modes): then it is not kept. */
const savedKey = {
  get: (): SavedKey | null => {
    try {
      const saved: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
      if (typeof saved !== 'object' || saved === null) return null;
      const { key, created } = saved as Partial<SavedKey>;
      return typeof key === 'string' && key !== '' ? { key, created: created === true } : null;
    } catch {
      return null;
    }
  },
  set: (saved: SavedKey | null): void => {
    try {
      if (saved === null) sessionStorage.removeItem(STORAGE_KEY);
      else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // Not kept: after a reload the page says it waits, without the key.
    }
  },
};

export function createPrivateWait(panel: HTMLElement, client: ChatClient): PrivateWait {
  const title = byTestId('private-wait-title', HTMLElement, panel);
  const shared = byTestId('private-created', HTMLElement, panel);
  const box = createKeyBox(shared, 'private');
  const hint = createWaitHint(panel);
  const chatKeys = createChatKeyStore(() => sessionStorage);
  const screen = panel.closest<HTMLElement>('.screen');

  const show = (withKey: boolean): void => {
    const change = (): void => {
      panel.hidden = false;
      shared.hidden = !withKey;
      showPrivateText(title, withKey ? 'privateCreatedTitle' : 'privateWaitingTitle');
      if (screen) screen.dataset['private'] = 'true';
    };
    // The room's title replaces the search's heading, and takes the focus it had.
    if (screen) keepingFocus(screen, change);
    else change();
  };

  client.on('waiting', (payload) => {
    if (!payload.private) return savedKey.set(null);
    // The key already shown stays (this is the same wait, e.g. told again after a reconnection); after a
    // reload, the key this tab created is shown again.
    if (!panel.hidden) return;
    const saved = savedKey.get();
    if (saved?.created) box.show(saved.key);
    if (saved?.created === false) hint.show(saved.key);
    show(saved?.created === true);
  });
  // The wait is over: its key goes on with a private room's chat (shown again once it ends), and is not
  // shown for another wait.
  client.on('matched', ({ room_id: roomId, match_type: matchType }) => {
    chatKeys.matched(roomId, matchType === 'private' ? (savedKey.get()?.key ?? null) : null);
    savedKey.set(null);
    hint.hide();
  });
  client.on('left_room', () => {
    savedKey.set(null);
    hint.hide();
  });

  return {
    reset() {
      panel.hidden = true;
      shared.hidden = true;
      hint.hide();
      if (screen) delete screen.dataset['private'];
    },
    created(key) {
      savedKey.set({ key, created: true });
      box.show(key);
      show(true);
    },
    entered(key) {
      if (savedKey.get()?.key !== key) savedKey.set({ key, created: false });
    },
    key: () => savedKey.get()?.key ?? null,
    ended() {
      savedKey.set(null);
      hint.hide();
    },
    retranslate() {
      box.retranslate();
      hint.retranslate();
    },
  };
}
