/**
 * The login form: posts the password as JSON (never in the URL) and, on success, loads the page again at
 * its address — the dashboard, or the view the admin was on when their session ended (its `#hash`). An
 * error on screen is kept as a function of the language, so switching language re-says it.
 */
import { errorOf, postJson } from './api.js';
import { byTestId } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';
import { takeSessionEnded } from './session-end.js';

const form = byTestId('login-form', HTMLFormElement);
const password = byTestId('password', HTMLInputElement);
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
if (takeSessionEnded()) showError(() => t('sessionEnded'));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});

async function submit(): Promise<void> {
  button.disabled = true;
  button.textContent = t('loggingIn');
  showError(undefined);
  try {
    const response = await postJson('/admin/login', { password: password.value });
    if (response.ok) {
      // The same address again, now answered with the admin page; its #hash opens the view left. A reload,
      // not `assign('/admin' + hash)`: to the same address and hash that is a jump within this page.
      window.location.reload();
      return;
    }
    const { code } = await errorOf(response);
    const retryAfter = response.headers.get('retry-after') ?? '60';
    if (code === 'INVALID_PASSWORD') showError(() => t('wrongPassword'));
    else if (code === 'RATE_LIMITED') showError(() => t('tooManyAttempts', { n: retryAfter }));
    else showError(() => t('loginFailed'));
    password.select();
  } catch {
    showError(() => t('loginFailed'));
  } finally {
    button.disabled = false;
    button.textContent = t('login');
  }
}
