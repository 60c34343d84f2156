/**
 * "换个身份 / New identity" on the start screen: `POST /api/identity/reset` gives the browser a new identity
 * cookie, and the page connects again to use it. The server refuses it (409) while the old identity chats
 * or waits — in another tab, since this one shows the start screen: the cookie is the whole browser's, and
 * that tab's chat would come back as the new identity at its next reconnect, lost — and while a mute or a
 * ban is in force on it. It asks first: this browser's /my lists the old identity's chats no more, so their
 * receipt codes are the only way back to them (the dialog links to /my, in a new tab, to note them).
 */
import { byTestId } from './dom.js';
import { t } from './i18n.js';
import { createModal } from './modal.js';
import type { Toast } from './toast.js';

export interface NewIdentityDeps {
  /** Opens a fresh connection, which carries the new cookie (`userId`, the identity the server answered with). */
  reconnect(userId: string): void;
  toast: Toast;
}

export function attachNewIdentity(button: HTMLButtonElement, dialog: HTMLDialogElement, deps: NewIdentityDeps): void {
  const { toast } = deps;
  const modal = createModal(dialog);
  const reset = async (): Promise<void> => {
    const res = await fetch('/api/identity/reset', { method: 'POST' });
    // The identity is in use (409 CONFLICT), or a mute or ban is on it (409 SANCTION_IN_FORCE): nothing was
    // changed, and the person is told why.
    if (res.status === 409) {
      const { error } = (await res.json().catch(() => ({}))) as { error?: string };
      return toast.show(t(error === 'SANCTION_IN_FORCE' ? 'newIdentitySanctioned' : 'newIdentityBusy'));
    }
    if (!res.ok) return toast.show(t('newIdentityFailed'));
    const { user_id: userId } = (await res.json()) as { user_id: string };
    deps.reconnect(userId);
    toast.show(t('newIdentityDone'));
  };
  button.addEventListener('click', () => modal.open(button));
  byTestId('new-identity-cancel', HTMLButtonElement, dialog).addEventListener('click', () => modal.close());
  byTestId('new-identity-confirm', HTMLButtonElement, dialog).addEventListener('click', () => {
    modal.close();
    reset().catch(() => toast.show(t('newIdentityFailed')));
  });
}
