/**
 * "My account" (#account, every role): the admin's name and role, the two-factor authentication card
 * (totp-card.ts) and the password change (password-form.ts). Failures are said next to the form they
 * belong to, as a function of the language (form-errors.ts), one set for the view so a switch re-says them all.
 */
import { byTestId } from './dom.js';
import { createFormErrors } from './form-errors.js';
import { t, type TextKey } from './i18n.js';
import type { Me } from './me.js';
import { createPasswordForm } from './password-form.js';
import { createTotpCard } from './totp-card.js';

export interface AccountView {
  /** Shows the account of `me` (read at the page's start, refreshed after each change). */
  show(): void;
  render(): void;
  /** Recovery codes are on screen, not yet marked saved. */
  codesShown(): boolean;
  /** Takes them off the page (a logout the admin confirmed). */
  forgetCodes(): void;
}

export function createAccountView(
  root: HTMLElement,
  deps: { me: () => Me | undefined; reloadMe: () => Promise<void>; toast: (text: string) => void; onError: (error: unknown) => void },
): AccountView {
  const name = byTestId('account-name', HTMLElement, root);
  const role = byTestId('account-role', HTMLElement, root);
  const errors = createFormErrors();
  const totp = createTotpCard(root, { ...deps, errors, renderView: render });
  const password = createPasswordForm(root, { me: deps.me, toast: deps.toast, errors });

  function render(): void {
    const me = deps.me();
    name.textContent = me?.name ?? '–';
    role.textContent = me ? t(`role_${me.role}` as TextKey) : '–';
    totp.render();
    password.render();
    // Last, as before the split: every form's errors re-said in the current language.
    errors.render();
  }

  return {
    show() {
      render();
      // Fresh from the server: 2FA may have been reset by an owner meanwhile.
      void deps.reloadMe().then(render, deps.onError);
    },
    render,
    codesShown: totp.codesShown,
    forgetCodes: totp.forgetCodes,
  };
}
