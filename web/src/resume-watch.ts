/**
 * Getting back into a chat or wait after a lost connection or a reload. After a `session` that says
 * "chatting" or "waiting", the server resumes that activity on this connection with `matched` /
 * `waiting` at once — unless another connection of the identity still holds it: another tab (not this
 * page's business), or this page's own previous connection, which the server has not finished letting go
 * of (a reload that beat the server's handling of the old connection's close, or a network switch it has
 * not noticed yet). Then reconnecting a little later gets it back; after a while the page gives up.
 *
 * Which tab was in a chat or wait is kept in sessionStorage (per tab, survives a reload), so a reloaded
 * page knows the activity is its own and another tab's page does not.
 */

/** After a `session` that says "chatting" or "waiting", `matched` / `waiting` follows at once. */
const RESUME_WAIT_MS = 3000;
/**
 * How long to keep reconnecting while the server still credits the activity to a previous connection
 * (up to its ping interval + timeout, 25 s by default) before giving it up.
 */
const RESUME_GIVE_UP_MS = 60_000;

export type TabActivity = 'chat' | 'waiting';
const STORAGE_KEY = 'activity';
/** The chat's room, with `chat`: a tab coming back asks for that chat only, not whatever the identity does now. */
const ROOM_KEY = 'activityRoom';

export interface ResumeWatchOptions {
  /** Whether the page is (or, after a reload, was) in a chat or wait of its own. */
  busy(): boolean;
  /** Reconnect, so the server can hand the activity over. */
  retry(): void;
  /** Nothing came back in time. */
  giveUp(): void;
}

export interface ResumeWatch {
  /** The connection was lost. */
  lost(): void;
  /** A `session` said the identity is chatting or waiting: its `matched` / `waiting` should follow. */
  expect(): void;
  /** The page is back in its activity, or the session said there is none. */
  settled(): void;
  /** Between a `session` that announced an activity and its `matched` / `waiting`. */
  readonly expecting: boolean;
  /** What this tab was doing before the page was (re)loaded, if anything. */
  readonly reloadedFrom: TabActivity | null;
  /** Remembers what this tab is doing, for a reload. */
  remember(activity: TabActivity | null, roomId?: number): void;
  /** The chat this tab is (or was, before a reload or a drop) in, if it is a chat. */
  readonly room: number | undefined;
  /** Whether this tab is (or was, before a reload or a drop) in a chat or wait of its own. */
  readonly owns: boolean;
}

function recall(): TabActivity | null {
  try {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    return saved === 'chat' || saved === 'waiting' ? saved : null;
  } catch {
    return null; // storage blocked: a reload then starts afresh, as before
  }
}

export function createResumeWatch(options: ResumeWatchOptions): ResumeWatch {
  let reloadedFrom = recall();
  /** Since when the page has been out of its activity (a page load counts as a loss after a reload). */
  let lostAt: number | null = reloadedFrom === null ? null : Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stopTimer = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };

  return {
    lost() {
      lostAt ??= Date.now();
    },
    expect() {
      stopTimer();
      timer = setTimeout(() => {
        timer = undefined;
        if (lostAt === null || !options.busy()) return; // another tab's activity
        if (Date.now() - lostAt < RESUME_GIVE_UP_MS) return options.retry();
        lostAt = null;
        reloadedFrom = null;
        options.giveUp();
      }, RESUME_WAIT_MS);
    },
    settled() {
      stopTimer();
      lostAt = null;
      reloadedFrom = null;
    },
    get expecting() {
      return timer !== undefined;
    },
    get reloadedFrom() {
      return reloadedFrom;
    },
    get owns() {
      return recall() !== null;
    },
    get room() {
      try {
        const saved = Number(sessionStorage.getItem(ROOM_KEY));
        return recall() === 'chat' && Number.isSafeInteger(saved) && saved > 0 ? saved : undefined;
      } catch {
        return undefined;
      }
    },
    remember(activity, roomId) {
      try {
        if (activity === null) sessionStorage.removeItem(STORAGE_KEY);
        else sessionStorage.setItem(STORAGE_KEY, activity);
        if (activity === 'chat' && roomId !== undefined) sessionStorage.setItem(ROOM_KEY, String(roomId));
        else sessionStorage.removeItem(ROOM_KEY);
      } catch {
        // Not kept; only a reload mid-chat is affected.
      }
    },
  };
}
