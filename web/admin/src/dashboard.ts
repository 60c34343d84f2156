/** The dashboard: six figures and the hourly chart, refreshed every few seconds without reloading. */
import type { DashboardStats } from '../../../src/admin/stats-query.js';
import { getJson } from './api.js';
import { renderHourlyChart } from './chart.js';
import { byTestId } from './dom.js';
import { getLang, t } from './i18n.js';

const REFRESH_MS = 5_000;
const FIGURES = ['total_rooms', 'total_messages', 'active_rooms', 'online_now', 'waiting_now', 'messages_24h'] as const;

export interface Dashboard {
  /** Shows current figures now and keeps them fresh until `stop()`. */
  start(): void;
  stop(): void;
  /** Redraws the last figures (after a language change). */
  render(): void;
}

export function createDashboard(root: HTMLElement, onError: (error: unknown) => void): Dashboard {
  const chart = byTestId('hourly-chart', HTMLElement, root);
  const updated = byTestId('stats-updated', HTMLElement, root);
  let last: DashboardStats | undefined;
  let timer: number | undefined;

  function render(): void {
    if (!last) return;
    const format = new Intl.NumberFormat(getLang());
    for (const key of FIGURES) byTestId(`stat-${key}`, HTMLElement, root).textContent = format.format(last[key]);
    renderHourlyChart(chart, last.messages_per_hour, t('perHour'));
    updated.textContent = t('updatedAt', { n: last.generated_at.slice(0, 19).replace('T', ' ') });
  }

  async function refresh(): Promise<void> {
    // A hidden tab doesn't need fresh figures; it catches up when shown again.
    if (document.hidden) return;
    try {
      last = await getJson<DashboardStats>('/admin/api/stats');
      render();
    } catch (error) {
      onError(error);
    }
  }

  return {
    start() {
      if (timer !== undefined) return;
      void refresh();
      timer = window.setInterval(() => void refresh(), REFRESH_MS);
    },
    stop() {
      window.clearInterval(timer);
      timer = undefined;
    },
    render,
  };
}
