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
 * the whole conversation replayed: it is inserted quietly (message-list.ts), not read out again.
 *
 * Sanctions (shown by sanction-notices.ts) restrict it: no joining while banned (the server has ended
 * the chat or wait), no sending while muted; a BANNED or MUTED answer shows the notice.
 *
 * Leaving is the Next button's cycle (next-cycle.ts): Leave → Really? → the chat ends on screen → New,
 * straight back into the queue. Typing is told to the partner (typing-signal.ts) and the partner's shown
 * (typing-indicator.ts) only while the chat goes on.
 *
 * The door: a join answered RULES_NOT_ACCEPTED goes back to the start, where the rules gate asks; one
 * answered RATE_LIMITED (skipping too fast) waits the pause out on the waiting screen and tries once
 * more; a message refused for its content (BLOCKED_CONTENT) goes back into the input, to be edited.
 *
 * A wait is in the queue (with the person's interests, every time: New too) or in a private room — one
 * just created, whose key the waiting screen shows, or one entered by its key. A key that opens nothing
 * (NOT_FOUND) or too many tries (RATE_LIMITED) are said, and the page is back at the start. A private
 * wait lost with the connection is joined again in the same room, by its key — never in the queue: a
 * page reloaded while waiting learns the room from `waiting {private}` and the key from this tab's
 * storage, and without the key it goes back to the start, saying so.
 */
import type { ChatClient, Result } from './chat-client.js';
import type { Composer } from './composer.js';
import { createEarlyGoodbyes } from './early-goodbye.js';
import { errorText, t, type TextKey } from './i18n.js';
import { createJoinTracker, type JoinAnswer } from './join-tracker.js';
import type { MessageList } from './message-list.js';
import type { NextCycle } from './next-cycle.js';
import { createPartnerCountdown } from './partner-countdown.js';
import { privateTexts } from './private-texts.js';
import { createResumeWatch } from './resume-watch.js';
import { createSendPath } from './send-path.js';
import type { Screens } from './screens.js';
import type { SkipWait } from './skip-wait.js';
import type { Toast } from './toast.js';
import type { TypingIndicator } from './typing-indicator.js';
import type { TypingSignal } from './typing-signal.js';
import type { ChatState } from './safety-actions.js';
import type { Restrictions } from './sanction-notices.js';
import type { EndReason } from '../../src/shared/protocol.js';

export interface ChatFlowViews {
  screens: Screens;
  messages: MessageList;
  composer: Composer;
  toast: Toast;
  myId: HTMLElement;
  waitingCount: HTMLElement;
  /** Shown once the conversation has ended, with the new-chat button. */
  endedBar: HTMLElement;
  /**
   * The ended bar's note ("the chat has ended"): the focus goes there when the chat ends while it is in the
   * input bar — not to New, which the next Space or Enter of a sentence being typed would press.
   */
  endedNote: HTMLElement;
  /**
   * Runs a change of the chat screen that may hide what has the focus (the end of a chat hides the header's
   * Keep in touch, Save, Report and Block): if it did, the focus goes to the ended note, not to the page's body.
   */
  keepingFocus(change: () => void): void;
  /** The Next button: Leave → Really? while chatting, New once the chat has ended. */
  next: NextCycle;
  /** Tells the partner when this person types. */
  typing: TypingSignal;
  /** Shows when the partner types. */
  typingIndicator: TypingIndicator;
  /** The partner wrote, or a match came: counted in the title while the page is hidden. */
  arrived(): void;
  /** The chat on screen changed (null: none), for Report and Block. */
  chatChanged(state: ChatState | null): void;
  /** A request was refused because of a sanction. */
  sanctioned(code: 'BANNED' | 'MUTED'): void;
  /** A join was refused until the rules are accepted (the start screen is showing). */
  rulesRequired(): void;
  /** The countdown of a join put off for skipping too fast. */
  skipWait: SkipWait;
  /** The interests to join the queue with (read at every join). */
  interests(): string[];
  /** A new wait begins: what the waiting screen showed for the previous one goes. */
  waitingShown(): void;
  /** A private room was created: its key, to share. */
  privateCreated(key: string): void;
  /** A private room is entered by its key: kept (with a created room's) for a wait lost after a reload. */
  privateEntered(key: string): void;
  /** The key of the private room this tab waits in, kept across reloads (null: none known). */
  privateKey(): string | null;
  /** No wait goes on any more (the page is back at the start): what a wait kept for a reload goes. */
  waitEnded(): void;
}

/** Where a wait is: the queue, a private room to create, or the private room of a key. */
export type JoinRequest = { kind: 'queue' } | { kind: 'create_private' } | { kind: 'join_private'; key: string };

export interface ChatFlow {
  start(): void;
  /**
   * Sends a text the composer has already checked (not blank, not too long); `piiConfirmed`: after the
   * warning about contact details.
   */
  send(text: string, piiConfirmed?: boolean): void;
  /** The user changed the text in the input. */
  edited(): void;
  cancel(): void;
  /** Creates a private room and waits in it. */
  createPrivate(): void;
  /** Enters the private room of a key. */
  joinPrivate(key: string): void;
  /** Presses the Next button (or Escape): Leave → Really? → leaves; once the chat has ended, New. */
  next(): void;
  newChat(): void;
  /** From a chat that has ended, back to the start screen. */
  home(): void;
  /**
   * Highest message id the server has sent in the live chat (0 if none), undefined when not in one: for the
   * handshake, which resumes after it.
   */
  lastMessageId(): number | undefined;
  /** Whether this tab holds (or held, before a reload or drop) a chat or wait: the handshake asks to take it over. */
  ownsActivity(): boolean;
  /** The chat this tab holds (kept across reloads), for the handshake's `resume_room`. */
  resumeRoom(): number | undefined;
  /** The person blocked the partner of `roomId`: if that chat is going on, it is over (as after leaving). */
  blocked(roomId: number): void;
  /** What sanctions forbid now; a ban sends the page back to the start (the server ended the chat or wait). */
  setRestrictions(restrictions: Restrictions): void;
}

const END_TEXT: Record<EndReason, TextKey> = {
  left: 'partnerLeft',
  disconnected: 'partnerDisconnected',
  server_shutdown: 'serverShutdown',
  server_restart: 'serverShutdown',
  // Never sent to the partner (who sees `left`), but part of the closed set.
  blocked: 'partnerLeft',
  banned: 'partnerLeft',
};

function setText(el: HTMLElement, key: TextKey, n?: number): void {
  el.dataset['i18n'] = key;
  if (n === undefined) delete el.dataset['i18nN'];
  else el.dataset['i18nN'] = String(n);
  el.textContent = t(key, { n });
}

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
    setText(views.waitingCount, 'waitingCount', count);
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
      if (room !== null) views.chatChanged({ roomId: room, live: false });
    });
    // After the bar has taken its space, so the notice scrolls into view above it.
    messages.addSystem(key);
  };

  /** Only the latest join's answer is acted on; a cancelled one's is followed by the leave (join-tracker.ts). */
  const joins = createJoinTracker(client);
  /**
   * What the current (or last) wait is for: after a reconnection that lost it, it is joined again. Null: a
   * private room whose key this tab does not have (a reload with the storage blocked) — not joined again.
   */
  let waitingFor: JoinRequest | null = { kind: 'queue' };
  const request = (how: JoinRequest): Promise<JoinAnswer> => {
    if (how.kind === 'create_private') return client.createPrivate();
    if (how.kind === 'join_private') return client.joinPrivate(how.key);
    return client.joinQueue(views.interests());
  };

  /** A join answered `matched` (its `matched` event may have opened the chat already). */
  const joinMatched = (id: number): void => {
    if (phase !== 'chat' || roomId !== id) openChat(id, 'matched');
    early.opened(id);
  };

  /** `again`: the one retry after a pause for skipping too fast (refused again, it is not put off twice). */
  const join = async (how: JoinRequest = { kind: 'queue' }, again = false): Promise<void> => {
    if (restrictions.banned) return views.sanctioned('BANNED');
    // A key kept from an earlier room of one's own is never shown for another wait (whatever ended that one);
    // entering one's own room again by its key (a wait lost with the connection) is the same wait.
    const sameRoom = how.kind === 'join_private' && how.key === views.privateKey();
    if (how.kind !== 'create_private' && !sameRoom) views.waitEnded();
    if (how.kind === 'join_private') views.privateEntered(how.key);
    showWaiting();
    const ticket = joins.begin();
    waitingFor = how;
    const res = await request(how);
    const fate = joins.answered(ticket, res, phase);
    if (fate.stale) {
      // A newer wait's match (same connection, same wait on the server); a cancelled wait's is left.
      if (fate.open !== null) joinMatched(fate.open);
      return;
    }
    if (!res.ok) {
      if (res.code === 'TIMEOUT') {
        // Lost with the connection: the `session` after reconnecting says whether the server got it.
        if (!client.connected) return;
        // Only the answer is late: the join may have reached the server all the same, and its wait
        // would open a chat out of nowhere later. Left, and what it still runs into refused (join-tracker.ts).
        joins.timedOut();
      }
      if (res.code === 'RULES_NOT_ACCEPTED') {
        if (phase === 'waiting') showStart();
        return views.rulesRequired();
      }
      const pauseMs = res.code === 'RATE_LIMITED' ? (res.retry_after_ms ?? 0) : 0;
      if (pauseMs > 0 && !again && phase === 'waiting' && how.kind === 'queue') {
        // The server holds no place in the queue meanwhile: nothing to resume after a reload.
        resume.remember(null);
        return views.skipWait.start(pauseMs, () => {
          if (phase === 'waiting') void join(how, true);
        });
      }
      // A key opens no room: said as such (the server's text speaks of a chat).
      if (res.code === 'NOT_FOUND' && how.kind === 'join_private') toast.show(privateTexts.t('privateNotFound'));
      else fail(res);
      if (phase === 'waiting') showStart();
    } else if ('key' in res) {
      // Lost with a connection later, the wait goes on in the same room: its creator enters it by its key.
      waitingFor = { kind: 'join_private', key: res.key };
      if (phase === 'waiting') views.privateCreated(res.key);
    } else if (res.status === 'matched') {
      joinMatched(res.room_id);
    } else if ('waiting_count' in res) {
      showWaitingCount(res.waiting_count);
    }
  };

  /** A wait lost with the connection: joined again where it was — a private room without its key is not. */
  const rejoin = (how: JoinRequest | null): void => {
    if (how !== null) return void join(how);
    toast.show(privateTexts.t('privateWaitLost'));
    showStart();
  };

  client.on('session', ({ user_id, status }) => {
    myUserId = user_id;
    views.myId.textContent = user_id;
    if (status !== 'idle') return resume.expect();
    const reloadedFrom = resume.reloadedFrom;
    resume.settled();
    // Nothing to resume: the chat ended while the page was away, or the place in the queue lapsed.
    if (phase === 'chat' && chatLive) endChat('chatEndedWhileAway');
    else if (phase === 'waiting' && !joins.joining && !views.skipWait.running) rejoin(waitingFor);
    else if (phase === 'start' && reloadedFrom !== null) {
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
    if (!inPrivateRoom) return showWaitingCount(waiting_count);
    // A private wait the page took for the queue's (a reload while waiting, the default): lost later, it is
    // joined again in the same room by its kept key, or not at all. (A queue join in flight is not this wait.)
    if (phase === 'waiting' && !joins.joining && waitingFor?.kind === 'queue') {
      const key = views.privateKey();
      waitingFor = key === null ? null : { kind: 'join_private', key };
    }
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
  client.on('left_room', ({ room_id }) =>
    early.route(room_id, shownRoom(), () => {
      if (phase !== 'chat' || !chatLive) return;
      // Left with the Next button: the chat ends on screen (save it, report, or press New). Otherwise (a
      // block) back to the start.
      if (leaving) endChat('youLeft');
      else showStart();
    }),
  );
  client.on('error', (error) => {
    const privateWaitClosed = error.code === 'NOT_FOUND' && phase === 'waiting' && !joins.joining && waitingFor?.kind !== 'queue';
    // The server's NOT_FOUND text speaks of a chat; a private wait's end is said in the page's own words.
    toast.show(privateWaitClosed ? privateTexts.t('privateWaitClosed') : errorText(error));
    // A private wait the server put back in its room after a reconnection, closed meanwhile (a block): the
    // wait is over there, so it is here too (a passing failure is not sent: the server tries again).
    if (privateWaitClosed) {
      resume.settled();
      return showStart();
    }
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
    start: () => void join(),
    newChat: () => void join(),
    home() {
      if (phase === 'chat' && !chatLive) showStart();
    },
    createPrivate: () => void join({ kind: 'create_private' }),
    joinPrivate: (key) => void join({ kind: 'join_private', key }),
    send: (text, piiConfirmed = false) => void sending.send(text, piiConfirmed),
    edited() {
      refreshComposer();
      if (phase === 'chat' && chatLive && linked) views.typing.edited(composer.text());
    },
    cancel() {
      if (phase !== 'waiting') return;
      const queued = !views.skipWait.running;
      const inFlight = joins.cancel();
      showStart();
      // A join in flight is left once it is answered (join-tracker.ts); during a pause, nothing is queued.
      if (inFlight || !queued) return;
      void joins.leaveQueue().then((res) => {
        if (!res.ok) fail(res);
      });
    },
    next() {
      if (phase !== 'chat' || leaving) return;
      if (!chatLive) return void join();
      if (views.next.step === 'leave') return views.next.set('confirm');
      leave();
    },
    ownsActivity() {
      return resume.owns;
    },
    resumeRoom() {
      return resume.room;
    },
    blocked(blockedRoom) {
      if (phase === 'chat' && chatLive && roomId === blockedRoom) showStart();
    },
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
