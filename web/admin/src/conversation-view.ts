/**
 * One conversation: who took part, when, and its messages with their side and time, a page at a time
 * ("load more" reads the next page), with a button to sanction either person and one to erase
 * messages. Text stays text; erased messages show their marker. Only the answer for the conversation opened
 * last is shown: going from one to another, a slow answer for the first is dropped.
 */
import type { Conversation, RoomSummary } from '../../../src/admin/rooms-query.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { messageItem as message } from './message-item.js';

export interface ConversationView {
  open(roomId: number): Promise<void>;
  render(): void;
}

export function createConversationView(
  root: HTMLElement,
  onError: (error: unknown) => void,
  /** Opens the sanction form for one of the two people. */
  sanction: (userId: string, opener: HTMLElement) => void,
  /** Opens the erase form for this conversation (or its people's). */
  erase: (room: RoomSummary, opener: HTMLElement) => void,
): ConversationView {
  const title = byTestId('room-title', HTMLElement, root);
  const meta = byTestId('room-meta', HTMLElement, root);
  const list = byTestId('conversation', HTMLOListElement, root);
  const empty = byTestId('conversation-empty', HTMLElement, root);
  const more = byTestId('conversation-more', HTMLButtonElement, root);
  const actions = byTestId('room-actions', HTMLElement, root);
  /** The conversation as loaded so far: its first page with every later page's messages appended. */
  let shown: Conversation | undefined;
  /** Bumped by every opening: only the answer to the latest one is shown (answers can arrive out of order). */
  let requests = 0;

  function metaItem(label: TextKey, value: string): HTMLElement[] {
    return [element('dt', '', t(label)), element('dd', '', value)];
  }

  function sanctionButton(side: 'user1' | 'user2', userId: string): HTMLButtonElement {
    const button = element('button', 'btn btn-secondary', t('sanctionUserId', { n: userId }));
    button.type = 'button';
    button.dataset['testid'] = `sanction-${side}`;
    button.dataset['needs'] = 'moderate';
    button.addEventListener('click', () => sanction(userId, button));
    return button;
  }

  /** Everything but the messages: title, details, and whether more can be loaded. */
  function renderHeader(): void {
    if (!shown) return;
    const { room, messages } = shown;
    title.textContent = t('conversation', { n: room.id });
    meta.replaceChildren(
      ...metaItem('user1', room.user1_id),
      ...metaItem('user2', room.user2_id),
      ...metaItem('startedAt', plainTime(room.created_at)),
      ...metaItem('endedAt', plainTime(room.ended_at)),
      ...metaItem('status', room.is_active ? t('statusActive') : t('statusClosed')),
      ...metaItem('messageCount', String(room.message_count)),
    );
    const eraseButton = element('button', 'btn btn-danger', t('eraseButton'));
    eraseButton.type = 'button';
    eraseButton.dataset['testid'] = 'erase-room';
    eraseButton.dataset['needs'] = 'manage';
    eraseButton.setAttribute('aria-haspopup', 'dialog');
    eraseButton.addEventListener('click', () => erase(room, eraseButton));
    actions.replaceChildren(sanctionButton('user1', room.user1_id), sanctionButton('user2', room.user2_id), eraseButton);
    empty.hidden = messages.length > 0;
    more.hidden = !shown.next_cursor;
  }

  function render(): void {
    if (!shown) return;
    renderHeader();
    list.replaceChildren(...shown.messages.map((m) => message(m)));
  }

  async function loadMore(): Promise<void> {
    const current = shown;
    if (!current?.next_cursor) return;
    more.disabled = true;
    try {
      const page = await getJson<Conversation>(`/admin/api/rooms/${current.room.id}?cursor=${encodeURIComponent(current.next_cursor)}`);
      // Another conversation may have been opened meanwhile.
      if (shown !== current) return;
      shown = { room: page.room, messages: [...current.messages, ...page.messages], next_cursor: page.next_cursor };
      list.append(...page.messages.map((m) => message(m)));
      renderHeader();
    } catch (error) {
      onError(error);
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener('click', () => void loadMore());

  return {
    async open(roomId) {
      const mine = ++requests;
      shown = undefined;
      title.textContent = t('conversation', { n: roomId });
      meta.replaceChildren();
      actions.replaceChildren();
      list.replaceChildren();
      more.hidden = true;
      try {
        const answer = await getJson<Conversation>(`/admin/api/rooms/${roomId}`);
        // Another conversation (or this one again) was opened meanwhile: its answer is the one to show.
        if (mine !== requests) return;
        shown = answer;
        render();
      } catch (error) {
        if (mine === requests) onError(error);
      }
    },
    render,
  };
}
