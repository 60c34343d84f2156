/**
 * The password asked again before a change of the team, when the server says the session's last proof of
 * it is not recent (403 `PASSWORD_CONFIRMATION_REQUIRED`, src/admin/auth/recent-password.ts). A modal
 * `<dialog>` with the password field: a wrong password is said there and the field selected; once the server
 * has recorded it (`POST /admin/api/me/password-confirmation`), the change is sent again, once. Cancel
 * (or Escape) leaves the change undone and says nothing: the admin chose not to.
 */
import { ApiError, errorOf, noteForbidden, postJson } from './api.js';
import { errorTextKey } from './account-fields.js';
import { byTestId } from './dom.js';
import { createFormErrors } from './form-errors.js';
import { t } from './i18n.js';
import { sessionEnded } from './session-end.js';

/** The admin closed the password dialog: the change was not made, and there is nothing to say. */
export class PasswordNotConfirmed extends Error {
  constructor() {
    super('password not confirmed');
  }
}

export interface PasswordConfirm {
  /**
   * Runs `request`; when it is refused for want of a recent password, asks for it and runs `request` again.
   * Rejects with `PasswordNotConfirmed` when the admin cancels, else as `request` does.
   */
  run<T>(request: () => Promise<T>): Promise<T>;
  /** Re-says the dialog's error line in the current language. */
  render(): void;
}

export function createPasswordConfirm(dialog: HTMLDialogElement): PasswordConfirm {
  const form = byTestId('password-confirm-form', HTMLFormElement, dialog);
  const input = byTestId('password-confirm-input', HTMLInputElement, dialog);
  const error = byTestId('password-confirm-error', HTMLElement, dialog);
  const submit = byTestId('password-confirm-submit', HTMLButtonElement, dialog);
  const cancel = byTestId('password-confirm-cancel', HTMLButtonElement, dialog);
  // The error line kept as a function of the language, re-said on a switch (form-errors.ts).
  const errors = createFormErrors();
  let settle: ((confirmed: boolean) => void) | undefined;
  let opener: Element | null = null;

  const sayError = (text: (() => string) | undefined): void => errors.say(error, text);
  const finish = (confirmed: boolean): void => {
    const answer = settle;
    settle = undefined;
    answer?.(confirmed);
  };

  cancel.addEventListener('click', () => dialog.close());
  // Escape or Cancel: the question waiting is answered "no", and the focus goes back.
  dialog.addEventListener('close', () => {
    if (dialog.open) return;
    input.value = '';
    finish(false);
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    // The opener was disabled while its change was sent (so could not take it back): the focus would stay on
    // the closed field until the browser drops it to the body, after the caller has looked whether it was
    // lost (erase-dialog.ts, policy-view.ts give it back only then). Dropped now, so that they see it.
    if (dialog.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value === '') {
      sayError(() => t('passwordCurrentRequired'));
      input.focus();
      return;
    }
    void send();
  });

  /** Sent raw (not through `sendJson`): a wrong password is said here, never taken for the session's end. */
  async function send(): Promise<void> {
    submit.disabled = true;
    try {
      const response = await postJson('/admin/api/me/password-confirmation', { password: input.value });
      if (response.ok) {
        sayError(undefined);
        finish(true);
        dialog.close();
        return;
      }
      const { code } = await errorOf(response);
      if (response.status === 401) {
        sayError(undefined);
        dialog.close();
        sessionEnded(code);
        return;
      }
      noteForbidden(code);
      // Limited: how long, as the server says it (password checks are counted over 10 minutes).
      const wait = response.headers.get('retry-after') ?? '60';
      sayError(() => t(errorTextKey(code), { n: wait }));
      input.select();
    } catch {
      sayError(() => t('errFailed'));
    } finally {
      submit.disabled = false;
    }
  }

  /** The question open, if any: changes refused together wait for the one answer (it counts for the session). */
  let asking: Promise<boolean> | undefined;

  /** Opens the dialog; resolves true once the server has the password, false when the admin closes it. */
  function ask(): Promise<boolean> {
    if (asking) return asking;
    sayError(undefined);
    input.value = '';
    opener = document.activeElement;
    dialog.showModal();
    input.focus();
    asking = new Promise<boolean>((resolve) => (settle = resolve)).finally(() => (asking = undefined));
    return asking;
  }

  return {
    async run(request) {
      try {
        return await request();
      } catch (failure) {
        if (!(failure instanceof ApiError) || (failure.code as string) !== 'PASSWORD_CONFIRMATION_REQUIRED') throw failure;
      }
      if (!(await ask())) throw new PasswordNotConfirmed();
      return request();
    },
    render() {
      errors.render();
    },
  };
}
