/**
 * What the page does, screen by screen: start → waiting → chat → (ended) → start or a new chat.
 * The server owns the truth: `matched` always opens the chat it names, whatever the page was showing,
 * messages appear only as the server stored them, and after a reconnection its `session` says whether
 * the chat (or the wait) is still on. The one exception is a wait the person cancelled: its join may
 * still be unanswered (the server may even handle the leave first), so the leave follows the join's
 * answer, and a chat that wait ran into is left at once, never shown.
 *
 * A lost connection does not end anything: the server keeps the chat for a grace period, the page keeps
 * the chat screen with sending paused (the input keeps the focus and what is typed), and on return
 * `matched {resumed}` plus the missed messages put it back where it was. A page reloaded mid-chat gets
 * the whole conversation replayed: it is inserted quietly (message-list.ts), not read out again. A page
 * reloaded on a chat that had ended gets nothing from the server; the tab kept it (ended-restore.ts) and
 * `restoreEnded` shows it again, ended, the same way.
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
 * (a message refused for its content goes back into the input) send-path.ts's. A wait lost with the
 * connection is joined again where it was — a private one in its room, by the key this tab keeps, never
 * in the queue (private-rejoin.ts).
 */
import type { ChatClient, Result } from './chat-client.js';
import { createEarlyGoodbyes } from './early-goodbye.js';
import { countKey, errorText, showText, t, type TextKey } from './i18n.js';
import { createJoinPath } from './join-path.js';
import { createJoinTracker } from './join-tracker.js';
import { createPartnerCountdown } from './partner-countdown.js';
import { createPrivateRejoin } from './private-rejoin.js';
import { createResumeWatch } from './resume-watch.js';
import { createSendPath } from './send-path.js';
import type { Restrictions } from './sanction-notices.js';
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
  const { screens, messages, composer, toast } = views;
  let phase: 'start' | 'waiting' | 'chat' = 'start';
  let roomId: number | null = null;
  /** The chat on screen is still going on (false once it has ended). */
  let chatLive = false;
  /** The current connection carries the chat (false from a drop until the server resumes it). */
  let linked = false;
  let online = false;
  let myUserId: string | null = null;
  let restrictions: Restrictions = { banned: false, muted: false };
  /** The person confirmed leaving: the server's `left_room` ends the chat on screen (it is not a block). */
  let leaving = false;
  /**
   * The highest id of the chat's messages that came as `new_message` (live or replayed): where a resume
   * starts. Not the acks of one's own messages: with several instances the partner's message 9 can come
   * after the ack of one's own 10, and a resume after 10 would never show 9. One's own messages replayed
   * again are shown once (the list keeps one message per id).
   */
  let lastReceived = 0;
  const early = createEarlyGoodbyes();
  const countdown = createPartnerCountdown(messages);

  const fail = (res: Result & { ok: false }): void => {
    // The ban notice or mute banner says it, with the reason and until when.
    if (res.code === 'BANNED' || res.code === 'MUTED') views.sanctioned(res.code);
    else toast.show(errorText(res));
  };

  const resume = createResumeWatch({
    busy: () => phase === 'waiting' || (phase === 'chat' && chatLive) || (phase === 'start' && resume.reloadedFrom !== null),
    retry: () => client.reconnect(),
    giveUp() {
      if (phase === 'chat') return endChat('chatEndedWhileAway');
      resume.remember(null);
      if (phase !== 'waiting') return;
      toast.show(errorText({ code: 'ALREADY_CHATTING' }));
      showStart();
    },
  });

  const refreshComposer = (): void => {
    const live = phase === 'chat' && chatLive;
    const allowed = !restrictions.banned && !restrictions.muted;
    // Offline, the input stays usable (disabling it would drop the focus and what is being typed).
    composer.setEnabled(live && allowed, linked);
    if (!live || !allowed) composer.setStatus('ready');
    else if (!linked) composer.setStatus('offline');
    else composer.setStatus(sending.status());
  };

  const sending = createSendPath({
    client,
    composer,
    messages,
    toast,
    typing: views.typing,
    next: views.next,
    chat: () => ({ roomId: phase === 'chat' ? roomId : null, live: phase === 'chat' && chatLive, linked }),
    chatOver: () => endChat('chatEnded'),
    fail,
    changed: () => refreshComposer(),
  });

  /** Out of any chat, into `next`: what the chat (or a wait's pause) kept running stops. */
  const leaveChatFor = (next: 'start' | 'waiting'): void => {
    phase = next;
    roomId = null;
    chatLive = false;
    leaving = false;
    views.typing.reset();
    views.typingIndicator.reset();
    countdown.stop();
    views.skipWait.stop();
  };

  const showStart = (): void => {
    leaveChatFor('start');
    resume.remember(null);
    views.waitEnded();
    refreshComposer();
    screens.show('start');
    views.chatChanged(null);
  };

  const showWaiting = (): void => {
    leaveChatFor('waiting');
    views.waitingCount.hidden = true;
    views.waitingShown();
    resume.remember('waiting');
    screens.show('waiting');
    views.chatChanged(null);
  };

  const showWaitingCount = (count: number): void => {
    if (phase !== 'waiting') return;
    showText(views.waitingCount, countKey(count, 'waitingCountOne', 'waitingCount'), count);
    views.waitingCount.hidden = false;
  };

  /** A chat the page is not showing yet: a new match, or (after a reload) the one it had. */
  const openChat = (id: number, note: 'matched' | 'chatRestored'): void => {
    phase = 'chat';
    roomId = id;
    chatLive = true;
    linked = true;
    sending.reset();
    countdown.stop();
    views.skipWait.stop();
    messages.clear();
    lastReceived = 0;
    messages.addSystem(note);
    views.endedBar.hidden = true;
    leaving = false;
    views.next.set('leave');
    views.typing.reset();
    views.typingIndicator.reset();
    composer.setText('');
    resume.remember('chat', id);
    refreshComposer();
    screens.show('chat');
    views.chatChanged({ roomId: id, live: true });
    composer.focus();
    // The replay that follows is what the person read before the reload: not to be read out again.
    if (note === 'chatRestored') messages.quiet();
  };

  /** Back in the chat on screen after a drop; the messages missed meanwhile follow. */
  const resumeChat = (): void => {
    chatLive = true;
    linked = true;
    views.endedBar.hidden = true;
    views.next.set('leave');
    messages.addSystem('reconnected');
    resume.remember('chat', roomId ?? undefined);
    refreshComposer();
    if (roomId !== null) views.chatChanged({ roomId, live: true });
  };

  const endChat = (key: TextKey): void => {
    if (phase !== 'chat' || !chatLive) return;
    chatLive = false;
    leaving = false;
    countdown.stop();
    views.typing.reset();
    views.typingIndicator.hide();
    resume.remember(null);
    // The input is disabled now: focus in it would fall to the page's body, so it goes to the ended note.
    const hadFocus = composer.hasFocus();
    const room = roomId;
    views.keepingFocus(() => {
      refreshComposer();
      views.endedBar.hidden = false;
      views.next.set('new');
      if (hadFocus) views.endedNote.focus();
      if (room !== null) views.chatChanged({ roomId: room, live: false, endedAt: Date.now(), endNote: key });
    });
    // After the bar has taken its space, so the notice scrolls into view above it.
    messages.addSystem(key);
    if (key === 'chatEndedWhileAway' && room !== null) views.endedAway(room);
  };

  /**
   * After a reload, the chat that had ended on screen shows again as it was left (ended-restore.ts): only
   * from the start screen with nothing under way — no join, no activity being resumed, no ban.
   */
  const restoreEnded: ChatFlow['restoreEnded'] = (chat) => {
    if (phase !== 'start' || joins.joining || resume.expecting || restrictions.banned) return false;
    phase = 'chat';
    roomId = chat.roomId;
    chatLive = false;
    leaving = false;
    sending.reset();
    messages.clear();
    lastReceived = 0;
    // Read before the reload: not read out again.
    messages.quiet();
    for (const { message, own } of chat.messages) messages.addMessage(message, own);
    messages.addSystem(chat.note);
    views.endedBar.hidden = false;
    views.next.set('new');
    refreshComposer();
    screens.show('chat');
    views.chatChanged({ roomId: chat.roomId, live: false, endedAt: chat.endedAt, endNote: chat.note });
    return true;
  };

  /** Only the latest join's answer is acted on; a cancelled one's is followed by the leave (join-tracker.ts). */
  const joins = createJoinTracker(client);
  /** Where a lost wait is joined again, and the private room's key kept for it. */
  const rejoin = createPrivateRejoin({
    keys: views,
    toast,
    waitShown: () => phase === 'waiting' && !joins.joining,
    resumingWait: () => phase === 'start' && resume.expecting && resume.reloadedFrom === 'waiting',
    join: (how) => void joining.join(how),
    // Nothing is left to resume (the watch may still expect the wait back after a reconnection).
    ended() {
      resume.settled();
      showStart();
    },
  });

  /** A join answered `matched` (its `matched` event may have opened the chat already). */
  const joinMatched = (id: number): void => {
    if (phase !== 'chat' || roomId !== id) openChat(id, 'matched');
    early.opened(id);
  };

  const joining = createJoinPath({
    client,
    views,
    joins,
    rejoin,
    screen: () => phase,
    banned: () => restrictions.banned,
    showWaiting,
    showStart,
    matched: joinMatched,
    counted: showWaitingCount,
    forget: () => resume.remember(null),
    fail,
  });

  client.on('session', ({ user_id, status, rules_required: rulesRequired }) => {
    myUserId = user_id;
    views.myId.textContent = user_id;
    if (status !== 'idle') return resume.expect();
    const reloadedFrom = resume.reloadedFrom;
    resume.settled();
    // Nothing to resume: the chat ended while the page was away, or the place in the queue lapsed.
    if (phase === 'chat' && chatLive) endChat('chatEndedWhileAway');
    else if (phase === 'waiting' && !joins.joining && !views.skipWait.running) rejoin.lost();
    else if (phase === 'start' && reloadedFrom !== null) {
      // A private room's wait that lapsed while the page was away (a reload or a return after the close
      // grace): the room is entered again by the key this tab kept — the person it was shared with may
      // still come. A wait in the queue is not (its place is gone; a new one is a Start away).
      const key = reloadedFrom === 'waiting' ? views.privateKey() : null;
      // (Not while the rules must be accepted again: that join would be refused, and the key let go.)
      if (key !== null && !restrictions.banned && rulesRequired === undefined) return void joining.join({ kind: 'join_private', key });
      if (reloadedFrom === 'chat' && resume.room !== undefined) views.endedAway(resume.room);
      resume.remember(null);
      views.waitEnded();
      if (reloadedFrom === 'chat') toast.show(t('chatEndedWhileAway'));
    }
  });
  client.on('waiting', ({ waiting_count, private: inPrivateRoom }) => {
    if (resume.expecting) {
      resume.settled();
      if (phase !== 'waiting') showWaiting(); // e.g. a page reloaded while waiting
    }
    // In a private room nobody else counts.
    if (inPrivateRoom) rejoin.inPrivateRoom();
    else showWaitingCount(waiting_count);
  });
  client.on('matched', ({ room_id, resumed }) => {
    resume.settled();
    // A match made for a wait the person has just cancelled (its join or leave still unanswered).
    if (joins.refusesMatch(room_id, phase, resumed)) return;
    if (phase === 'chat' && roomId === room_id) {
      if (resumed) resumeChat();
      return;
    }
    // A resumed chat the page does not show: reloaded mid-chat, or matched while away from the queue.
    openChat(room_id, resumed && phase === 'start' ? 'chatRestored' : 'matched');
    if (!resumed) views.arrived();
    early.opened(room_id);
  });
  client.on('new_message', (message) => {
    if (phase !== 'chat' || message.room_id !== roomId) return;
    const own = message.sender_id === myUserId;
    lastReceived = Math.max(lastReceived, message.id);
    messages.addMessage(message, own);
    if (own) return;
    views.typingIndicator.hide();
    views.arrived();
  });
  client.on('partner_typing', ({ typing }) => {
    if (phase === 'chat' && chatLive) views.typingIndicator.set(typing);
  });
  client.on('partner_disconnected', ({ grace_ms }) => {
    if (phase !== 'chat' || !chatLive) return;
    views.typingIndicator.hide();
    countdown.start(grace_ms);
  });
  client.on('partner_reconnected', () => {
    if (phase !== 'chat' || !chatLive) return;
    countdown.stop();
    messages.addSystem('partnerReconnected');
  });
  /** The chat on screen, if any: a goodbye for another one waits for its chat (early-goodbye.ts). */
  const shownRoom = (): number | null => (phase === 'chat' ? roomId : null);
  client.on('partner_left', ({ reason, room_id }) => early.route(room_id, shownRoom(), () => endChat(END_TEXT[reason] ?? 'partnerLeft')));
  client.on('server_shutdown', () => endChat('serverShutdown'));
  client.on('left_room', ({ room_id, reason }) =>
    early.route(room_id, shownRoom(), () => {
      if (phase !== 'chat' || !chatLive) return;
      // Left with the Next button, or ended by this person's block (the server says which: a block answered
      // as the two were matched again ends that new chat too): the chat ends on screen, so that it can
      // still be reported (a harassed person blocks first), saved, or left with New.
      if (reason === 'blocked' && roomId !== null) views.partnerBlocked(roomId);
      endChat(reason === 'blocked' ? 'youBlocked' : 'youLeft');
    }),
  );
  client.on('error', (error) => {
    // A private wait closed meanwhile is said in the page's own words, and over (private-rejoin.ts).
    if (rejoin.closed(error)) return;
    toast.show(errorText(error));
    // Another tab or window of this identity took the chat or wait over (a duplicated tab resumed it):
    // this one lets go — forgotten, so it reconnects without taking it back.
    if (error.code !== 'CONTINUED_ELSEWHERE') return;
    resume.settled();
    if (phase === 'chat') endChat('continuedElsewhere');
    else if (phase === 'waiting') showStart();
    resume.remember(null);
  });

  client.onConnectionChange((state) => {
    const wasOnline = online;
    online = state === 'connected';
    // Coming back is handled by the `session` that follows; going away only pauses the chat.
    if (wasOnline && !online) {
      resume.lost();
      linked = false;
      refreshComposer();
    }
  });

  /** Leaves the live chat (after "Really?"): the partner is told to stop showing "typing" first. */
  const leave = (): void => {
    const room = roomId;
    views.typing.stop();
    leaving = true;
    // "Really?" stays while the leave is on its way (it ends the chat, or a refusal sets "Leave" again).
    views.next.hold();
    void client.leaveRoom().then((res) => {
      // Normally `left_room` has ended it already; the answer covers one lost with a connection.
      if (res.ok || res.code === 'NOT_IN_CHAT') {
        if (phase === 'chat' && roomId === room) endChat('youLeft');
        return;
      }
      leaving = false;
      if (phase === 'chat' && chatLive) views.next.set('leave');
      fail(res);
    });
  };

  return {
    start: () => void joining.join(),
    newChat: () => void joining.join(),
    home() {
      if (phase === 'chat' && !chatLive) showStart();
    },
    createPrivate: () => void joining.join({ kind: 'create_private' }),
    joinPrivate: (key) => joining.join({ kind: 'join_private', key }),
    send: (text, piiConfirmed = false) => void sending.send(text, piiConfirmed),
    edited() {
      refreshComposer();
      if (phase === 'chat' && chatLive && linked) views.typing.edited(composer.text());
    },
    cancel: () => joining.cancel(),
    next(byEscape = false) {
      if (phase !== 'chat' || leaving) return;
      if (!chatLive) return void joining.join();
      if (views.next.step === 'leave') {
        views.next.set('confirm');
        if (byEscape) views.next.expireSoon();
        return;
      }
      // A "Really?" armed by a click, left for a while: Escape is a first press on it (confirmed by a second).
      if (byEscape && !views.next.expiring) return views.next.expireSoon();
      leave();
    },
    ownsActivity() {
      return resume.owns;
    },
    resumeRoom() {
      return resume.room;
    },
    blocked(blockedRoom) {
      if (phase === 'chat' && roomId === blockedRoom) endChat('youBlocked');
    },
    restoreEnded,
    setRestrictions(next) {
      restrictions = next;
      if (next.banned && phase !== 'start') showStart();
      else refreshComposer();
    },
    lastMessageId() {
      if (phase === 'chat' && chatLive) return lastReceived;
      // Reloaded mid-chat and not back in it yet (the first try may not get it): replay it all.
      return phase === 'start' && resume.reloadedFrom === 'chat' ? 0 : undefined;
    },
  };
}
