/** The small connected / reconnecting indicator in the header. */
import type { ConnectionState } from './chat-client.js';
import { t, type TextKey } from './i18n.js';

const LABELS: Record<ConnectionState, TextKey> = {
  connecting: 'statusConnecting',
  connected: 'statusConnected',
  reconnecting: 'statusReconnecting',
};

export function showConnectionState(el: HTMLElement, label: HTMLElement, state: ConnectionState): void {
  el.dataset['state'] = state;
  label.dataset['i18n'] = LABELS[state];
  label.textContent = t(LABELS[state]);
}
