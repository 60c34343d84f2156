/**
 * "{n} 人在线（含你） / {n} online, you included" ("only you" for 1) on the start screen, from `GET /api/online` (cluster-wide): read when the
 * start screen shows, then every 10 s while it is on screen and the tab is visible — never in a hidden tab
 * or behind another screen. Nothing is shown until a first answer comes (or when the server cannot say).
 */
import { countKey, showText } from './i18n.js';

/** How often the figure is read again while it is on screen. */
const REFRESH_MS = 10_000;

export function attachOnlineCount(el: HTMLElement, screen: HTMLElement): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  let reading = false;

  const read = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const res = await fetch('/api/online', { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { online?: unknown };
      if (typeof body.online !== 'number') throw new Error('no figure');
      // At least the person reading it is online, and the figure counts them: it says so, so that "1"
      // is not taken for a stranger waiting.
      const online = Math.max(1, body.online);
      showText(el, countKey(online, 'onlineOnlyYou', 'onlineCount'), online);
      el.hidden = false;
    } catch {
      el.hidden = true;
    } finally {
      reading = false;
    }
  };

  const update = (): void => {
    const watched = !document.hidden && !screen.hidden;
    if (watched && timer === undefined) {
      void read();
      timer = setInterval(() => void read(), REFRESH_MS);
    } else if (!watched && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  document.addEventListener('visibilitychange', update);
  new MutationObserver(update).observe(screen, { attributes: true, attributeFilter: ['hidden'] });
  update();
}
