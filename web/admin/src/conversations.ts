/**
 * The conversations table: filters (sent to the server), keyset paging (first, previous and next page over
 * the server's cursors), export links that follow the filters, and rows that open a conversation.
 *
 * What is shown is always one answer with the filters it was asked with: an answer overtaken by a later
 * request is dropped (searches can resolve out of order), a failed search leaves the table as it was, and
 * the export links and the paging follow the filters of the table shown, not the form being edited. A time
 * range whose start is after its end is said to be reversed rather than searched ("no conversations match"
 * would hide the slip).
 */
import type { RoomPage, RoomSummary } from '../../../src/admin/rooms-query.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { t } from './i18n.js';
import { createPager } from './pager.js';
import { showFormError } from './sanction-fields.js';

export interface Conversations {
  /** Loads the first page if nothing is shown yet. */
  show(): void;
  /** Redraws what is shown (another language), leaving the paging as it is. */
  render(): void;
}

export function createConversations(root: HTMLElement, openRoom: (id: number) => void, onError: (error: unknown) => void): Conversations {
  const form = byTestId('filters', HTMLFormElement, root);
  const filtersError = byTestId('filters-error', HTMLElement, root);
  const from = byTestId('filter-from', HTMLInputElement, root);
  const to = byTestId('filter-to', HTMLInputElement, root);
  const body = byTestId('rooms-body', HTMLTableSectionElement, root);
  const empty = byTestId('rooms-empty', HTMLElement, root);
  const pager = createPager(
    {
      first: byTestId('first-page', HTMLButtonElement, root),
      previous: byTestId('previous-page', HTMLButtonElement, root),
      next: byTestId('next-page', HTMLButtonElement, root),
    },
    () => load(shown),
  );
  const exportCsv = byTestId('export-csv', HTMLAnchorElement, root);
  const exportJson = byTestId('export-json', HTMLAnchorElement, root);
  const pseudonymize = byTestId('export-pseudonymize', HTMLInputElement, root);
  /** The filters of the table shown (what the exports and the next page use). */
  let shown = new URLSearchParams();
  let page: RoomPage | undefined;
  /** Bumped by every request: only the answer to the latest one is shown. */
  let requests = 0;

  /** Only filled fields become parameters, so exports and the list see the same filters. */
  function readFilters(): URLSearchParams {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
    }
    return params;
  }

  /** `first`: the first page of these filters (a search); otherwise the pager's page of them. */
  async function load(filters: URLSearchParams, first = false): Promise<void> {
    const params = new URLSearchParams(filters);
    const cursor = first ? undefined : pager.cursor;
    if (cursor) params.set('cursor', cursor);
    const mine = ++requests;
    try {
      const answer = await getJson<RoomPage>(`/admin/api/rooms?${params}`);
      if (mine !== requests) return; // a later request was made: its answer is the one to show
      if (first) pager.reset();
      shown = filters;
      showPage(answer);
    } catch (error) {
      if (mine === requests) onError(error);
    }
  }

  function row(room: RoomSummary): HTMLTableRowElement {
    const tr = element('tr', 'room-row');
    tr.dataset['testid'] = 'room-row';
    tr.dataset['roomId'] = String(room.id);
    tr.tabIndex = 0;
    const status = room.is_active ? t('statusActive') : t('statusClosed');
    const cells = [String(room.id), room.user1_id, room.user2_id, plainTime(room.created_at), plainTime(room.ended_at), status, String(room.message_count)];
    cells.forEach((text, i) => tr.append(element('td', i === cells.length - 1 ? 'num' : '', text)));
    tr.addEventListener('click', () => openRoom(room.id));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') openRoom(room.id);
    });
    return tr;
  }

  /** A page's answer is shown: the only place the paging moves on (a redraw must not, a page may be loading). */
  function showPage(answer: RoomPage): void {
    page = answer;
    render();
    pager.render(answer.next_cursor);
  }

  /** True while the form's time range is reversed (shown, and said again in another language). */
  let reversed = false;

  function showReversed(value: boolean): void {
    reversed = value;
    showFormError(filtersError, value ? t('rangeReversed') : undefined);
    for (const input of [from, to]) {
      if (value) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  /** Redraws the page shown (another language); the paging stays as it is. */
  function render(): void {
    showReversed(reversed);
    body.replaceChildren(...(page?.rooms ?? []).map(row));
    empty.hidden = (page?.rooms.length ?? 0) > 0;
    renderExportLinks();
  }

  /** The exports follow the filters of the table shown and, when ticked, ask for pseudonyms instead of user IDs. */
  function renderExportLinks(): void {
    const params = new URLSearchParams(shown);
    if (pseudonymize.checked) params.set('pseudonymize', '1');
    const query = params.toString();
    exportCsv.href = `/admin/export.csv${query ? `?${query}` : ''}`;
    exportJson.href = `/admin/export.json${query ? `?${query}` : ''}`;
  }

  pseudonymize.addEventListener('change', renderExportLinks);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const filters = readFilters();
    // `datetime-local` values (YYYY-MM-DDTHH:mm[:ss]) compare as text in time order.
    const start = filters.get('from');
    const end = filters.get('to');
    showReversed(start !== null && end !== null && start > end);
    if (reversed) return;
    void load(filters, true);
  });
  form.addEventListener('reset', () => {
    showReversed(false);
    // The reset clears the fields after this event; load afterwards.
    window.setTimeout(() => void load(new URLSearchParams(), true));
  });

  return {
    show() {
      if (!page) void load(shown, true);
    },
    render,
  };
}
