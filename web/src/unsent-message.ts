/**
 * One's own message whose send failed while the input held other text (send-path.ts), kept in the list
 * where it was on its way instead of being lost: its text, and under it, in words (not colour alone),
 * "Not sent" — or, refused for its content, "Not sent: against the content rules" — with its buttons.
 * Retry (not for a refused one: it would only be refused again) sends it once more; Discard
 * takes it away; Edit takes its text into the input to be changed (a refused one must be; any other, to
 * change it before sending it again, rather than typing it anew beside a Retry that would send it too).
 *
 * Edit never overwrites or merges with what the person is writing: it takes the text only into an empty
 * input, and otherwise leaves both where they are and says (a toast) to send or clear the input first.
 * The check is made when Edit is pressed rather than shown as a disabled button: a disabled button is
 * skipped by Tab and its title is never heard with a screen reader, and a state kept in step with every
 * change of the input (typing, a draft given back, a send clearing it) could drift; at the press it is
 * always right. The text stays selectable, so it can be copied whatever the input holds.
 *
 * The buttons are real buttons, each described by the message's text and its "not sent" line
 * (`aria-describedby`), so a screen reader says which message "Retry" or "Discard" is for, and why. Once the chat has ended (`close`), nothing can be
 * sent to it any more: the buttons go, the text stays marked "Not sent" until the list is cleared.
 *
 * It is not a stored message: the list keeps it out of what is reported, saved and counted
 * (message-list.ts).
 */
import { element } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { messageText } from './message-text.js';

/** Why it was not sent: `blocked` — refused for its content (BLOCKED_CONTENT); `failed` — anything else. */
export type UnsentReason = 'failed' | 'blocked';

/** What its buttons do; each is there only when given. */
export interface UnsentActions {
  retry?(): void;
  edit?(): void;
  discard(): void;
}

export interface UnsentMessage {
  readonly item: HTMLElement;
  /** Its buttons are there (the chat it was written in goes on). */
  readonly open: boolean;
  /** The chat has ended: the buttons go, the text stays marked "not sent". */
  close(): void;
}

const LABEL: Record<UnsentReason, TextKey> = { failed: 'unsentFailed', blocked: 'unsentBlocked' };

/** A button following language switches (`data-i18n`), described by the message's text. */
function actionButton(key: TextKey, testId: string, describedBy: string, run: () => void): HTMLButtonElement {
  const button = element('button', 'btn btn-ghost btn-small unsent-button', t(key));
  button.type = 'button';
  button.dataset['i18n'] = key;
  button.dataset['testid'] = testId;
  button.setAttribute('aria-describedby', describedBy);
  button.addEventListener('click', run);
  return button;
}

/**
 * `key` makes its ids unique in the page (the message's cid); `actions` null: the chat is already over, no
 * buttons.
 */
export function renderUnsent(key: string, content: string, reason: UnsentReason, actions: UnsentActions | null): UnsentMessage {
  const item = element('li', 'message message-own message-unsent');
  item.dataset['testid'] = 'message-unsent';
  item.dataset['reason'] = reason;
  const bubble = element('div', 'bubble');
  const text = messageText(content);
  text.id = `unsent-${key}`;
  text.dataset['testid'] = 'message-text';
  bubble.append(text);
  const line = element('p', 'unsent-line');
  const label = element('span', 'unsent-label', t(LABEL[reason]));
  label.id = `unsent-label-${key}`;
  label.dataset['i18n'] = LABEL[reason];
  label.dataset['testid'] = 'unsent-label';
  line.append(label);
  let buttons: HTMLElement | null = null;
  if (actions) {
    buttons = element('span', 'unsent-actions');
    // Which message, and why it was not sent.
    const describedBy = `${text.id} ${label.id}`;
    if (actions.retry) buttons.append(actionButton('retry', 'unsent-retry', describedBy, actions.retry));
    if (actions.edit) buttons.append(actionButton('unsentEdit', 'unsent-edit', describedBy, actions.edit));
    buttons.append(actionButton('unsentDiscard', 'unsent-discard', describedBy, actions.discard));
    line.append(buttons);
  }
  item.append(bubble, line);
  return {
    item,
    get open() {
      return buttons !== null;
    },
    close() {
      buttons?.remove();
      buttons = null;
    },
  };
}
