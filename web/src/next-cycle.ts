/**
 * The chat's one "Next" button: 离开 / Leave → 确定离开？ / Really? → (the chat ends) 新的聊天 / New,
 * which goes straight back into the queue. Sending a message takes a pending "Really?" back to "Leave"; one
 * armed by Escape goes back by itself after CONFIRM_EXPIRY_MS (`expireSoon`). Neither a click-armed one
 * (a keyboard or screen-reader user confirms at their pace: no time limit on leaving) nor a partner's message
 * (a partner flooding the chat must not keep its victim from leaving) takes it back; but Escape confirms
 * only a "Really?" Escape armed: on a click-armed one it is a first press (chat-flow.ts), so a stray Esc
 * minutes after a click does not end the chat.
 * Escape presses it too, unless a dialog is open or the key went to something else first (a composing
 * IME, the crisis card, the settings menu). A double-click or double-tap is one press, not Leave and
 * Really? at once (`attachNextButton`).
 */
import { isComposing } from './composing.js';
import { showText, type TextKey } from './i18n.js';

export type NextStep = 'leave' | 'confirm' | 'new';

const LABELS: Record<NextStep, TextKey> = { leave: 'leave', confirm: 'reallyLeave', new: 'newChat' };

/**
 * How long after the step changed a tap is taken for the second tap of the one that changed it (a
 * double-tap), not a press of the new step.
 */
const DOUBLE_TAP_MS = 500;

/**
 * How long a "Really?" armed by Escape waits for its second press before it is "Leave" again. Without it one
 * Esc armed it for good, and a single Esc minutes later (to close something else, out of habit) ended the
 * chat at once. Ample for Esc, Esc or Esc and a click; short enough that a later Esc is a first press again.
 */
export const CONFIRM_EXPIRY_MS = 3_000;

export interface NextCycle {
  readonly step: NextStep;
  /** Shows `step` (and forgets an `expireSoon`). */
  set(step: NextStep): void;
  /** A "Really?" shown now goes back to "Leave" after CONFIRM_EXPIRY_MS, unless pressed (`hold`) or changed first. */
  expireSoon(): void;
  /** The "Really?" shown was armed by `expireSoon` (Escape), and has not expired. */
  readonly expiring: boolean;
  /** "Really?" was pressed (the chat is being left): it stays until the next step is set, however long that takes. */
  hold(): void;
  /** Milliseconds since the step last changed. */
  sinceChangeMs(): number;
}

export function createNextCycle(button: HTMLButtonElement): NextCycle {
  let step: NextStep = 'leave';
  // Never changed yet: the first tap is a press however soon after the page loaded. (It was the page's load
  // time, so a tap on Leave within DOUBLE_TAP_MS of the script running was taken for a double-tap's second.)
  let changedAt = Number.NEGATIVE_INFINITY;
  let expiry: ReturnType<typeof setTimeout> | undefined;
  let expiring = false;
  const cycle: NextCycle = {
    get step() {
      return step;
    },
    get expiring() {
      return expiring;
    },
    sinceChangeMs: () => performance.now() - changedAt,
    set(next) {
      clearTimeout(expiry);
      expiring = false;
      if (next !== step) changedAt = performance.now();
      step = next;
      button.dataset['step'] = next;
      showText(button, LABELS[next]);
    },
    expireSoon() {
      clearTimeout(expiry);
      expiring = step === 'confirm';
      if (expiring) expiry = setTimeout(() => cycle.set('leave'), CONFIRM_EXPIRY_MS);
    },
    hold() {
      clearTimeout(expiry);
      expiring = false;
    },
  };
  cycle.set('leave');
  return cycle;
}

/**
 * Clicks on the button drive `press`, except the rest of a press already made: Leave → Really? must not be
 * passed by a double-click. A mouse's double-click is marked by the browser: its second click has
 * `detail` 2 — ignored, whenever it comes. A tap's count is not reliably told (browsers differ), so a tap
 * (`pointerType` touch or pen) within DOUBLE_TAP_MS of the step's change is ignored. Keys are never timed:
 * a click made by Enter or Space has `detail` 0, and Enter, Enter is two deliberate presses however quick
 * (the confirm step is there to be pressed again); only a held Enter's auto-repeat is not a press.
 */
export function attachNextButton(button: HTMLButtonElement, cycle: NextCycle, press: () => void): void {
  button.addEventListener('click', (event) => {
    if (event.detail > 1) return;
    const pointer = 'pointerType' in event ? (event as PointerEvent).pointerType : '';
    if (event.detail > 0 && (pointer === 'touch' || pointer === 'pen') && cycle.sinceChangeMs() < DOUBLE_TAP_MS) return;
    press();
  });
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.repeat) event.preventDefault();
  });
}

/** Escape drives `press` while `active()` (the chat screen shows), when nothing else took the key. */
export function attachEscapeKey(press: () => void, active: () => boolean): void {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || isComposing(event) || event.repeat) return;
    if (document.querySelector('dialog[open]') || !active()) return;
    event.preventDefault();
    press();
  });
}
