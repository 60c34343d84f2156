/**
 * A login with a recovery code is worth a word once the admin page opens: the phone may be lost, and
 * each code works once — how many are left, and that new ones can be made. The login page leaves a mark
 * for this tab's next page (tab-mark.ts); the admin page reads it once.
 */
import { leaveMark, takeMark } from './tab-mark.js';

const KEY = 'admin-recovery-login';

/** On the login page, after a login with a recovery code. */
export function noteRecoveryLogin(): void {
  leaveMark(KEY);
}

/** On the admin page: whether the login was with a recovery code (said once). */
export function takeRecoveryLogin(): boolean {
  return takeMark(KEY);
}
