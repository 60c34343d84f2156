/**
 * Light, dark, or the system's: the visitor's choice, remembered in localStorage ("theme") for every page
 * of the site. /theme.js (web/public) applies a remembered choice before the first paint; this module
 * changes it while the page runs, the same way: `data-theme` on <html> (none: follow the system, which
 * the stylesheet does by itself), the `color-scheme` and `theme-color` metas (the browser's own widgets
 * and the phone's address bar).
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'theme';
/** The address bar's colour: each theme's surface. */
const THEME_COLOUR = { light: '#ffffff', dark: '#1a2029' } as const;

export function loadTheme(): ThemeChoice {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a choice now and remembers it. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not remembered; it still applies to this page.
  }
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.dataset['theme'] = choice;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', choice === 'system' ? 'light dark' : choice);
  // Two theme-color metas, one per system scheme (media queries); a choice sets both to its colour.
  for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
    const scheme = meta.media.includes('dark') ? 'dark' : 'light';
    meta.content = THEME_COLOUR[choice === 'system' ? scheme : choice];
  }
}
