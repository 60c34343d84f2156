/**
 * Waiting in a private room, on the waiting screen: after creating one, its key to share (with Copy);
 * after entering a key whose other person is not there yet, that the page waits for them. Shown from
 * the `waiting {private}` events (a page reloaded while waiting gets one too) and the key from
 * `create_private`'s answer; a new wait starts blank (`reset`).
 */
import type { ChatClient } from './chat-client.js';
import { byTestId } from './dom.js';
import { createKeyBox } from './key-box.js';
import { showPrivateText } from './private-texts.js';

export interface PrivateWait {
  /** A new wait (or none): hidden until a private one is known. */
  reset(): void;
  /** The room just created, with its key. */
  created(key: string): void;
  /** Renders what needs it again in the current language. */
  retranslate(): void;
}

export function createPrivateWait(panel: HTMLElement, client: ChatClient): PrivateWait {
  const title = byTestId('private-wait-title', HTMLElement, panel);
  const shared = byTestId('private-created', HTMLElement, panel);
  const box = createKeyBox(shared, 'private');
  const screen = panel.closest<HTMLElement>('.screen');

  const show = (withKey: boolean): void => {
    panel.hidden = false;
    shared.hidden = !withKey;
    showPrivateText(title, withKey ? 'privateCreatedTitle' : 'privateWaitingTitle');
    if (screen) screen.dataset['private'] = 'true';
  };

  client.on('waiting', (payload) => {
    // The key already shown stays (this is the same wait, e.g. told again after a reconnection).
    if (payload.private && panel.hidden) show(false);
  });

  return {
    reset() {
      panel.hidden = true;
      shared.hidden = true;
      if (screen) delete screen.dataset['private'];
    },
    created(key) {
      box.show(key);
      show(true);
    },
    retranslate: box.retranslate,
  };
}
