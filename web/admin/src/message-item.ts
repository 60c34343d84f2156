/**
 * One message of a conversation as the admin pages show it: side, sender, time, text (always as text);
 * an erased message shows a marker (by whom, when) instead of its text, which is gone.
 */
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
  if (m.erased_at) {
    li.classList.add('message-erased');
    li.dataset['erased'] = m.erased_by ?? 'sender';
    const badge = element('span', 'badge', t('erasedBadge'));
    badge.dataset['testid'] = 'erased-badge';
    head.append(badge);
  }
  head.append(element('time', 'message-time', plainTime(m.timestamp)));
  const shown = m.erased_at ? t(m.erased_by === 'admin' ? 'erasedByAdmin' : 'erasedBySender', { n: plainTime(m.erased_at) }) : m.content;
  const text = element('p', 'message-text', shown);
  // A message in Arabic or Hebrew reads right to left (as on the chat page: web/src/message-text.ts).
  if (!m.erased_at) text.dir = 'auto';
  text.dataset['testid'] = 'message-text';
  li.append(head, text);
  return li;
}
