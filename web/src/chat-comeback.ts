/**
 * How a chat or wait comes back, for the chat flow (chat-flow.ts): when, from the flow's state — the
 * screens (chat-screens.ts) show it. Three ways:
 *
 * - Resumed. A lost connection does not end anything: the server keeps the chat for a grace period, the
 *   page keeps it on screen with sending paused (the input keeps the focus and what is typed), and on
 *   return its `session` says whether the chat (or the wait) is still on; `matched {resumed}` / `waiting`
 *   then put it back where it was (the flow opens or resumes the chat) — tried again while the server
 *   still credits it to the page's previous connection, given up after a while (resume-watch.ts: the
 *   flow's watch). A page reloaded mid-chat gets the whole conversation replayed: it is inserted quietly
 *   (message-list.ts), not read out again.
 * - Joined again. A wait the server no longer holds is joined again where it was — a private one in its
 *   room, by the key this tab keeps, never in the queue (private-rejoin.ts); so is a private room's wait
 *   that lapsed while a reloaded page was away.
 * - Restored. A page reloaded on a chat that had ended gets nothing from the server; the tab kept it
 *   (ended-restore.ts) and it shows again, ended — only from the start screen with nothing under way.
 */
import type { ChatFlow, ChatFlowViews } from './chat-flow-types.js';
import type { ChatScreens } from './chat-screens.js';
import type { FlowState } from './flow-state.js';
import { t } from './i18n.js';
import type { JoinTracker } from './join-tracker.js';
import { createPrivateRejoin, type JoinRequest, type PrivateKeyViews, type PrivateRejoin } from './private-rejoin.js';
import type { ResumeWatch } from './resume-watch.js';
import type { SessionPayload } from '../../src/shared/protocol.js';

export interface ComebackDeps {
  views: PrivateKeyViews & Pick<ChatFlowViews, 'toast' | 'skipWait' | 'endedAway'>;
  /** The flow's state: only read here (the flow and its screens change it). */
  state: Readonly<FlowState>;
  /** The flow's resume watch (resume-watch.ts): what is being resumed, or was before a reload. */
  resume: Pick<ResumeWatch, 'expect' | 'settled' | 'expecting' | 'reloadedFrom' | 'room' | 'remember'>;
  /** Whether a join is still unanswered. */
  joins: Pick<JoinTracker, 'joining'>;
  screens: Pick<ChatScreens, 'showStart' | 'showWaiting' | 'endChat' | 'showEnded'>;
  /** Joins again (the flow's join: the waiting screen, then the answer). */
  join(how: JoinRequest): void;
}

export interface Comeback {
  /** Where a lost wait is joined again, and the private room's key kept for it: for joining (join-path.ts). */
  readonly rejoin: PrivateRejoin;
  /** The `session` of a new connection: the activity it says is on is awaited; none, and what lapsed is dealt with. */
  session(session: Pick<SessionPayload, 'status' | 'rules_required'>): void;
  /** A `waiting`: a wait being resumed is back (shown, if the page was not showing it); `inPrivateRoom`: where it is. */
  waiting(inPrivateRoom: boolean): void;
  /** An `error` event: true when it closed the private wait on screen (said, and over: private-rejoin.ts). */
  closed(error: { code: string }): boolean;
  /** Another tab or window of this identity took the chat or wait over: this one lets go. */
  continuedElsewhere(): void;
  restoreEnded: ChatFlow['restoreEnded'];
  lastMessageId: ChatFlow['lastMessageId'];
}

export function createComeback(deps: ComebackDeps): Comeback {
  const { views, state, resume, joins, screens } = deps;
  const { toast } = views;

  const rejoin = createPrivateRejoin({
    keys: views,
    toast,
    waitShown: () => state.phase === 'waiting' && !joins.joining,
    resumingWait: () => state.phase === 'start' && resume.expecting && resume.reloadedFrom === 'waiting',
    join: (how) => deps.join(how),
    // Nothing is left to resume (the watch may still expect the wait back after a reconnection).
    ended() {
      resume.settled();
      screens.showStart();
    },
  });

  return {
    rejoin,
    session({ status, rules_required: rulesRequired }) {
      if (status !== 'idle') return resume.expect();
      const reloadedFrom = resume.reloadedFrom;
      resume.settled();
      // Nothing to resume: the chat ended while the page was away, or the place in the queue lapsed.
      if (state.phase === 'chat' && state.chatLive) screens.endChat('chatEndedWhileAway');
      else if (state.phase === 'waiting' && !joins.joining && !views.skipWait.running) rejoin.lost();
      else if (state.phase === 'start' && reloadedFrom !== null) {
        // A private room's wait that lapsed while the page was away (a reload or a return after the close
        // grace): the room is entered again by the key this tab kept — the person it was shared with may
        // still come. A wait in the queue is not (its place is gone; a new one is a Start away).
        const key = reloadedFrom === 'waiting' ? views.privateKey() : null;
        // (Not while the rules must be accepted again, nor while muted: that join would be refused, and the key let go.)
        if (key !== null && !state.restrictions.banned && !state.restrictions.muted && rulesRequired === undefined) return deps.join({ kind: 'join_private', key });
        if (reloadedFrom === 'chat' && resume.room !== undefined) views.endedAway(resume.room);
        resume.remember(null);
        // A key not used (barred for now) stays at hand for later.
        views.waitEnded(key !== null);
        if (reloadedFrom === 'chat') toast.show(t('chatEndedWhileAway'));
      }
    },
    waiting(inPrivateRoom) {
      if (resume.expecting) {
        resume.settled();
        if (state.phase !== 'waiting') screens.showWaiting(); // e.g. a page reloaded while waiting
      }
      if (inPrivateRoom) rejoin.inPrivateRoom();
    },
    closed: (error) => rejoin.closed(error),
    continuedElsewhere() {
      // Forgotten, so the page reconnects without taking it back.
      resume.settled();
      if (state.phase === 'chat') screens.endChat('continuedElsewhere');
      else if (state.phase === 'waiting') screens.showStart();
      resume.remember(null);
    },
    restoreEnded(chat) {
      if (state.phase !== 'start' || joins.joining || resume.expecting || state.restrictions.banned) return false;
      screens.showEnded(chat);
      return true;
    },
    lastMessageId() {
      if (state.phase === 'chat' && state.chatLive) return state.lastReceived;
      // Reloaded mid-chat and not back in it yet (the first try may not get it): replay it all.
      return state.phase === 'start' && resume.reloadedFrom === 'chat' ? 0 : undefined;
    },
  };
}
