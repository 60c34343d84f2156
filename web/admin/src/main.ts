/**
 * The admin back office page: one view at a time chosen by the URL hash (#dashboard, #rooms, #room/ID,
 * #audit), a language switch and logout. Each view fetches what it shows from the JSON API.
 */
import { ApiError, postJson } from './api.js';
import { createAuditView } from './audit-view.js';
import { createConversationView } from './conversation-view.js';
import { createConversations } from './conversations.js';
import { createDashboard } from './dashboard.js';
import { byTestId, showToast } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';

type ViewName = 'dashboard' | 'rooms' | 'room' | 'audit';

const toast = byTestId('toast', HTMLElement);
const view = (name: ViewName) => byTestId(`view-${name}`, HTMLElement);

function reportError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) return showToast(toast, t('sessionExpired'));
  showToast(toast, t('loadFailed', { n: error instanceof Error ? error.message : String(error) }));
}

const dashboard = createDashboard(view('dashboard'), reportError);
const conversations = createConversations(view('rooms'), (id) => window.location.assign(`#room/${id}`), reportError);
const conversation = createConversationView(view('room'), reportError);
const audit = createAuditView(view('audit'), reportError);

function route(): void {
  const hash = window.location.hash.slice(1);
  const roomMatch = /^room\/(\d+)$/.exec(hash);
  const name: ViewName = roomMatch ? 'room' : hash === 'rooms' || hash === 'audit' ? hash : 'dashboard';
  for (const section of document.querySelectorAll<HTMLElement>('main > .view')) section.hidden = section.dataset['view'] !== name;
  for (const tab of document.querySelectorAll<HTMLElement>('.tab')) {
    const active = tab.dataset['view'] === name || (name === 'room' && tab.dataset['view'] === 'rooms');
    tab.classList.toggle('active', active);
    if (active) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (name === 'dashboard') dashboard.start();
  else dashboard.stop();
  if (name === 'rooms') conversations.show();
  if (name === 'room') void conversation.open(Number(roomMatch![1]));
  if (name === 'audit') audit.show();
}

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => {
  document.title = t('title');
  dashboard.render();
  conversations.render();
  conversation.render();
  audit.render();
});
document.title = t('title');

byTestId('logout-btn', HTMLButtonElement).addEventListener('click', () => {
  void postJson('/admin/logout', {}).finally(() => window.location.assign('/admin'));
});

window.addEventListener('hashchange', route);
route();
