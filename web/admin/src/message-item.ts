/** One message of a conversation as the admin pages show it: side, sender, time, text (always as text). */
import type { ConversationMessage } from '../../../src/admin/rooms-query.js';
import { element, plainTime } from './dom.js';
import { t } from './i18n.js';

/** A message; a `reported` one is marked (a badge, not only a colour) for the report view. */
export function messageItem(m: ConversationMessage, options: { reported?: boolean } = {}): HTMLLIElement {
  const li = element('li', `message message-${m.sender}`);
  li.dataset['testid'] = 'conversation-message';
  li.dataset['messageId'] = String(m.id);
  const head = element('div', 'message-head');
  head.append(element('span', 'message-sender', `${t(m.sender)} · ${m.sender_id}`));
  if (options.reported) {
    li.classList.add('message-reported');
    li.dataset['reported'] = 'true';
    const badge = element('span', 'badge badge-danger', t('reportedMessage'));
    badge.dataset['testid'] = 'reported-badge';
    head.append(badge);
  }
  head.append(element('time', 'message-time', plainTime(m.timestamp)));
  const text = element('p', 'message-text', m.content);
  text.dataset['testid'] = 'message-text';
  li.append(head, text);
  return li;
}
