/**
 * Crisis help: when the server answers a message with `notice {kind: 'crisis', message, hotlines}`, a
 * card under the header shows its message and the hotlines (phone numbers as `tel:` links, web addresses
 * opening in a new tab). Not a toast: it stays — through the end of the chat and a new one — until the
 * person closes it (its button, or Escape when no dialog is open).
 *
 * It follows the page's language, a switch too: its message is the page's own text, and its hotlines (the
 * server's: an operator may replace them) are those of the page's language from `hotlines_by_lang`, which
 * carries every language's. Without it (the original's shape), the notice's `hotlines`.
 */
import { noticeText } from '../../src/shared/codes.js';
import type { Hotline, NoticePayload } from '../../src/shared/protocol.js';
import { isComposing } from './composing.js';
import { byTestId, element } from './dom.js';
import { getLang } from './i18n.js';

export interface CrisisCard {
  show(notice: NoticePayload): void;
  dismiss(): void;
  /** After a language switch: the message, and the hotlines if it has them, in the new language. */
  retranslate(): void;
}

/** `tel:` keeps a leading + and the digits only ("400-161-9995" → tel:4001619995). */
function telHref(phone: string): string | null {
  const digits = phone.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return /\d/.test(digits) ? `tel:${digits}` : null;
}

/** Only web addresses become links (never `javascript:` or the like). */
function webHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function link(href: string, text: string, external: boolean): HTMLAnchorElement {
  const a = element('a', 'hotline-link', text);
  a.href = href;
  if (external) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return a;
}

function renderHotline(hotline: Hotline): HTMLLIElement {
  const item = element('li', 'hotline');
  item.dataset['testid'] = 'hotline';
  item.append(element('span', 'hotline-name', hotline.name));
  const ways = element('span', 'hotline-ways');
  if (hotline.phone) {
    const href = telHref(hotline.phone);
    ways.append(href ? link(href, hotline.phone, false) : element('span', 'hotline-phone', hotline.phone));
  }
  if (hotline.url) {
    const href = webHref(hotline.url);
    if (href) {
      const { host, pathname } = new URL(href);
      ways.append(link(href, host + pathname.replace(/\/$/, ''), true));
    }
  }
  if (ways.childElementCount > 0) item.append(ways);
  return item;
}

export function createCrisisCard(
  card: HTMLElement,
  /** Where the focus goes when the card closes with the focus inside it (null: nowhere in particular). */
  focusAfter: () => HTMLElement | null,
): CrisisCard {
  const message = byTestId('crisis-message', HTMLElement, card);
  const list = byTestId('hotlines', HTMLElement, card);
  /** The latest notice: its hotlines in the page's language are shown. */
  let latest: NoticePayload | undefined;

  const render = (): void => {
    const lang = getLang();
    message.textContent = noticeText[lang].crisis;
    const hotlines = latest?.hotlines_by_lang?.[lang] ?? latest?.hotlines ?? [];
    list.replaceChildren(...hotlines.map(renderHotline));
    list.hidden = list.childElementCount === 0;
  };

  const dismiss = (): void => {
    if (card.hidden) return;
    const hadFocus = card.contains(document.activeElement);
    card.hidden = true;
    if (hadFocus) focusAfter()?.focus();
  };

  byTestId('crisis-dismiss', HTMLButtonElement, card).addEventListener('click', dismiss);
  document.addEventListener('keydown', (event) => {
    // A modal dialog's Escape is the dialog's (it closes it); otherwise Escape closes the card first —
    // unless it ends an IME composition.
    if (event.key !== 'Escape' || card.hidden || event.defaultPrevented || isComposing(event)) return;
    if (document.querySelector('dialog:modal')) return;
    event.preventDefault();
    dismiss();
  });

  return {
    show(notice) {
      latest = notice;
      render();
      // Shown after it is filled, so screen readers announce the whole alert.
      card.hidden = false;
    },
    dismiss,
    retranslate() {
      if (!card.hidden) render();
    },
  };
}
