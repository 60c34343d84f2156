/** One conversation: who took part, when, and every message with its side and time. Text stays text. */
import type { Conversation } from '../../../src/admin/rooms-query.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';

export interface ConversationView {
  open(roomId: number): Promise<void>;
  render(): void;
}

export function createConversationView(root: HTMLElement, onError: (error: unknown) => void): ConversationView {
  const title = byTestId('room-title', HTMLElement, root);
  const meta = byTestId('room-meta', HTMLElement, root);
  const list = byTestId('conversation', HTMLOListElement, root);
  const empty = byTestId('conversation-empty', HTMLElement, root);
  let shown: Conversation | undefined;

  function metaItem(label: TextKey, value: string): HTMLElement[] {
    return [element('dt', '', t(label)), element('dd', '', value)];
  }

  function message(m: Conversation['messages'][number]): HTMLLIElement {
    const li = element('li', `message message-${m.sender}`);
    li.dataset['testid'] = 'conversation-message';
    const head = element('div', 'message-head');
    head.append(element('span', 'message-sender', `${t(m.sender)} · ${m.sender_id}`), element('time', 'message-time', plainTime(m.timestamp)));
    const text = element('p', 'message-text', m.content);
    text.dataset['testid'] = 'message-text';
    li.append(head, text);
    return li;
  }

  function render(): void {
    if (!shown) return;
    const { room, messages } = shown;
    title.textContent = t('conversation', { n: room.id });
    meta.replaceChildren(
      ...metaItem('user1', room.user1_id),
      ...metaItem('user2', room.user2_id),
      ...metaItem('startedAt', plainTime(room.created_at)),
      ...metaItem('endedAt', plainTime(room.ended_at)),
      ...metaItem('status', room.is_active ? t('statusActive') : t('statusClosed')),
      ...metaItem('messageCount', String(messages.length)),
    );
    list.replaceChildren(...messages.map(message));
    empty.hidden = messages.length > 0;
  }

  return {
    async open(roomId) {
      shown = undefined;
      title.textContent = t('conversation', { n: roomId });
      meta.replaceChildren();
      list.replaceChildren();
      try {
        shown = await getJson<Conversation>(`/admin/api/rooms/${roomId}`);
        render();
      } catch (error) {
        onError(error);
      }
    },
    render,
  };
}
