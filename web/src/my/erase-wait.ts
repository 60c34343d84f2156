/**
 * The Erase button of the conversation on /my: disabled, with a hint beside it saying why and until when,
 * while the server would refuse the erasure — the transcript says so (`erase_blocked`, `erasable_at`, from
 * the erasure's own checks) — instead of asking for a confirmation and then being refused. Once the
 * partner's report window has passed the button enables by itself (a timer, replaced at every render, so
 * a conversation no longer shown never calls back). A refusal that comes anyway (a clock behind the
 * server's, a report filed meanwhile) is the page's usual refusal message. No DOM: the view renders this.
 */
import type { Transcript } from '../../../src/privacy/transcript.js';
import type { TextParams } from '../../shared/translator.js';
import type { MyTextKey } from './texts.js';

/** The button's state: whether it can be pressed, and the hint beside it (linked to it) if any. */
export interface EraseButton {
  enabled: boolean;
  hint?: { key: MyTextKey; params?: TextParams };
}

/** The time and timers it uses: the browser's on the page, a test's in tests. */
export interface WaitClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export interface EraseWait {
  /**
   * The Erase button of `transcript` now (`erasing`: its erasure is under way). While the report window
   * keeps it disabled, `changed` is called once the window has passed; every call cancels the previous
   * call's timer.
   */
  button(transcript: Transcript, erasing: boolean): EraseButton;
  /** Cancels the timer, if any. */
  stop(): void;
}

/** The longest delay a browser timer takes (about 24.8 days); a longer wait is checked again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** `…T14:05:30+08:00` → `14:05:30`: the clock as written, the page's format for times (the chat's zone). */
const clockOf = (iso: string) => iso.slice(11, 19);

export function createEraseWait(clock: WaitClock, changed: () => void): EraseWait {
  let cancel: (() => void) | undefined;

  function stop(): void {
    cancel?.();
    cancel = undefined;
  }

  function button(transcript: Transcript, erasing: boolean): EraseButton {
    stop();
    if (!transcript.messages.some((m) => m.from === 'me' && m.erased_at === undefined)) return { enabled: false, hint: { key: 'nothingToErase' } };
    if (erasing) return { enabled: false };
    if (transcript.erase_blocked === 'report_open') return { enabled: false, hint: { key: 'eraseUnderReview' } };
    if (transcript.erase_blocked === 'active') return { enabled: false, hint: { key: 'eraseActive' } };
    const until = transcript.erase_blocked === 'report_window' ? transcript.erasable_at : null;
    const waitMs = until === null ? Number.NaN : Date.parse(until) - clock.now();
    // Not a time this page can read, or already past on this clock: the server decides (and says why not).
    if (until === null || !(waitMs > 0)) return { enabled: true };
    cancel = clock.schedule(Math.min(waitMs, MAX_DELAY_MS), () => {
      cancel = undefined;
      changed();
    });
    return { enabled: false, hint: { key: 'eraseWaitUntil', params: { time: clockOf(until) } } };
  }

  return { button, stop };
}
