/**
 * The identity cookie's recent chats on /my: each named by when it began, as the conversation it opens
 * is (`chatWhen`: its title, its files), with how many messages and its code, and a button that opens it.
 * "No recent chats" is said only when the server said so; a list that could not be read (an error, a rate
 * limit, the network) says that, with a button to try again.
 */
import type { MyChat } from '../../../src/shared/protocol.js';
import type { Lang } from '../../shared/translator.js';
import { byTestId, element } from '../dom.js';
import { chatWhen } from './chat-when.js';
import { fetchRecentChats } from './receipts-api.js';
import { myTexts } from './texts.js';

const { t } = myTexts;

export interface RecentChats {
  /** Asks the server for the list (again); a call while one is under way does nothing. */
  load(): Promise<void>;
  /** Renders again in the current language. */
  render(): void;
}

export interface RecentChatsOptions {
  /** The holder picked a chat of the list. */
  open: (code: string) => void;
  /** What to say about a failed reading (a rate limit says when to retry). */
  failureText: (error: unknown) => string;
  /** The page's language (the chats' dates). */
  lang: () => Lang;
}

/** A chat of the list, named as the page names it once opened: by when it began, not when it ended. */
export const recentChatWhen = (chat: MyChat, lang: Lang): string => chatWhen(chat.started_at, lang);

/** Where the list stands: nothing known yet, read (possibly empty), or failed with its error. */
type RecentState = { kind: 'loading' } | { kind: 'loaded'; chats: MyChat[] } | { kind: 'failed'; error: unknown };

export function createRecentChats(root: HTMLElement, options: RecentChatsOptions): RecentChats {
  const title = byTestId('recent-title', HTMLElement, root);
  const list = byTestId('recent-list', HTMLUListElement, root);
  const empty = byTestId('recent-empty', HTMLElement, root);
  const failed = byTestId('recent-failed', HTMLElement, root);
  const retry = byTestId('recent-retry', HTMLButtonElement, root);
  let state: RecentState = { kind: 'loading' };
  // The last failure, kept while a retry runs: the retry button (perhaps focused) stays put meanwhile.
  let lastFailure: unknown;
  let pending = false;

  function item(chat: MyChat): HTMLLIElement {
    const li = element('li', 'recent-item');
    li.dataset['testid'] = 'recent-chat';
    li.dataset['roomId'] = String(chat.room_id);
    const when = recentChatWhen(chat, options.lang());
    const info = element('span', 'recent-info');
    info.append(element('span', 'recent-when', when), element('span', 'recent-count', t(chat.message_count === 1 ? 'recentItemOne' : 'recentItem', { n: chat.message_count })));
    const code = element('code', 'receipt-code', chat.code);
    code.dataset['testid'] = 'recent-code';
    const button = element('button', 'btn btn-secondary btn-small', t('recentOpen'));
    button.type = 'button';
    button.dataset['testid'] = 'recent-open';
    button.setAttribute('aria-label', t('recentOpenLabel', { n: when }));
    button.addEventListener('click', () => options.open(chat.code));
    li.append(info, code, button);
    return li;
  }

  function render(): void {
    const chats = state.kind === 'loaded' ? state.chats : [];
    list.replaceChildren(...chats.map(item));
    empty.hidden = !(state.kind === 'loaded' && chats.length === 0);
    const failure = state.kind === 'failed' ? state.error : lastFailure;
    // The status line is a live region that stays in the page: emptied while retrying, so the same
    // failure is announced again when it comes back.
    failed.textContent = state.kind === 'failed' ? options.failureText(failure) : '';
    retry.hidden = failure === undefined;
    root.setAttribute('aria-busy', String(state.kind === 'loading'));
  }

  async function load(): Promise<void> {
    if (pending) return;
    pending = true;
    state = { kind: 'loading' };
    render();
    try {
      const answer = await fetchRecentChats();
      const hadFocus = retry === document.activeElement;
      lastFailure = undefined;
      state = { kind: 'loaded', chats: answer.chats };
      render();
      // The retry button is gone: the focus goes to the list's heading rather than to the page's body.
      if (hadFocus) title.focus();
    } catch (error) {
      lastFailure = error;
      state = { kind: 'failed', error };
      render();
    } finally {
      pending = false;
    }
  }

  retry.addEventListener('click', () => void load());

  return { load, render };
}
