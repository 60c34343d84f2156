/**
 * Erasing from a conversation's page: this conversation, or every ended conversation of one of its two
 * people, with a reason (recorded in the audit log) and, for a conversation under review, an explicit
 * "even with an open report". A confirmation comes before anything is erased, and the password when the
 * session's last proof of it is older than ten minutes (password-confirm.ts): cancelling that question
 * erases nothing and leaves this dialog open as it was.
 */
import type { RoomSummary } from '../../../src/admin/rooms-query.js';
import type { MAX_ERASURE_REASON_CHARS } from '../../../src/admin/routes-erasure.js';
import { ApiError, sendJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { byTestId, focusLost } from './dom.js';
import { PasswordNotConfirmed, type PasswordConfirm } from './password-confirm.js';
import { t } from './i18n.js';
import { showFormError } from './sanction-fields.js';
import { failureText } from './sanction-dialog.js';
import { limitText } from './text-limit.js';

/** The server's limit on an erasure's reason (checked at compile time: routes-erasure.ts is imported for types only). */
const MAX_REASON_CHARS: typeof MAX_ERASURE_REASON_CHARS = 500;

type Scope = 'room' | 'user1' | 'user2';

interface RoomErased {
  erased: number;
}
interface UserErased {
  erased: number;
  skipped: { room_id: number; reason: string }[];
}

export interface EraseDialog {
  /** Opens the dialog for a conversation; the focus goes back to `opener` when it closes. */
  open(room: RoomSummary, opener: HTMLElement | null): void;
}

export function createEraseDialog(dialog: HTMLDialogElement, deps: { confirm: Confirm; passwordConfirm: PasswordConfirm }, done: (summary: string) => void): EraseDialog {
  const { confirm, passwordConfirm } = deps;
  const form = byTestId('erase-form', HTMLFormElement, dialog);
  const title = byTestId('erase-dialog-title', HTMLElement, dialog);
  const error = byTestId('erase-error', HTMLElement, dialog);
  const submit = byTestId('erase-submit', HTMLButtonElement, dialog);
  const reason = byTestId('erase-reason', HTMLInputElement, dialog);
  /** The reason the audit log keeps: kept whole past the limit, and not sent until it fits. */
  const reasonLimit = limitText(reason, MAX_REASON_CHARS, 'reasonTooLong');
  const force = byTestId('erase-force', HTMLInputElement, dialog);
  const roomScope = byTestId('erase-scope-room', HTMLInputElement, dialog);
  const userLabels = { user1: byTestId('erase-scope-user1-label', HTMLElement, dialog), user2: byTestId('erase-scope-user2-label', HTMLElement, dialog) };
  let room: RoomSummary | undefined;
  let opener: HTMLElement | null = null;

  const scopeOf = (): Scope => {
    const value = (form.elements.namedItem('scope') as RadioNodeList | null)?.value;
    return value === 'user1' || value === 'user2' ? value : 'room';
  };

  byTestId('erase-cancel', HTMLButtonElement, dialog).addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });

  async function run(target: RoomSummary): Promise<string | undefined> {
    const why = reason.value.trim();
    if (why === '') throw new Error(t('reasonRequired'));
    const scope = scopeOf();
    const userId = scope === 'user1' ? target.user1_id : scope === 'user2' ? target.user2_id : undefined;
    const text = userId === undefined ? t('confirmEraseRoom', { n: target.id }) : t('confirmEraseUser', { n: userId });
    if (!(await confirm({ title: t('confirmEraseTitle'), text, ok: t('confirmErase') }))) return undefined;
    const body = { reason: why, ...(force.checked ? { force: true } : {}) };
    if (userId === undefined) {
      const result = await passwordConfirm.run(() => sendJson<RoomErased>('DELETE', `/admin/api/rooms/${target.id}`, body));
      return t(result.erased === 1 ? 'erasedMessagesOne' : 'erasedMessages', { n: result.erased });
    }
    const result = await passwordConfirm.run(() => sendJson<UserErased>('DELETE', `/admin/api/users/${encodeURIComponent(userId)}/rooms`, body));
    const skipped = result.skipped.length > 0 ? ` · ${t('erasedSkipped', { n: result.skipped.length })}` : '';
    return `${t(result.erased === 1 ? 'erasedMessagesOne' : 'erasedMessages', { n: result.erased })}${skipped}`;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const target = room;
    if (!target || reasonLimit.refuse()) return;
    void (async () => {
      submit.disabled = true;
      showFormError(error, undefined);
      try {
        const summary = await run(target);
        if (summary === undefined) return;
        dialog.close();
        done(summary);
      } catch (failure) {
        // The admin closed the password question: nothing was erased, and there is nothing to say.
        if (failure instanceof PasswordNotConfirmed) return;
        const underReview = failure instanceof ApiError && failure.code === 'REPORT_OPEN';
        showFormError(error, underReview ? t('eraseReportOpen') : failureText(failure));
      } finally {
        submit.disabled = false;
        // A question answered "no" gave the focus back to this button while it was disabled (so to nothing).
        if (dialog.open && focusLost()) submit.focus();
      }
    })();
  });

  return {
    open(target, from) {
      room = target;
      opener = from;
      form.reset();
      reasonLimit.sync();
      roomScope.checked = true;
      // A conversation still going on cannot be erased; its people's ended ones can.
      roomScope.disabled = target.is_active;
      if (target.is_active) byTestId('erase-scope-user1', HTMLInputElement, dialog).checked = true;
      showFormError(error, undefined);
      title.textContent = t('eraseTitle', { n: target.id });
      userLabels.user1.textContent = t('eraseScopeUser', { n: target.user1_id });
      userLabels.user2.textContent = t('eraseScopeUser', { n: target.user2_id });
      dialog.showModal();
      reason.focus();
    },
  };
}
