/**
 * The conversations table: filters (sent to the server), keyset paging (first, previous and next page over
 * the server's cursors), export links that follow the filters, and rows that open a conversation.
 */
import type { RoomPage, RoomSummary } from '../../../src/admin/rooms-query.js';
import { getJson } from './api.js';
import { byTestId, element, plainTime } from './dom.js';
import { t } from './i18n.js';
import { createPager } from './pager.js';

export interface Conversations {
  /** Loads the first page if nothing is shown yet. */
  show(): void;
  render(): void;
}

export function createConversations(root: HTMLElement, openRoom: (id: number) => void, onError: (error: unknown) => void): Conversations {
  const form = byTestId('filters', HTMLFormElement, root);
  const body = byTestId('rooms-body', HTMLTableSectionElement, root);
  const empty = byTestId('rooms-empty', HTMLElement, root);
  const pager = createPager(
    {
      first: byTestId('first-page', HTMLButtonElement, root),
      previous: byTestId('previous-page', HTMLButtonElement, root),
      next: byTestId('next-page', HTMLButtonElement, root),
    },
    () => void load(),
  );
  const exportCsv = byTestId('export-csv', HTMLAnchorElement, root);
  const exportJson = byTestId('export-json', HTMLAnchorElement, root);
  const pseudonymize = byTestId('export-pseudonymize', HTMLInputElement, root);
  let filters = new URLSearchParams();
  let page: RoomPage | undefined;

  /** Only filled fields become parameters, so exports and the list see the same filters. */
  function readFilters(): URLSearchParams {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim() !== '') params.set(name, value.trim());
    }
    return params;
  }

  async function load(): Promise<void> {
    const params = new URLSearchParams(filters);
    if (pager.cursor) params.set('cursor', pager.cursor);
    try {
      page = await getJson<RoomPage>(`/admin/api/rooms?${params}`);
      render();
    } catch (error) {
      onError(error);
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

  function render(): void {
    body.replaceChildren(...(page?.rooms ?? []).map(row));
    empty.hidden = (page?.rooms.length ?? 0) > 0;
    pager.render(page?.next_cursor);
    renderExportLinks();
  }

  /** The exports follow the filters in force and, when ticked, ask for pseudonyms instead of user IDs. */
  function renderExportLinks(): void {
    const params = new URLSearchParams(filters);
    if (pseudonymize.checked) params.set('pseudonymize', '1');
    const query = params.toString();
    exportCsv.href = `/admin/export.csv${query ? `?${query}` : ''}`;
    exportJson.href = `/admin/export.json${query ? `?${query}` : ''}`;
  }

  pseudonymize.addEventListener('change', renderExportLinks);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    filters = readFilters();
    pager.reset();
    void load();
  });
  form.addEventListener('reset', () => {
    filters = new URLSearchParams();
    pager.reset();
    // The reset clears the fields after this event; load afterwards.
    window.setTimeout(() => void load());
  });

  return {
    show() {
      if (!page) void load();
    },
    render,
  };
}
