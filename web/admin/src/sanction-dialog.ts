/**
 * Sanctioning a person by user ID — from the Sanctions page's form, or from a conversation or a report
 * through a dialog: kind, scope, duration and a reason (shown to the person); a ban is confirmed first.
 * What is written and not yet issued is kept (sanction-draft.ts): the dialog's per person, until the
 * sanction is issued or the admin cancels the dialog (its button, or Escape) — never because the session
 * ended, which reloads the page.
 */
import type { DECISION_TEXT_MAX } from '../../../src/admin/safety-schemas.js';
import type { SanctionView } from '../../../src/admin/safety-views.js';
import { ApiError, sendJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { byTestId } from './dom.js';
import { sessionDraftStorage } from './form-draft.js';
import { t } from './i18n.js';
import { createSanctionDrafts, dialogDraftKey, type SanctionDraft } from './sanction-draft.js';
import { banConfirmText, durationOf, fillSanctionSelects, kindOf, scopeOf, showFormError, syncDuration } from './sanction-fields.js';
import { limitText, type TextLimit } from './text-limit.js';

/** The server's limit on a sanction's reason (checked at compile time: safety-schemas.ts is imported for types only). */
const MAX_REASON_CHARS: typeof DECISION_TEXT_MAX = 500;

/** A sanction form's reason, shown to the person: kept whole past the limit, and not sent until it fits. */
export function limitReason(form: HTMLFormElement): TextLimit {
  const field = form.elements.namedItem('reason');
  if (!(field instanceof HTMLInputElement)) throw new Error('a sanction form has a reason field');
  return limitText(field, MAX_REASON_CHARS, 'reasonTooLong');
}

/** The form as the admin left it (the user ID only where the form has that field). */
export function sanctionDraftOf(form: HTMLFormElement): SanctionDraft {
  const text = (name: string) => {
    const field = form.elements.namedItem(name);
    return field instanceof HTMLInputElement ? field.value : '';
  };
  return { userId: text('user_id'), kind: kindOf(form), scope: scopeOf(form), duration: durationOf(form), reason: text('reason') };
}

/**
 * A kept draft back in a form freshly filled (fillSanctionSelects), without a submit or a change event: the
 * duration follows the kind as a change makes it, and the reason's counter is counted again.
 */
export function restoreSanctionDraft(form: HTMLFormElement, draft: SanctionDraft, reasonLimit: TextLimit): void {
  const field = (name: string) => form.elements.namedItem(name);
  const set = (name: string, value: string) => {
    const el = field(name);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) el.value = value;
  };
  set('user_id', draft.userId);
  set('kind', draft.kind);
  set('scope', draft.scope);
  // Before the duration: "permanent" is allowed only once a ban is chosen. Also follows the scope's warning.
  syncDuration(form, kindOf(form));
  set('duration', draft.duration === null ? '' : String(draft.duration));
  set('reason', draft.reason);
  reasonLimit.sync();
}

/**
 * Reads the form and issues the sanction on `userId`. Undefined when the admin did not confirm a ban;
 * an `Error` with a readable message when the input or the server refuses it. `sending` is called once the
 * request goes (after a ban's confirmation): the form's Submit is disabled only then, so the confirmation
 * closing gives the focus back to it and not to the page's body (a disabled button cannot hold it).
 */
export async function issueSanction(userId: string, form: HTMLFormElement, confirm: Confirm, sending: () => void): Promise<SanctionView | undefined> {
  const reason = (form.elements.namedItem('reason') as HTMLInputElement | null)?.value.trim() ?? '';
  if (userId === '') throw new Error(t('userIdRequired'));
  if (reason === '') throw new Error(t('reasonRequired'));
  const kind = kindOf(form);
  const durationS = durationOf(form);
  if (kind === 'banned' && !(await confirm({ title: t('confirmBanTitle'), text: banConfirmText(userId, durationS), ok: t('confirmBan') }))) {
    return undefined;
  }
  const body = { user_id: userId, kind, scope: scopeOf(form), reason, ...(durationS === null ? {} : { duration_s: durationS }) };
  sending();
  const { sanction } = await sendJson<{ sanction: SanctionView }>('POST', '/admin/api/sanctions', body);
  return sanction;
}

/** The message to show for a failed request. */
export function failureText(error: unknown): string {
  // The admin's role does not allow it (a control shown before their role was known, or a role changed meanwhile).
  if (error instanceof ApiError && (error.code as string) === 'FORBIDDEN') return t('forbidden');
  if (error instanceof ApiError) return t('actionFailed', { n: error.message });
  return error instanceof Error ? error.message : String(error);
}

export interface SanctionDialog {
  /** Opens the dialog for one person; the focus goes back to `opener` when it closes. */
  open(userId: string, opener: HTMLElement | null): void;
}

export function createSanctionDialog(dialog: HTMLDialogElement, confirm: Confirm, done: (sanction: SanctionView) => void): SanctionDialog {
  const form = byTestId('dialog-sanction-form', HTMLFormElement, dialog);
  const title = byTestId('sanction-dialog-title', HTMLElement, dialog);
  const error = byTestId('dialog-error', HTMLElement, dialog);
  const submit = byTestId('dialog-submit', HTMLButtonElement, dialog);
  const kind = byTestId('dialog-kind', HTMLSelectElement, dialog);
  const reasonLimit = limitReason(form);
  const drafts = createSanctionDrafts(sessionDraftStorage());
  let userId = '';
  let opener: HTMLElement | null = null;
  fillSanctionSelects(form);

  kind.addEventListener('change', () => syncDuration(form, kindOf(form)));
  // Each keystroke and choice, after the kind's own listener has made the duration follow it.
  const keepDraft = () => {
    if (dialog.open && userId !== '') drafts.save(dialogDraftKey(userId), sanctionDraftOf(form));
  };
  form.addEventListener('input', keepDraft);
  form.addEventListener('change', keepDraft);
  // Cancelled on purpose, by the button or by Escape (the dialog's `cancel`): what was written goes with it.
  byTestId('dialog-cancel', HTMLButtonElement, dialog).addEventListener('click', () => {
    drafts.clear(dialogDraftKey(userId));
    dialog.close();
  });
  dialog.addEventListener('cancel', () => drafts.clear(dialogDraftKey(userId)));
  dialog.addEventListener('close', () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reasonLimit.refuse()) return;
    const id = userId;
    void (async () => {
      showFormError(error, undefined);
      // Only the call that disabled Submit enables it again (not one whose ban was not confirmed, ending
      // while a later submit's request is on its way).
      let sent = false;
      try {
        const sanction = await issueSanction(id, form, confirm, () => {
          sent = true;
          submit.disabled = true;
        });
        if (!sanction) return;
        drafts.clear(dialogDraftKey(id));
        dialog.close();
        done(sanction);
      } catch (failure) {
        showFormError(error, failureText(failure));
      } finally {
        if (sent) submit.disabled = false;
      }
    })();
  });

  return {
    open(id, from) {
      userId = id;
      opener = from;
      form.reset();
      fillSanctionSelects(form);
      syncDuration(form, kindOf(form));
      // Written for this person before (the session ended, the page was reloaded): back as it was left.
      const draft = drafts.load(dialogDraftKey(id));
      if (draft) restoreSanctionDraft(form, draft, reasonLimit);
      reasonLimit.sync();
      showFormError(error, undefined);
      title.textContent = t('sanctionUserId', { n: id });
      dialog.showModal();
      kind.focus();
    },
  };
}
