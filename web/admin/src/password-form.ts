/**
 * The admin's password change on "My account": the current password, the new one twice. The bootstrap
 * owner has none to change here (theirs is the server's ADMIN_PASSWORD): a note says so instead.
 */
import { errorOf, noteForbidden, postJson } from './api.js';
import { errorTextKey, passwordProblem } from './account-fields.js';
import { byTestId } from './dom.js';
import type { FormErrors } from './form-errors.js';
import { t } from './i18n.js';
import type { Me } from './me.js';
import { sessionEnded } from './session-end.js';

export interface PasswordForm {
  /** Shows the form, or the note when the password is the server's (errors are re-said by the view). */
  render(): void;
}

export function createPasswordForm(root: HTMLElement, deps: { me: () => Me | undefined; toast: (text: string) => void; errors: FormErrors }): PasswordForm {
  const managed = byTestId('password-managed', HTMLElement, root);
  const passwordForm = byTestId('password-form', HTMLFormElement, root);
  const current = byTestId('password-current', HTMLInputElement, root);
  const fresh = byTestId('password-new', HTMLInputElement, root);
  const repeat = byTestId('password-repeat', HTMLInputElement, root);
  const passwordError = byTestId('password-error', HTMLElement, root);
  const sayError = (text: (() => string) | undefined) => deps.errors.say(passwordError, text);

  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (current.value === '') {
      sayError(() => t('passwordCurrentRequired'));
      current.focus();
      return;
    }
    const problem = passwordProblem(fresh.value, repeat.value);
    if (problem) {
      sayError(() => t(problem));
      (problem === 'passwordMismatch' ? repeat : fresh).focus();
      return;
    }
    void changePassword();
  });

  /**
   * Sent raw (not through `sendJson`): a wrong current password may be answered 401, which must be said
   * here, not taken for the session's end.
   */
  async function changePassword(): Promise<void> {
    const submit = byTestId('password-submit', HTMLButtonElement, root);
    submit.disabled = true;
    try {
      const response = await postJson('/admin/api/me/password', { current: current.value, password: fresh.value });
      if (response.ok) {
        passwordForm.reset();
        sayError(undefined);
        deps.toast(t('passwordChanged'));
        return;
      }
      const { code, message } = await errorOf(response);
      const known = code as string;
      if (known === 'INVALID_PASSWORD' || known === 'CURRENT_PASSWORD_WRONG') {
        sayError(() => t('passwordCurrentWrong'));
        current.select();
      } else if (response.status === 401) {
        sessionEnded(known);
      } else if (known === 'CONFLICT') {
        sayError(() => t('passwordManaged'));
      } else {
        noteForbidden(known);
        const key = known === 'INVALID_PAYLOAD' && /differ/i.test(message) ? 'passwordMustDiffer' : errorTextKey(known);
        sayError(() => t(key, { n: '60' }));
      }
    } catch {
      sayError(() => t('errFailed'));
    } finally {
      submit.disabled = false;
    }
  }

  return {
    render() {
      const me = deps.me();
      const environment = me?.password_managed === 'environment';
      managed.hidden = !environment;
      passwordForm.hidden = !me || environment;
    },
  };
}
