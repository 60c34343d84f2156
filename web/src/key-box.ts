/**
 * A key shown to be copied (a private room's, or the contact key): its text, a Copy button that puts it
 * on the clipboard (or selects it where the clipboard cannot be written) and says so for a moment.
 */
import { copyText } from './copy-text.js';
import { byTestId } from './dom.js';
import { privateTexts, showPrivateText } from './private-texts.js';

/** How long "Copied" shows. */
const COPIED_MS = 2_000;

export interface KeyBox {
  show(key: string): void;
  readonly key: string;
  /** Renders the copy button's name again (after a language switch). */
  retranslate(): void;
}

/** `root` holds `[data-testid=<prefix>-key]`, `<prefix>-copy` and `<prefix>-copy-status`. */
export function createKeyBox(root: HTMLElement, prefix: string): KeyBox {
  const code = byTestId(`${prefix}-key`, HTMLElement, root);
  const copy = byTestId(`${prefix}-copy`, HTMLButtonElement, root);
  const status = byTestId(`${prefix}-copy-status`, HTMLElement, root);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const label = (): void => copy.setAttribute('aria-label', `${privateTexts.t('copyKeyLabel')} ${code.textContent ?? ''}`);

  copy.addEventListener('click', () => {
    void copyText(code.textContent ?? '', code).then((copied) => {
      showPrivateText(status, copied ? 'copied' : 'copyFailed');
      clearTimeout(timer);
      timer = setTimeout(() => {
        status.textContent = '';
        delete status.dataset['i18n'];
      }, COPIED_MS);
    });
  });

  return {
    show(key) {
      code.textContent = key;
      status.textContent = '';
      delete status.dataset['i18n'];
      label();
    },
    get key() {
      return code.textContent ?? '';
    },
    retranslate: label,
  };
}
