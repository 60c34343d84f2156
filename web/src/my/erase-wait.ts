/**
 * The Erase button of the conversation on /my: disabled, with a hint beside it saying why and until when,
 * while the server would refuse the erasure — the transcript says so (`erase_blocked`, `erasable_at`,
 * `erasable_in_ms`, from the erasure's own checks) — instead of asking for a confirmation and then being
 * refused. Once the partner's report window has passed the button enables by itself.
 *
 * The wait is timed from when the answer arrived, for `erasable_in_ms` (counted by the server's clock), on
 * the page's monotonic clock — never by comparing `erasable_at` with the browser's clock, which may be off:
 * one ahead of the server's would enable the button too early (and the server refuse), one behind it would
 * keep it disabled for as long as it lags. The hint still says the time as the server wrote it (the chat's
 * zone). A chat read as not yet ended (its end still being written) is read again every so often until it
 * has — only while the page is seen: a tab left in the background would spend the network's receipt
 * lookups for nobody; seen again, it is read at once if a reading fell due meanwhile. Timers are replaced
 * at every call, so a conversation no longer shown never calls back. A refusal that comes anyway (a report
 * filed meanwhile) is the page's usual refusal message, after which it reads the conversation again. No
 * DOM: the view renders this.
 */
import type { Transcript } from '../../../src/privacy/transcript.js';
import type { TextParams } from '../../shared/translator.js';
import type { MyTextKey } from './texts.js';

/** The button's state: whether it can be pressed, and the hint beside it (linked to it) if any. */
export interface EraseButton {
  enabled: boolean;
  hint?: { key: MyTextKey; params?: TextParams };
}

/** The time and timers it uses: the page's in the browser, a test's in tests. */
export interface WaitClock {
  /**
   * Milliseconds on a clock that only moves forward and that nobody sets (`performance.now()` on the page):
   * the one the answers' arrival is read on (`receivedAtMs`).
   */
  now(): number;
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** Whether the page is seen: `document.visibilityState` on the page, a test's switch in tests. */
export interface PageVisibility {
  /** True while the page is seen (`visibilityState === 'visible'`). */
  visible(): boolean;
  /** Calls `fn` whenever that may have changed (`visibilitychange`). */
  onChange(fn: () => void): void;
}

export interface EraseWaitCallbacks {
  /** The report window has passed (or a timer came early): the button is to be rendered again. */
  due(): void;
  /** The conversation had not ended when it was read: it is to be read again (and shown). */
  stale(): void;
}

export interface EraseWait {
  /**
   * The Erase button of `transcript` now, its answer having arrived at `receivedAtMs` (the clock's time;
   * `erasing`: its erasure is under way). While the report window keeps it disabled, `due` is called once
   * the window has passed; while the chat has not ended, `stale` every `ACTIVE_RECHECK_MS` while the page
   * is seen (at once when it is seen again after a reading fell due). Every call cancels the previous
   * call's timer.
   */
  button(transcript: Transcript, receivedAtMs: number, erasing: boolean): EraseButton;
  /** Cancels the timer, if any, and the readings of a chat not ended. */
  stop(): void;
}

/**
 * How often a conversation read as not ended is read again. The server writes a chat's end as it ends and,
 * when that fails, tries again within 30 s; each reading costs one of the network's receipt lookups
 * (`RATE_RECEIPTS_PER_ADDRESS_PER_MIN`, 30 by default).
 */
export const ACTIVE_RECHECK_MS = 15_000;

/** The longest delay a browser timer takes (about 24.8 days); a longer wait is checked again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** `…T14:05:30+08:00` → `14:05:30`: the clock as written, the page's format for times (the chat's zone). */
const clockOf = (iso: string) => iso.slice(11, 19);

export function createEraseWait(clock: WaitClock, visibility: PageVisibility, callbacks: EraseWaitCallbacks): EraseWait {
  let cancel: (() => void) | undefined;
  /** The conversation last read, and when it was read or last asked for again: the next recheck counts from then. */
  let readCode = '';
  let readAtMs = Number.NEGATIVE_INFINITY;
  /** The conversation shown has not ended: it is read again every so often while the page is seen. */
  let rechecking = false;

  function cancelTimer(): void {
    cancel?.();
    cancel = undefined;
  }

  function stop(): void {
    cancelTimer();
    rechecking = false;
  }

  function after(delayMs: number, fn: () => void): void {
    cancel = clock.schedule(Math.min(Math.max(0, delayMs), MAX_DELAY_MS), () => {
      cancel = undefined;
      fn();
    });
  }

  /** The next reading of a chat not ended, counted from the last one; none while the page is not seen. */
  function scheduleRecheck(): void {
    cancelTimer();
    if (!visibility.visible()) return;
    const delayMs = readAtMs + ACTIVE_RECHECK_MS - clock.now();
    if (delayMs <= 0) recheck();
    else after(delayMs, recheck);
  }

  function recheck(): void {
    // Hidden since the timer was set (its change not told yet): read once it is seen again.
    if (!visibility.visible()) return;
    readAtMs = clock.now();
    // Asked again from now on: if this reading fails, the next one comes; a reading shown replaces this timer.
    after(ACTIVE_RECHECK_MS, recheck);
    callbacks.stale();
  }

  function button(transcript: Transcript, receivedAtMs: number, erasing: boolean): EraseButton {
    stop();
    if (transcript.code !== readCode || receivedAtMs > readAtMs) {
      readCode = transcript.code;
      readAtMs = receivedAtMs;
    }
    // A chat still going on is read again whatever else holds (the partner's words come in meanwhile), even
    // one in which this person has written nothing yet.
    if (transcript.erase_blocked === 'active' && !erasing) {
      rechecking = true;
      // Not `scheduleRecheck`: a reading due now is asked for by the timer, after this render has finished.
      if (visibility.visible()) after(readAtMs + ACTIVE_RECHECK_MS - clock.now(), recheck);
      return { enabled: false, hint: { key: 'eraseActive' } };
    }
    if (!transcript.messages.some((m) => m.from === 'me' && m.erased_at === undefined)) return { enabled: false, hint: { key: 'nothingToErase' } };
    if (erasing) return { enabled: false };
    if (transcript.erase_blocked === 'report_open') return { enabled: false, hint: { key: 'eraseUnderReview' } };
    // Until the sanction ends or is lifted, with no time the page could wait for (it may be lifted sooner).
    if (transcript.erase_blocked === 'sanction_in_force') return { enabled: false, hint: { key: 'eraseSanctionInForce' } };
    const until = transcript.erase_blocked === 'report_window' ? transcript.erasable_at : null;
    const inMs = transcript.erase_blocked === 'report_window' ? transcript.erasable_in_ms : null;
    const waitMs = until === null || inMs === null ? Number.NaN : receivedAtMs + inMs - clock.now();
    // Not a wait this page can time, or already over: the server decides (and says why not).
    if (until === null || !(waitMs > 0)) return { enabled: true };
    // A timer may come early (the longest browser delay, another clock's rounding): `due` renders again and
    // this call waits again.
    after(waitMs, callbacks.due);
    return { enabled: false, hint: { key: 'eraseWaitUntil', params: { time: clockOf(until) } } };
  }

  // Hidden: no timer wakes the tab. Seen again: the reading it missed, if any, comes now.
  visibility.onChange(() => {
    if (rechecking) scheduleRecheck();
  });

  return { button, stop };
}
