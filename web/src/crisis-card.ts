/**
 * Crisis help: when the server answers a message with `notice {kind: 'crisis', message, hotlines}`, a
 * card under the header shows its message and the hotlines (phone numbers as `tel:` links, web addresses
 * opening in a new tab). Not a toast: it stays — through the end of the chat and a new one — until the
 * person closes it (its button, or Escape when no dialog is open).
 *
 * It follows the page's language, a switch too: its message is the page's own text. The hotlines are the
 * server's (an operator may replace them): `hotlines` chosen for the language the connection began with,
 * and `hotlines_by_lang` every language's. The card keeps the lines of each language it has been sent, and
 * shows those of the page's language; without them (a server that sends only `hotlines`), the lines it has,
 * marked with their language (`lang`) so that a screen reader reads them in it.
 */
import { noticeText } from '../../src/shared/codes.js';
import type { Hotline, NoticePayload } from '../../src/shared/protocol.js';
import { isComposing } from './composing.js';
import { byTestId, element } from './dom.js';
import { getLang, type Lang } from './i18n.js';

export interface CrisisCard {
  /** `lang`: the language the server chose the hotlines for (the connection's, chat-client.ts). */
  show(notice: NoticePayload, lang: Lang): void;
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
  /** The hotlines the server sent, by the language it chose them for (the latest of each). */
  const received = new Map<Lang, Hotline[]>();
  /** The latest notice's hotlines and their language: shown when none of the page's language came. */
  let latest: { hotlines: Hotline[]; lang: Lang } = { hotlines: [], lang: getLang() };

  const render = (): void => {
    const lang = getLang();
    message.textContent = noticeText[lang].crisis;
    const own = received.get(lang);
    const shown = own === undefined ? latest : { hotlines: own, lang };
    list.replaceChildren(...shown.hotlines.map(renderHotline));
    list.hidden = list.childElementCount === 0;
    if (shown.lang === lang) list.removeAttribute('lang');
    else list.lang = shown.lang;
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
    show(notice, lang) {
      latest = { hotlines: notice.hotlines ?? [], lang };
      for (const [language, hotlines] of Object.entries(notice.hotlines_by_lang ?? {}) as [Lang, Hotline[]][]) {
        if (hotlines.length > 0) received.set(language, hotlines);
      }
      if (latest.hotlines.length > 0) received.set(lang, latest.hotlines);
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
