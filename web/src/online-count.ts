/**
 * "{n} 人在线（含你） / {n} online, you included" on the start screen, from `GET /api/online` (cluster-wide): read when the
 * start screen shows, again 3 s after that first answer (past the server's cache and a cluster's heartbeat), then every 10 s while it is on screen and the tab is visible — never in a hidden tab
 * or behind another screen. Nothing is shown until a first answer comes (or when the server cannot say).
 */
import type { ConnectionState } from './chat-client.js';
import { showText } from './i18n.js';

/** How often the figure is read again while it is on screen. */
const REFRESH_MS = 10_000;
/**
 * The first figure is read again this long after it came: an instance keeps a figure 1.5 s
 * (`ONLINE_CACHE_MS`) and, in a cluster, counts the others' connections from their heartbeats (every 1 s),
 * so a page that has just connected may be told one that does not count it yet — "1 online, you included"
 * with somebody else there, for 10 s: to a newcomer, nobody here.
 */
const SETTLE_MS = 3_000;

/** What the count needs of the connection: it is read only while the page is connected (it counts the reader). */
export interface OnlineConnection {
  readonly connected: boolean;
  onConnectionChange(handler: (state: ConnectionState) => void): void;
}

export function attachOnlineCount(el: HTMLElement, screen: HTMLElement, connection: OnlineConnection): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  let settle: ReturnType<typeof setTimeout> | undefined;
  let reading = false;

  const read = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      const res = await fetch('/api/online', { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { online?: unknown };
      if (typeof body.online !== 'number') throw new Error('no figure');
      // The connection dropped while the figure was read: it would no longer count the reader.
      if (!connection.connected) return;
      // The reader is connected, so the figure counts them: it says so, so that "1" is not taken for a
      // stranger waiting (at least 1: the cluster's figures lag by a second).
      showText(el, 'onlineCount', Math.max(1, body.online));
      el.hidden = false;
    } catch {
      el.hidden = true;
    } finally {
      reading = false;
    }
  };

  const update = (): void => {
    // Not connected: the figure would not count the reader, as it says; nothing is shown.
    if (!connection.connected) el.hidden = true;
    const watched = !document.hidden && !screen.hidden && connection.connected;
    if (watched && timer === undefined) {
      void read().then(() => {
        if (timer !== undefined) settle = setTimeout(() => void read(), SETTLE_MS);
      });
      timer = setInterval(() => void read(), REFRESH_MS);
    } else if (!watched && timer !== undefined) {
      clearInterval(timer);
      clearTimeout(settle);
      timer = undefined;
    }
  };

  document.addEventListener('visibilitychange', update);
  connection.onConnectionChange(update);
  new MutationObserver(update).observe(screen, { attributes: true, attributeFilter: ['hidden'] });
  update();
}
