/**
 * Tells the partner when the person is typing (`typing {typing}`): `true` as they type — at most one per
 * 2 s, repeated every 2 s while they go on, so the partner's indicator stays up —, `false` after 4 s
 * without a keystroke, when the input is emptied, when they send, and when they leave.
 */

/** Shortest time between two `typing: true`. */
export const TYPING_REPEAT_MS = 2_000;
/** Typing stops counting after this long without a keystroke. */
export const TYPING_IDLE_MS = 4_000;

export interface TypingSignal {
  /** The text in the input changed. */
  edited(text: string): void;
  /** Sent, left, or the chat is over: `typing: false` if the partner was told `true`. */
  stop(): void;
  /** A new chat (or none): nothing to take back, nothing pending. */
  reset(): void;
}

export function createTypingSignal(send: (typing: boolean) => void): TypingSignal {
  /** The partner was told `true` (and not `false` since). */
  let told = false;
  let lastTrueMs = -Infinity;
  let idle: ReturnType<typeof setTimeout> | undefined;
  /** A `true` put off until TYPING_REPEAT_MS after the previous one. */
  let pending: ReturnType<typeof setTimeout> | undefined;

  const tellTyping = (): void => {
    pending = undefined;
    told = true;
    lastTrueMs = performance.now();
    send(true);
  };
  const clear = (): void => {
    clearTimeout(idle);
    clearTimeout(pending);
    idle = undefined;
    pending = undefined;
  };
  const stop = (): void => {
    clear();
    if (!told) return;
    told = false;
    send(false);
  };

  return {
    edited(text) {
      if (text.trim() === '') return stop();
      clearTimeout(idle);
      idle = setTimeout(stop, TYPING_IDLE_MS);
      if (pending !== undefined) return;
      const waitMs = lastTrueMs + TYPING_REPEAT_MS - performance.now();
      if (waitMs <= 0) tellTyping();
      else if (!told) pending = setTimeout(tellTyping, waitMs);
    },
    stop,
    reset() {
      clear();
      told = false;
    },
  };
}
