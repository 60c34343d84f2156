/**
 * A key shown to be copied (a private room's, or the contact key): its text, a Copy button that puts it
 * on the clipboard (or selects it where the clipboard cannot be written) and says so for a moment, and
 * where the box has one, a Copy link button: the chat page's address that opens with the key to join
 * (private-link.ts).
 */
import { copyText } from './copy-text.js';
import { byTestId, element } from './dom.js';
import { linkForKey } from './private-link.js';
import { privateTexts, showPrivateText } from './private-texts.js';

/** How long "Copied" shows. */
const COPIED_MS = 2_000;

export interface KeyBox {
  show(key: string): void;
  readonly key: string;
  /** Renders the copy button's name again (after a language switch). */
  retranslate(): void;
}

/**
 * The markup a key box needs, for a box built by the page rather than written in index.html: the key, Copy
 * and its status line (`role="status"`, there and empty from the start, so "Copied" is read).
 */
export function keyLine(prefix: string): HTMLParagraphElement {
  const line = element('p', 'key-box');
  const code = element('code', 'key-code');
  code.dataset['testid'] = `${prefix}-key`;
  const copy = element('button', 'btn btn-ghost btn-small');
  copy.type = 'button';
  copy.dataset['testid'] = `${prefix}-copy`;
  showPrivateText(copy, 'copy');
  const status = element('span', 'key-status');
  status.dataset['testid'] = `${prefix}-copy-status`;
  status.setAttribute('role', 'status');
  line.append(code, copy, status);
  return line;
}

/** `root` holds `[data-testid=<prefix>-key]`, `<prefix>-copy` and `<prefix>-copy-status`, and may hold `<prefix>-copy-link`. */
export function createKeyBox(root: HTMLElement, prefix: string): KeyBox {
  const code = byTestId(`${prefix}-key`, HTMLElement, root);
  const copy = byTestId(`${prefix}-copy`, HTMLButtonElement, root);
  const status = byTestId(`${prefix}-copy-status`, HTMLElement, root);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const label = (): void => copy.setAttribute('aria-label', `${privateTexts.t('copyKeyLabel')} ${code.textContent ?? ''}`);

  const copyLink = root.querySelector<HTMLButtonElement>(`[data-testid="${prefix}-copy-link"]`);

  const copied = (done: boolean): void => {
    showPrivateText(status, done ? 'copied' : 'copyFailed');
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = '';
      delete status.dataset['i18n'];
    }, COPIED_MS);
  };

  copy.addEventListener('click', () => void copyText(code.textContent ?? '', code).then(copied));
  // Only by the Clipboard API: the fallback copies a selection, and the link is not on the page to select
  // (it would copy the key and say the link was copied). Without it, "select the key by hand".
  copyLink?.addEventListener('click', () => {
    const link = linkForKey(code.textContent ?? '', location.href);
    void Promise.resolve()
      .then(() => navigator.clipboard.writeText(link))
      .then(
        () => copied(true),
        () => copied(false),
      );
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
