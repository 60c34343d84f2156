/**
 * Keyset paging for a table the server pages with opaque cursors: first, previous and next page. The
 * server only answers "the page after this cursor", so the cursors of the pages passed are kept to go back.
 */
export interface PagerControls {
  first: HTMLButtonElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
}

export interface Pager {
  /** The cursor of the page to load; undefined for the first page. */
  readonly cursor: string | undefined;
  /** Back to the first page (new filters, or a fresh look), without loading. */
  reset(): void;
  /** After a page arrived: which moves are possible from it. */
  render(nextCursor: string | null | undefined): void;
}

export function createPager(controls: PagerControls, load: () => void): Pager {
  let cursor: string | undefined;
  let nextCursor: string | null = null;
  const passed: (string | undefined)[] = [];

  const reset = () => {
    cursor = undefined;
    passed.length = 0;
  };
  controls.next.addEventListener('click', () => {
    if (!nextCursor) return;
    passed.push(cursor);
    cursor = nextCursor;
    load();
  });
  controls.previous.addEventListener('click', () => {
    if (passed.length === 0) return;
    cursor = passed.pop();
    load();
  });
  controls.first.addEventListener('click', () => {
    reset();
    load();
  });

  return {
    get cursor() {
      return cursor;
    },
    reset,
    render(next) {
      nextCursor = next ?? null;
      controls.next.disabled = !nextCursor;
      controls.previous.disabled = passed.length === 0;
      controls.first.disabled = cursor === undefined;
    },
  };
}
