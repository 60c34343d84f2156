/**
 * The chat page's screens, for the chat flow (chat-flow.ts): start → waiting → chat → (ended). Each change
 * carries along everything that depends on the screen — the flow's state (flow-state.ts), the input and
 * its status line, the Next button, the typing signals, what this tab keeps for a reload (resume-watch.ts)
 * and the chat Report and Block speak of — so no caller can change one and forget another. The flow and
 * its comeback (chat-comeback.ts) decide when; this is what each screen looks like once it is there.
 */
import { isBlankText } from '../../src/shared/limits.js';
import type { ChatFlowViews, RestoredChat } from './chat-flow-types.js';
import type { FlowState } from './flow-state.js';
import { countKey, showText, type TextKey } from './i18n.js';
import type { PartnerCountdown } from './partner-countdown.js';
import type { ResumeWatch } from './resume-watch.js';
import type { SendPath } from './send-path.js';

/** The views a change of screen touches. */
export type ScreenViews = Pick<
  ChatFlowViews,
  | 'screens'
  | 'messages'
  | 'composer'
  | 'waitingCount'
  | 'endedBar'
  | 'endedNote'
  | 'keepingFocus'
  | 'next'
  | 'typing'
  | 'typingIndicator'
  | 'skipWait'
  | 'chatChanged'
  | 'waitingShown'
  | 'waitEnded'
  | 'endedAway'
>;

export interface ChatScreensDeps {
  views: ScreenViews;
  /** The flow's state: changed here with the screen, and by the flow (the comeback only reads it). */
  state: FlowState;
  sending: Pick<SendPath, 'reset' | 'status'>;
  countdown: Pick<PartnerCountdown, 'stop'>;
  /** Keeps what this tab is doing, for a reload: the flow's resume watch (resume-watch.ts). */
  activity: Pick<ResumeWatch, 'remember'>;
}

export interface ChatScreens {
  /** The input and its status line as the state (and the send under way) allow. */
  refreshComposer(): void;
  /** Back at the start: no chat, no wait (`keepKey`: a private room's key stays at hand, see `waitEnded`). */
  showStart(keepKey?: boolean): void;
  /** A new wait begins. */
  showWaiting(): void;
  /** How many wait in the queue (shown only while waiting). */
  showWaitingCount(count: number): void;
  /** A chat the page is not showing yet: a new match, or (after a reload) the one it had. */
  openChat(id: number, note: 'matched' | 'chatRestored'): void;
  /** Back in the chat on screen after a drop; the messages missed meanwhile follow. */
  resumeChat(): void;
  /** The chat on screen ends, saying why (nothing if none goes on). */
  endChat(key: TextKey): void;
  /** A chat that had ended before a reload, shown again as it was left: its messages, why it ended, New. */
  showEnded(chat: RestoredChat): void;
  /** The connection dropped: the chat stays on screen with sending paused. */
  unlinked(): void;
}

export function createChatScreens(deps: ChatScreensDeps): ChatScreens {
  const { views, state, sending, countdown, activity } = deps;
  const { screens: screenSwitch, messages, composer } = views;

  const refreshComposer = (): void => {
    const live = state.phase === 'chat' && state.chatLive;
    const allowed = !state.restrictions.banned && !state.restrictions.muted;
    // Offline, the input stays usable (disabling it would drop the focus and what is being typed).
    composer.setEnabled(live && allowed, state.linked);
    // A chat that ended with text still in the input (typed while the connection was down, or as the partner
    // left): the text stays, and the line says it was not sent.
    if (state.phase === 'chat' && !live && allowed && !isBlankText(composer.text())) composer.setStatus('endedUnsent');
    else if (!live || !allowed) composer.setStatus('ready');
    else if (!state.linked) composer.setStatus('offline');
    else composer.setStatus(sending.status());
  };

  /** Out of any chat, into `next`: what the chat (or a wait's pause) kept running stops. */
  const leaveChatFor = (next: 'start' | 'waiting'): void => {
    state.phase = next;
    state.roomId = null;
    state.chatLive = false;
    state.leaving = false;
    views.typing.reset();
    views.typingIndicator.reset();
    countdown.stop();
    views.skipWait.stop();
    // Nothing can be sent to that chat any more (the list is cleared when the next one opens).
    messages.closeUnsent();
  };

  const showStart = (keepKey = false): void => {
    leaveChatFor('start');
    activity.remember(null);
    views.waitEnded(keepKey);
    refreshComposer();
    screenSwitch.show('start');
    views.chatChanged(null);
  };

  const showWaiting = (): void => {
    leaveChatFor('waiting');
    views.waitingCount.hidden = true;
    views.waitingShown();
    activity.remember('waiting');
    screenSwitch.show('waiting');
    views.chatChanged(null);
  };

  const showWaitingCount = (count: number): void => {
    if (state.phase !== 'waiting') return;
    showText(views.waitingCount, countKey(count, 'waitingCountOne', 'waitingCount'), count);
    views.waitingCount.hidden = false;
  };

  const openChat = (id: number, note: 'matched' | 'chatRestored'): void => {
    state.phase = 'chat';
    state.roomId = id;
    state.chatLive = true;
    state.linked = true;
    sending.reset();
    countdown.stop();
    views.skipWait.stop();
    messages.clear();
    state.lastReceived = 0;
    messages.addSystem(note);
    views.endedBar.hidden = true;
    state.leaving = false;
    views.next.set('leave');
    views.typing.reset();
    views.typingIndicator.reset();
    composer.setText('');
    activity.remember('chat', id);
    refreshComposer();
    screenSwitch.show('chat');
    views.chatChanged({ roomId: id, live: true });
    composer.focus();
    // The replay that follows is what the person read before the reload: not to be read out again.
    if (note === 'chatRestored') messages.quiet();
  };

  const resumeChat = (): void => {
    state.chatLive = true;
    state.linked = true;
    views.endedBar.hidden = true;
    views.next.set('leave');
    messages.addSystem('reconnected');
    activity.remember('chat', state.roomId ?? undefined);
    refreshComposer();
    if (state.roomId !== null) views.chatChanged({ roomId: state.roomId, live: true });
  };

  const endChat = (key: TextKey): void => {
    if (state.phase !== 'chat' || !state.chatLive) return;
    state.chatLive = false;
    state.leaving = false;
    countdown.stop();
    views.typing.reset();
    views.typingIndicator.hide();
    activity.remember(null);
    // The input is disabled now: focus in it would fall to the page's body, so it goes to the ended note.
    const hadFocus = composer.hasFocus();
    const room = state.roomId;
    views.keepingFocus(() => {
      refreshComposer();
      // Their text stays, marked not sent; their buttons (maybe focused) go.
      messages.closeUnsent();
      views.endedBar.hidden = false;
      views.next.set('new');
      if (hadFocus) views.endedNote.focus();
      if (room !== null) views.chatChanged({ roomId: room, live: false, endedAt: Date.now(), endNote: key });
    });
    // After the bar has taken its space, so the notice scrolls into view above it.
    messages.addSystem(key);
    if (key === 'chatEndedWhileAway' && room !== null) views.endedAway(room);
  };

  const showEnded = (chat: RestoredChat): void => {
    state.phase = 'chat';
    state.roomId = chat.roomId;
    state.chatLive = false;
    state.leaving = false;
    sending.reset();
    messages.clear();
    state.lastReceived = 0;
    // Read before the reload: not read out again.
    messages.quiet();
    for (const { message, own } of chat.messages) messages.addMessage(message, own);
    messages.addSystem(chat.note);
    views.endedBar.hidden = false;
    views.next.set('new');
    refreshComposer();
    screenSwitch.show('chat');
    views.chatChanged({ roomId: chat.roomId, live: false, endedAt: chat.endedAt, endNote: chat.note });
  };

  const unlinked = (): void => {
    state.linked = false;
    refreshComposer();
  };

  return { refreshComposer, showStart, showWaiting, showWaitingCount, openChat, resumeChat, endChat, showEnded, unlinked };
}
