/**
 * The invitation page (`/admin/invite#<token>`): the token stays in the fragment (never sent in a GET);
 * the new admin chooses a name and a password, which are posted with it to `/admin/invitations/accept`.
 * On success the server has logged them in: the admin page opens (replacing this address, so the used
 * link is not one Back away). An unknown, used or expired invitation, a name taken and what the server
 * refuses are said; the message is a function of the language, so switching language re-says it.
 * An address without the token (a link cut by a mail program) says so, without a form to fill in for
 * nothing; pasting the whole link into that tab afterwards changes only the fragment — no page load —
 * so the page reads the link again on `hashchange`.
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
/** What the page says instead of the form: the invitation is dead, or the address holds none. */
let instead: 'dead' | 'noToken' | undefined;
/** The invitation in the link, once read. */
let token: string | undefined;

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

/** Unknown, used, withdrawn or expired — or no invitation in the address: only that is said, with the focus on it; no form. */
function showInstead(what: 'dead' | 'noToken'): void {
  instead = what;
  form.hidden = true;
  dead.textContent = t(what === 'dead' ? 'inviteUnknown' : 'inviteNoToken');
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
  if (instead !== undefined) dead.textContent = t(instead === 'dead' ? 'inviteUnknown' : 'inviteNoToken');
  renderRole();
  const active = document.activeElement;
  showError(shownError);
  // Re-saying the error does not move the focus.
  if (active instanceof HTMLElement) active.focus();
});
document.title = t('inviteTitlePage');

/** Reads the invitation from the address (on load, and when a link is pasted into this tab). */
function readLink(): void {
  const read = tokenOfHash(window.location.hash);
  // Out of the address bar and the history at once: the link works once, and nobody should find it there later.
  if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname);
  if (read === undefined) {
    // A fragment with no token in it changes nothing once a link was read.
    if (token === undefined) showInstead('noToken');
    return;
  }
  token = read;
  const hadFocus = dead.contains(document.activeElement);
  instead = undefined;
  invitedRole = undefined;
  renderRole();
  dead.hidden = true;
  form.hidden = false;
  showError(undefined);
  // The message that had the focus is gone: the form's first field takes it (not the page's body).
  if (hadFocus) name.focus();
  void check(read);
}
readLink();
window.addEventListener('hashchange', readLink);

/** Whether the link still works (and for which role) before anything is typed. */
async function check(invitation: string): Promise<void> {
  try {
    const response = await postJson('/admin/invitations/check', { token: invitation });
    if (response.ok) {
      const body = (await response.json().catch(() => ({}))) as { role?: string };
      if (invitation !== token) return;
      if (body.role !== undefined && isRole(body.role)) invitedRole = body.role;
      renderRole();
      return;
    }
    const { code } = await errorOf(response);
    // Still the link on the page (another may have been pasted meanwhile).
    if (response.status === 404 && (code as string) === 'NOT_FOUND' && invitation === token) showInstead('dead');
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
    // Another link was pasted meanwhile: this answer is about the one before it.
    if (invitation !== token) return;
    const retryAfter = response.headers.get('retry-after') ?? '60';
    switch (code as string) {
      case 'NOT_FOUND':
        return showInstead('dead');
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
