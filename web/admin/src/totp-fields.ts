/**
 * One of the three 2FA forms of "My account" (turning it on, turning it off, new recovery codes): its code
 * and password fields, what was typed in them, and its errors — about the password next to that field,
 * which is marked invalid, anything else on the form's line.
 */
import { ApiError } from './api.js';
import { secondFactorCode, totpCode } from './account-fields.js';
import { byTestId } from './dom.js';
import type { FormErrors } from './form-errors.js';
import { t } from './i18n.js';

export interface TotpFields {
  readonly code: HTMLInputElement;
  readonly password: HTMLInputElement;
  /** Says the form's error (none: clears both lines), `atPassword` next to the password field. */
  say(text?: () => string, atPassword?: boolean): void;
  /** The code and password typed; missing one, says so and puts the focus there. */
  typed(): { code: string; password: string } | undefined;
  /** Says why a change was refused and selects the field to retype: the password when it was wrong, else the code. */
  refused(error: unknown, text: () => string): void;
}

export function totpFieldsOf(root: HTMLElement, form: 'enrol' | 'off' | 'codes', errors: FormErrors): TotpFields {
  const code = byTestId(`totp-${form}-code`, HTMLInputElement, root);
  const password = byTestId(`totp-${form}-password`, HTMLInputElement, root);
  const passwordError = byTestId(`totp-${form}-password-error`, HTMLElement, root);
  const error = byTestId(`totp-${form}-error`, HTMLElement, root);
  // Where 2FA is on (turning it off, new codes) a recovery code does as well as the app's.
  const enrolling = form === 'enrol';

  function say(text?: () => string, atPassword = false): void {
    errors.say(passwordError, atPassword ? text : undefined);
    errors.say(error, atPassword ? undefined : text);
    if (atPassword && text) password.setAttribute('aria-invalid', 'true');
    else password.removeAttribute('aria-invalid');
  }

  return {
    code,
    password,
    say,
    typed() {
      const typedCode = enrolling ? totpCode(code.value) : secondFactorCode(code.value);
      if (typedCode === undefined) {
        say(() => t(enrolling ? 'totpCodeRequired' : 'secondFactorRequired'));
        code.focus();
        return undefined;
      }
      if (password.value === '') {
        say(() => t('totpPasswordRequired'), true);
        password.focus();
        return undefined;
      }
      return { code: typedCode, password: password.value };
    },
    refused(refusal, text) {
      const field = refusal instanceof ApiError && (refusal.code as string) === 'CURRENT_PASSWORD_WRONG' ? password : code;
      if (field === password) say(() => t('totpPasswordWrong'), true);
      else say(text);
      field.focus();
      field.select();
    },
  };
}
