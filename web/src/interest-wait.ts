/**
 * Waiting with interests: the waiting screen says what the search looks for (按兴趣寻找：电影、篮球) and,
 * while the wait for somebody sharing one lasts (`fallback_at` in `waiting`), counts down to the moment
 * anyone may be matched, with "match anyone now" (`widen_search`) to stop waiting for a shared one at
 * once. Past that moment, or after the button, it says anyone is being looked for. From the `waiting`
 * events (a join's, and again after a reconnection); a new wait starts blank (`reset`). The button's
 * request, and which wait its answer is for, are widen-request.ts's.
 */
import type { WaitingPayload } from '../../src/shared/protocol.js';
import type { ChatClient } from './chat-client.js';
import { byTestId, element } from './dom.js';
import { errorText } from './i18n.js';
import { showInterestText } from './interest-texts.js';
import { keepingFocus } from './screen-focus.js';
import type { Toast } from './toast.js';
import { createWidenRequest } from './widen-request.js';

export interface InterestWait {
  /** A new wait (or none): nothing shown until its `waiting` says so. */
  reset(): void;
}

export function createInterestWait(panel: HTMLElement, client: ChatClient, toast: Toast): InterestWait {
  const list = byTestId('interest-wait-list', HTMLElement, panel);
  const countdown = byTestId('interest-countdown', HTMLElement, panel);
  const anyone = byTestId('match-anyone-btn', HTMLButtonElement, panel);
  const screen = panel.closest<HTMLElement>('.screen');
  let ticker: ReturnType<typeof setInterval> | undefined;

  const stop = (): void => {
    clearInterval(ticker);
    ticker = undefined;
  };

  /** Nobody sharing one came in time (or the person asked): anyone now. */
  const widened = (): void => {
    stop();
    const change = (): void => {
      anyone.hidden = true;
      showInterestText(countdown, 'interestAnyone');
    };
    // The button goes while it may have the focus (it was just pressed): the line saying what happens now
    // takes it, rather than the page's body.
    if (screen) keepingFocus(screen, change, countdown);
    else change();
  };

  const count = (deadlineMs: number): void => {
    stop();
    anyone.hidden = false;
    const tick = (): void => {
      const leftS = Math.ceil((deadlineMs - Date.now()) / 1000);
      if (leftS <= 0) return widened();
      showInterestText(countdown, 'interestCountdown', leftS);
    };
    tick();
    if (Date.now() < deadlineMs) ticker = setInterval(tick, 250);
  };

  const show = ({ interests, fallback_at: fallbackAt, private: inPrivateRoom }: WaitingPayload): void => {
    if (inPrivateRoom || !interests || interests.length === 0) return reset();
    list.replaceChildren(
      ...interests.map((interest) => {
        const chip = element('li', 'tag', interest);
        chip.dataset['testid'] = 'interest-wait-chip';
        return chip;
      }),
    );
    panel.hidden = false;
    const deadlineMs = fallbackAt === undefined ? NaN : Date.parse(fallbackAt);
    if (Number.isNaN(deadlineMs)) widened();
    else count(deadlineMs);
  };

  const request = createWidenRequest(client, {
    widened,
    refused(res) {
      // No longer waiting (matched meanwhile, or the wait ended): the screen changes by itself.
      if (res.code !== 'NOT_WAITING') toast.show(errorText(res));
    },
  });

  function reset(): void {
    request.reset();
    stop();
    panel.hidden = true;
    anyone.hidden = true;
    countdown.textContent = '';
  }

  // Not disabled while the answer is awaited: a disabled button loses the focus at once, to the body.
  anyone.addEventListener('click', () => request.press());

  client.on('waiting', show);
  client.on('matched', reset);
  reset();
  return { reset };
}
