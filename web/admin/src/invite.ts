/**
 * The invitation page (`/admin/invite#<token>`): the token stays in the fragment (never sent in a GET);
 * the new admin chooses a name and a password, which are posted with it to `/admin/invitations/accept`.
 * On success the server has logged them in: the admin page opens (replacing this address, so the used
 * link is not one Back away). An unknown, used or expired invitation, a name taken and what the server
 * refuses are said; the message is a function of the language, so switching language re-says it.
 */
import { nameProblem, passwordProblem, tokenOfHash } from './account-fields.js';
import { errorOf, postJson } from './api.js';
import { byTestId } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';

const form = byTestId('accept-form', HTMLFormElement);
const name = byTestId('accept-name', HTMLInputElement);
const password = byTestId('accept-password', HTMLInputElement);
const repeat = byTestId('accept-repeat', HTMLInputElement);
const error = byTestId('accept-error', HTMLElement);
const button = byTestId('accept-submit', HTMLButtonElement);

let shownError: (() => string) | undefined;

/** Says `text` (none: hides the line); `field` is marked invalid and takes the focus. */
function showError(text: (() => string) | undefined, field?: HTMLInputElement): void {
  shownError = text;
  error.textContent = text?.() ?? '';
  error.hidden = text === undefined;
  for (const input of [name, password, repeat]) {
    if (input === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  field?.focus();
}

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => {
  document.title = t('inviteTitlePage');
  showError(shownError);
});
document.title = t('inviteTitlePage');

const token = tokenOfHash(window.location.hash);
// Out of the address bar and the history at once: the link works once, and nobody should find it there later.
if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname);
if (token === undefined) showError(() => t('inviteNoToken'));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (token === undefined) return showError(() => t('inviteNoToken'));
  const chosen = name.value.trim();
  const badName = nameProblem(chosen);
  if (badName) return showError(() => t(badName), name);
  const badPassword = passwordProblem(password.value, repeat.value);
  if (badPassword) return showError(() => t(badPassword), badPassword === 'passwordMismatch' ? repeat : password);
  void accept(token, chosen);
});

async function accept(invitation: string, chosen: string): Promise<void> {
  button.disabled = true;
  button.textContent = t('inviteCreating');
  showError(undefined);
  try {
    const response = await postJson('/admin/invitations/accept', { token: invitation, name: chosen, password: password.value });
    if (response.ok) {
      window.location.replace('/admin');
      return;
    }
    const { code, message } = await errorOf(response);
    const retryAfter = response.headers.get('retry-after') ?? '60';
    switch (code as string) {
      case 'NOT_FOUND':
        return showError(() => t('inviteUnknown'));
      case 'NAME_TAKEN':
        return showError(() => t('inviteNameTaken'), name);
      case 'INVALID_PAYLOAD':
        return showError(() => t('inviteInvalid', { n: message }));
      case 'RATE_LIMITED':
        return showError(() => t('tooManyAttempts', { n: retryAfter }));
      default:
        return showError(() => t('inviteFailed'));
    }
  } catch {
    showError(() => t('inviteFailed'));
  } finally {
    button.disabled = false;
    button.textContent = t('inviteCreate');
  }
}
