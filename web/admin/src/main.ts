/**
 * The admin back office page: one view at a time chosen by the URL hash (#dashboard, #reports[/status],
 * #report/ID, #sanctions, #rooms, #room/ID, #policy, #audit, #team, #account), a language switch and logout. Each view fetches what
 * it shows from the JSON API. "Back to the reports" returns to the queue's tab and page the report was
 * opened from; logging out with unsaved policy edits asks first. Who is logged in is read at the start,
 * after every 403 and on the way to #team, #audit and #account (me.ts): the tabs and buttons their role does
 * not allow are hidden, and a view it cannot use says only that. The drafts kept in the tab are that
 * account's (form-draft.ts): found to be another's (a login in another tab meanwhile), they are deleted and
 * the page loaded again without them.
 */
import type { ReportStatus } from '../../../src/moderation/report-repository.js';
import { createAccountView } from './account-view.js';
import { recoveryLeftText } from './recovery-codes-panel.js';
import { takeRecoveryLogin } from './recovery-login.js';
import { ApiError, onForbidden, postJson } from './api.js';
import { createAuditView } from './audit-view.js';
import { createConfirm } from './confirm-dialog.js';
import { createPasswordConfirm } from './password-confirm.js';
import { createConversationView } from './conversation-view.js';
import { createConversations } from './conversations.js';
import { createDashboard } from './dashboard.js';
import { createEraseDialog } from './erase-dialog.js';
import { byTestId, showToast } from './dom.js';
import { bindLangSwitch, t, type TextKey } from './i18n.js';
import { applyPermissions, loadMe, type Me } from './me.js';
import { createPolicyView } from './policy-view.js';
import { createReportView } from './report-view.js';
import { createReportsQueue } from './reports.js';
import { claimDrafts, forgetAllDrafts } from './form-draft.js';
import { loggingOut, takeSessionEnded } from './session-end.js';
import { createSanctionDialog } from './sanction-dialog.js';
import { createSanctionsPage } from './sanctions.js';
import { createTeamView } from './team-view.js';

type ViewName = 'dashboard' | 'reports' | 'report' | 'sanctions' | 'rooms' | 'room' | 'policy' | 'audit' | 'team' | 'account';

const toast = byTestId('toast', HTMLElement);
const view = (name: ViewName) => byTestId(`view-${name}`, HTMLElement);
const say = (text: string) => showToast(toast, text);

function reportError(error: unknown): void {
  if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return say(t('sessionExpired'));
  if (error instanceof ApiError && (error.code as string) === 'FORBIDDEN') return say(t('forbidden'));
  say(t('loadFailed', { n: error instanceof Error ? error.message : String(error) }));
}

const confirm = createConfirm(byTestId('confirm-dialog', HTMLDialogElement));
const passwordConfirm = createPasswordConfirm(byTestId('password-confirm-dialog', HTMLDialogElement));
/** Who is logged in: undefined until `/admin/api/me` has answered (or when it could not be read). */
let me: Me | undefined;
/** False until the first answer (or failure) of `/admin/api/me`. */
let meKnown = false;
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
const eraseDialog = createEraseDialog(byTestId('erase-dialog', HTMLDialogElement), { confirm, passwordConfirm }, (summary) => {
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
const policy = createPolicyView(view('policy'), { confirm, passwordConfirm, toast: say, onError: reportError, canEdit: () => meKnown && (me === undefined || me.permissions.includes('manage')) });
const team = createTeamView(view('team'), { me: () => me, confirm, passwordConfirm, toast: say, onError: reportError });
const account = createAccountView(view('account'), { me: () => me, reloadMe, toast: say, onError: reportError });

/** Reads who is logged in again (after a change to their own account) and applies their permissions. */
async function reloadMe(): Promise<void> {
  me = await loadMe();
  meKnown = true;
  // Another account's drafts (its session replaced by a login in another tab): deleted, and the forms that
  // may show them emptied by loading the page again.
  if (claimDrafts(me.id)) window.location.reload();
  applyPermissions(document.body, me.permissions);
  showWhoAmI();
}

/** The top bar says who is logged in, with which role (several admins may share a computer). */
function showWhoAmI(): void {
  const whoami = byTestId('whoami', HTMLElement);
  whoami.hidden = me === undefined;
  if (!me) return;
  const role = t(`role_${me.role}` as TextKey);
  whoami.textContent = t('signedInAs', { n: me.name, role });
  whoami.title = t('signedInAsLabel', { n: me.name, role });
}

/** Whether the views of owners (#team, #audit) may be opened: yes until the role is known to lack `manage`. */
const canManage = () => !meKnown || me === undefined || me.permissions.includes('manage');
const MANAGED_VIEWS = new Set<ViewName>(['team', 'audit']);
/** Bumped by every re-read of the role: only the latest answer is applied. */
let roleChecks = 0;

/**
 * The role read again (after a 403, on the way to #team, #audit or #account): another owner may have
 * changed it. The tabs, buttons and the views shown follow at once, without a reload.
 */
async function refreshRole(): Promise<void> {
  const mine = ++roleChecks;
  const before = canManage();
  try {
    await reloadMe();
  } catch {
    return;
  }
  if (mine !== roleChecks) return;
  policy.render();
  account.render();
  team.render();
  // Allowed again (or for the first time): the owner's view shown now reads its content.
  if (!before && canManage() && MANAGED_VIEWS.has(current)) showManaged(current);
  // No longer allowed while in the view (demoted by another owner, or oneself): the focus goes to what it says.
  if (before && !canManage() && MANAGED_VIEWS.has(current)) {
    const denied = byTestId(`${current}-denied`, HTMLElement);
    denied.tabIndex = -1;
    if (document.activeElement === document.body || !document.activeElement?.checkVisibility()) denied.focus();
  }
  markTab(current);
}

/** Opens #team or #audit for a role that may use it; for another, the view says only that it is not available. */
function showManaged(name: ViewName): void {
  if (!canManage()) return;
  if (name === 'team') team.show();
  if (name === 'audit') audit.show();
}

onForbidden(() => void refreshRole());

/**
 * Once at the start: the page for this admin's role. Unreadable (an older server, a failure): everything
 * is shown, as before roles, and the server's 403 says what is not allowed.
 */
async function startMe(): Promise<void> {
  // Taken at once, whatever follows: a mark left behind would be said after a later, ordinary login.
  const recoveryLogin = takeRecoveryLogin();
  try {
    await reloadMe();
  } catch (error) {
    meKnown = true;
    applyPermissions(document.body, undefined);
    if (error instanceof ApiError && error.code === 'UNAUTHORIZED') return;
  }
  if (recoveryLogin) say(t('recoveryUsed', { n: recoveryLeftText(me?.recovery_codes_left) }));
  policy.render();
  account.render();
  team.render();
  // Opened by its address before the role was known: read now, if the role allows it.
  if (MANAGED_VIEWS.has(current)) showManaged(current);
  markTab(current);
}

/** Which tab a view belongs to. */
const TAB_OF: Record<ViewName, ViewName> = { dashboard: 'dashboard', reports: 'reports', report: 'reports', sanctions: 'sanctions', rooms: 'rooms', room: 'rooms', policy: 'policy', audit: 'audit', team: 'team', account: 'account' };
const SIMPLE_VIEWS = new Set<string>(['dashboard', 'sanctions', 'rooms', 'policy', 'audit', 'team', 'account']);

/** Marks the tab of the view shown; none for a view the role cannot use (opened by its address), whose tab is hidden. */
function markTab(name: ViewName): void {
  for (const tab of document.querySelectorAll<HTMLElement>('.tab')) {
    const active = tab.dataset['view'] === TAB_OF[name] && !(MANAGED_VIEWS.has(name) && !canManage());
    tab.classList.toggle('active', active);
    if (active) {
      tab.setAttribute('aria-current', 'page');
      bringIntoRow(tab);
    } else {
      tab.removeAttribute('aria-current');
    }
  }
}

/**
 * On a phone the tabs are one row that scrolls sideways (admin.css): the view's own tab is brought into
 * it, so a view opened by its address or a link says where it is, and so is the tab the keyboard's focus
 * is on (Chromium scrolls a focused element only until 32 px of it show, its name and ring cut off). The
 * row alone scrolls, never the page (`scrollIntoView` would scroll every box around it).
 */
function bringIntoRow(tab: HTMLElement): void {
  const row = tab.parentElement;
  if (!row || row.scrollWidth <= row.clientWidth) return;
  // Past the row's faded right edge (admin.css: 24 px), so a tab brought to it shows whole, ring and all.
  const margin = 28;
  const box = tab.getBoundingClientRect();
  const shown = row.getBoundingClientRect();
  if (box.left < shown.left + margin) row.scrollLeft -= shown.left + margin - box.left;
  else if (box.right > shown.right - margin) row.scrollLeft += box.right - (shown.right - margin);
}

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
  markTab(name);
  if (name === 'dashboard') dashboard.start();
  else dashboard.stop();
  // The queue re-reads itself only while shown (reports.ts).
  if (name !== 'reports') reports.stop();
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
  // Until the role is known, startMe opens these; after, only for a role that may use them.
  if (MANAGED_VIEWS.has(name) && meKnown) showManaged(name);
  if (name === 'account') account.show();
  // The role may have been changed by another owner since the page started.
  if ((MANAGED_VIEWS.has(name) || name === 'account') && meKnown && !options.refresh) void refreshRole();
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
  team.render();
  account.render();
  passwordConfirm.render();
  showWhoAmI();
  // The tabs' names changed width: the current one is brought back into the row.
  markTab(current);
});
document.title = t('title');
// A phone turned, a window narrowed: the tab row's width changed under the current tab. Only then: a phone's
// address bar showing or hiding fires `resize` too, and must not undo a swipe along the row.
const tabRow = document.querySelector<HTMLElement>('.tabs');
let tabRowWidth = tabRow?.clientWidth ?? 0;
let resizeFrame = 0;
addEventListener('resize', () => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    const width = tabRow?.clientWidth ?? 0;
    if (width === tabRowWidth) return;
    tabRowWidth = width;
    markTab(current);
  });
});

/**
 * Unsaved policy edits, and recovery codes on screen not yet marked saved, are asked about before the
 * logout is sent: the browser's own leave-page prompt would come only after it, and "Stay" there left a
 * page that looked logged in but was not.
 */
async function logOut(): Promise<void> {
  if (policy.dirty()) {
    if (!(await confirm({ title: t('logoutUnsavedTitle'), text: t('logoutUnsavedText'), ok: t('logout') }))) return;
    // Given up knowingly: the browser need not ask a second time.
    policy.forgetChanges();
  }
  if (account.codesShown()) {
    if (!(await confirm({ title: t('logoutCodesTitle'), text: t('logoutCodesText'), ok: t('logout') }))) return;
    account.forgetCodes();
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
// Only for the keyboard's focus: a tap focuses the tab on pointer-down, and a row scrolled then moves it from
// under the finger before the click (a half-shown tab did nothing). The view a tap opens is brought in anyway.
document.querySelector('.tabs')?.addEventListener('focusin', (event) => {
  const tab = event.target;
  if (tab instanceof HTMLElement && tab.classList.contains('tab') && tab.matches(':focus-visible')) bringIntoRow(tab);
});
// Logged in: a "session ended" mark left by a reload that found the session valid again (another tab logged
// in meanwhile) is not for a later login form.
takeSessionEnded();
void startMe();
route();
