/**
 * A report's decision refused because another admin decided the report first (report-view.ts): shown
 * where the form was, beside the decision made, until the admin dismisses it — not in a toast that goes
 * after 4 seconds. The admin reads the decision made, then theirs, and decides what to do with their
 * words. Kept as read-only text with Copy rather than put into "Sanction this person" by itself: a note
 * written as the reason for one report's decision may not be what they want to say there (or anything,
 * once they have seen the decision made), and copied it also goes to a colleague or to a later report.
 * The draft store keeps it meanwhile (a reload shows it again); dismissing it is the report view's to
 * clear.
 */
import type { DecisionAction, DecisionDraft } from './decision-draft.js';
import { element } from './dom.js';
import { t } from './i18n.js';

export interface UnsentDecisionDeps {
  /** The action chosen, in words, with its duration where it has one. */
  describe(action: DecisionAction, duration: number | null, scope: DecisionDraft['scope']): string;
  toast(text: string): void;
  /** "Done, forget it" was pressed: the notice is hidden already. */
  dismissed(): void;
}

export interface UnsentDecision {
  readonly element: HTMLElement;
  /** Its heading, to take the focus: the one thing on the page that asks something of the admin. */
  readonly heading: HTMLElement;
  readonly shown: boolean;
  show(draft: DecisionDraft): void;
  hide(): void;
  /** Again in the admin's language (after a switch). */
  render(): void;
}

export function createUnsentDecision(deps: UnsentDecisionDeps): UnsentDecision {
  const box = element('div', 'card unsent-decision');
  box.dataset['testid'] = 'unsent-decision';
  // A region named by its heading, not a live region: the focus, put on that heading, reads it out once
  // (a status besides would be read twice).
  box.setAttribute('role', 'region');
  box.hidden = true;
  const heading = element('h2', 'card-title');
  heading.id = 'unsent-decision-title';
  heading.tabIndex = -1;
  heading.dataset['testid'] = 'unsent-decision-title';
  box.setAttribute('aria-labelledby', heading.id);
  const text = element('p', 'muted');
  const action = element('p', 'unsent-decision-action');
  action.dataset['testid'] = 'unsent-decision-action';
  const noteLabel = element('p', 'unsent-decision-label');
  const note = element('p', 'unsent-decision-note');
  note.dataset['testid'] = 'unsent-decision-note';
  const copy = element('button', 'btn btn-secondary');
  copy.type = 'button';
  copy.dataset['testid'] = 'unsent-decision-copy';
  const dismiss = element('button', 'btn btn-ghost');
  dismiss.type = 'button';
  dismiss.dataset['testid'] = 'unsent-decision-dismiss';
  const actions = element('div', 'form-actions');
  actions.append(dismiss, copy);
  box.append(heading, text, action, noteLabel, note, actions);
  /** The refused decision shown, until the admin dismisses it. */
  let unsent: DecisionDraft | undefined;

  function render(): void {
    box.hidden = unsent === undefined;
    if (!unsent) return;
    heading.textContent = t('unsentTitle');
    text.textContent = t('unsentText');
    action.textContent = unsent.action === null ? t('unsentNoAction') : t('unsentAction', { n: deps.describe(unsent.action, unsent.duration, unsent.scope) });
    noteLabel.textContent = t('unsentNote');
    note.textContent = unsent.note.trim() === '' ? t('noNote') : unsent.note;
    copy.textContent = t('unsentCopy');
    copy.hidden = unsent.note.trim() === '';
    dismiss.textContent = t('unsentDismiss');
  }

  dismiss.addEventListener('click', () => {
    unsent = undefined;
    render();
    deps.dismissed();
  });
  copy.addEventListener('click', () => {
    const words = unsent?.note ?? '';
    // Where the clipboard is refused (an insecure origin, a denied permission) the note is selected instead.
    const selectNote = () => {
      const range = document.createRange();
      range.selectNodeContents(note);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      deps.toast(t('unsentCopyFailed'));
    };
    if (!navigator.clipboard) return selectNote();
    navigator.clipboard.writeText(words).then(() => deps.toast(t('unsentCopied')), selectNote);
  });

  return {
    element: box,
    heading,
    get shown() {
      return unsent !== undefined;
    },
    show(draft) {
      unsent = draft;
      render();
    },
    hide() {
      unsent = undefined;
      render();
    },
    render,
  };
}
