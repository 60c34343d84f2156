/**
 * The dashboard: the traffic figures and the hourly chart, and the safety loop's — open reports (priority
 * ones apart), bans in force, reports per day over a week — refreshed every few seconds without reloading.
 */
import type { DashboardStats } from '../../../src/admin/stats-query.js';
import { getJson } from './api.js';
import { renderHourlyChart } from './chart.js';
import { byTestId, element } from './dom.js';
import { getLang, t } from './i18n.js';
import { createVisiblePoll } from './visible-poll.js';

const REFRESH_MS = 5_000;
const FIGURES = ['total_rooms', 'total_messages', 'active_rooms', 'online_now', 'waiting_now', 'messages_24h', 'open_reports', 'active_bans'] as const;

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
  const priority = byTestId('stat-open_priority_reports', HTMLElement, root);
  const perDay = byTestId('reports-per-day', HTMLOListElement, root);
  const retention = byTestId('retention-card', HTMLElement, root);
  let last: DashboardStats | undefined;
  let shown = false;

  function render(): void {
    if (!last) return;
    const format = new Intl.NumberFormat(getLang());
    for (const key of FIGURES) byTestId(`stat-${key}`, HTMLElement, root).textContent = format.format(last[key]);
    priority.textContent = last.open_priority_reports > 0 ? t('openPriority', { n: format.format(last.open_priority_reports) }) : '';
    priority.classList.toggle('figure-alert', last.open_priority_reports > 0);
    renderReportDays(perDay, last.reports_per_day, format);
    renderRetention(retention, last.retention, format);
    renderHourlyChart(chart, last.messages_per_hour, t('perHour'));
    updated.textContent = t('updatedAt', { n: last.generated_at.slice(0, 19).replace('T', ' ') });
  }

  async function refresh(): Promise<void> {
    try {
      last = await getJson<DashboardStats>('/admin/api/stats', { background: true });
      render();
    } catch (error) {
      onError(error);
    }
  }

  // A hidden tab doesn't need fresh figures; it reads them at once when shown again.
  const poll = createVisiblePoll(() => void refresh(), REFRESH_MS);

  return {
    start() {
      if (shown) return;
      shown = true;
      if (!document.hidden) void refresh();
      poll.start();
    },
    stop() {
      shown = false;
      poll.stop();
    },
    render,
  };
}

/** One row per day: the date, a bar as long as its share of the busiest day, and the count. */
function renderReportDays(list: HTMLOListElement, days: DashboardStats['reports_per_day'], format: Intl.NumberFormat): void {
  const max = Math.max(1, ...days.map((d) => d.count));
  list.replaceChildren(
    ...days.map((d) => {
      const li = element('li', 'day-bar');
      li.dataset['testid'] = 'report-day';
      li.dataset['day'] = d.day;
      const track = element('span', 'day-bar-track');
      const fill = element('span', 'day-bar-fill');
      fill.style.width = `${(d.count / max) * 100}%`;
      track.append(fill);
      const count = element('span', 'day-bar-count', format.format(d.count));
      count.dataset['testid'] = 'report-day-count';
      li.append(element('span', 'day-bar-label', d.day.slice(5)), track, count);
      return li;
    }),
  );
}

/** The purge's setting, last and next run, and an alert when it has not succeeded for two intervals. */
function renderRetention(card: HTMLElement, status: DashboardStats['retention'], format: Intl.NumberFormat): void {
  const time = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : t('retentionNever'));
  byTestId('retention-setting', HTMLElement, card).textContent = status ? t('retentionDays', { n: format.format(status.days) }) : t('retentionForever');
  byTestId('retention-facts', HTMLElement, card).hidden = !status;
  const failing = byTestId('retention-failing', HTMLElement, card);
  failing.hidden = !status?.failing;
  failing.textContent = status?.failing ? t('retentionFailing') : '';
  if (!status) return;
  const run = status.last_run;
  const outcome = run?.error ? ` — ${t('retentionRunFailed', { error: run.error })}` : '';
  byTestId('retention-last-run', HTMLElement, card).textContent = run ? `${time(run.finished)}${outcome}` : t('retentionNever');
  byTestId('retention-removed', HTMLElement, card).textContent = run
    ? t('retentionRemovedCounts', { rooms: format.format(run.rooms), messages: format.format(run.messages) })
    : '–';
  byTestId('retention-next-run', HTMLElement, card).textContent = time(status.next_run);
}
