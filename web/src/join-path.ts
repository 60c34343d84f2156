/**
 * Joining, for the chat flow (chat-flow.ts): a wait in the queue (with the person's interests, every time:
 * New too), in a private room created for it, or in the private room of a key — and what the answer says.
 * Only the latest join's answer is acted on; a cancelled one's is followed by the leave (join-tracker.ts).
 *
 * The door: a join answered RULES_NOT_ACCEPTED goes back to the start, where the rules gate asks; one
 * answered RATE_LIMITED (skipping too fast) waits the pause out on the waiting screen and tries once more;
 * any other refusal (a key that opens nothing, too many tries) is said, and the page is back at the start.
 * Which key a private wait keeps, and where a lost wait is joined again, are private-rejoin.ts's.
 */
import type { ChatClient, Result } from './chat-client.js';
import { errorText } from './i18n.js';
import type { JoinAnswer, JoinScreen, JoinTracker } from './join-tracker.js';
import type { JoinRequest, PrivateRejoin } from './private-rejoin.js';
import type { SkipWait } from './skip-wait.js';
import type { Toast } from './toast.js';

/** What a join shows and tells, of the chat flow's views. */
export interface JoinViews {
  /** A request was refused because of a sanction. */
  sanctioned(code: 'BANNED' | 'MUTED'): void;
  /** Says a join not made while muted: the press would otherwise do nothing to see. */
  toast: Pick<Toast, 'show'>;
  /** A join was refused until the rules are accepted (the start screen is showing). */
  rulesRequired(): void;
  /** The countdown of a join put off for skipping too fast. */
  skipWait: SkipWait;
  /** The interests to join the queue with (read at every join). */
  interests(): string[];
}

export interface JoinPathDeps {
  client: Pick<ChatClient, 'connected' | 'joinQueue' | 'createPrivate' | 'joinPrivate'>;
  views: JoinViews;
  joins: JoinTracker;
  rejoin: Pick<PrivateRejoin, 'begin' | 'refused' | 'created'>;
  /** The screen the page shows at the moment asked. */
  screen(): JoinScreen;
  /** A ban forbids joining (the ban notice says why). */
  banned(): boolean;
  /** So does a mute (its banner and the start screen's line say so, until when). */
  muted(): boolean;
  /** A new wait begins on the waiting screen. */
  showWaiting(): void;
  /** Back at the start: no wait goes on. */
  showStart(): void;
  /** The wait ran into a chat (its `matched` event may have opened it already). */
  matched(roomId: number): void;
  /** How many wait in the queue. */
  counted(waiting: number): void;
  /** The server holds no place for this tab now: nothing to resume after a reload. */
  forget(): void;
  /** A refusal said to the person (a sanction's notice, or a toast). */
  fail(res: Result & { ok: false }): void;
}

export interface JoinPath {
  /**
   * Waits where `how` says (the queue by default): the waiting screen, then what the answer says. Resolves
   * true when the join was refused and the page went back to the start for it (a key that opens nothing),
   * where the field that made the request can take the focus back.
   */
  join(how?: JoinRequest): Promise<boolean>;
  /** The person cancelled the wait on screen: back at the start, and out of the queue. */
  cancel(): void;
}

export function createJoinPath(deps: JoinPathDeps): JoinPath {
  const { client, views, joins, rejoin } = deps;

  const request = (how: JoinRequest): Promise<JoinAnswer> => {
    if (how.kind === 'create_private') return client.createPrivate();
    if (how.kind === 'join_private') return client.joinPrivate(how.key);
    return client.joinQueue(views.interests());
  };

  /** `again`: the one retry after a pause for skipping too fast (refused again, it is not put off twice). */
  const join = async (how: JoinRequest = { kind: 'queue' }, again = false): Promise<boolean> => {
    if (deps.banned()) {
      views.sanctioned('BANNED');
      return false;
    }
    // Refused by the server anyway: the screen stays (an ended chat on it keeps its Report, Save, receipt),
    // and the press is answered (New on the Next button, or Escape, is not disabled).
    if (deps.muted()) {
      views.sanctioned('MUTED');
      views.toast.show(errorText({ code: 'MUTED', message: '' }));
      return false;
    }
    rejoin.begin(how);
    deps.showWaiting();
    const ticket = joins.begin();
    const res = await request(how);
    const fate = joins.answered(ticket, res, deps.screen());
    if (fate.stale) {
      // A newer wait's match (same connection, same wait on the server); a cancelled wait's is left.
      if (fate.open !== null) deps.matched(fate.open);
      return false;
    }
    if (!res.ok) {
      if (res.code === 'TIMEOUT') {
        // Lost with the connection: the `session` after reconnecting says whether the server got it.
        if (!client.connected) return false;
        // Only the answer is late: the join may have reached the server all the same, and its wait
        // would open a chat out of nowhere later. Left, and what it still runs into refused (join-tracker.ts).
        joins.timedOut();
      }
      if (res.code === 'RULES_NOT_ACCEPTED') {
        if (deps.screen() === 'waiting') deps.showStart();
        views.rulesRequired();
        return false;
      }
      const pauseMs = res.code === 'RATE_LIMITED' ? (res.retry_after_ms ?? 0) : 0;
      if (pauseMs > 0 && !again && deps.screen() === 'waiting' && how.kind === 'queue') {
        // The server holds no place in the queue meanwhile: nothing to resume after a reload.
        deps.forget();
        views.skipWait.start(pauseMs, () => {
          if (deps.screen() === 'waiting') void join(how, true);
        });
        return false;
      }
      if (!rejoin.refused(how, res)) deps.fail(res);
      if (deps.screen() !== 'waiting') return false;
      deps.showStart();
      return true;
    } else if ('key' in res) {
      rejoin.created(res.key);
    } else if (res.status === 'matched') {
      deps.matched(res.room_id);
    } else if ('waiting_count' in res) {
      deps.counted(res.waiting_count);
    }
    return false;
  };

  return {
    join: (how) => join(how),
    cancel() {
      if (deps.screen() !== 'waiting') return;
      const queued = !views.skipWait.running;
      const inFlight = joins.cancel();
      deps.showStart();
      // A join in flight is left once it is answered (join-tracker.ts); during a pause, nothing is queued.
      if (inFlight || !queued) return;
      void joins.leaveQueue().then((res) => {
        if (!res.ok) deps.fail(res);
      });
    },
  };
}
