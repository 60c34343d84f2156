/**
 * A session that ends under the admin's hands (it expired, or they logged out in another tab) must not
 * throw their work away: the page is reloaded where it is, so the server answers the login form at the
 * same address and its `#hash` (the report, the conversation) survives the login; the login form says why
 * it is shown; and what the admin was writing is kept by its view (decision-draft.ts). The reason travels
 * in sessionStorage (this tab only), read once by the login page.
 */
const ENDED_KEY = 'admin-session-ended';

/** Storage can be blocked (privacy modes): then the login form just does not say why it is shown. */
function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

let leaving = false;

/** The session ended: back to the login form at this very address (several failed calls reload once). */
export function sessionEnded(): void {
  if (leaving) return;
  leaving = true;
  try {
    storage()?.setItem(ENDED_KEY, '1');
  } catch {
    // Full or blocked: the login form is still shown, without the reason.
  }
  // Not `location.assign('/admin' + hash)`: to the same address with the same hash that is a jump within
  // the page, not a load, and the page would stay as it is.
  // Once: an admin who answers the leave-page prompt (unsaved policy edits) with "Stay" keeps the page, each
  // action then saying the session ended, rather than the prompt again at every background refresh.
  window.location.reload();
}

/** A deliberate logout: a failed call meanwhile must not mark the login form "session ended". */
export function loggingOut(): void {
  leaving = true;
}

/** On the login page: whether it is shown because a session ended (said once: the mark is removed). */
export function takeSessionEnded(): boolean {
  const store = storage();
  try {
    const ended = store?.getItem(ENDED_KEY) === '1';
    store?.removeItem(ENDED_KEY);
    return ended;
  } catch {
    return false;
  }
}
