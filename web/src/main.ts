/** Composition of the chat page: finds the elements, builds the parts, wires them together. */
import { createBlockDialog } from './block-dialog.js';
import { createChallengePanel } from './challenge-panel.js';
import { createChatClient } from './chat-client.js';
import { createChatFlow, type ChatFlow } from './chat-flow.js';
import { createComposer } from './composer.js';
import { showConnectionState } from './connection-status.js';
import { byTestId } from './dom.js';
import { errorText, getLang, loadLang, setLang, t, translate, type Lang } from './i18n.js';
import { createMessageList } from './message-list.js';
import { createReportDialog } from './report-dialog.js';
import { createSafetyActions } from './safety-actions.js';
import { createSanctionNotices } from './sanction-notices.js';
import { createScreens } from './screens.js';
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
const composer = createComposer(
  {
    form: byTestId('composer', HTMLFormElement),
    input: byTestId('message-input', HTMLTextAreaElement),
    counter: byTestId('char-count', HTMLElement),
    button: byTestId('send-btn', HTMLButtonElement),
    hint: byTestId('composer-hint', HTMLElement),
  },
  {
    send: (text) => flow?.send(text),
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
    joinButtons: [startButton, newChatButton],
  },
  (restrictions) => {
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
  chatChanged: (state) => safety.chatChanged(state),
  sanctioned: (code) => sanctions.refused(code),
});

const { start, cancel, leave, newChat } = flow;
startButton.addEventListener('click', start);
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
