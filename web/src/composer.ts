/**
 * The message input bar: a code-point counter ("n/500", red past the limit), Enter to send (not while
 * an IME is composing; Shift+Enter for a new line), and the checks that need no server round trip.
 */
import { codePointLength, MAX_MESSAGE_CHARS } from '../../src/shared/limits.js';
import type { ClientErrorCode } from './i18n.js';

export interface ComposerElements {
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  counter: HTMLElement;
  button: HTMLButtonElement;
}

export interface ComposerHandlers {
  send(text: string): void;
  /** The text was not sent, and why. */
  reject(code: ClientErrorCode): void;
}

export interface Composer {
  setEnabled(enabled: boolean): void;
  /** Replaces the text (empty to clear). */
  setText(text: string): void;
  text(): string;
  focus(): void;
}

export function createComposer({ form, input, counter, button }: ComposerElements, handlers: ComposerHandlers): Composer {
  let enabled = true;

  const refresh = (): void => {
    const length = codePointLength(input.value);
    const over = length > MAX_MESSAGE_CHARS;
    counter.textContent = `${length}/${MAX_MESSAGE_CHARS}`;
    counter.dataset['over'] = String(over);
    input.setAttribute('aria-invalid', String(over));
    input.disabled = !enabled;
    button.disabled = !enabled || over;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!enabled) return;
    const text = input.value;
    if (text.trim().length === 0) return handlers.reject('EMPTY_MESSAGE');
    if (codePointLength(text) > MAX_MESSAGE_CHARS) return handlers.reject('MESSAGE_TOO_LONG');
    handlers.send(text);
  });
  input.addEventListener('keydown', (event) => {
    // keyCode 229 is the composing key in browsers that end composition before keydown (Safari).
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    form.requestSubmit();
  });
  input.addEventListener('input', refresh);
  refresh();

  return {
    setEnabled(value) {
      enabled = value;
      refresh();
    },
    setText(text) {
      input.value = text;
      refresh();
    },
    text: () => input.value,
    focus() {
      // Only with a mouse: on phones, focusing pops up the keyboard over the just-opened chat.
      if (matchMedia('(pointer: fine)').matches) input.focus();
    },
  };
}
