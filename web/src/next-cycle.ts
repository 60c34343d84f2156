/**
 * The chat's one "Next" button: 离开 / Leave → 确定离开？ / Really? → (the chat ends) 新的聊天 / New,
 * which goes straight back into the queue. Sending a message takes a pending "Really?" back to "Leave".
 * Escape presses it too, unless a dialog is open or the key went to something else first (a composing
 * IME, the crisis card, the settings menu).
 */
import { isComposing } from './composing.js';
import { showText, type TextKey } from './i18n.js';

export type NextStep = 'leave' | 'confirm' | 'new';

const LABELS: Record<NextStep, TextKey> = { leave: 'leave', confirm: 'reallyLeave', new: 'newChat' };

export interface NextCycle {
  readonly step: NextStep;
  set(step: NextStep): void;
}

export function createNextCycle(button: HTMLButtonElement): NextCycle {
  let step: NextStep = 'leave';
  const cycle: NextCycle = {
    get step() {
      return step;
    },
    set(next) {
      step = next;
      button.dataset['step'] = next;
      showText(button, LABELS[next]);
    },
  };
  cycle.set('leave');
  return cycle;
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
