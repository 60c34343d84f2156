/**
 * Whether any message has been waiting for the server's confirmation for a while: quick confirmations
 * (the usual case) never show "sending…", so the status line does not flicker.
 */
const SLOW_SEND_MS = 1000;

export interface SlowSends {
  /** Runs `send`, counting it as pending until it settles. */
  track<T>(send: Promise<T>): Promise<T>;
  /** True once a pending send has taken longer than a second, until none is pending. */
  readonly slow: boolean;
}

/** @param changed called whenever `slow` may have changed. */
export function createSlowSends(changed: () => void): SlowSends {
  let pending = 0;
  let slow = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  return {
    async track(send) {
      pending++;
      timer ??= setTimeout(() => {
        slow = true;
        changed();
      }, SLOW_SEND_MS);
      try {
        return await send;
      } finally {
        if (--pending === 0) {
          clearTimeout(timer);
          timer = undefined;
          slow = false;
          changed();
        }
      }
    },
    get slow() {
      return slow;
    },
  };
}
