/**
 * The small connected / reconnecting indicator in the header, and after a bot check put off at the
 * handshake ("Not now"), "not connected: bot check needed" with a Verify now button (the page connects
 * again only when asked: it would only be asked the check again).
 */
import type { ConnectionState } from './chat-client.js';
import { t, type TextKey } from './i18n.js';

const LABELS: Record<ConnectionState, TextKey> = {
  connecting: 'statusConnecting',
  connected: 'statusConnected',
  reconnecting: 'statusReconnecting',
  paused: 'statusPaused',
};

export function showConnectionState(el: HTMLElement, label: HTMLElement, state: ConnectionState, verify?: HTMLButtonElement): void {
  el.dataset['state'] = state;
  if (verify) verify.hidden = state !== 'paused';
  label.dataset['i18n'] = LABELS[state];
  label.textContent = t(LABELS[state]);
}
