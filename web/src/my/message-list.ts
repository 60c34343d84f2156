/**
 * The messages of the conversation on /my, as bubbles — the holder's on the right — with erased ones shown
 * as markers. The list is updated, not rebuilt: a conversation read again (every so often while it has not
 * ended, after an erasure) keeps the item of every message that reads as before, so a reader's scroll
 * position, a selection in the messages and a screen reader's place stay where they were; only a message
 * that is new or changed (erased since) is drawn. Message text is only ever set as text.
 */
import type { TranscriptMessage } from '../../../src/privacy/transcript.js';
import type { Lang } from '../../shared/translator.js';
import { element } from '../dom.js';
import { plainTime } from './chat-when.js';
import { myTexts, type MyTextKey } from './texts.js';
import { messageText } from '../message-text.js';

const { t } = myTexts;

export interface MessageList {
  /** Shows `messages` in `lang` (the language of the words around the text: me, partner, the markers). */
  render(messages: readonly TranscriptMessage[], lang: Lang): void;
}

function messageItem(m: TranscriptMessage): HTMLLIElement {
  const own = m.from === 'me';
  const item = element('li', own ? 'message message-own' : 'message message-partner');
  item.dataset['testid'] = 'transcript-message';
  item.dataset['from'] = m.from;
  const bubble = element('div', 'bubble');
  const who = element('span', 'transcript-who', t(own ? 'me' : 'partner'));
  let text: HTMLElement;
  if (m.erased_at !== undefined) {
    item.dataset['erased'] = 'true';
    bubble.classList.add('bubble-erased');
    const key: MyTextKey = m.erased_by === 'admin' ? 'erasedByAdmin' : 'erasedBySender';
    text = element('p', 'message-text', t(key, { n: plainTime(m.erased_at) }));
  } else {
    text = messageText(m.text ?? '');
  }
  text.dataset['testid'] = 'transcript-text';
  const time = element('time', 'message-time', plainTime(m.time));
  time.dateTime = m.time;
  bubble.append(who, text, time);
  item.append(bubble);
  return item;
}

export function createMessageList(list: HTMLOListElement): MessageList {
  /** The item drawn for each message (by id), and what it was drawn from: the message and the language. */
  let drawn = new Map<number, { from: string; item: HTMLLIElement }>();

  return {
    render(messages, lang) {
      const next = new Map<number, { from: string; item: HTMLLIElement }>();
      const items = messages.map((m) => {
        const from = `${lang} ${JSON.stringify(m)}`;
        const before = drawn.get(m.id);
        const entry = before?.from === from ? before : { from, item: messageItem(m) };
        next.set(m.id, entry);
        return entry.item;
      });
      drawn = next;
      // Only what is not in its place already is put there: an item left where it was is not touched.
      items.forEach((item, i) => {
        const there = list.children.item(i);
        if (there !== item) list.insertBefore(item, there);
      });
      while (list.children.length > items.length) list.lastElementChild?.remove();
    },
  };
}
