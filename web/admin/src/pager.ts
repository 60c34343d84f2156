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
 *
 * Disabling the button pressed drops the keyboard's focus to <body>, so once the page arrives (or the move
 * rolls back) the focus is put back: on that button while it can still be pressed, so Next, Next, Next
 * pages on with the same key; when it cannot (First on the first page, Next on the last) on the table, its
 * top scrolled into view, which is where the new rows are read from (tabindex -1: a target, not a Tab stop).
 * Only if the focus is still lost: someone who moved on meanwhile (typing a search) keeps it where they are.
 */
export interface PagerControls {
  first: HTMLButtonElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
}

export interface Pager {
  /** The cursor of the page to load; undefined for the first page. */
  readonly cursor: string | undefined;
  /** The number of the page to load (of the one shown, once it has arrived): 1 for the first. */
  readonly page: number;
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
  /** The button of the move under way, to give the focus back to once it has settled. */
  let pressed: HTMLButtonElement | undefined;

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
    pressed = undefined;
    showButtons();
  };
  showButtons(); // nothing shown yet: no move

  function giveBackFocus(): void {
    const button = pressed;
    pressed = undefined;
    const active = document.activeElement;
    if (!button || (active !== null && active !== document.body && active !== button)) return;
    if (!button.disabled) {
      button.focus();
      return;
    }
    const table = button.closest('.card')?.querySelector('table');
    if (!table) return;
    if (!table.hasAttribute('tabindex')) table.tabIndex = -1;
    table.focus({ preventScroll: true });
    // Stops below the sticky top bar, whose height depends on the width (its tabs wrap on a phone).
    const bar = document.querySelector<HTMLElement>('.topbar');
    table.style.scrollMarginTop = `${(bar?.getBoundingClientRect().height ?? 0) + 12}px`;
    table.scrollIntoView({ block: 'start', behavior: 'instant' });
  }

  function move(button: HTMLButtonElement, change: () => void): void {
    const before = { cursor, passed: [...passed], nextCursor };
    change();
    // No second move until this page is shown.
    nextCursor = null;
    for (const each of [controls.first, controls.previous, controls.next]) each.disabled = true;
    const mine = ++generation;
    pressed = button;
    void load().finally(() => {
      if (generation !== mine) return; // shown, or overtaken by a reset
      ({ cursor, passed, nextCursor } = before);
      showButtons();
      giveBackFocus();
    });
  }

  controls.next.addEventListener('click', () => {
    const next = nextCursor;
    if (!next) return;
    move(controls.next, () => {
      passed.push(cursor);
      cursor = next;
    });
  });
  controls.previous.addEventListener('click', () => {
    if (passed.length === 0) return;
    move(controls.previous, () => (cursor = passed.pop()));
  });
  controls.first.addEventListener('click', () => move(controls.first, reset));

  return {
    get cursor() {
      return cursor;
    },
    get page() {
      return passed.length + 1;
    },
    reset,
    render(next) {
      generation += 1;
      nextCursor = next ?? null;
      showButtons();
      giveBackFocus();
    },
  };
}
