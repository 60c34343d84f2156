/**
 * The conversation: chat bubbles (own on the right) and centred system notices. Message text is only
 * ever set as text, so markup a stranger sends shows literally. Each message renders once, by `id`, and
 * messages stand in id order (the server's order), so replays after a reconnection neither duplicate
 * nor reorder anything.
 */
import type { ChatMessage } from '../../src/shared/protocol.js';
import { element } from './dom.js';
import { formatClock } from './format-time.js';
import { t, type TextKey } from './i18n.js';

/** A system notice already shown. */
export interface SystemNote {
  /** Shows "(n s)" after the text, e.g. the time left for a partner to come back; null removes it. */
  setSecondsLeft(seconds: number | null): void;
}

export interface MessageList {
  clear(): void;
  addMessage(message: ChatMessage, own: boolean): void;
  /** A notice in the current language; it follows later language switches (`data-i18n`). */
  addSystem(key: TextKey): SystemNote;
  /** Highest message id shown, 0 when none. */
  lastId(): number;
  /** The partner's messages shown, in id order: what a report can name. */
  partnerMessages(): ChatMessage[];
}

/** How close to the bottom (px) still counts as "reading the latest", so new messages scroll into view. */
const STICKY_PX = 80;

function renderMessage(message: ChatMessage, own: boolean): HTMLElement {
  const item = element('li', own ? 'message message-own' : 'message message-partner');
  item.dataset['testid'] = 'message';
  item.dataset['own'] = String(own);
  item.dataset['id'] = String(message.id);
  const bubble = element('div', 'bubble');
  const text = element('p', 'message-text', message.content);
  text.dataset['testid'] = 'message-text';
  const time = element('time', 'message-time', formatClock(message.timestamp));
  time.dataset['testid'] = 'message-time';
  time.dateTime = message.timestamp;
  bubble.append(text, time);
  item.append(bubble);
  return item;
}

export function createMessageList(list: HTMLElement): MessageList {
  const seen = new Set<number>();
  const fromPartner: ChatMessage[] = [];
  let lastId = 0;

  const place = (item: HTMLElement, before: Element | null, forceScroll: boolean): void => {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
    list.insertBefore(item, before);
    if (atBottom || forceScroll) list.scrollTop = list.scrollHeight;
  };

  /** The first shown message with a higher id than `id`: an older message arriving late goes before it. */
  const firstAfter = (id: number): Element | null => {
    for (const el of list.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      if (Number(el.dataset['id']) > id) return el;
    }
    return null;
  };

  return {
    clear() {
      seen.clear();
      fromPartner.length = 0;
      lastId = 0;
      list.replaceChildren();
    },
    addMessage(message, own) {
      if (seen.has(message.id)) return;
      seen.add(message.id);
      if (!own) fromPartner.push(message);
      const before = message.id > lastId ? null : firstAfter(message.id);
      lastId = Math.max(lastId, message.id);
      place(renderMessage(message, own), before, own);
    },
    addSystem(key) {
      const item = element('li', 'system-message');
      item.dataset['testid'] = 'system-message';
      const text = element('span', 'system-text', t(key));
      text.dataset['i18n'] = key;
      text.dataset['testid'] = 'system-text';
      item.append(text);
      place(item, null, true);
      let countdown: HTMLElement | undefined;
      return {
        setSecondsLeft(seconds) {
          if (seconds === null) {
            countdown?.remove();
            countdown = undefined;
            return;
          }
          if (!countdown) {
            countdown = element('span', 'system-countdown');
            countdown.dataset['i18n'] = 'graceLeft';
            item.append(countdown);
          }
          countdown.dataset['i18nN'] = String(seconds);
          countdown.textContent = t('graceLeft', { n: seconds });
        },
      };
    },
    lastId: () => lastId,
    partnerMessages: () => [...fromPartner].sort((a, b) => a.id - b.id),
  };
}
