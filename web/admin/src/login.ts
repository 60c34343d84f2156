/** The login form: posts the password as JSON (never in the URL) and opens the dashboard on success. */
import { errorOf, postJson } from './api.js';
import { byTestId } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';

const form = byTestId('login-form', HTMLFormElement);
const password = byTestId('password', HTMLInputElement);
const error = byTestId('login-error', HTMLElement);
const button = byTestId('login-btn', HTMLButtonElement);

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => (document.title = t('loginTitle')));
document.title = t('loginTitle');

function showError(text: string): void {
  error.textContent = text;
  error.hidden = false;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});

async function submit(): Promise<void> {
  button.disabled = true;
  button.textContent = t('loggingIn');
  error.hidden = true;
  try {
    const response = await postJson('/admin/login', { password: password.value });
    if (response.ok) {
      window.location.assign('/admin');
      return;
    }
    const { code } = await errorOf(response);
    if (code === 'INVALID_PASSWORD') showError(t('wrongPassword'));
    else if (code === 'RATE_LIMITED') showError(t('tooManyAttempts', { n: response.headers.get('retry-after') ?? '60' }));
    else showError(t('loginFailed'));
    password.select();
  } catch {
    showError(t('loginFailed'));
  } finally {
    button.disabled = false;
    button.textContent = t('login');
  }
}
