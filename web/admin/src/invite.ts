/**
 * The invitation page (`/admin/invite#<token>`): the token stays in the fragment (never sent in a GET);
 * the new admin chooses a name and a password, which are posted with it to `/admin/invitations/accept`.
 * On success the server has logged them in: the admin page opens (replacing this address, so the used
 * link is not one Back away). An unknown, used or expired invitation, a name taken and what the server
 * refuses are said; the message is a function of the language, so switching language re-says it.
 */
import { nameProblem, passwordProblem, tokenOfHash } from './account-fields.js';
import { isRole, type Role } from './me.js';
import type { TextKey } from './i18n.js';
import { errorOf, postJson } from './api.js';
import { byTestId } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';

const form = byTestId('accept-form', HTMLFormElement);
const name = byTestId('accept-name', HTMLInputElement);
const password = byTestId('accept-password', HTMLInputElement);
const repeat = byTestId('accept-repeat', HTMLInputElement);
const error = byTestId('accept-error', HTMLElement);
const button = byTestId('accept-submit', HTMLButtonElement);
const heading = byTestId('invite-title', HTMLElement);
const dead = byTestId('invite-dead', HTMLElement);
const forRole = byTestId('invite-role-note', HTMLElement);
/** The role the invitation is for, once the server said it. */
let invitedRole: Role | undefined;
/** True once the invitation is known to be dead: only that is said, no form. */
let isDead = false;

let shownError: (() => string) | undefined;

/** Says `text` (none: hides the line); `field` is marked invalid and takes the focus. */
function showError(text: (() => string) | undefined, field?: HTMLElement): void {
  shownError = text;
  error.textContent = text?.() ?? '';
  error.hidden = text === undefined;
  for (const input of [name, password, repeat]) {
    if (input === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  field?.focus();
}

/** Unknown, used, withdrawn or expired: the page says only that, with the focus on it; no form. */
function showDead(): void {
  isDead = true;
  form.hidden = true;
  dead.textContent = t('inviteUnknown');
  dead.hidden = false;
  dead.tabIndex = -1;
  dead.focus();
}

function renderRole(): void {
  forRole.textContent = invitedRole ? t('inviteCheckFor', { n: t(`role_${invitedRole}` as TextKey) }) : '';
  forRole.hidden = invitedRole === undefined;
}

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => {
  document.title = t('inviteTitlePage');
  if (isDead) dead.textContent = t('inviteUnknown');
  renderRole();
  const active = document.activeElement;
  showError(shownError);
  // Re-saying the error does not move the focus.
  if (active instanceof HTMLElement) active.focus();
});
document.title = t('inviteTitlePage');

const token = tokenOfHash(window.location.hash);
// Out of the address bar and the history at once: the link works once, and nobody should find it there later.
if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname);
if (token === undefined) showError(() => t('inviteNoToken'));
else void check(token);

/** Whether the link still works (and for which role) before anything is typed. */
async function check(invitation: string): Promise<void> {
  try {
    const response = await postJson('/admin/invitations/check', { token: invitation });
    if (response.ok) {
      const body = (await response.json().catch(() => ({}))) as { role?: string };
      if (body.role !== undefined && isRole(body.role)) invitedRole = body.role;
      renderRole();
      return;
    }
    const { code } = await errorOf(response);
    if (response.status === 404 && (code as string) === 'NOT_FOUND') showDead();
    // Anything else (too many checks, a failure): the form stays; accepting says what is wrong.
  } catch {
    // Offline or an older server: the form stays.
  }
}

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
        return showDead();
      case 'NAME_TAKEN':
        return showError(() => t('inviteNameTaken'), name);
      case 'INVALID_PAYLOAD':
        // The field at fault, as the server's message names it (its English words are not shown).
        if (/password/i.test(message) && !/name/i.test(message)) return showError(() => t('inviteInvalidPassword'), password);
        // A look-alike of a reserved name (`аdmin`), which only the server tells.
        if (/reserved/i.test(message)) return showError(() => t('inviteNameReserved'), name);
        return showError(() => t('inviteNameInvalid'), name);
      case 'RATE_LIMITED':
        return showError(() => t('tooManyAttempts', { n: retryAfter }));
      default:
        return showError(() => t('inviteFailed'), heading);
    }
  } catch {
    showError(() => t('inviteFailed'));
  } finally {
    button.disabled = false;
    button.textContent = t('inviteCreate');
  }
}
