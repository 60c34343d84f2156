/**
 * What the page does, screen by screen: start → waiting → chat → (ended) → start or a new chat — the
 * server's events and the person's commands, each sent where it belongs. The server owns the truth:
 * `matched` always opens the chat it names, whatever the page was showing, messages appear only as the
 * server stored them, and after a reconnection its `session` says whether the chat (or the wait) is still
 * on. The one exception is a wait the person cancelled: its join may still be unanswered (the server may
 * even handle the leave first), so the leave follows the join's answer, and a chat that wait ran into is
 * left at once, never shown.
 *
 * What each screen looks like is chat-screens.ts's; how a chat or wait comes back — resumed after a drop
 * or a reload, a lapsed wait joined again where it was, an ended chat shown again after a reload — is
 * chat-comeback.ts's. Where the page is lives in one state object (flow-state.ts), owned here and handed
 * to both: this flow and its screens change it, the comeback only reads it. The watch over what is being
 * resumed (resume-watch.ts) is created here too, before both: the screens tell it what the tab is doing,
 * the comeback reads it.
 *
 * Sanctions (shown by sanction-notices.ts) restrict it: no joining while banned (the server has ended
 * the chat or wait), no sending while muted; a BANNED or MUTED answer shows the notice.
 *
 * Leaving is the Next button's cycle (next-cycle.ts): Leave → Really? → the chat ends on screen → New,
 * straight back into the queue. Typing is told to the partner (typing-signal.ts) and the partner's shown
 * (typing-indicator.ts) only while the chat goes on.
 *
 * A wait is in the queue (with the person's interests, every time: New too) or in a private room — one
 * just created, whose key the waiting screen shows, or one entered by its key. Joining and its answer
 * (the door: the rules to accept, a pause for skipping too fast) are join-path.ts's; sending and its ack
 * (a message that failed goes back into the input, or stays in the list marked not sent) send-path.ts's.
 */
import type { ChatClient, Result } from './chat-client.js';
import { createComeback } from './chat-comeback.js';
import { createChatScreens } from './chat-screens.js';
import { createEarlyGoodbyes } from './early-goodbye.js';
import { initialFlowState } from './flow-state.js';
import { errorText, type TextKey } from './i18n.js';
import { createJoinPath } from './join-path.js';
import { createJoinTracker } from './join-tracker.js';
import { createPartnerCountdown } from './partner-countdown.js';
import { createResumeWatch } from './resume-watch.js';
import { createSendPath } from './send-path.js';
import type { EndReason } from '../../src/shared/protocol.js';
import type { ChatFlow, ChatFlowViews } from './chat-flow-types.js';

export type { ChatFlow, ChatFlowViews } from './chat-flow-types.js';

const END_TEXT: Record<EndReason, TextKey> = {
  left: 'partnerLeft',
  disconnected: 'partnerDisconnected',
  server_shutdown: 'serverShutdown',
  server_restart: 'serverShutdown',
  // Never sent to the partner (who sees `left`), but part of the closed set.
  blocked: 'partnerLeft',
  banned: 'partnerLeft',
};

export function createChatFlow(client: ChatClient, views: ChatFlowViews): ChatFlow {
  const { messages, composer, toast } = views;
  /** Where the page is: changed here and by the screens as they change, only read by the comeback. */
  const state = initialFlowState();
  let online = false;
  let myUserId: string | null = null;
  const early = createEarlyGoodbyes();
  const countdown = createPartnerCountdown(messages);

  const fail = (res: Result & { ok: false }): void => {
    // The ban notice or mute banner says it, with the reason and until when.
    if (res.code === 'BANNED' || res.code === 'MUTED') views.sanctioned(res.code);
    else toast.show(errorText(res));
  };

  /** What is being resumed after a drop or a reload: reads what the tab kept before anything changes it. */
  const resume = createResumeWatch({
    busy: () =>
      state.phase === 'waiting' ||
      (state.phase === 'chat' && state.chatLive) ||
      (state.phase === 'start' && resume.reloadedFrom !== null),
    retry: () => client.reconnect(),
    // Only after a `session`, so once the screens are there.
    giveUp() {
      if (state.phase === 'chat') return screens.endChat('chatEndedWhileAway');
      resume.remember(null);
      if (state.phase !== 'waiting') return;
      toast.show(errorText({ code: 'ALREADY_CHATTING' }));
      screens.showStart();
    },
  });

  const sending = createSendPath({
    client,
    composer,
    messages,
    toast,
    typing: views.typing,
    next: views.next,
    chat: () => ({
      roomId: state.phase === 'chat' ? state.roomId : null,
      live: state.phase === 'chat' && state.chatLive,
      linked: state.linked,
      restricted: state.restrictions.banned || state.restrictions.muted,
    }),
    chatOver: () => screens.endChat('chatEnded'),
    fail,
    changed: () => screens.refreshComposer(),
  });

  const screens = createChatScreens({ views, state, sending, countdown, activity: resume });

  /** Only the latest join's answer is acted on; a cancelled one's is followed by the leave (join-tracker.ts). */
  const joins = createJoinTracker(client);
  const comeback = createComeback({
    views,
    state,
    resume,
    joins,
    screens,
    join: (how) => void joining.join(how),
  });

  /** A join answered `matched` (its `matched` event may have opened the chat already). */
  const joinMatched = (id: number): void => {
    if (state.phase !== 'chat' || state.roomId !== id) screens.openChat(id, 'matched');
    early.opened(id);
  };

  const joining = createJoinPath({
    client,
    views,
    joins,
    rejoin: comeback.rejoin,
    screen: () => state.phase,
    banned: () => state.restrictions.banned,
    muted: () => state.restrictions.muted,
    showWaiting: screens.showWaiting,
    showStart: screens.showStart,
    matched: joinMatched,
    counted: screens.showWaitingCount,
    forget: () => resume.remember(null),
    fail,
  });

  client.on('session', (session) => {
    myUserId = session.user_id;
    views.myId.textContent = session.user_id;
    comeback.session(session);
  });
  client.on('waiting', ({ waiting_count, private: inPrivateRoom = false }) => {
    comeback.waiting(inPrivateRoom);
    // In a private room nobody else counts.
    if (!inPrivateRoom) screens.showWaitingCount(waiting_count);
  });
  client.on('matched', ({ room_id, resumed }) => {
    // Nothing is being resumed any more (the chat is back, or another one opens).
    resume.settled();
    // A match made for a wait the person has just cancelled (its join or leave still unanswered).
    if (joins.refusesMatch(room_id, state.phase, resumed)) return;
    if (state.phase === 'chat' && state.roomId === room_id) {
      if (resumed) screens.resumeChat();
      return;
    }
    // A resumed chat the page does not show: reloaded mid-chat, or matched while away from the queue.
    screens.openChat(room_id, resumed && state.phase === 'start' ? 'chatRestored' : 'matched');
    if (!resumed) views.arrived();
    early.opened(room_id);
  });
  client.on('new_message', (message) => {
    if (state.phase !== 'chat' || message.room_id !== state.roomId) return;
    const own = message.sender_id === myUserId;
    state.lastReceived = Math.max(state.lastReceived, message.id);
    messages.addMessage(message, own);
    if (own) return;
    views.typingIndicator.hide();
    views.arrived();
  });
  client.on('partner_typing', ({ typing }) => {
    if (state.phase === 'chat' && state.chatLive) views.typingIndicator.set(typing);
  });
  client.on('partner_disconnected', ({ grace_ms }) => {
    if (state.phase !== 'chat' || !state.chatLive) return;
    views.typingIndicator.hide();
    countdown.start(grace_ms);
  });
  client.on('partner_reconnected', () => {
    if (state.phase !== 'chat' || !state.chatLive) return;
    countdown.stop();
    messages.addSystem('partnerReconnected');
  });
  /** The chat on screen, if any: a goodbye for another one waits for its chat (early-goodbye.ts). */
  const shownRoom = (): number | null => (state.phase === 'chat' ? state.roomId : null);
  client.on('partner_left', ({ reason, room_id }) =>
    early.route(room_id, shownRoom(), () => screens.endChat(END_TEXT[reason] ?? 'partnerLeft')),
  );
  client.on('server_shutdown', () => screens.endChat('serverShutdown'));
  client.on('left_room', ({ room_id, reason }) => {
    // A mute ended the wait (its `sanction` normally came first and did it): the start screen says why.
    if (reason === 'muted') return void (state.phase === 'waiting' && views.sanctioned('MUTED'));
    early.route(room_id, shownRoom(), () => {
      if (state.phase !== 'chat' || !state.chatLive) return;
      // Left with the Next button, or ended by this person's block (the server says which: a block answered
      // as the two were matched again ends that new chat too): the chat ends on screen, so that it can
      // still be reported (a harassed person blocks first), saved, or left with New.
      if (reason === 'blocked' && state.roomId !== null) views.partnerBlocked(state.roomId);
      screens.endChat(reason === 'blocked' ? 'youBlocked' : 'youLeft');
    });
  });
  client.on('error', (error) => {
    // A private wait closed meanwhile is said in the page's own words, and over (private-rejoin.ts).
    if (comeback.closed(error)) return;
    toast.show(errorText(error));
    // Another tab or window of this identity took the chat or wait over (a duplicated tab resumed it):
    // this one lets go.
    if (error.code === 'CONTINUED_ELSEWHERE') comeback.continuedElsewhere();
  });

  client.onConnectionChange((connection) => {
    const wasOnline = online;
    online = connection === 'connected';
    // Coming back is handled by the `session` that follows; going away only pauses the chat.
    if (wasOnline && !online) {
      resume.lost();
      screens.unlinked();
    }
  });

  /** Leaves the live chat (after "Really?"): the partner is told to stop showing "typing" first. */
  const leave = (): void => {
    const room = state.roomId;
    views.typing.stop();
    state.leaving = true;
    // "Really?" stays while the leave is on its way (it ends the chat, or a refusal sets "Leave" again).
    views.next.hold();
    void client.leaveRoom().then((res) => {
      // Normally `left_room` has ended it already; the answer covers one lost with a connection.
      if (res.ok || res.code === 'NOT_IN_CHAT') {
        if (state.phase === 'chat' && state.roomId === room) screens.endChat('youLeft');
        return;
      }
      state.leaving = false;
      if (state.phase === 'chat' && state.chatLive) views.next.set('leave');
      fail(res);
    });
  };

  return {
    start: () => void joining.join(),
    newChat: () => void joining.join(),
    home() {
      if (state.phase === 'chat' && !state.chatLive) screens.showStart();
    },
    createPrivate: () => void joining.join({ kind: 'create_private' }),
    joinPrivate: (key) => joining.join({ kind: 'join_private', key }),
    send: (text, piiConfirmed = false) => void sending.send(text, piiConfirmed),
    edited() {
      screens.refreshComposer();
      if (state.phase === 'chat' && state.chatLive && state.linked) views.typing.edited(composer.text());
    },
    cancel: () => joining.cancel(),
    next(byEscape = false) {
      if (state.phase !== 'chat' || state.leaving) return;
      if (!state.chatLive) return void joining.join();
      if (views.next.step === 'leave') {
        views.next.set('confirm');
        if (byEscape) views.next.expireSoon();
        return;
      }
      // A "Really?" armed by a click, left for a while: Escape is a first press on it (confirmed by a second).
      if (byEscape && !views.next.expiring) return views.next.expireSoon();
      leave();
    },
    ownsActivity: () => resume.owns,
    resumeRoom: () => resume.room,
    blocked(blockedRoom) {
      if (state.phase === 'chat' && state.roomId === blockedRoom) screens.endChat('youBlocked');
    },
    restoreEnded: comeback.restoreEnded,
    setRestrictions(next) {
      state.restrictions = next;
      // A ban ends whatever the page shows; a mute a wait (the server ends it: no new chat while muted). A
      // private room outlives either: its key stays at hand.
      if ((next.banned && state.phase !== 'start') || (next.muted && state.phase === 'waiting')) screens.showStart(true);
      else screens.refreshComposer();
    },
    lastMessageId: comeback.lastMessageId,
  };
}
