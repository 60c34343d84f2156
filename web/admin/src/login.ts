/**
 * The login form: posts the name (empty: the bootstrap owner `admin`), the password and, once the server
 * asks for it (TOTP_REQUIRED), the code from the authenticator app as JSON (never in the URL); on success
 * it loads the page again at its address — the dashboard, or the view the admin was on when their session
 * ended (its `#hash`). Before that, the drafts kept in this tab (form-draft.ts) are made the drafts of the
 * account that logged in: the same admin back after their session ended gets theirs back, another admin
 * none — the previous one's are deleted. An error on screen is kept as a function of the language, so
 * switching language re-says it.
 */
import { canonicalRecoveryCode } from '../../../src/shared/recovery-code.js';
import { totpCode } from './account-fields.js';
import { errorOf, postJson } from './api.js';
import { byTestId } from './dom.js';
import { claimDrafts, forgetAllDrafts } from './form-draft.js';
import { bindLangSwitch, t } from './i18n.js';
import { noteRecoveryLogin } from './recovery-login.js';
import { takeSessionEnded } from './session-end.js';

const form = byTestId('login-form', HTMLFormElement);
const name = byTestId('login-name', HTMLInputElement);
const password = byTestId('password', HTMLInputElement);
const codeField = byTestId('totp-field', HTMLElement);
const code = byTestId('totp-code', HTMLInputElement);
const codeLabel = byTestId('totp-code-label', HTMLElement);
const codeKind = byTestId('totp-kind', HTMLButtonElement);
const error = byTestId('login-error', HTMLElement);
const button = byTestId('login-btn', HTMLButtonElement);

/** The message shown, as a function so a language switch re-says it. */
let shownError: (() => string) | undefined;

function showError(text: (() => string) | undefined): void {
  shownError = text;
  error.textContent = text?.() ?? '';
  error.hidden = text === undefined;
}

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => {
  document.title = t('loginTitle');
  showError(shownError);
});
document.title = t('loginTitle');
// Sent back here by a session that ended: said, or the admin would wonder where their page went.
const endedBecause = takeSessionEnded();
if (endedBecause) showError(() => t(endedBecause === 'wrong_passwords' ? 'sessionEndedWrongPasswords' : 'sessionEnded'));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});

/** Asks for the code: the field shows, required, with the focus in it. */
function askForCode(): void {
  codeField.hidden = false;
  code.required = true;
  code.focus();
  code.select();
}

/** Whether the code field takes a recovery code (a lost phone) rather than the app's six digits. */
let recovery = false;

/**
 * Switches the code field between the app's code (a numeric keypad on a phone) and a recovery code
 * (letters too). Both go as `code`: the server tells them apart by their form. The texts are set through
 * `data-i18n`, so a language switch keeps them.
 */
function showCodeKind(): void {
  const label = recovery ? 'loginRecoveryCode' : 'totpCode';
  const other = recovery ? 'loginUseApp' : 'loginUseRecovery';
  codeLabel.setAttribute('data-i18n', label);
  codeLabel.textContent = t(label);
  codeKind.setAttribute('data-i18n', other);
  codeKind.textContent = t(other);
  code.inputMode = recovery ? 'text' : 'numeric';
  code.autocomplete = recovery ? 'off' : 'one-time-code';
  code.autocapitalize = recovery ? 'characters' : 'off';
}

codeKind.addEventListener('click', () => {
  recovery = !recovery;
  code.value = '';
  showCodeKind();
  code.focus();
});

/** What is sent: no `name` for the bootstrap owner (an older server takes only the password), `code` once asked. */
function credentials(): { name?: string; password: string; code?: string } {
  const typedName = name.value.trim();
  const typedCode = codeField.hidden ? '' : (totpCode(code.value) ?? code.value.trim());
  return { ...(typedName ? { name: typedName } : {}), password: password.value, ...(typedCode ? { code: typedCode } : {}) };
}

/**
 * The tab's drafts are now the account's that just logged in (the server says which: the login's answer
 * does not): another account's are deleted before the admin page could show them.
 */
async function claimTabDrafts(): Promise<void> {
  try {
    // Not api.ts's getJson: a 401 there means "session ended", and reloads to this very form.
    const response = await fetch('/admin/api/me', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const me = (await response.json().catch(() => ({}))) as { id?: unknown };
    if (response.ok && typeof me.id === 'number') return void claimDrafts(me.id);
  } catch {
    // Unreadable: whose the drafts are cannot be told.
  }
  // None kept rather than another admin's shown: the admin page claims the (empty) tab once it knows who.
  forgetAllDrafts();
}

async function submit(): Promise<void> {
  button.disabled = true;
  button.textContent = t('loggingIn');
  showError(undefined);
  try {
    const sent = credentials();
    const response = await postJson('/admin/login', sent);
    if (response.ok) {
      // What the server took, not what was sent: a recovery code's form sent to an account without 2FA is no recovery login.
      const answer = (await response.json().catch(() => ({}))) as { second_factor?: unknown };
      if (answer.second_factor === 'recovery') noteRecoveryLogin();
      await claimTabDrafts();
      // The same address again, now answered with the admin page; its #hash opens the view left. A reload,
      // not `assign('/admin' + hash)`: to the same address and hash that is a jump within this page.
      window.location.reload();
      return;
    }
    const { code: failure } = await errorOf(response);
    const retryAfter = response.headers.get('retry-after') ?? '60';
    const named = name.value.trim() !== '';
    switch (failure as string) {
      case 'INVALID_PASSWORD':
        // Without a name it is the bootstrap owner's password that was wrong.
        showError(() => t(named ? 'wrongNameOrPassword' : 'wrongPassword'));
        password.select();
        return;
      case 'TOTP_REQUIRED':
        showError(() => t('totpRequired'));
        askForCode();
        return;
      case 'INVALID_TOTP':
        // By what was sent, whichever way the field was set: a recovery code pasted in the app's field too.
        showError(() => t(canonicalRecoveryCode(sent.code ?? '') !== undefined ? 'invalidRecoveryCode' : 'invalidTotp'));
        askForCode();
        return;
      case 'ACCOUNT_DISABLED':
        showError(() => t('accountDisabled'));
        return;
      case 'RATE_LIMITED':
        showError(() => t('tooManyAttempts', { n: retryAfter }));
        break;
      default:
        showError(() => t('loginFailed'));
    }
    password.select();
  } catch {
    showError(() => t('loginFailed'));
  } finally {
    button.disabled = false;
    button.textContent = t('login');
  }
}
