/**
 * A session that ends under the admin's hands (it expired, or they logged out in another tab) must not
 * throw their work away: the page is reloaded where it is, so the server answers the login form at the
 * same address and its `#hash` (the report, the conversation) survives the login; the login form says why
 * it is shown; and what the admin was writing is kept by its view (decision-draft.ts, sanction-draft.ts) for
 * them: another admin logging in at that form gets none of it (login.ts claims the tab's drafts).
 * The reason travels as a mark for this tab's next page (tab-mark.ts), read once by the login page.
 */
import { leaveMark, takeMark } from './tab-mark.js';

const ENDED_KEY = 'admin-session-ended';
const WRONG_PASSWORDS_KEY = 'admin-session-ended-wrong-passwords';

let leaving = false;

/** Why the login form is shown: the session ended (expired, logged out elsewhere), or wrong passwords ended it. */
export type EndReason = 'ended' | 'wrong_passwords';

/**
 * The session ended: back to the login form at this very address (several failed calls reload once).
 * `code`: the error code of the answer that said so — SESSION_ENDED_WRONG_PASSWORDS is told as such.
 */
export function sessionEnded(code?: string): void {
  if (leaving) return;
  leaving = true;
  // Blocked storage: the login form is still shown, without the reason.
  leaveMark(ENDED_KEY);
  if (code === 'SESSION_ENDED_WRONG_PASSWORDS') leaveMark(WRONG_PASSWORDS_KEY);
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

/** On the login page: why it is shown, when a session ended (said once: the marks are removed). */
export function takeSessionEnded(): EndReason | undefined {
  const ended = takeMark(ENDED_KEY);
  const wrong = takeMark(WRONG_PASSWORDS_KEY);
  if (!ended) return undefined;
  return wrong ? 'wrong_passwords' : 'ended';
}
