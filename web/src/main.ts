/** Composition of the chat page: finds the elements, builds the parts, wires them together. */
import { noticeText } from '../../src/shared/codes.js';
import { createAttention } from './attention.js';
import { createBlockDialog } from './block-dialog.js';
import { createChallengePanel } from './challenge-panel.js';
import { createChatClient } from './chat-client.js';
import { createChatFlow, type ChatFlow } from './chat-flow.js';
import { createComposer } from './composer.js';
import { showChallengeWait, showConnectionState } from './connection-status.js';
import { createCrisisCard } from './crisis-card.js';
import { createDraftKeeper } from './draft-keeper.js';
import { byTestId } from './dom.js';
import { createEndedAway } from './ended-away.js';
import { attachLeaveGuard } from './leave-guard.js';
import { createEndedKeeper } from './ended-keeper.js';
import { createEndedRestore } from './ended-restore.js';
import { errorText, getLang, loadLang, setLang, t, translate, type Lang } from './i18n.js';
import { createInterestInput } from './interest-input.js';
import { retranslateInterests } from './interest-texts.js';
import { createInterestWait } from './interest-wait.js';
import { createKeepInTouch } from './keep-in-touch.js';
import { attachMatchNotes } from './match-notes.js';
import { createMessageList } from './message-list.js';
import { createIdentityWatch, whenSeen } from './identity-watch.js';
import { attachNewIdentity } from './new-identity.js';
import { attachEscapeKey, attachNextButton, createNextCycle } from './next-cycle.js';
import { attachOnlineCount } from './online-count.js';
import { createPiiNudge } from './pii-nudge.js';
import { attachPrivacyNotice } from './privacy-notice.js';
import { createPrivateAgain } from './private-again.js';
import { attachPrivateStart } from './private-start.js';
import { privateTexts } from './private-texts.js';
import { createPrivateWait } from './private-wait.js';
import { createReceiptNotes } from './receipt-note.js';
import { createReportDialog } from './report-dialog.js';
import { createRulesGate } from './rules-gate.js';
import { createSafetyActions } from './safety-actions.js';
import { createSanctionNotices } from './sanction-notices.js';
import { createSaveDialog } from './save-dialog.js';
import { createScreens } from './screens.js';
import { keepingFocus, screenFocusTarget } from './screen-focus.js';
import { attachSettingsMenu } from './settings-menu.js';
import { createSkipWait } from './skip-wait.js';
import { createSoundCue } from './sound-cue.js';
import { createToast } from './toast.js';
import { createTypingIndicator } from './typing-indicator.js';
import { createTypingSignal } from './typing-signal.js';

// The title counts what arrives while the page is hidden, with an optional chime (the ⚙ menu, with the theme).
const sound = createSoundCue();
const attention = createAttention(sound);
attachSettingsMenu(byTestId('settings-menu', HTMLDetailsElement), sound);

/** Called after every language switch by the parts that render something of their own. */
const retranslators: (() => void)[] = [];

function applyLang(lang: Lang): void {
  document.documentElement.lang = lang;
  // The page's texts, and those of the interests and the private rooms (their own tables).
  translate(document.body);
  retranslateInterests(document.body);
  privateTexts.translate(document.body);
  for (const retranslate of retranslators) retranslate();
  attention.refresh();
}

const langSwitch = byTestId('lang-switch', HTMLSelectElement);
langSwitch.value = loadLang();
applyLang(getLang());
langSwitch.addEventListener('change', () => {
  setLang(langSwitch.value === 'en' ? 'en' : 'zh-CN');
  applyLang(getLang());
});

// Toasts go under the chat's header (Report, Block…) and a warning, never over them (toast.ts).
const toast = createToast(byTestId('toast', HTMLElement), [
  ...document.querySelectorAll<HTMLElement>('.topbar, .chat-header'),
  byTestId('warning-notice', HTMLElement),
]);
const status = byTestId('connection-status', HTMLElement);
const statusLabel = byTestId('connection-label', HTMLElement);

let flow: ChatFlow | undefined;
/** The chat on screen (null: none), and the user's ID: for the notes and history of a match. */
let chatOnScreen: number | null = null;
let myUserId: string | null = null;
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

const challengePanel = createChallengePanel();
// The flow is created after the client (it listens to it); the client asks it only when (re)connecting.
const client = createChatClient({
  lang: getLang,
  lastMessageId: () => flow?.lastMessageId(),
  ownsActivity: () => flow?.ownsActivity() ?? false,
  resumeRoom: () => flow?.resumeRoom(),
  onRefused: (error) => toast.show(errorText(error)),
  // Asked at the handshake: the header says the page waits for the check, not for the network.
  solveChallenge: () => {
    if (!client.connected) showChallengeWait(status, statusLabel);
    return challengePanel.solve();
  },
});
// "Verify now" after the bot check was put off at the handshake: connect again, which asks it again.
const verifyButton = byTestId('verify-btn', HTMLButtonElement);
// The button goes at once: its focus goes to the screen's heading first (not the page's body), which the
// check's dialog then gives it back to.
verifyButton.addEventListener('click', () => {
  screenFocusTarget()?.focus();
  client.reconnect(true);
});
client.onConnectionChange((state) => showConnectionState(status, statusLabel, state, verifyButton));
const seen = whenSeen();
const identityWatch = createIdentityWatch((why) =>
  seen(() => toast.show(t(why === 'elsewhere' ? 'identityChangedElsewhere' : 'identityChanged'))),
);
client.on('session', ({ user_id: userId, token }) => {
  myUserId = userId;
  identityWatch.session({ userId, byToken: token !== undefined });
});

const messages = createMessageList(byTestId('message-list', HTMLElement));
// A language switch rewords the log's notes and senders (new text nodes, which a screen reader may take
// for new content): the log is busy meanwhile, so what is there is not read out again.
retranslators.push(() => messages.quiet());
const startScreen = byTestId('start-screen', HTMLElement);
const waitingScreen = byTestId('waiting-screen', HTMLElement);
const chatScreen = byTestId('chat-screen', HTMLElement);
const startButton = byTestId('start-btn', HTMLButtonElement);
const newChatButton = byTestId('new-chat-btn', HTMLButtonElement);

// How many are online, on the start screen.
attachOnlineCount(byTestId('online-count', HTMLElement), startScreen, client);

// Save the conversation on screen as a file, from the chat header or the chat-ended bar.
// (The header's while the chat goes on, the bar's once it has ended.)
// (The receipt notes are made further down; asked only when a file is saved.)
const saveDialog = createSaveDialog(byTestId('save-dialog', HTMLDialogElement), messages, toast, () => receiptNotes.onEndedBar()?.receipt.code);
const saveButton = byTestId('save-btn', HTMLButtonElement);
for (const button of [saveButton, byTestId('ended-save-btn', HTMLButtonElement)]) {
  button.addEventListener('click', () => saveDialog.open(button));
}

// The privacy notice on the start screen.
attachPrivacyNotice(byTestId('privacy-notice', HTMLDetailsElement));

// The rules and age gate: before the first match, and again when the rules change.
const privateSection = byTestId('private-rooms', HTMLElement);
const createPrivateButton = byTestId('create-private-btn', HTMLButtonElement, privateSection);
const joinPrivateButton = byTestId('join-private-btn', HTMLButtonElement, privateSection);
const rulesGate = createRulesGate(
  {
    panel: byTestId('rules-gate', HTMLElement),
    start: startButton,
    others: [createPrivateButton, joinPrivateButton],
    hints: [
      { hint: byTestId('start-rules-first', HTMLElement), buttons: [startButton] },
      { hint: byTestId('private-rules-first', HTMLElement, privateSection), buttons: [createPrivateButton, joinPrivateButton] },
    ],
  },
  (version) => client.acceptRules(version),
  toast,
);
client.on('session', ({ rules_required: required }) => (required ? rulesGate.require(required) : rulesGate.clear()));

// What the server says about the person's own messages: crisis help stays until closed, the rest is brief.
/** Where the focus goes when a banner closes from inside: the chat's input if it takes text, else the shown screen's heading. */
const composerOrHeading = (): HTMLElement | null => (messageInput.disabled || messageInput.getClientRects().length === 0 ? screenFocusTarget() : messageInput);
const crisisCard = createCrisisCard(byTestId('crisis-card', HTMLElement), composerOrHeading);
retranslators.push(() => crisisCard.retranslate());
// The texts are the page's own, in its language (the server's follow the language the connection began with).
client.on('notice', (notice) => {
  if (notice.kind === 'crisis') crisisCard.show(notice);
  else toast.show(notice.kind === 'pii' ? t('piiTitle') : noticeText[getLang()].masked);
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
        partnerBlocked(roomId);
        flow?.blocked(roomId);
      },
      toast,
    ),
  },
  messages,
);

// 保持联系: both ask, both get the same key (a banner at the top).
const keepInTouch = createKeepInTouch(client, {
  buttons: { live: byTestId('keep-btn', HTMLButtonElement), ended: byTestId('ended-keep-btn', HTMLButtonElement) },
  banner: byTestId('contact-key-banner', HTMLElement),
  messages,
  toast,
  focusAfter: composerOrHeading,
});
retranslators.push(keepInTouch.retranslate);
// A private room's chat that ended: its key again, and 再次进入这个房间 — the same join as a key's, as New
// chat joins (rules asked again meanwhile: refused, and back at the start with them); a refusal back at the
// start leaves the key in "join with a key".
const privateAgain = createPrivateAgain(byTestId('chat-ended', HTMLElement), {
  join: (key) => void flow?.joinPrivate(key).then((refused) => refused && privateStart.keep(key)),
});
retranslators.push(privateAgain.retranslate);

/** This person blocked the partner of `roomId` (the block's answer, or the server's `left_room`): Block and Keep in touch go. */
function partnerBlocked(roomId: number): void {
  safety.blocked(roomId);
  keepInTouch.blocked(roomId);
  privateAgain.blocked(roomId);
  endedRestore.blocked(roomId);
}

// Interests on the start screen; on the waiting screen what is looked for, and until when.
const interestInput = createInterestInput(byTestId('interests', HTMLElement));
let joinedWith: readonly string[] = [];

const sanctions = createSanctionNotices(
  {
    screens: byTestId('screens', HTMLElement),
    banScreen: byTestId('ban-screen', HTMLElement),
    muteBanner: byTestId('mute-banner', HTMLElement),
    muteStart: byTestId('mute-start', HTMLElement),
    warning: byTestId('warning-notice', HTMLElement),
    // The start button's state is the rules gate's, which is told about bans.
    joinButtons: [newChatButton],
  },
  (restrictions) => {
    rulesGate.setBarred(restrictions.banned || restrictions.muted);
    if (restrictions.banned) safety.closeDialogs();
    flow?.setRestrictions(restrictions);
  },
);
client.on('session', (session) => sanctions.replace(session.sanctions ?? []));
client.on('session', ({ report_window_ms: reportWindowMs }) => safety.reportWindow(reportWindowMs));
client.on('sanction', (payload) => sanctions.apply(payload));

// What was being written survives a reload: kept as the page goes, given back with the chat (draft-keeper.ts).
const drafts = createDraftKeeper();
/** The chat on screen while it goes on (null: none, or it ended). */
let liveChat: number | null = null;
addEventListener('pagehide', () => drafts.leaving(liveChat, composer.text()));
// Closing the tab mid-chat asks first, once something was said in this chat (a private room's earlier
// conversation is not), is on its way, was not sent and can still be (it would be lost), or is being
// written (leave-guard.ts).
attachLeaveGuard(
  window,
  document,
  () =>
    liveChat !== null &&
    (messages.shown().some(({ message }) => message.room_id === liveChat) || messages.hasPending() || messages.hasUnsent() || composer.text().trim() !== ''),
);
// Shown again from the back-forward cache: the input still holds the text.
addEventListener('pageshow', (event) => event.persisted && drafts.forget());

const endedNote = byTestId('chat-ended-text', HTMLElement);
const nextButton = byTestId('leave-btn', HTMLButtonElement);
const nextCycle = createNextCycle(nextButton);
flow = createChatFlow(client, {
  screens: createScreens({
    start: startScreen,
    waiting: waitingScreen,
    chat: chatScreen,
  }),
  messages,
  composer,
  toast,
  myId: byTestId('my-id', HTMLElement),
  waitingCount: byTestId('waiting-count', HTMLElement),
  endedBar: byTestId('chat-ended', HTMLElement),
  endedNote,
  keepingFocus: (change) => keepingFocus(chatScreen, change, endedNote),
  next: nextCycle,
  typing: createTypingSignal((typing) => client.typing(typing)),
  typingIndicator: createTypingIndicator(byTestId('typing-indicator', HTMLElement), byTestId('typing-announcer', HTMLElement)),
  arrived: () => attention.arrived(),
  partnerBlocked,
  chatChanged: (state) => {
    chatOnScreen = state?.roomId ?? null;
    liveChat = state?.live === true ? state.roomId : null;
    // Back in the chat the page had before a reload: what was being written in it comes back.
    if (liveChat !== null && composer.text() === '') {
      const draft = drafts.restore(liveChat);
      if (draft !== null) composer.setText(draft);
    }
    saveButton.hidden = state?.live !== true;
    safety.chatChanged(state);
    keepInTouch.chatChanged(state);
    privateAgain.chatChanged(state);
    endedRestore.chatChanged(state);
    if (!state?.live) piiNudge.reset();
  },
  interests: () => (joinedWith = interestInput.values()).slice(),
  waitingShown: () => {
    interestWait.reset();
    privateWait.reset();
    privateAgain.forget();
  },
  privateCreated: (key) => privateWait.created(key),
  privateEntered: (key) => privateWait.entered(key),
  privateKey: () => privateWait.key(),
  waitEnded: (keepKey = false) => {
    const key = privateWait.key();
    privateWait.ended();
    if (keepKey && key !== null) privateStart.keep(key);
  },
  sanctioned: (code) => sanctions.refused(code),
  rulesRequired: () => rulesGate.require(undefined, true),
  skipWait: createSkipWait(waitingScreen, byTestId('skip-wait', HTMLElement)),
  endedAway: (roomId) => endedAway.ended(roomId),
});

// On the waiting screen: what an interests wait looks for and until when; a private room's key. After the
// flow, whose own `waiting` listener shows the waiting screen (and resets these) first.
const interestWait = createInterestWait(byTestId('interest-wait', HTMLElement), client, toast);
const privateWait = createPrivateWait(byTestId('private-wait', HTMLElement), client);
retranslators.push(privateWait.retranslate);

// How the chat came about (shared interests, a private room) and a private room's earlier conversation.
attachMatchNotes(client, messages, { myId: () => myUserId, roomId: () => chatOnScreen, joinedWith: () => joinedWith });

// The receipt of each chat that ends: on the ended bar or the start screen, with a link to /my.
const receiptNotes = createReceiptNotes(client, { endedBar: byTestId('chat-ended', HTMLElement), startScreen: byTestId('start-screen', HTMLElement), langSwitch });
// A chat that ended while the page was away: its receipt went to the lost connection, so it is looked up.
const endedAway = createEndedAway(client, {
  show: (receipt, away) => receiptNotes.show(receipt, away),
  shownOf: (roomId) => messages.shown().filter(({ message }) => message.room_id === roomId).length,
});

// The chat-ended screen survives a reload: kept as the page goes (or hides: a phone may discard it without
// a pagehide), shown again by the reloaded page's first session (ended-restore.ts). After the flow, whose
// `session` listener resumes a chat or wait first.
const endedRestore = createEndedRestore(client, {
  keeper: createEndedKeeper(),
  flow,
  messages,
  receipts: receiptNotes,
  contact: keepInTouch,
  partnerBlocked,
  hidden: () => document.visibilityState === 'hidden',
  lookUpReceipt: (roomId, away) => endedAway.missing(roomId, away),
});
addEventListener('pagehide', () => endedRestore.leaving());
document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? endedRestore.leaving() : endedRestore.returned()));
addEventListener('pageshow', (event) => event.persisted && endedRestore.returned());

const { start, cancel, next, newChat, createPrivate, joinPrivate } = flow;
const privateStart = attachPrivateStart(privateSection, { pass: () => rulesGate.pass(), create: createPrivate, join: joinPrivate, toRules: () => rulesGate.toCheckbox(), toast });
// With the rules to accept, starting accepts them first, then goes on to match.
startButton.addEventListener('click', () => void rulesGate.pass().then((passed) => passed && start()));
/**
 * Cancel (or Escape) on the waiting screen. A private room's key stays at hand in "join with a key": the
 * room still exists, and whoever it was shared with may enter it — its creator too can go back in.
 */
const cancelWait = (): void => {
  const key = privateWait.key();
  cancel();
  if (key !== null) privateStart.keep(key);
};
byTestId('cancel-btn', HTMLButtonElement).addEventListener('click', cancelWait);
// The Next button: Leave → Really? → (ended) New; Escape presses it while the chat screen shows, and
// cancels a wait (Cancel's shortcut) while the waiting screen does.
attachNextButton(nextButton, nextCycle, next);
attachEscapeKey(() => (chatScreen.hidden ? cancelWait() : next(true)), () => !chatScreen.hidden || !waitingScreen.hidden);
newChatButton.addEventListener('click', newChat);
byTestId('home-btn', HTMLButtonElement).addEventListener('click', () => {
  privateAgain.forget();
  flow?.home();
});

// A brand-new identity (cookie) from the server, refused while another tab chats or waits; the connection
// is opened again to use it.
attachNewIdentity(byTestId('new-identity-btn', HTMLButtonElement), byTestId('new-identity-dialog', HTMLDialogElement), {
  reconnect: (userId) => {
    identityWatch.expect(userId);
    client.reconnect(true);
  },
  toast,
});
