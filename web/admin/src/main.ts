/**
 * The admin back office page: one view at a time chosen by the URL hash (#dashboard, #reports[/status],
 * #report/ID, #sanctions, #rooms, #room/ID, #policy, #audit), a language switch and logout. Each view fetches what
 * it shows from the JSON API. "Back to the reports" returns to the queue's tab and page the report was
 * opened from; logging out with unsaved policy edits asks first.
 */
import type { ReportStatus } from '../../../src/moderation/report-repository.js';
import { ApiError, postJson } from './api.js';
import { createAuditView } from './audit-view.js';
import { createConfirm } from './confirm-dialog.js';
import { createConversationView } from './conversation-view.js';
import { createConversations } from './conversations.js';
import { createDashboard } from './dashboard.js';
import { createEraseDialog } from './erase-dialog.js';
import { byTestId, showToast } from './dom.js';
import { bindLangSwitch, t } from './i18n.js';
import { createPolicyView } from './policy-view.js';
import { createReportView } from './report-view.js';
import { createReportsQueue } from './reports.js';
import { forgetAllDrafts } from './decision-draft.js';
import { loggingOut, takeSessionEnded } from './session-end.js';
import { createSanctionDialog } from './sanction-dialog.js';
import { createSanctionsPage } from './sanctions.js';

type ViewName = 'dashboard' | 'reports' | 'report' | 'sanctions' | 'rooms' | 'room' | 'policy' | 'audit';

const toast = byTestId('toast', HTMLElement);
const view = (name: ViewName) => byTestId(`view-${name}`, HTMLElement);
const say = (text: string) => showToast(toast, text);

function reportError(error: unknown): void {
  if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return say(t('sessionExpired'));
  say(t('loadFailed', { n: error instanceof Error ? error.message : String(error) }));
}

const confirm = createConfirm(byTestId('confirm-dialog', HTMLDialogElement));
const dashboard = createDashboard(view('dashboard'), reportError);
const reports = createReportsQueue(view('reports'), (id) => window.location.assign(`#report/${id}`), reportError);
const sanctions = createSanctionsPage(view('sanctions'), { confirm, toast: say, onError: reportError });
let current: ViewName = 'dashboard';
/** The queue's address when it was last shown (its status tab): where "Back to the reports" goes. */
let queueHash = '#reports';
const reportBack = byTestId('report-back', HTMLAnchorElement);
const sanctionDialog = createSanctionDialog(byTestId('sanction-dialog', HTMLDialogElement), confirm, (sanction) => {
  say(t('sanctioned', { n: sanction.user_id ?? `#${sanction.id}` }));
  // The report's people show their sanctions: the new one belongs there at once.
  if (current === 'report') route({ refresh: true });
});
const reportView = createReportView(view('report'), { confirm, sanctionDialog, toast: say, onError: reportError });
const conversations = createConversations(view('rooms'), (id) => window.location.assign(`#room/${id}`), reportError);
const eraseDialog = createEraseDialog(byTestId('erase-dialog', HTMLDialogElement), confirm, (summary) => {
  say(summary);
  // The conversation shows its markers at once.
  if (current === 'room') route({ refresh: true });
});
const conversation = createConversationView(
  view('room'),
  reportError,
  (userId, opener) => sanctionDialog.open(userId, opener),
  (room, opener) => eraseDialog.open(room, opener),
);
const audit = createAuditView(view('audit'), reportError);
const policy = createPolicyView(view('policy'), { confirm, toast: say, onError: reportError });

/** Which tab a view belongs to. */
const TAB_OF: Record<ViewName, ViewName> = { dashboard: 'dashboard', reports: 'reports', report: 'reports', sanctions: 'sanctions', rooms: 'rooms', room: 'rooms', policy: 'policy', audit: 'audit' };
const SIMPLE_VIEWS = new Set<string>(['dashboard', 'sanctions', 'rooms', 'policy', 'audit']);

/** `refresh`: the view shown is read again (after a change made from it), not opened anew. */
function route(options: { refresh?: boolean } = {}): void {
  const hash = window.location.hash.slice(1);
  const roomMatch = /^room\/(\d+)$/.exec(hash);
  const reportMatch = /^report\/(\d+)$/.exec(hash);
  const queueMatch = /^reports(?:\/(open|actioned|dismissed))?$/.exec(hash);
  const name: ViewName = roomMatch ? 'room' : reportMatch ? 'report' : queueMatch ? 'reports' : SIMPLE_VIEWS.has(hash) ? (hash as ViewName) : 'dashboard';
  const previous = current;
  current = name;
  for (const section of document.querySelectorAll<HTMLElement>('main > .view')) section.hidden = section.dataset['view'] !== name;
  for (const tab of document.querySelectorAll<HTMLElement>('.tab')) {
    const active = tab.dataset['view'] === TAB_OF[name];
    tab.classList.toggle('active', active);
    if (active) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (name === 'dashboard') dashboard.start();
  else dashboard.stop();
  if (name === 'reports') {
    queueHash = `#${hash}`;
    // Back from a report: the page of the queue it was opened from, not the first one.
    reports.show((queueMatch?.[1] ?? 'open') as ReportStatus, { keepPage: previous === 'report' });
  }
  if (name === 'report') {
    reportBack.href = queueHash;
    void reportView.open(Number(reportMatch![1]), !options.refresh);
  }
  if (name === 'sanctions') sanctions.show();
  if (name === 'rooms') conversations.show();
  if (name === 'room') void conversation.open(Number(roomMatch![1]));
  if (name === 'policy') policy.show();
  if (name === 'audit') audit.show();
}

bindLangSwitch(byTestId('lang-switch', HTMLSelectElement), () => {
  document.title = t('title');
  dashboard.render();
  reports.render();
  reportView.render();
  sanctions.render();
  conversations.render();
  conversation.render();
  audit.render();
  policy.render();
});
document.title = t('title');

/**
 * Unsaved policy edits are asked about before the logout is sent: the browser's own leave-page prompt
 * would come only after it, and "Stay" there left a page that looked logged in but was not.
 */
async function logOut(): Promise<void> {
  if (policy.dirty()) {
    if (!(await confirm({ title: t('logoutUnsavedTitle'), text: t('logoutUnsavedText'), ok: t('logout') }))) return;
    // Given up knowingly: the browser need not ask a second time.
    policy.forgetChanges();
  }
  loggingOut();
  await postJson('/admin/logout', {}).catch(() => undefined);
  // Nothing of this admin's work stays in the tab for the next one, nor a "session ended" said to them.
  forgetAllDrafts();
  takeSessionEnded();
  window.location.assign('/admin');
}

byTestId('logout-btn', HTMLButtonElement).addEventListener('click', () => void logOut());

window.addEventListener('hashchange', () => route());
// Logged in: a "session ended" mark left by a reload that found the session valid again (another tab logged
// in meanwhile) is not for a later login form.
takeSessionEnded();
route();
