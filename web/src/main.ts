/** Composition of the chat page: finds the elements, builds the parts, wires them together. */
import { createBlockDialog } from './block-dialog.js';
import { createChallengePanel } from './challenge-panel.js';
import { createChatClient } from './chat-client.js';
import { createChatFlow, type ChatFlow } from './chat-flow.js';
import { createComposer } from './composer.js';
import { showConnectionState } from './connection-status.js';
import { createCrisisCard } from './crisis-card.js';
import { byTestId } from './dom.js';
import { errorText, getLang, loadLang, setLang, t, translate, type Lang } from './i18n.js';
import { createMessageList } from './message-list.js';
import { createPiiNudge } from './pii-nudge.js';
import { attachPrivacyNotice } from './privacy-notice.js';
import { createReportDialog } from './report-dialog.js';
import { createRulesGate } from './rules-gate.js';
import { createSafetyActions } from './safety-actions.js';
import { createSanctionNotices } from './sanction-notices.js';
import { createScreens } from './screens.js';
import { createSkipWait } from './skip-wait.js';
import { createToast } from './toast.js';

function applyLang(lang: Lang): void {
  document.documentElement.lang = lang;
  document.title = t('appTitle');
  translate(document.body);
}

const langSwitch = byTestId('lang-switch', HTMLSelectElement);
langSwitch.value = loadLang();
applyLang(getLang());
langSwitch.addEventListener('change', () => {
  setLang(langSwitch.value === 'en' ? 'en' : 'zh-CN');
  applyLang(getLang());
});

const toast = createToast(byTestId('toast', HTMLElement));
const status = byTestId('connection-status', HTMLElement);
const statusLabel = byTestId('connection-label', HTMLElement);

let flow: ChatFlow | undefined;
const messageInput = byTestId('message-input', HTMLTextAreaElement);
// Contact details in a message: a warning first, then Edit or Send anyway.
const piiNudge = createPiiNudge(byTestId('pii-dialog', HTMLDialogElement), messageInput, (text, piiConfirmed) =>
  flow?.send(text, piiConfirmed),
);
const composer = createComposer(
  {
    form: byTestId('composer', HTMLFormElement),
    input: messageInput,
    counter: byTestId('char-count', HTMLElement),
    button: byTestId('send-btn', HTMLButtonElement),
    hint: byTestId('composer-hint', HTMLElement),
  },
  {
    send: (text) => piiNudge.send(text),
    reject: (code) => toast.show(errorText({ code })),
    edited: () => flow?.edited(),
  },
);

// The flow is created after the client (it listens to it); the client asks it only when (re)connecting.
const client = createChatClient({
  lang: getLang,
  lastMessageId: () => flow?.lastMessageId(),
  ownsActivity: () => flow?.ownsActivity() ?? false,
  onRefused: (error) => toast.show(errorText(error)),
  solveChallenge: createChallengePanel().solve,
});
client.onConnectionChange((state) => showConnectionState(status, statusLabel, state));

const messages = createMessageList(byTestId('message-list', HTMLElement));
const startButton = byTestId('start-btn', HTMLButtonElement);
const newChatButton = byTestId('new-chat-btn', HTMLButtonElement);

// The privacy notice on the start screen.
attachPrivacyNotice(byTestId('privacy-notice', HTMLDetailsElement));

// The rules and age gate: before the first match, and again when the rules change.
const rulesGate = createRulesGate({ panel: byTestId('rules-gate', HTMLElement), start: startButton }, (version) => client.acceptRules(version), toast);
client.on('session', ({ rules_required: required }) => (required ? rulesGate.require(required) : rulesGate.clear()));

// What the server says about the person's own messages: crisis help stays until closed, the rest is brief.
const crisisCard = createCrisisCard(byTestId('crisis-card', HTMLElement), () => (messageInput.disabled ? null : messageInput));
client.on('notice', (notice) => {
  if (notice.kind === 'crisis') crisisCard.show(notice);
  else toast.show(notice.kind === 'pii' ? t('piiTitle') : notice.message);
});

// Report and Block; the person reported or blocked is never told.
const safety = createSafetyActions(
  { report: byTestId('report-btn', HTMLButtonElement), block: byTestId('block-btn', HTMLButtonElement) },
  { report: byTestId('ended-report-btn', HTMLButtonElement), block: byTestId('ended-block-btn', HTMLButtonElement) },
  {
    report: createReportDialog(byTestId('report-dialog', HTMLDialogElement), (payload) => client.report(payload), toast),
    block: createBlockDialog(
      byTestId('block-dialog', HTMLDialogElement),
      (roomId) => client.block(roomId),
      (roomId) => {
        safety.blocked(roomId);
        flow?.blocked(roomId);
      },
      toast,
    ),
  },
  messages,
);

const sanctions = createSanctionNotices(
  {
    screens: byTestId('screens', HTMLElement),
    banScreen: byTestId('ban-screen', HTMLElement),
    muteBanner: byTestId('mute-banner', HTMLElement),
    warning: byTestId('warning-notice', HTMLElement),
    // The start button's state is the rules gate's, which is told about bans.
    joinButtons: [newChatButton],
  },
  (restrictions) => {
    rulesGate.setBanned(restrictions.banned);
    if (restrictions.banned) safety.closeDialogs();
    flow?.setRestrictions(restrictions);
  },
);
client.on('sanction', (payload) => sanctions.apply(payload));

flow = createChatFlow(client, {
  screens: createScreens({
    start: byTestId('start-screen', HTMLElement),
    waiting: byTestId('waiting-screen', HTMLElement),
    chat: byTestId('chat-screen', HTMLElement),
  }),
  messages,
  composer,
  toast,
  myId: byTestId('my-id', HTMLElement),
  waitingCount: byTestId('waiting-count', HTMLElement),
  endedBar: byTestId('chat-ended', HTMLElement),
  leaveButton: byTestId('leave-btn', HTMLButtonElement),
  confirmLeave: () => window.confirm(t('leaveConfirm')),
  chatChanged: (state) => {
    safety.chatChanged(state);
    if (!state?.live) piiNudge.reset();
  },
  sanctioned: (code) => sanctions.refused(code),
  rulesRequired: () => rulesGate.require(undefined, true),
  skipWait: createSkipWait(byTestId('waiting-screen', HTMLElement), byTestId('skip-wait', HTMLElement)),
});

const { start, cancel, leave, newChat } = flow;
// With the rules to accept, starting accepts them first, then goes on to match.
startButton.addEventListener('click', () => void rulesGate.pass().then((passed) => passed && start()));
byTestId('cancel-btn', HTMLButtonElement).addEventListener('click', cancel);
byTestId('leave-btn', HTMLButtonElement).addEventListener('click', leave);
newChatButton.addEventListener('click', newChat);

// A brand-new identity (cookie) from the server; the connection is opened again to use it.
byTestId('new-identity-btn', HTMLButtonElement).addEventListener('click', () => {
  void fetch('/api/identity/reset', { method: 'POST' }).then(
    (res) => {
      if (!res.ok) return toast.show(t('newIdentityFailed'));
      client.reconnect();
      toast.show(t('newIdentityDone'));
    },
    () => toast.show(t('newIdentityFailed')),
  );
});
