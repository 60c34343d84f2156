/**
 * What changed in the open reports queue since the moderator last saw its first page, and the notice above
 * the list that says so: "有 2 条新举报，含紧急举报 · 刷新". The notice is a polite live region (said once,
 * never taking the focus); its button shows the first page read again. While new reports wait there, the
 * document's title carries their number, so a moderator in another window sees it in the tab strip.
 */
import type { ReportQueuePage } from '../../../src/admin/reports-query.js';
import { byTestId } from './dom.js';
import { t } from './i18n.js';

/** The first page of the queue as the moderator last saw it. */
export interface QueueBaseline {
  total: number;
  /** The highest report id seen in this queue (any page): a report above it is new. */
  maxId: number;
  /** Priority by id of the reports on that first page: one raised since is news. */
  priorities: ReadonlyMap<number, number>;
  /** The ids of that page in their order. */
  order: string;
}

export interface QueueNews {
  /** How many reports arrived (0: some were decided meanwhile, or reordered). */
  added: number;
  /** Whether an arrival, or a report on the page made more urgent, is a priority one. */
  urgent: boolean;
}

export function baselineOf(page: ReportQueuePage, maxIdSeen = 0): QueueBaseline {
  return {
    total: page.total,
    maxId: Math.max(maxIdSeen, ...page.reports.map((r) => r.id)),
    priorities: new Map(page.reports.map((r) => [r.id, r.priority])),
    order: page.reports.map((r) => r.id).join(','),
  };
}

/** What the first page read now says that `known` did not; undefined when nothing changed. */
export function newsSince(known: QueueBaseline, now: ReportQueuePage): QueueNews | undefined {
  const fresh = now.reports.filter((r) => r.id > known.maxId);
  // Arrivals below the first page (it is full of priority reports) count by the total.
  const added = Math.max(fresh.length, now.total - known.total, 0);
  const urgent = now.reports.some((r) => r.priority > 0 && (r.id > known.maxId || r.priority > (known.priorities.get(r.id) ?? r.priority)));
  const changed = added > 0 || urgent || now.total !== known.total || now.reports.map((r) => r.id).join(',') !== known.order;
  return changed ? { added, urgent } : undefined;
}

/**
 * Whether a list may change by itself: nothing of the moderator's in it — no focus (a row, the pager), no
 * pointer over it (a row moved under a click), no text selected — and no dialog open.
 */
export function untouched(list: HTMLElement): boolean {
  const selection = document.getSelection();
  const selecting = selection !== null && !selection.isCollapsed && selection.anchorNode !== null && list.contains(selection.anchorNode);
  return !list.contains(document.activeElement) && !list.matches(':hover') && !selecting && document.querySelector('dialog[open]') === null;
}

export interface NewsNotice {
  /** News not shown yet: the notice with its button, the count in the title. */
  pending(news: QueueNews): void;
  /** News shown in place (the list was free to change): said, without a button. */
  added(news: QueueNews): void;
  clear(): void;
  /** Whether the notice's button has the focus. */
  hasFocus(): boolean;
  /** Says it again in the language chosen; the title too, while `titled`. */
  render(titled: boolean): void;
}

export function createNewsNotice(root: HTMLElement, onShow: () => void): NewsNotice {
  const notice = byTestId('reports-notice', HTMLElement, root);
  const said = byTestId('reports-notice-text', HTMLElement, root);
  const button = byTestId('reports-notice-show', HTMLButtonElement, root);
  let news: (QueueNews & { waiting: boolean }) | undefined;
  button.addEventListener('click', onShow);

  function text(): string {
    if (!news) return '';
    const { added, urgent, waiting } = news;
    const head = added === 0 ? t('reportsChanged') : t(waiting ? (added === 1 ? 'reportsNewOne' : 'reportsNew') : added === 1 ? 'reportsAddedOne' : 'reportsAdded', { n: added });
    return urgent ? `${head}${t('reportsIncludeUrgent')}` : head;
  }

  function render(titled: boolean): void {
    const words = text();
    // Only a change is written: the same words written again may be said again.
    if (said.textContent !== words) said.textContent = words;
    notice.classList.toggle('shown', news !== undefined);
    notice.classList.toggle('urgent', news?.urgent === true);
    button.hidden = news?.waiting !== true;
    const count = titled && news?.waiting ? news.added : 0;
    document.title = count > 0 ? t('reportsNewTitle', { n: count, title: t('title') }) : t('title');
  }

  return {
    pending(next) {
      news = { ...next, waiting: true };
      render(true);
    },
    added(next) {
      news = { ...next, waiting: false };
      render(true);
    },
    clear() {
      news = undefined;
      render(false);
    },
    hasFocus: () => document.activeElement === button,
    render,
  };
}
