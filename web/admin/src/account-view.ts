/**
 * "My account" (#account, every role): the admin's name and role; two-factor authentication — turned on
 * by scanning a QR code (or typing the secret) and confirming a code with the admin's password, which
 * shows the recovery codes once (recovery-codes-panel.ts); turned off, or new recovery codes made, with a
 * code (the app's or a recovery code) and the password; and a password change, except for the bootstrap owner, whose password is
 * the server's ADMIN_PASSWORD. Failures are said next to the form they belong to (a wrong password next to
 * its field), as a function of the language so a switch re-says them.
 */
import { canonicalRecoveryCode } from '../../../src/shared/recovery-code.js';
import { ApiError, errorOf, noteForbidden, postJson, sendJson } from './api.js';
import { errorTextKey, groupedSecret, passwordProblem, secondFactorCode, totpCode } from './account-fields.js';
import { byTestId } from './dom.js';
import { t, type TextKey } from './i18n.js';
import type { Me } from './me.js';
import { qrDataUrl } from './qr-image.js';
import { createRecoveryCodesPanel, RECOVERY_CODES_LOW, recoveryLeftText } from './recovery-codes-panel.js';
import { showFormError } from './sanction-fields.js';
import { sessionEnded } from './session-end.js';

export interface AccountView {
  /** Shows the account of `me` (read at the page's start, refreshed after each change). */
  show(): void;
  render(): void;
  /** Recovery codes are on screen, not yet marked saved. */
  codesShown(): boolean;
  /** Takes them off the page (a logout the admin confirmed). */
  forgetCodes(): void;
}

interface Enrolment {
  secret: string;
  uri: string;
}

/** A 2FA form: the code, the admin's password (and its own error line), the form's error line. */
interface TotpFields {
  code: HTMLInputElement;
  password: HTMLInputElement;
  passwordError: HTMLElement;
  error: HTMLElement;
}

/** A refused 2FA change, with the answer's Retry-After (seconds) for a 429. */
class TotpChangeRefused extends ApiError {
  constructor(
    status: number,
    code: ApiError['code'],
    message: string,
    readonly retryAfter: string,
  ) {
    super(status, code, message);
  }
}

/**
 * Turns 2FA on (its confirmation) or off, or makes new recovery codes: the answer's body. Sent raw (not
 * through `sendJson`) to read the Retry-After of a 429 (too many codes tried); a 401 ends the session as
 * every other call does.
 */
async function sendTotpChange(method: 'POST' | 'DELETE', path: string, body: { code: string; password: string }): Promise<unknown> {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (response.ok) return response.json().catch(() => ({}));
  if (response.status === 401) {
    sessionEnded();
    throw new ApiError(401, 'UNAUTHORIZED', t('sessionExpired'));
  }
  const { code, message } = await errorOf(response);
  noteForbidden(code);
  throw new TotpChangeRefused(response.status, code, message, response.headers.get('retry-after') ?? '60');
}

export function createAccountView(
  root: HTMLElement,
  deps: { me: () => Me | undefined; reloadMe: () => Promise<void>; toast: (text: string) => void; onError: (error: unknown) => void },
): AccountView {
  const name = byTestId('account-name', HTMLElement, root);
  const role = byTestId('account-role', HTMLElement, root);
  const totpStatus = byTestId('totp-status', HTMLElement, root);
  const start = byTestId('totp-start', HTMLButtonElement, root);
  const stop = byTestId('totp-stop', HTMLButtonElement, root);
  const enrolForm = byTestId('totp-enrol-form', HTMLFormElement, root);
  const qr = byTestId('totp-qr', HTMLImageElement, root);
  const secret = byTestId('totp-secret', HTMLElement, root);
  const secretCopy = byTestId('totp-secret-copy', HTMLButtonElement, root);
  /** The code and password fields of one of the two 2FA forms, with their error lines. */
  const fieldsOf = (form: 'enrol' | 'off' | 'codes'): TotpFields => ({
    code: byTestId(`totp-${form}-code`, HTMLInputElement, root),
    password: byTestId(`totp-${form}-password`, HTMLInputElement, root),
    passwordError: byTestId(`totp-${form}-password-error`, HTMLElement, root),
    error: byTestId(`totp-${form}-error`, HTMLElement, root),
  });
  const enrolFields = fieldsOf('enrol');
  const { code: enrolCode, error: enrolError } = enrolFields;
  const enrolCancel = byTestId('totp-enrol-cancel', HTMLButtonElement, root);
  const offForm = byTestId('totp-off-form', HTMLFormElement, root);
  const offFields = fieldsOf('off');
  const { code: offCode, error: offError } = offFields;
  const offCancel = byTestId('totp-off-cancel', HTMLButtonElement, root);
  const recoveryLeft = byTestId('recovery-left', HTMLElement, root);
  const recoveryNew = byTestId('recovery-new', HTMLButtonElement, root);
  const codesForm = byTestId('totp-codes-form', HTMLFormElement, root);
  const codesFields = fieldsOf('codes');
  const codesCancel = byTestId('totp-codes-cancel', HTMLButtonElement, root);
  const panel = createRecoveryCodesPanel(root, {
    toast: deps.toast,
    onClose: () => {
      render();
      (stop.hidden ? start : stop).focus();
    },
  });
  const managed = byTestId('password-managed', HTMLElement, root);
  const passwordForm = byTestId('password-form', HTMLFormElement, root);
  const current = byTestId('password-current', HTMLInputElement, root);
  const fresh = byTestId('password-new', HTMLInputElement, root);
  const repeat = byTestId('password-repeat', HTMLInputElement, root);
  const passwordError = byTestId('password-error', HTMLElement, root);

  let enrolment: Enrolment | undefined;
  let offOpen = false;
  let codesOpen = false;
  /** The errors shown, as functions so a language switch re-says them. */
  const errors = new Map<HTMLElement, () => string>();

  function sayError(where: HTMLElement, text: (() => string) | undefined): void {
    if (text) errors.set(where, text);
    else errors.delete(where);
    showFormError(where, text?.());
  }

  function render(): void {
    const me = deps.me();
    name.textContent = me?.name ?? '–';
    role.textContent = me ? t(`role_${me.role}` as TextKey) : '–';
    const on = me?.totp_enabled === true;
    totpStatus.textContent = me ? t(on ? 'totpOn' : 'totpOff') : '';
    // One thing at a time: a form open, or the new codes shown, hides the buttons that open the others.
    const busy = offOpen || codesOpen || panel.open;
    start.hidden = !me || on || enrolment !== undefined;
    stop.hidden = !me || !on || busy;
    recoveryNew.hidden = !me || !on || busy;
    enrolForm.hidden = enrolment === undefined;
    offForm.hidden = !offOpen;
    codesForm.hidden = !codesOpen;
    const left = on ? me?.recovery_codes_left : undefined;
    recoveryLeft.hidden = typeof left !== 'number';
    recoveryLeft.textContent = recoveryLeftText(left);
    recoveryLeft.classList.toggle('warning-text', typeof left === 'number' && left <= RECOVERY_CODES_LOW);
    qr.alt = t('totpQrAlt');
    secret.textContent = enrolment ? groupedSecret(enrolment.secret) : '';
    const environment = me?.password_managed === 'environment';
    managed.hidden = !environment;
    passwordForm.hidden = !me || environment;
    for (const [where, text] of errors) showFormError(where, text());
  }

  /**
   * A failure of a 2FA step as a text, by its code: the wrong code (an app's or a recovery code, by the
   * form of what was `typed`), too many codes, the role, … (never the server's English).
   */
  function totpFailure(error: unknown, typed = ''): () => string {
    const code = error instanceof ApiError ? (error.code as string) : undefined;
    const n = error instanceof TotpChangeRefused ? error.retryAfter : '60';
    const key = code === 'INVALID_TOTP' && canonicalRecoveryCode(typed) !== undefined ? 'invalidRecoveryCode' : errorTextKey(code);
    return () => t(key, { n });
  }

  /**
   * Says a 2FA form's error (none: clears both lines): about the password next to its field, which is
   * marked invalid, or else on the form's line.
   */
  function sayTotpError(fields: TotpFields, text?: () => string, atPassword = false): void {
    sayError(fields.passwordError, atPassword ? text : undefined);
    sayError(fields.error, atPassword ? undefined : text);
    if (atPassword && text) fields.password.setAttribute('aria-invalid', 'true');
    else fields.password.removeAttribute('aria-invalid');
  }

  /**
   * The code and password typed in a 2FA form; missing one, says so and puts the focus there. Where 2FA
   * is on (turning it off, new codes) a recovery code does as well as the app's.
   */
  function typed(fields: TotpFields): { code: string; password: string } | undefined {
    const enrolling = fields === enrolFields;
    const code = enrolling ? totpCode(fields.code.value) : secondFactorCode(fields.code.value);
    if (code === undefined) {
      sayTotpError(fields, () => t(enrolling ? 'totpCodeRequired' : 'secondFactorRequired'));
      fields.code.focus();
      return undefined;
    }
    if (fields.password.value === '') {
      sayTotpError(fields, () => t('totpPasswordRequired'), true);
      fields.password.focus();
      return undefined;
    }
    return { code, password: fields.password.value };
  }

  /** Says why a 2FA change was refused and selects the field to retype: the password when it was wrong, else the code. */
  function refused(fields: TotpFields, error: unknown, text: () => string): void {
    const field = error instanceof ApiError && (error.code as string) === 'CURRENT_PASSWORD_WRONG' ? fields.password : fields.code;
    if (field === fields.password) sayTotpError(fields, () => t('totpPasswordWrong'), true);
    else sayTotpError(fields, text);
    field.focus();
    field.select();
  }

  start.addEventListener('click', () => {
    void (async () => {
      start.disabled = true;
      try {
        enrolment = await sendJson<Enrolment>('POST', '/admin/api/me/totp', {});
        qr.src = qrDataUrl(enrolment.uri);
        enrolForm.reset();
        sayTotpError(enrolFields);
        render();
        // The QR code in view (on a narrow screen the code field below it would scroll it under the top bar).
        enrolCode.focus({ preventScroll: true });
        // Stops below the sticky top bar, whose height depends on the width (its tabs wrap on a phone).
        const bar = document.querySelector<HTMLElement>('.topbar');
        qr.style.scrollMarginTop = `${(bar?.getBoundingClientRect().height ?? 0) + 12}px`;
        qr.scrollIntoView({ block: 'start', behavior: 'instant' });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONFLICT') {
          deps.toast(t('totpAlreadyOn'));
          await deps.reloadMe().catch(deps.onError);
          render();
        } else deps.onError(error);
      } finally {
        start.disabled = false;
      }
    })();
  });

  function endEnrolment(): void {
    enrolment = undefined;
    qr.removeAttribute('src');
    // The password typed stays in no hidden field.
    enrolForm.reset();
    sayTotpError(enrolFields);
    render();
  }

  enrolCancel.addEventListener('click', () => {
    endEnrolment();
    start.focus();
  });

  enrolForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const change = typed(enrolFields);
    if (change === undefined) return;
    void (async () => {
      const submit = byTestId('totp-confirm', HTMLButtonElement, root);
      submit.disabled = true;
      try {
        const answer = await sendTotpChange('POST', '/admin/api/me/totp/confirm', change);
        // 2FA is on and the codes are in the answer: shown even if reading the account again fails.
        await deps.reloadMe().catch(deps.onError);
        endEnrolment();
        deps.toast(t('totpEnabled'));
        showCodes(answer);
      } catch (error) {
        refused(enrolFields, error, error instanceof ApiError && error.code === 'CONFLICT' ? () => t('totpNotStarted') : totpFailure(error));
      } finally {
        submit.disabled = false;
      }
    })();
  });

  /** The recovery codes of an answer, shown once; an answer without them (an older server) shows none. */
  function showCodes(answer: unknown): void {
    const codes = (answer as { recovery_codes?: unknown } | undefined)?.recovery_codes;
    if (Array.isArray(codes) && codes.length > 0) panel.show(codes.map(String), deps.me()?.name ?? '');
    render();
    if (!panel.open) stop.focus();
  }

  recoveryNew.addEventListener('click', () => {
    codesOpen = true;
    codesForm.reset();
    sayTotpError(codesFields);
    render();
    codesFields.code.focus();
  });

  function closeCodesForm(): void {
    codesOpen = false;
    codesForm.reset();
    sayTotpError(codesFields);
  }

  codesCancel.addEventListener('click', () => {
    closeCodesForm();
    render();
    recoveryNew.focus();
  });

  codesForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const change = typed(codesFields);
    if (change === undefined) return;
    void (async () => {
      const submit = byTestId('totp-codes-submit', HTMLButtonElement, root);
      submit.disabled = true;
      try {
        const answer = await sendTotpChange('POST', '/admin/api/me/totp/recovery-codes', change);
        closeCodesForm();
        await deps.reloadMe().catch(deps.onError);
        deps.toast(t('recoveryMade'));
        showCodes(answer);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONFLICT') {
          // 2FA turned off meanwhile (an owner reset it): the card as it now is, and said so.
          closeCodesForm();
          await deps.reloadMe().catch(deps.onError);
          render();
          deps.toast(t('totpAlreadyOff'));
          start.focus();
        } else refused(codesFields, error, totpFailure(error, change.code));
      } finally {
        submit.disabled = false;
      }
    })();
  });

  stop.addEventListener('click', () => {
    offOpen = true;
    offForm.reset();
    sayTotpError(offFields);
    render();
    offCode.focus();
  });

  offCancel.addEventListener('click', () => {
    offOpen = false;
    offForm.reset();
    sayTotpError(offFields);
    render();
    stop.focus();
  });

  offForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const change = typed(offFields);
    if (change === undefined) return;
    void (async () => {
      const submit = byTestId('totp-off-submit', HTMLButtonElement, root);
      submit.disabled = true;
      try {
        await sendTotpChange('DELETE', '/admin/api/me/totp', change);
        offOpen = false;
        offForm.reset();
        sayTotpError(offFields);
        await deps.reloadMe();
        render();
        deps.toast(t('totpDisabled'));
        start.focus();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONFLICT') {
          // Already off (an owner reset it meanwhile): the card as it now is, and said so.
          offOpen = false;
          offForm.reset();
          sayTotpError(offFields);
          await deps.reloadMe().catch(deps.onError);
          render();
          deps.toast(t('totpAlreadyOff'));
          start.focus();
        } else refused(offFields, error, totpFailure(error, change.code));
      } finally {
        submit.disabled = false;
      }
    })();
  });

  passwordForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (current.value === '') {
      sayError(passwordError, () => t('passwordCurrentRequired'));
      current.focus();
      return;
    }
    const problem = passwordProblem(fresh.value, repeat.value);
    if (problem) {
      sayError(passwordError, () => t(problem));
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
        sayError(passwordError, undefined);
        deps.toast(t('passwordChanged'));
        return;
      }
      const { code, message } = await errorOf(response);
      const known = code as string;
      if (known === 'INVALID_PASSWORD' || known === 'CURRENT_PASSWORD_WRONG') {
        sayError(passwordError, () => t('passwordCurrentWrong'));
        current.select();
      } else if (known === 'UNAUTHORIZED') {
        sessionEnded();
      } else if (known === 'CONFLICT') {
        sayError(passwordError, () => t('passwordManaged'));
      } else {
        noteForbidden(known);
        const key = known === 'INVALID_PAYLOAD' && /differ/i.test(message) ? 'passwordMustDiffer' : errorTextKey(known);
        sayError(passwordError, () => t(key, { n: '60' }));
      }
    } catch {
      sayError(passwordError, () => t('errFailed'));
    } finally {
      submit.disabled = false;
    }
  }

  secretCopy.addEventListener('click', () => {
    if (!enrolment) return;
    void navigator.clipboard.writeText(enrolment.secret).then(
      () => deps.toast(t('totpSecretCopied')),
      () => {
        window.getSelection()?.selectAllChildren(secret);
        deps.toast(t('inviteCopyFailed'));
      },
    );
  });

  return {
    show() {
      render();
      // Fresh from the server: 2FA may have been reset by an owner meanwhile.
      void deps.reloadMe().then(render, deps.onError);
    },
    render,
    codesShown: () => panel.open,
    forgetCodes: () => panel.close(),
  };
}
