/**
 * The privacy notice on the start screen, folded under its title: what is stored, for how long, who can
 * read it and how to get or erase one's conversation (GET /api/privacy, in the page's language — the
 * operator's text when they replaced it), with a link to the "My chats" page. Read when first
 * opened and again after a language switch. Not a live region: a screen reader reads it where the person
 * goes on to, rather than announcing the whole policy as it arrives.
 */
import { byTestId } from './dom.js';
import { getLang, showText } from './i18n.js';

export function attachPrivacyNotice(details: HTMLDetailsElement): void {
  const body = byTestId('privacy-text', HTMLElement, details);
  /** The language of the text shown (null: none yet). */
  let shownLang: string | null = null;
  let loading = 0;

  const load = async (): Promise<void> => {
    const lang = getLang() === 'en' ? 'en' : 'zh-CN';
    if (shownLang === lang) return;
    const mine = ++loading;
    body.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`/api/privacy?lang=${lang}`, { headers: { accept: 'application/json' } });
      const notice: unknown = res.ok ? await res.json() : null;
      if (!isNotice(notice)) throw new Error(`GET /api/privacy: ${res.status}`);
      if (mine !== loading) return;
      body.replaceChildren(
        ...notice.text.split('\n').filter(Boolean).map((line) => {
          const p = document.createElement('p');
          p.textContent = line;
          return p;
        }),
      );
      shownLang = lang;
    } catch {
      if (mine !== loading) return;
      const p = document.createElement('p');
      showText(p, 'privacyLoadFailed');
      body.replaceChildren(p);
      shownLang = null;
    } finally {
      if (mine === loading) body.setAttribute('aria-busy', 'false');
    }
  };

  details.addEventListener('toggle', () => {
    if (details.open) void load();
  });
  // The page's language switch changes <html lang>: an open notice is read again in that language.
  // (A closed one is read in the new language when opened.)
  new MutationObserver(() => {
    if (details.open) void load();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
}

function isNotice(value: unknown): value is { text: string } {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string';
}
