/**
 * A free-text field held to the server's length limit: a decision's note, a sanction's reason, an
 * erasure's reason. A longer text is kept whole — a `maxlength` cut a paste's end unseen, and the text is
 * what the person is shown or what the audit log keeps. Instead, as on the chat page's input: the counter
 * "n/500" turns red, the line under the field says so in words (read out once, as it appears), the field
 * is `aria-invalid`, and the form sends nothing while it is over (`refuse` puts the focus on the field,
 * whose description is that line). Counted as the server counts: UTF-16 units of the trimmed text (zod's
 * `.trim().max()`).
 *
 * Markup: the field `data-testid="X"`, its counter `X-count` and its line `X-too-long` (`role="status"`,
 * hidden), the field described by both (`aria-describedby`).
 */
import { byTestId } from './dom.js';
import { t, type TextKey } from './i18n.js';

export interface TextLimit {
  /** Counts again (after code set or reset the field); true while the text is over the limit. */
  sync(): boolean;
  /** True, with the focus on the field, while the text is over the limit: the form must not send it. */
  refuse(): boolean;
}

export function limitText(field: HTMLInputElement | HTMLTextAreaElement, max: number, tooLong: TextKey, onChange?: (over: boolean) => void): TextLimit {
  const testId = field.dataset['testid'] ?? '';
  const root = field.closest('form') ?? document;
  const count = byTestId(`${testId}-count`, HTMLElement, root);
  const line = byTestId(`${testId}-too-long`, HTMLElement, root);

  function sync(): boolean {
    const length = field.value.trim().length;
    const over = length > max;
    count.textContent = `${length}/${max}`;
    count.dataset['over'] = String(over);
    field.setAttribute('aria-invalid', String(over));
    // Rewritten only when it changes: a live region rewritten at each keystroke is read out each time.
    // Marked for translation only while shown, so a language switch rewords it then and only then.
    if (over && line.dataset['i18n'] !== tooLong) {
      line.dataset['i18n'] = tooLong;
      line.dataset['i18nN'] = String(max);
      line.textContent = t(tooLong, { n: max });
    } else if (!over && line.dataset['i18n'] !== undefined) {
      delete line.dataset['i18n'];
      delete line.dataset['i18nN'];
      line.textContent = '';
    }
    line.hidden = !over;
    onChange?.(over);
    return over;
  }

  field.addEventListener('input', sync);
  sync();
  return {
    sync,
    refuse() {
      // Checked without `sync`: its `onChange` (a decision's Submit follows it) must not run for a text that
      // fits — a Submit disabled as its ban confirmation opened took the focus back to the page, not to it.
      if (field.value.trim().length <= max) return false;
      sync();
      field.focus();
      return true;
    },
  };
}
