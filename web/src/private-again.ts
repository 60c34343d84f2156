/**
 * On the chat-ended bar of a private room's chat: the room's key, with Copy, and 再次进入这个房间 / "Enter
 * this room again", which enters the room by its key the way "join with a key" does (the page's join, given
 * by main.ts) — so its creator, whose key is no longer shown anywhere once the chat began, can get back in,
 * and "New chat" is not the only way on (it goes to the random queue). One line says that both entering the
 * key meet again with the earlier messages. The key is the one this tab kept for the chat
 * (private-chat-key.ts); a chance chat has none here (its contact key from "keep in touch" has its banner),
 * nor a chat whose partner this person blocked (the block closed the room for good). Built here, so the
 * page's markup stays as it is.
 */
import { element } from './dom.js';
import { createKeyBox, keyLine } from './key-box.js';
import { createChatKeyStore, type ChatKeyStore } from './private-chat-key.js';
import { showPrivateText } from './private-texts.js';
import type { ChatState } from './safety-actions.js';
import './private-room-notes.css';

export interface PrivateAgain {
  /** The chat on screen changed (null: none): shown on the ended bar of a private room's chat. */
  chatChanged(state: ChatState | null): void;
  /** This person blocked the partner of `roomId`: their room is closed, nothing offered for it. */
  blocked(roomId: number): void;
  /** The ended screen is left (a new wait, back at the start): the key is not kept any longer. */
  forget(): void;
  /** Renders the Copy button's name again (after a language switch). */
  retranslate(): void;
}

export interface PrivateAgainOptions {
  /** Enters the private room of `key` (the page's "join with a key", after whatever its door asks). */
  join(key: string): void;
  /** Where the key of a private room's chat is kept (by default this tab's sessionStorage). */
  keys?: ChatKeyStore;
}

/** Built into the chat-ended bar, after its Back to start button (before Keep in touch, Save, Report, Block). */
export function createPrivateAgain(endedBar: HTMLElement, options: PrivateAgainOptions): PrivateAgain {
  const keys = options.keys ?? createChatKeyStore(() => sessionStorage);
  const root = element('div', 'private-again');
  root.dataset['testid'] = 'private-again';
  root.hidden = true;
  const lead = element('p', 'private-again-lead');
  lead.dataset['testid'] = 'private-again-lead';
  showPrivateText(lead, 'privateAgainLead');
  const keyBox = keyLine('private-again');
  const again = element('button', 'btn btn-secondary private-again-btn');
  again.type = 'button';
  again.dataset['testid'] = 'private-again-btn';
  showPrivateText(again, 'privateAgain');
  root.append(lead, keyBox, again);
  const home = endedBar.querySelector('[data-testid="home-btn"]');
  if (home) home.after(root);
  else endedBar.append(root);
  const box = createKeyBox(root, 'private-again');
  const blockedRooms = new Set<number>();
  let chat: ChatState | null = null;

  again.addEventListener('click', () => {
    if (box.key !== '') options.join(box.key);
  });

  return {
    chatChanged(state) {
      chat = state;
      const key = state !== null && !state.live && !blockedRooms.has(state.roomId) ? keys.keyOf(state.roomId) : null;
      if (key !== null) box.show(key);
      root.hidden = key === null;
    },
    blocked(roomId) {
      blockedRooms.add(roomId);
      keys.forget(roomId);
      if (chat?.roomId === roomId) root.hidden = true;
    },
    forget() {
      keys.forget();
      root.hidden = true;
    },
    retranslate: box.retranslate,
  };
}
