/**
 * Private rooms on the start screen (a disclosure under the start button): "create a private room", and
 * a key field with "join with a key". Both go through the same door as starting (the rules gate), then
 * to the flow, which waits in the room or opens the chat.
 */
import { byTestId } from './dom.js';
import { privateTexts } from './private-texts.js';
import type { Toast } from './toast.js';

export interface PrivateStartActions {
  /** Whatever the door asks first (accepting the rules): false stops here. */
  pass(): Promise<boolean>;
  create(): void;
  join(key: string): void;
  toast: Toast;
}

export function attachPrivateStart(section: HTMLElement, actions: PrivateStartActions): void {
  const create = byTestId('create-private-btn', HTMLButtonElement, section);
  const form = byTestId('join-private-form', HTMLFormElement, section);
  const input = byTestId('private-key-input', HTMLInputElement, section);

  create.addEventListener('click', () => void actions.pass().then((passed) => passed && actions.create()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === '') {
      actions.toast.show(privateTexts.t('privateKeyEmpty'));
      input.focus();
      return;
    }
    void actions.pass().then((passed) => {
      if (!passed) return;
      actions.join(key);
    });
  });
}
