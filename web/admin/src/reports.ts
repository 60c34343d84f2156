/**
 * The reports queue: one tab per status (open, actioned, dismissed), priority reports first and marked,
 * filters by reason and by person (kept across the tabs: one person's open and decided reports), how many
 * there are and which page is shown, keyset paging, rows that open a report (click or Enter). Reloaded every
 * time it is shown: the queue
 * moves while you work; back from a report it is the page the report was opened from, read again, with the
 * focus on the row opened (or on the table if it has left the page), not lost on <body>.
 *
 * While the open tab is shown its first page is read again every 15 s (and when the browser tab comes back
 * into view): reports that arrived meanwhile are announced above the list (reports-news.ts) and shown when
 * the moderator asks. The list changes by itself only on the first page with no focus, pointer or selection
 * in it: never a row moved under the keyboard, a finger or a click, nor the page they paged to.
 *
 * A row keeps its table role (a link role would take the cells out of the table read aloud), and opens like
 * a link: Enter, not Space. Space scrolls the page, as it does on a link; the row has the focus back from a
 * report, and Space there would open that report again.
 */
import type { ReportQueuePage } from '../../../src/admin/reports-query.js';
import type { ReportQueueItem } from '../../../src/admin/safety-views.js';
import type { ReportStatus } from '../../../src/moderation/report-repository.js';
import { REPORT_REASONS } from '../../../src/shared/protocol.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { createPager } from './pager.js';
import { baselineOf, createNewsNotice, newsSince, untouched, type QueueBaseline } from './reports-news.js';
import { noteExcerptText } from './system-texts.js';
import { createVisiblePoll } from './visible-poll.js';

/** How often the open queue's first page is read again while shown. */
const REFRESH_MS = 15_000;

export interface ReportsQueue {
  /** `keepPage`: coming back from a report, the page shown before (when the tab is the same) rather than the first. */
  show(status: ReportStatus, options?: { keepPage?: boolean }): void;
  /** Redraws what is shown (another language), leaving the paging as it is. */
  render(): void;
  /** The view is left: no more re-reading until `show`. */
  stop(): void;
}

export function createReportsQueue(root: HTMLElement, openReport: (id: number) => void, onError: (error: unknown) => void): ReportsQueue {
  const body = byTestId('reports-body', HTMLTableSectionElement, root);
  const empty = byTestId('reports-empty', HTMLElement, root);
  const pager = createPager(
    {
      first: byTestId('reports-first-page', HTMLButtonElement, root),
      previous: byTestId('reports-previous-page', HTMLButtonElement, root),
      next: byTestId('reports-next-page', HTMLButtonElement, root),
    },
    () => load(),
  );
  const filters = byTestId('report-filters', HTMLFormElement, root);
  const reasonFilter = byTestId('report-filter-reason', HTMLSelectElement, root);
  const count = byTestId('report-count', HTMLElement, root);
  let status: ReportStatus = 'open';
  let page: ReportQueuePage | undefined;
  /** The number of the page shown: the pager's moves ahead of a page still loading (a redraw meanwhile says this one). */
  let pageNumber = 1;
  /** The filters of the page shown, or being asked for: only Search and Reset change them. */
  let shownFilters = new URLSearchParams();
  /** Bumped by every request: only the answer to the latest one is shown (another tab, another search). */
  let requests = 0;
  /** The report last opened from the queue: its row gets the focus back when the same page is shown again. */
  let opened: number | undefined;
  /** Set by a return from a report, until the page read again is shown. */
  let refocus = false;
  /** The latest request whose answer has come (or failed): below `requests`, one is under way. */
  let answered = 0;
  /** The first page as the moderator last saw it (this tab, these filters): what a re-read is compared with. */
  let baseline: QueueBaseline | undefined;
  /** Bumped by every re-read, and by leaving the view: only the latest one's answer counts. */
  let polls = 0;
  let shown = false;
  /** Set by the notice's button: the focus goes to the newest report once the first page is shown. */
  let focusNews = false;
  const notice = createNewsNotice(root, showNews);
  const poller = createVisiblePoll(() => void poll(), REFRESH_MS);

  function queueUrl(cursor: string | undefined): string {
    const params = new URLSearchParams(shownFilters);
    params.set('status', status);
    if (cursor) params.set('cursor', cursor);
    return `/admin/api/reports?${params}`;
  }

  async function load(): Promise<void> {
    const mine = ++requests;
    try {
      const answer = await getJson<ReportQueuePage>(queueUrl(pager.cursor));
      if (mine !== requests) return; // another tab or search meanwhile: its answer is the one to show
      showPage(answer);
    } catch (error) {
      if (mine === requests) onError(error);
    } finally {
      if (mine === requests) {
        answered = mine;
        focusNews = false; // used by the page shown, or the page never came
      }
    }
  }

  /**
   * The first page read again in the background (it keeps no session alive). Not while a page the
   * moderator asked for is on its way, and its answer is dropped if they ask for one meanwhile (another
   * tab, search or page): theirs is the fresher. A failure says nothing; the next read tries again.
   */
  async function poll(): Promise<void> {
    if (!shown || status !== 'open' || answered !== requests) return;
    const mine = ++polls;
    const asked = requests;
    let answer: ReportQueuePage;
    try {
      answer = await getJson<ReportQueuePage>(queueUrl(undefined), { background: true });
    } catch {
      return;
    }
    if (mine !== polls || asked !== requests || !shown) return;
    if (!baseline) {
      baseline = baselineOf(answer);
      return;
    }
    const news = newsSince(baseline, answer);
    if (!news) {
      // Nothing new any more (the new report was decided meanwhile): the notice goes, unless it has the focus.
      if (!notice.hasFocus()) notice.clear();
      return;
    }
    // In place only on the first page, with nothing of the moderator's in the list, nor on the notice's button.
    const inPlace = pager.page === 1 && pager.cursor === undefined && !notice.hasFocus() && untouched(body.closest<HTMLElement>('.table-card') ?? body);
    if (!inPlace) {
      notice.pending(news);
      return;
    }
    showPage(answer);
    if (news.added > 0 || news.urgent) notice.added(news);
  }

  /** The notice's button: the first page read again, the focus then on the newest report. */
  function showNews(): void {
    focusNews = true;
    pager.reset();
    void load();
  }

  /** Only filled fields become parameters (a blank user ID is no filter). */
  function readFilters(): URLSearchParams {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(filters)) {
      if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
    }
    return params;
  }

  function search(next: URLSearchParams): void {
    shownFilters = next;
    page = undefined;
    baseline = undefined;
    notice.clear();
    pager.reset();
    render();
    void load();
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    search(readFilters());
  });
  // After the browser has emptied the fields.
  filters.addEventListener('reset', () => setTimeout(() => search(new URLSearchParams())));

  function row(report: ReportQueueItem): HTMLTableRowElement {
    const tr = element('tr', 'room-row');
    tr.dataset['testid'] = 'report-row';
    tr.dataset['reportId'] = String(report.id);
    tr.tabIndex = 0;
    // The name is all a screen reader says of a focused row: the number alone would leave out why to open it.
    const reason = t(`reason_${report.reason}` as TextKey);
    tr.setAttribute('aria-label', report.priority > 0 ? t('openPriorityReport', { n: report.id, reason }) : t('openReport', { n: report.id, reason }));
    if (report.priority > 0) tr.classList.add('row-priority');
    const priority = element('td');
    if (report.priority > 0) {
      const badge = element('span', 'badge badge-priority', t('priority'));
      badge.dataset['testid'] = 'priority-badge';
      priority.append(badge);
    }
    const note = element('td', 'note-cell', report.note_excerpt === null ? '' : noteExcerptText(report.note_excerpt, report.reporter_id));
    const decision = report.resolution ? t(`resolution_${report.resolution}` as TextKey) : t(`status_${report.status}` as TextKey);
    tr.append(
      priority,
      element('td', '', `#${report.id}`),
      element('td', '', reason),
      element('td', '', report.reported_id),
      element('td', '', report.reporter_id),
      element('td', '', String(report.room_id)),
      note,
      element('td', '', plainTime(report.created_at)),
      element('td', 'num', String(report.counts.reports_about_reported)),
      element('td', '', decision),
    );
    const open = () => {
      opened = report.id;
      openReport(report.id);
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') open();
    });
    return tr;
  }

  /** A page's answer is shown: the only place the paging moves on (a redraw must not, a page may be loading). */
  function showPage(answer: ReportQueuePage): void {
    const before = baseline;
    page = answer;
    pageNumber = pager.page;
    if (pageNumber === 1) {
      baseline = baselineOf(answer, baseline?.maxId);
    } else if (baseline) {
      // A report on a later page is not new when it comes up to the first one.
      baseline = { ...baseline, maxId: Math.max(baseline.maxId, ...answer.reports.map((r) => r.id)) };
    }
    const wasFocused = notice.hasFocus();
    if (pageNumber === 1) notice.clear();
    render();
    pager.render(answer.next_cursor);
    if (refocus) focusOpened();
    if (focusNews) focusNewest(before?.maxId ?? Infinity, wasFocused);
  }

  /**
   * After the notice's button: its button has gone with the notice, so the focus goes to the newest report
   * that was not on the list (a priority one first: the queue's order), or to the table. Not if the
   * moderator has put it somewhere else meanwhile.
   */
  function focusNewest(knownMaxId: number, fromNotice: boolean): void {
    const active = document.activeElement;
    if (!fromNotice && active !== null && active !== document.body) return;
    const tr = [...body.rows].find((row) => Number(row.dataset['reportId']) > knownMaxId);
    const table = body.closest('table');
    if (tr) tr.focus();
    else if (table) {
      if (!table.hasAttribute('tabindex')) table.tabIndex = -1;
      table.focus();
    }
  }

  /**
   * Back from a report: the "Back" link that had the focus is hidden with the report (after the browser's
   * Back nothing has it), so the focus goes to the row opened, else (it left the page meanwhile) to the
   * table. Not if the admin has put it somewhere meanwhile.
   */
  function focusOpened(): void {
    refocus = false;
    const active = document.activeElement;
    if (active !== null && active !== document.body && active.closest('[hidden]') === null) return;
    const tr = [...body.rows].find((row) => row.dataset['reportId'] === String(opened));
    const table = body.closest('table');
    if (tr) tr.focus();
    else if (table) {
      if (!table.hasAttribute('tabindex')) table.tabIndex = -1;
      table.focus();
    }
  }

  /** Redraws the tabs and the page shown (another language, another tab); the paging stays as it is. */
  function render(): void {
    for (const tab of root.querySelectorAll<HTMLElement>('.subtab')) {
      const active = tab.dataset['status'] === status;
      tab.classList.toggle('active', active);
      if (active) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    const chosen = reasonFilter.value;
    reasonFilter.replaceChildren(
      new Option(t('reasonAny'), ''),
      ...REPORT_REASONS.map((reason) => new Option(t(`reason_${reason}` as TextKey), reason)),
    );
    reasonFilter.value = chosen;
    body.replaceChildren(...(page?.reports ?? []).map(row));
    empty.hidden = (page?.reports.length ?? 0) > 0;
    empty.textContent = t([...shownFilters.keys()].length > 0 ? 'noReportsFiltered' : 'noReports');
    count.textContent = page ? t(page.total === 1 ? 'reportCountOne' : 'reportCount', { n: page.total, p: pageNumber }) : '';
    notice.render(shown);
  }

  return {
    show(next, options = {}) {
      const samePage = options.keepPage === true && next === status;
      if (next !== status) {
        page = undefined;
        baseline = undefined;
        notice.clear();
      }
      status = next;
      shown = true;
      poller.start();
      // The pager keeps its cursor (and the ones passed, for Previous): the same page is read again.
      if (!samePage) pager.reset();
      refocus = samePage && opened !== undefined;
      render();
      void load();
    },
    render,
    stop() {
      shown = false;
      polls += 1;
      poller.stop();
      // The title's count is for the queue shown; the notice stays for the way back.
      notice.render(false);
    },
  };
}
