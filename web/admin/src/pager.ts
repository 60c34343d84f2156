/**
 * Keyset paging for a table the server pages with opaque cursors: first, previous and next page. The
 * server only answers "the page after this cursor", so the cursors of the pages passed are kept to go back.
 *
 * A move disables the buttons until the page arrives (`render`): a second click meanwhile (a double click)
 * would otherwise move again from a page not shown yet, pushing the same cursor twice. A move whose page
 * never arrives (the load failed) goes back to where it was.
 *
 * Only a page's arrival enables the buttons: a view that redraws what it shows (another language) leaves
 * the pager alone, or it would re-enable the buttons of a page still loading and cancel its roll-back.
 */
export interface PagerControls {
  first: HTMLButtonElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
}

export interface Pager {
  /** The cursor of the page to load; undefined for the first page. */
  readonly cursor: string | undefined;
  /** Back to the first page (new filters, or a fresh look), without loading: no move until a page arrives. */
  reset(): void;
  /** Only when a page's answer is shown (not on a redraw): which moves are possible from it. */
  render(nextCursor: string | null | undefined): void;
}

/** `load` fetches the page at `cursor` and calls `render` once it is shown; it settles afterwards. */
export function createPager(controls: PagerControls, load: () => Promise<void>): Pager {
  let cursor: string | undefined;
  let nextCursor: string | null = null;
  let passed: (string | undefined)[] = [];
  /** Bumped by every move, reset and render: a move's load that finds it unchanged never showed its page. */
  let generation = 0;

  const showButtons = () => {
    controls.next.disabled = !nextCursor;
    controls.previous.disabled = passed.length === 0;
    controls.first.disabled = cursor === undefined;
  };
  const reset = () => {
    cursor = undefined;
    passed = [];
    nextCursor = null;
    generation += 1;
    showButtons();
  };
  showButtons(); // nothing shown yet: no move

  function move(change: () => void): void {
    const before = { cursor, passed: [...passed], nextCursor };
    change();
    // No second move until this page is shown.
    nextCursor = null;
    for (const button of [controls.first, controls.previous, controls.next]) button.disabled = true;
    const mine = ++generation;
    void load().finally(() => {
      if (generation !== mine) return; // shown, or overtaken by a reset
      ({ cursor, passed, nextCursor } = before);
      showButtons();
    });
  }

  controls.next.addEventListener('click', () => {
    const next = nextCursor;
    if (!next) return;
    move(() => {
      passed.push(cursor);
      cursor = next;
    });
  });
  controls.previous.addEventListener('click', () => {
    if (passed.length === 0) return;
    move(() => (cursor = passed.pop()));
  });
  controls.first.addEventListener('click', () => move(reset));

  return {
    get cursor() {
      return cursor;
    },
    reset,
    render(next) {
      generation += 1;
      nextCursor = next ?? null;
      showButtons();
    },
  };
}
