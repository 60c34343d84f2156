/**
 * The audit log: newest first, a page at a time, each entry with the admin who acted (— for automatic ones)
 * and its detail as a short "key: value" list in the admin's language (audit-detail.ts), not raw JSON.
 */
import type { AuditView } from '../../../src/admin/audit-log.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { auditDetailItems, pairText } from './audit-detail.js';
import { isTextKey, t } from './i18n.js';
import { createPager } from './pager.js';

/** An entry with the acting admin's name (`null`: automatic, or a receipt holder's erasure). */
type AuditEntryView = AuditView & { admin?: string | null };

interface AuditPage {
  entries: AuditEntryView[];
  next_cursor: string | null;
}

export interface AuditLogView {
  /** Loads the newest entries (every time: the log grows while you look). */
  show(): void;
  /** Redraws what is shown (another language), leaving the paging as it is. */
  render(): void;
}

export function createAuditView(root: HTMLElement, onError: (error: unknown) => void): AuditLogView {
  const body = byTestId('audit-body', HTMLTableSectionElement, root);
  const empty = byTestId('audit-empty', HTMLElement, root);
  const pager = createPager(
    {
      first: byTestId('audit-first-page', HTMLButtonElement, root),
      previous: byTestId('audit-previous-page', HTMLButtonElement, root),
      next: byTestId('audit-next-page', HTMLButtonElement, root),
    },
    () => load(),
  );
  let page: AuditPage | undefined;
  /**
   * Bumped by every request: only the answer to the latest one is shown (the log left and opened again, or
   * paged, while a read was on its way: the older page was drawn over the newer one).
   */
  let requests = 0;

  async function load(): Promise<void> {
    const mine = ++requests;
    try {
      const cursor = pager.cursor;
      const answer = await getJson<AuditPage>(`/admin/api/audit${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (mine === requests) showPage(answer);
    } catch (error) {
      if (mine === requests) onError(error);
    }
  }

  function row(entry: AuditEntryView): HTMLTableRowElement {
    const tr = element('tr');
    tr.dataset['testid'] = 'audit-row';
    const actionKey = `action_${entry.action}`;
    const detail = element('td', 'detail');
    const items = auditDetailItems(entry.detail, entry.action);
    if (items.length > 0) {
      const list = element('ul', 'audit-detail');
      list.append(...items.map(({ label, value }) => element('li', '', pairText(label, value))));
      detail.append(list);
    }
    tr.append(
      element('td', '', plainTime(entry.time)),
      element('td', '', isTextKey(actionKey) ? t(actionKey) : entry.action),
      element('td', '', entry.admin ?? '—'),
      element('td', '', entry.client_address ?? '—'),
      detail,
    );
    return tr;
  }

  /** A page's answer is shown: the only place the paging moves on (a redraw must not, a page may be loading). */
  function showPage(answer: AuditPage): void {
    page = answer;
    render();
    pager.render(answer.next_cursor);
  }

  /** Redraws the page shown (another language); the paging stays as it is. */
  function render(): void {
    body.replaceChildren(...(page?.entries ?? []).map(row));
    empty.hidden = (page?.entries.length ?? 0) > 0;
  }

  return {
    show() {
      pager.reset();
      void load();
    },
    render,
  };
}
