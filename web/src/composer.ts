/**
 * The message input bar: a code-point counter ("n/500", red past the limit), Enter to send (not while
 * an IME is composing; Shift+Enter for a new line), the checks that need no server round trip, and a
 * status line above it (offline, sending, not sent — and, while the text is over the limit, that it is:
 * a long paste shows only the end of the text, and a red counter alone is easy to miss).
 */
import { codePointLength, isBlankText, MAX_MESSAGE_CHARS } from '../../src/shared/limits.js';
import { isComposing } from './composing.js';
import { showText, type ClientErrorCode, type TextKey } from './i18n.js';
import { screenFocusTarget } from './screen-focus.js';

export interface ComposerElements {
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  counter: HTMLElement;
  button: HTMLButtonElement;
  /** The status line. */
  hint: HTMLElement;
}

export interface ComposerHandlers {
  send(text: string): void;
  /** The text was not sent, and why. */
  reject(code: ClientErrorCode): void;
  /** The user changed the text. */
  edited(text: string): void;
}

/**
 * `ready`: nothing to say. `offline`: the connection is being restored (writing goes on, sending waits).
 * `sending`: a message is taking long to be confirmed. `failed`: the text in the input was not sent.
 * `blocked`: the text in the input breaks the chat rules (BLOCKED_CONTENT) and needs editing.
 * `endedUnsent`: the chat is over and the text in the (disabled) input was never sent.
 */
export type ComposerStatus = 'ready' | 'offline' | 'sending' | 'failed' | 'blocked' | 'endedUnsent';

/** What the status line shows: the flow's status, or the composer's own `tooLong` while the text is over the limit. */
type ShownStatus = ComposerStatus | 'tooLong';

const HINTS: Record<Exclude<ShownStatus, 'ready'>, TextKey> = {
  offline: 'hintOffline',
  sending: 'hintSending',
  failed: 'hintSendFailed',
  blocked: 'hintBlocked',
  endedUnsent: 'hintEndedUnsent',
  tooLong: 'hintTooLong',
};

export interface Composer {
  /**
   * `enabled`: the input can be written in and submitted (false once the chat is over, or while muted).
   * `sendable` (default: `enabled`): the Send button works. While the connection is being restored the
   * input stays enabled — it keeps the focus and what is typed — and only the button is off; a submit
   * then reaches the flow, which says why nothing was sent.
   */
  setEnabled(enabled: boolean, sendable?: boolean): void;
  /** Whether the focus is in the input bar (the input or its button). */
  hasFocus(): boolean;
  setStatus(status: ComposerStatus): void;
  /** Replaces the text (empty to clear). */
  setText(text: string): void;
  text(): string;
  /**
   * Focuses the input, only with a mouse unless `always`: for a button the person pressed that goes away
   * (an unsent message's Retry). A disabled input (muted) cannot take it: the screen's heading does.
   */
  focus(always?: boolean): void;
}

export function createComposer({ form, input, counter, button, hint }: ComposerElements, handlers: ComposerHandlers): Composer {
  let enabled = true;
  let sendable = true;
  // The status line describes the input (why it is marked invalid, that sending waits): read with it.
  input.setAttribute('aria-describedby', hint.id);
  /** The flow's status; the line shows `tooLong` over it while the text is too long to send. */
  let status: ComposerStatus = 'ready';
  // Typed in Arabic or Hebrew, the text runs right to left as it will in its bubble (message-text.ts).
  input.dir = 'auto';

  const refresh = (): void => {
    const length = codePointLength(input.value);
    const over = length > MAX_MESSAGE_CHARS;
    counter.textContent = `${length}/${MAX_MESSAGE_CHARS}`;
    counter.dataset['over'] = String(over);
    // Only while it can be edited: a disabled input (the chat over, muted) is not an error to fix.
    input.setAttribute('aria-invalid', String(over && enabled));
    input.disabled = !enabled;
    button.disabled = !enabled || !sendable || over;
    // Offline wins: nothing can be sent at all until the connection is back.
    show(over && enabled && status !== 'offline' ? 'tooLong' : status);
  };

  function show(shown: ShownStatus): void {
    // Unchanged: nothing rewritten (the hint is a live region; refreshed on every keystroke it would be re-read).
    if (form.dataset['status'] === shown) return;
    form.dataset['status'] = shown;
    if (shown === 'ready') {
      hint.hidden = true;
      hint.textContent = '';
      delete hint.dataset['i18n'];
      delete hint.dataset['i18nN'];
      return;
    }
    hint.dataset['status'] = shown;
    showText(hint, HINTS[shown], shown === 'tooLong' ? MAX_MESSAGE_CHARS : undefined);
    hint.hidden = false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!enabled) return;
    const text = input.value;
    if (isBlankText(text)) return handlers.reject('EMPTY_MESSAGE');
    if (codePointLength(text) > MAX_MESSAGE_CHARS) return handlers.reject('MESSAGE_TOO_LONG');
    handlers.send(text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || isComposing(event)) return;
    event.preventDefault();
    // A held Enter sends once: its repeats would send what a button (an unsent message's Edit, pressed with
    // that Enter) has just put here, unchanged.
    if (event.repeat) return;
    form.requestSubmit();
  });
  input.addEventListener('input', () => {
    refresh();
    handlers.edited(input.value);
  });
  refresh();

  return {
    setEnabled(value, canSend = value) {
      enabled = value;
      sendable = value && canSend;
      refresh();
    },
    hasFocus: () => form.contains(document.activeElement),
    setStatus(value) {
      status = value;
      refresh();
    },
    setText(text) {
      input.value = text;
      refresh();
    },
    text: () => input.value,
    focus(always = false) {
      // Only with a mouse: on phones, focusing pops up the keyboard over the just-opened chat.
      if (!always && !matchMedia('(pointer: fine)').matches) return;
      if (!input.disabled) return input.focus();
      if (always) screenFocusTarget()?.focus();
    },
  };
}
