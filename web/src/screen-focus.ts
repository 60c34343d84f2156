/**
 * Where the focus goes when what held it is hidden (its screen changed, the dialog that had it closed
 * over a screen that changed meanwhile, the heading it was on gave way to another): the first shown of
 * the screen's headings marked `data-screen-focus` (with tabindex="-1") in the markup. A screen reader
 * reads it, and the next Tab starts from there. Without that, the browser drops the focus to the page's
 * body and the person loses their place.
 */

/** The first rendered focus target under `root` (a screen, or the whole page), if any. */
export function screenFocusTarget(root: ParentNode = document): HTMLElement | null {
  for (const el of root.querySelectorAll<HTMLElement>('[data-screen-focus]')) {
    if (el.getClientRects().length > 0) return el;
  }
  return null;
}

/**
 * Runs `change`, which shows and hides parts of `screen`: if the focus was on something in it that is no
 * longer shown afterwards (e.g. the search's heading, when a private room's title replaces it), it moves
 * to `target` (what says the change, e.g. the chat's ended note), else to the screen's focus target.
 */
export function keepingFocus(screen: HTMLElement, change: () => void, target?: HTMLElement): void {
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && screen.contains(active);
  change();
  if (!inside || (active.getClientRects().length > 0 && !focusIsLost())) return;
  (target && target.getClientRects().length > 0 ? target : screenFocusTarget(screen))?.focus();
}

/** Whether nothing in particular has the focus (the browser's fallback: the page's body). */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body;
}
