/**
 * The site's language: one choice for every page (kept in localStorage under one key once the visitor
 * picks one; until then the browser's language, as the server's texts follow Accept-Language) and a
 * translator over a page's own text tables. Static markup is translated through `data-i18n` (text, with
 * `data-i18n-n` as the `{n}` parameter), `data-i18n-placeholder` and `data-i18n-aria-label`.
 */
import { DEFAULT_LANG, parseLang, type Lang } from '../../src/shared/codes.js';

export type { Lang };

const STORAGE_KEY = 'lang';
let current: Lang = DEFAULT_LANG;

/**
 * The language the visitor chose on an earlier visit (any page of the site); without a choice, the
 * browser's: English for an English browser, zh-CN otherwise (the product's audience is mostly
 * Chinese-speaking) — the same rule the server applies to Accept-Language.
 */
export function loadLang(): Lang {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be blocked (privacy modes); the browser's language is fine then.
  }
  current = parseLang(saved ?? browserLanguage());
  return current;
}

/** The browser's preferred language (the first of its Accept-Language list). */
function browserLanguage(): string {
  return typeof navigator === 'undefined' ? DEFAULT_LANG : navigator.language;
}

/** The visitor's explicit choice: applies now and is remembered for every page of the site. */
export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the choice still applies to this page.
  }
}

export function getLang(): Lang {
  return current;
}

/** Values for the `{name}` placeholders of a text (`{n}` is the usual one). */
export type TextParams = Readonly<Record<string, number | string | undefined>>;

export interface Translator<K extends string> {
  isTextKey(key: string): key is K;
  /** The text in the current language, each `{name}` replaced by `params.name` (when given). */
  t(key: K, params?: TextParams): string;
  /** Re-renders every `data-i18n*` element under `root` in the current language. */
  translate(root: ParentNode): void;
}

export function createTranslator<K extends string>(tables: Record<Lang, Record<K, string>>): Translator<K> {
  const isTextKey = (key: string): key is K => Object.hasOwn(tables[DEFAULT_LANG], key);
  const t = (key: K, params: TextParams = {}): string => {
    const text = tables[current][key];
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
  };
  const translate = (root: ParentNode): void => {
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
      const key = el.dataset['i18n'] ?? '';
      if (isTextKey(key)) el.textContent = t(key, { n: el.dataset['i18nN'] });
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]')) {
      const key = el.dataset['i18nPlaceholder'] ?? '';
      if (isTextKey(key)) el.setAttribute('placeholder', t(key));
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]')) {
      const key = el.dataset['i18nAriaLabel'] ?? '';
      if (isTextKey(key)) el.setAttribute('aria-label', t(key));
    }
  };
  return { isTextKey, t, translate };
}
