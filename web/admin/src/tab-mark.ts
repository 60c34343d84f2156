/**
 * A word left for the next page this tab loads, read there once: why the login form is shown (a session
 * that ended), that a login spent a recovery code. Kept in sessionStorage (this tab only). Where storage
 * is blocked or full (privacy modes), nothing is said: the pages work without it.
 */

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** Leaves the mark `key` for the next page of this tab. */
export function leaveMark(key: string): void {
  try {
    storage()?.setItem(key, '1');
  } catch {
    // Full or blocked: not said.
  }
}

/** Whether the mark `key` was left (said once: the mark is removed). */
export function takeMark(key: string): boolean {
  const store = storage();
  try {
    const left = store?.getItem(key) === '1';
    store?.removeItem(key);
    return left;
  } catch {
    return false;
  }
}
