/**
 * The contact-details nudge: before a message that carries a phone number, an e-mail address or a
 * WeChat/QQ-style handle goes out (src/shared/pii.ts, the server's own check), the page warns "Don't
 * share contact details with strangers" and offers Edit (back to the input, the text kept, the focus in
 * it; also Escape) or Send anyway (sent with `pii_confirmed: true`, so the server does not warn again).
 *
 * The detector (with its phone-number metadata) is a separate chunk, loaded in the background once the
 * page is up; should it fail to load, messages go out unchecked and the server's `notice {kind: 'pii'}`
 * warns instead. Until a submission is checked, pressing Enter again sends nothing more.
 */
import type { PiiKind } from '../../src/shared/pii.js';
import { byTestId } from './dom.js';
import { createModal } from './modal.js';

export interface PiiNudge {
  /** Sends `text` now, or after the warning when it carries contact details. */
  send(text: string): void;
  /** Closes the warning (the text stays in the input) and forgets confirmations, e.g. the chat changed. */
  reset(): void;
}

type Finder = (text: string) => PiiKind[];

export function createPiiNudge(
  dialog: HTMLDialogElement,
  /** The message input: the focus goes back to it. */
  input: HTMLElement,
  deliver: (text: string, piiConfirmed: boolean) => void,
): PiiNudge {
  const modal = createModal(dialog);
  const edit = byTestId('pii-edit', HTMLButtonElement, dialog);
  const sendAnyway = byTestId('pii-send-anyway', HTMLButtonElement, dialog);
  /** The text the warning is about. */
  let pending: string | null = null;
  /** A text the person chose to send anyway: sent again (a retry after a failure) without asking. */
  let confirmed: string | null = null;
  /**
   * A submission is being checked (the detector still loading, or failing to): the text stays in the
   * input until it is sent, so another Enter meanwhile is the same submission, not a second send.
   */
  let checking = false;
  /** Counts resets: a check that outlives one (the chat ended meanwhile) delivers nothing. */
  let round = 0;

  let finder: Promise<Finder | null> | undefined;
  const loadFinder = (): Promise<Finder | null> =>
    (finder ??= import('../../src/shared/pii.js').then(
      (module) => module.findPii,
      () => {
        finder = undefined; // tried again at the next message
        return null;
      },
    ));
  void loadFinder();

  modal.onClose(() => {
    pending = null;
  });
  edit.addEventListener('click', () => modal.close());
  sendAnyway.addEventListener('click', () => {
    const text = pending;
    modal.close();
    if (text === null) return;
    confirmed = text;
    deliver(text, true);
  });

  return {
    send(text) {
      if (checking) return;
      if (text === confirmed) return deliver(text, true);
      checking = true;
      const mine = round;
      void loadFinder().then((find) => {
        if (mine !== round) return;
        checking = false;
        if (find === null || find(text).length === 0) return deliver(text, false);
        pending = text;
        modal.open(input);
        // Edit is the safe choice, so a stray Enter sends nothing.
        edit.focus();
      });
    },
    reset() {
      round++;
      checking = false;
      confirmed = null;
      modal.close();
    },
  };
}
