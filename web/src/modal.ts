/**
 * A modal `<dialog>`: shown over the page (the browser makes the rest inert and puts focus inside),
 * closed by Escape (the browser's `cancel`), a tap on the backdrop or its own buttons; focus then goes
 * back to the button that opened it, when that one is still on screen and not off (disabled or
 * aria-disabled) — otherwise (a Block that ended the chat, the screen changed behind the dialog) to the
 * shown screen's heading (screen-focus.ts).
 *
 * A dialog opened while nothing had the focus (the page's body: the bot check, as the page loads) has
 * nothing to give it back to, and how it ended decides where it goes: its caller says so when it closes
 * it (the check, solved: the screen). Otherwise the focus is left for what follows to place (the check,
 * put off: the header's "Verify now"), which a heading taken at once would keep from it.
 */
import { focusIsLost, screenFocusTarget } from './screen-focus.js';

export interface Modal {
  /** Shows the dialog; `opener` gets the focus back when it closes (none, or the page's body: see above). */
  open(opener: HTMLElement | null): void;
  /**
   * Closes the dialog; `focusTarget`, rather than the screen's heading, takes the focus if the opener
   * cannot. It is asked as the close event comes, so it names what is shown then.
   */
  close(focusTarget?: () => HTMLElement | null): void;
  readonly isOpen: boolean;
  /** Called whenever the dialog closes, however it was closed. */
  onClose(handler: () => void): void;
}

export function createModal(dialog: HTMLDialogElement): Modal {
  let opener: HTMLElement | null = null;
  let target: (() => HTMLElement | null) | null = null;
  const closeHandlers: (() => void)[] = [];

  // The dialog has no padding of its own, so a click that lands on the element itself is on the backdrop.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    for (const handler of closeHandlers) handler();
    const back = opener;
    const instead = target?.() ?? null;
    opener = null;
    target = null;
    // On `close` the focus may still be on a control of the dialog just closed (a radio, Cancel): lost as
    // well, or the browser drops it to the page's body next.
    const lost = focusIsLost() || dialog.contains(document.activeElement);
    if (back && canTakeFocus(back)) return back.focus();
    if (!lost) return;
    if (instead && canTakeFocus(instead)) instead.focus();
    // An opener gone or hidden: the screen's heading. No opener: left for what follows to place.
    else if (back) screenFocusTarget()?.focus();
  });

  return {
    open(from) {
      if (dialog.open) return;
      opener = from === document.body ? null : from;
      dialog.showModal();
    },
    close(focusTarget) {
      if (!dialog.open) return;
      target = focusTarget ?? null;
      dialog.close();
    },
    get isOpen() {
      return dialog.open;
    },
    onClose(handler) {
      closeHandlers.push(handler);
    },
  };
}

/** Still on the page, shown, and not off (disabled or aria-disabled). */
function canTakeFocus(el: HTMLElement): boolean {
  return el.isConnected && el.getClientRects().length > 0 && !el.matches(':disabled, [aria-disabled="true"]');
}
