/**
 * A login with a recovery code is worth a word once the admin page opens: the phone may be lost, and
 * each code works once — how many are left, and that new ones can be made. The login page marks it in
 * sessionStorage (this tab only); the admin page reads the mark once.
 */
const KEY = 'admin-recovery-login';

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** On the login page, after a login with a recovery code. */
export function noteRecoveryLogin(): void {
  try {
    storage()?.setItem(KEY, '1');
  } catch {
    // Full or blocked: the account view still counts the codes left.
  }
}

/** On the admin page: whether the login was with a recovery code (said once: the mark is removed). */
export function takeRecoveryLogin(): boolean {
  const store = storage();
  try {
    const used = store?.getItem(KEY) === '1';
    store?.removeItem(KEY);
    return used;
  } catch {
    return false;
  }
}
