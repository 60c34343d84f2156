/**
 * Asking before something hard to undo (a ban, lifting a sanction): a modal `<dialog>` whose focus starts
 * on Cancel, so Enter or Escape straight away never confirms. Resolves true only for the confirm button.
 */
import { byTestId } from './dom.js';

export interface ConfirmRequest {
  title: string;
  text: string;
  /** The confirm button's label (what happens: "Ban", "Lift"). */
  ok: string;
}

export type Confirm = (request: ConfirmRequest) => Promise<boolean>;

export function createConfirm(dialog: HTMLDialogElement): Confirm {
  const title = byTestId('confirm-title', HTMLElement, dialog);
  const text = byTestId('confirm-text', HTMLElement, dialog);
  const cancel = byTestId('confirm-cancel', HTMLButtonElement, dialog);
  const ok = byTestId('confirm-ok', HTMLButtonElement, dialog);
  let settle: ((confirmed: boolean) => void) | undefined;
  let opener: Element | null = null;
  /** Answers the request shown, once. */
  const finish = (confirmed: boolean): void => {
    const answer = settle;
    settle = undefined;
    answer?.(confirmed);
  };

  ok.addEventListener('click', () => {
    finish(true);
    dialog.close();
  });
  cancel.addEventListener('click', () => {
    finish(false);
    dialog.close();
  });
  // Escape (the browser's cancel) and any other way of closing count as "no". The close event comes a task
  // after the dialog closed, and the browser has already given the focus back: the admin may have asked
  // again meanwhile (a new request answered the old one), so a dialog open again is left alone.
  dialog.addEventListener('close', () => {
    if (dialog.open) return;
    finish(false);
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });

  return (request) => {
    // Closed (by Escape) but its close event not run yet, or still open: that request's answer is "no".
    finish(false);
    if (dialog.open) dialog.close();
    title.textContent = request.title;
    text.textContent = request.text;
    ok.textContent = request.ok;
    opener = document.activeElement;
    // A modal opened from inside another modal stacks above it; the browser keeps the rest inert.
    dialog.showModal();
    cancel.focus();
    return new Promise<boolean>((resolve) => (settle = resolve));
  };
}
