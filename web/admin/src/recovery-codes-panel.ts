/**
 * The recovery codes, shown once (2FA just turned on, or codes made anew): the list, "Copy all", a
 * text file to download, and "I have saved them" to close it. The codes live only in this panel: closed,
 * they are gone from the page, and the server keeps only their hashes.
 */
import { downloadFile } from '../../shared/download.js';
import { byTestId } from './dom.js';
import { t } from './i18n.js';

/** At or below this many codes left, the account view warns: make new ones before they run out. */
export const RECOVERY_CODES_LOW = 3;

/** How many recovery codes are left, in words (a warning when few or none are); empty when unknown. */
export function recoveryLeftText(left: number | null | undefined): string {
  if (typeof left !== 'number') return '';
  if (left === 0) return t('recoveryLeftNone');
  if (left === 1) return t('recoveryLeftOne');
  return t(left <= RECOVERY_CODES_LOW ? 'recoveryLeftFew' : 'recoveryLeft', { n: left });
}

export interface RecoveryCodesPanel {
  /** Shows `codes` of the account `name`, the focus on the panel's title so a screen reader reads what they are. */
  show(codes: readonly string[], name: string): void;
  /** Takes the codes off the page (as "I have saved them" does, without moving the focus). */
  close(): void;
  readonly open: boolean;
}

export function createRecoveryCodesPanel(root: HTMLElement, deps: { toast: (text: string) => void; onClose: () => void }): RecoveryCodesPanel {
  const panel = byTestId('recovery-panel', HTMLElement, root);
  const list = byTestId('recovery-list', HTMLOListElement, root);
  const title = panel.querySelector<HTMLElement>('.recovery-title');
  let shown: { codes: readonly string[]; name: string } | undefined;

  const text = () => (shown ? shown.codes.join('\n') : '');

  // Closing the tab before "I have saved them" would lose the codes for good: the browser asks first.
  window.addEventListener('beforeunload', (event) => {
    if (!shown) return;
    event.preventDefault();
    // Older browsers ask only when this is set.
    event.returnValue = '';
  });

  byTestId('recovery-copy', HTMLButtonElement, root).addEventListener('click', () => {
    void navigator.clipboard.writeText(text()).then(
      () => deps.toast(t('recoveryCopied')),
      () => {
        window.getSelection()?.selectAllChildren(list);
        deps.toast(t('recoveryCopyFailed'));
      },
    );
  });

  byTestId('recovery-download', HTMLButtonElement, root).addEventListener('click', () => {
    if (!shown) return;
    const lines = [t('recoveryFileTitle'), t('recoveryFileAccount', { n: shown.name }), location.origin, new Date().toISOString(), '', ...shown.codes, '', t('recoveryFileNote'), ''];
    const safeName = shown.name.replace(/[^\p{L}\p{N}_.-]/gu, '_');
    downloadFile(`recovery-codes-${safeName}.txt`, 'text/plain;charset=utf-8', lines.join('\n'));
  });

  const close = (): void => {
    shown = undefined;
    list.replaceChildren();
    panel.hidden = true;
  };

  byTestId('recovery-done', HTMLButtonElement, root).addEventListener('click', () => {
    close();
    deps.onClose();
  });

  return {
    show(codes, name) {
      shown = { codes, name };
      list.replaceChildren(
        ...codes.map((code) => {
          const item = document.createElement('li');
          const kept = document.createElement('code');
          kept.textContent = code;
          item.append(kept);
          return item;
        }),
      );
      panel.hidden = false;
      title?.focus();
    },
    close,
    get open() {
      return shown !== undefined;
    },
  };
}
