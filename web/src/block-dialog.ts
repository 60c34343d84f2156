/**
 * Blocking asks first ("you will never be matched with this person again"; during a chat: it ends
 * now — a line that goes if the chat ends while the dialog is open), then sends `block` for that chat's
 * room. Cancel has the focus, so a stray Enter blocks nobody.
 */
import type { BlockResult } from '../../src/shared/protocol.js';
import type { Result } from './chat-client.js';
import { byTestId } from './dom.js';
import { errorText, t } from './i18n.js';
import { createModal } from './modal.js';
import type { Toast } from './toast.js';

export interface BlockTarget {
  roomId: number;
  /** The chat is still going on (blocking ends it). */
  live: boolean;
}

export interface BlockDialog {
  open(target: BlockTarget, opener: HTMLElement): void;
  /** The chat of `roomId` has ended: if the dialog is open for it, "this chat ends now" is no longer so. */
  chatEnded(roomId: number): void;
  close(): void;
}

export function createBlockDialog(
  dialog: HTMLDialogElement,
  send: (roomId: number) => Promise<Result<BlockResult>>,
  /** The partner of `roomId` is blocked now. */
  blocked: (roomId: number) => void,
  toast: Toast,
): BlockDialog {
  const modal = createModal(dialog);
  const endsChat = byTestId('block-ends-chat', HTMLElement, dialog);
  const error = byTestId('block-error', HTMLElement, dialog);
  const confirm = byTestId('block-confirm', HTMLButtonElement, dialog);
  const cancel = byTestId('block-cancel', HTMLButtonElement, dialog);
  let target: BlockTarget | null = null;
  let opening = 0;

  const showError = (text: string | null): void => {
    error.textContent = text ?? '';
    error.hidden = text === null;
  };

  cancel.addEventListener('click', () => modal.close());
  modal.onClose(() => {
    target = null;
  });
  confirm.addEventListener('click', () => {
    if (!target || confirm.disabled) return;
    const { roomId } = target;
    const mine = opening;
    confirm.disabled = true;
    showError(null);
    void send(roomId).then((res) => {
      confirm.disabled = false;
      if (res.ok) {
        if (mine === opening) modal.close();
        blocked(roomId);
        toast.show(t('blockDone'));
      } else if (mine === opening && modal.isOpen) {
        showError(errorText(res));
      } else {
        toast.show(errorText(res));
      }
    });
  });

  return {
    open(next, opener) {
      opening++;
      target = next;
      endsChat.hidden = !next.live;
      confirm.disabled = false;
      showError(null);
      modal.open(opener);
      cancel.focus();
    },
    chatEnded(roomId) {
      if (target?.roomId !== roomId || !target.live) return;
      target = { ...target, live: false };
      endsChat.hidden = true;
    },
    close: () => modal.close(),
  };
}
