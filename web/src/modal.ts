/**
 * A modal `<dialog>`: shown over the page (the browser makes the rest inert and puts focus inside),
 * closed by Escape (the browser's `cancel`), a tap on the backdrop or its own buttons; focus then goes
 * back to the button that opened it, when that one is still on screen and not off (disabled or
 * aria-disabled) — otherwise (a Block that ended the chat, the screen changed behind the dialog) to the
 * shown screen's heading (screen-focus.ts).
 */
import { focusIsLost, screenFocusTarget } from './screen-focus.js';

export interface Modal {
  open(opener: HTMLElement | null): void;
  close(): void;
  readonly isOpen: boolean;
  /** Called whenever the dialog closes, however it was closed. */
  onClose(handler: () => void): void;
}

export function createModal(dialog: HTMLDialogElement): Modal {
  let opener: HTMLElement | null = null;
  const closeHandlers: (() => void)[] = [];

  // The dialog has no padding of its own, so a click that lands on the element itself is on the backdrop.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    for (const handler of closeHandlers) handler();
    const back = opener;
    opener = null;
    // On `close` the focus may still be on a control of the dialog just closed (a radio, Cancel): lost as
    // well, or the browser drops it to the page's body next.
    const lost = focusIsLost() || dialog.contains(document.activeElement);
    if (back && back.isConnected && back.getClientRects().length > 0 && !back.matches(':disabled, [aria-disabled="true"]')) back.focus();
    else if (lost) screenFocusTarget()?.focus();
  });

  return {
    open(from) {
      if (dialog.open) return;
      opener = from;
      dialog.showModal();
    },
    close() {
      if (dialog.open) dialog.close();
    },
    get isOpen() {
      return dialog.open;
    },
    onClose(handler) {
      closeHandlers.push(handler);
    },
  };
}
