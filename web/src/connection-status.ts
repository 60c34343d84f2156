/**
 * The small connected / reconnecting indicator in the header, and after a bot check put off at the
 * handshake ("Not now"), "not connected: bot check needed" with a Verify now button (the page connects
 * again only when asked: it would only be asked the check again); while that check is open, "bot check…".
 */
import type { ConnectionState } from './chat-client.js';
import { challengeTexts } from './challenge-texts.js';
import { t, type TextKey } from './i18n.js';
import { focusIsLost } from './screen-focus.js';

const LABELS: Record<ConnectionState, TextKey> = {
  connecting: 'statusConnecting',
  connected: 'statusConnected',
  reconnecting: 'statusReconnecting',
  paused: 'statusPaused',
};

export function showConnectionState(el: HTMLElement, label: HTMLElement, state: ConnectionState, verify?: HTMLButtonElement): void {
  el.dataset['state'] = state;
  if (verify) verify.hidden = state !== 'paused';
  // The check's dialog, put off, had the focus (it is still on its closed "Not now", or already dropped to
  // the page's body): it goes to the button that takes the check up again.
  if (verify && state === 'paused' && focusIsHidden()) verify.focus();
  label.dataset['i18n'] = LABELS[state];
  label.textContent = t(LABELS[state]);
}

/**
 * The bot check asked at the handshake is open: the page waits for it, not for the network (the next
 * connection state replaces this).
 */
export function showChallengeWait(el: HTMLElement, label: HTMLElement): void {
  el.dataset['state'] = 'checking';
  label.dataset['i18n'] = 'challengeStatus';
  label.textContent = challengeTexts.t('challengeStatus');
}

function focusIsHidden(): boolean {
  const active = document.activeElement;
  return focusIsLost() || (active instanceof HTMLElement && active.getClientRects().length === 0);
}
