/**
 * Skipping too fast: a join answered RATE_LIMITED with `retry_after_ms` shows the wait on the waiting
 * screen as a countdown ("You can start a new match in 7 s") instead of the search, and calls back when
 * it ends (the flow then tries once more).
 */
import { showText } from './i18n.js';
import { keepingFocus } from './screen-focus.js';

/** A little after the server's end of the pause, never a little before it. */
const MARGIN_MS = 150;

export interface SkipWait {
  /** Counts down `waitMs` on the waiting screen, then calls `done`. Replaces a count already running. */
  start(waitMs: number, done: () => void): void;
  /** Stops the count (the callback is not called) and shows the search again. */
  stop(): void;
  readonly running: boolean;
}

export function createSkipWait(screen: HTMLElement, line: HTMLElement): SkipWait {
  let ticker: ReturnType<typeof setInterval> | undefined;
  let ending: ReturnType<typeof setTimeout> | undefined;

  const stop = (): void => {
    clearInterval(ticker);
    clearTimeout(ending);
    ticker = undefined;
    ending = undefined;
    // The search's heading comes back, and takes the focus the count had.
    keepingFocus(screen, () => {
      delete screen.dataset['held'];
      line.hidden = true;
    });
  };

  return {
    start(waitMs, done) {
      stop();
      const deadline = Date.now() + waitMs;
      const tick = (): void => showText(line, 'skipWait', Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      tick();
      // The count replaces the search's heading, and takes the focus it had.
      keepingFocus(screen, () => {
        screen.dataset['held'] = 'true';
        line.hidden = false;
      });
      ticker = setInterval(tick, 1000);
      ending = setTimeout(() => {
        stop();
        done();
      }, waitMs + MARGIN_MS);
    },
    stop,
    get running() {
      return ending !== undefined;
    },
  };
}
