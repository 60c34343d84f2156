/**
 * The error lines shown on the account view's forms, kept as functions of the language: a switch re-says
 * each in the new one. One set for the whole view, so its render() re-says every form's lines.
 */
import { showFormError } from './sanction-fields.js';

export interface FormErrors {
  /** Shows `text` on the line `where` (undefined: clears it) and keeps it to re-say. */
  say(where: HTMLElement, text: (() => string) | undefined): void;
  /** Re-says every line shown, in the current language. */
  render(): void;
}

export function createFormErrors(): FormErrors {
  const errors = new Map<HTMLElement, () => string>();
  return {
    say(where, text) {
      if (text) errors.set(where, text);
      else errors.delete(where);
      showFormError(where, text?.());
    },
    render() {
      for (const [where, text] of errors) showFormError(where, text());
    },
  };
}
