/**
 * The conversation: chat bubbles (own on the right) and centred system notices. Message text is only
 * ever set as text, so markup a stranger sends shows literally. Each message renders once, by `id`.
 */
import type { ChatMessage } from '../../src/shared/protocol.js';
import { element } from './dom.js';
import { formatClock } from './format-time.js';
import { t, type TextKey } from './i18n.js';

export interface MessageList {
  clear(): void;
  addMessage(message: ChatMessage, own: boolean): void;
  /** A notice in the current language; it follows later language switches (`data-i18n`). */
  addSystem(key: TextKey): void;
}

/** How close to the bottom (px) still counts as "reading the latest", so new messages scroll into view. */
const STICKY_PX = 80;

export function createMessageList(list: HTMLElement): MessageList {
  const seen = new Set<number>();

  const append = (item: HTMLElement, forceScroll: boolean): void => {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
    list.append(item);
    if (atBottom || forceScroll) list.scrollTop = list.scrollHeight;
  };

  return {
    clear() {
      seen.clear();
      list.replaceChildren();
    },
    addMessage(message, own) {
      if (seen.has(message.id)) return;
      seen.add(message.id);
      const item = element('li', own ? 'message message-own' : 'message message-partner');
      item.dataset['testid'] = 'message';
      item.dataset['own'] = String(own);
      const bubble = element('div', 'bubble');
      const text = element('p', 'message-text', message.content);
      text.dataset['testid'] = 'message-text';
      const time = element('time', 'message-time', formatClock(message.timestamp));
      time.dataset['testid'] = 'message-time';
      time.dateTime = message.timestamp;
      bubble.append(text, time);
      item.append(bubble);
      append(item, own);
    },
    addSystem(key) {
      const item = element('li', 'system-message');
      item.dataset['testid'] = 'system-message';
      const text = element('span', 'system-text', t(key));
      text.dataset['i18n'] = key;
      item.append(text);
      append(item, true);
    },
  };
}
