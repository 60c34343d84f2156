/**
 * Where a wait lost with the connection goes on, for the chat flow's comeback (chat-comeback.ts). A wait
 * in the queue is joined again in the queue; a wait in a private room in the same room, by its key —
 * never in the queue, where a stranger would take the place of the person who was to come. The server
 * keeps only a hash of a room's key, so the key is the one this tab keeps (private-wait.ts stores it in
 * sessionStorage): a page reloaded while waiting learns from `waiting {private}` that its wait is a private
 * one, and takes the room's key from that store; without it (storage blocked) the lost wait goes back to
 * the start, saying so.
 *
 * Said in the page's own words (the server's texts speak of a chat): a key that opens no room (NOT_FOUND
 * to a join by key), and a private wait the server closed after putting it back in its room (a block).
 */
import type { Result } from './chat-client.js';
import { privateTexts } from './private-texts.js';
import type { Toast } from './toast.js';

/** Where a wait is: the queue, a private room to create, or the private room of a key. */
export type JoinRequest = { kind: 'queue' } | { kind: 'create_private' } | { kind: 'join_private'; key: string };

/** The key of the private room this tab waits in, as the chat flow's views keep it (private-wait.ts). */
export interface PrivateKeyViews {
  /** A private room was created: its key, to share. */
  privateCreated(key: string): void;
  /** A private room is entered by its key: kept (with a created room's) for a wait lost after a reload. */
  privateEntered(key: string): void;
  /** The key of the private room this tab waits in, kept across reloads (null: none known). */
  privateKey(): string | null;
  /**
   * No wait goes on any more (the page is back at the start): what a wait kept for a reload goes. `keepKey`:
   * a private room's wait ended by something other than the person (a mute, a ban, a reload whose way back in
   * was barred): the room outlives it, so its key stays at hand in "join with a key".
   */
  waitEnded(keepKey?: boolean): void;
}

export interface PrivateRejoinDeps {
  keys: PrivateKeyViews;
  toast: Toast;
  /** The page shows a wait whose join has been answered: the wait the server's events speak of. */
  waitShown(): boolean;
  /**
   * The page, reloaded during a wait, expects the server to resume it (still on the start screen): the
   * server puts a private wait back in its room before any `waiting`, and a meeting there may close it.
   */
  resumingWait(): boolean;
  /** Joins again (the flow's join: the waiting screen, then the answer). */
  join(how: JoinRequest): void;
  /** The wait is over and nothing is left to resume: back to the start. */
  ended(): void;
}

export interface PrivateRejoin {
  /** A wait begins (before the waiting screen shows): where it is, and the key it is to keep. */
  begin(how: JoinRequest): void;
  /** The room just created answered with its key: the wait is in it from now on. */
  created(key: string): void;
  /** A join was refused: true when it is said here (a key that opens no room), false to say it as usual. */
  refused(how: JoinRequest, res: Result & { ok: false }): boolean;
  /** The server no longer holds the wait (a long drop): joined again where it was, or back to the start. */
  lost(): void;
  /** `waiting {private}`: the wait on screen is in a private room. */
  inPrivateRoom(): void;
  /** An `error` event: true when it closed the private wait on screen (then said here, and ended). */
  closed(error: { code: string }): boolean;
}

export function createPrivateRejoin(deps: PrivateRejoinDeps): PrivateRejoin {
  const { keys, toast } = deps;
  /**
   * What the current (or last) wait is for: after a reconnection that lost it, it is joined again. Null: a
   * private room whose key this tab does not have (a reload with the storage blocked) — not joined again.
   */
  let waitingFor: JoinRequest | null = { kind: 'queue' };

  return {
    begin(how) {
      // A key kept from an earlier room of one's own is never shown for another wait (whatever ended that one);
      // entering one's own room again by its key (a wait lost with the connection) is the same wait.
      const sameRoom = how.kind === 'join_private' && how.key === keys.privateKey();
      if (how.kind !== 'create_private' && !sameRoom) keys.waitEnded();
      if (how.kind === 'join_private') keys.privateEntered(how.key);
      waitingFor = how;
    },
    created(key) {
      // Lost with a connection later, the wait goes on in the same room: its creator enters it by its key.
      waitingFor = { kind: 'join_private', key };
      if (deps.waitShown()) keys.privateCreated(key);
    },
    refused(how, res) {
      // The server's NOT_FOUND text speaks of a chat: a key that opens no room is said as such.
      if (res.code !== 'NOT_FOUND' || how.kind !== 'join_private') return false;
      toast.show(privateTexts.t('privateNotFound'));
      return true;
    },
    lost() {
      if (waitingFor !== null) return deps.join(waitingFor);
      toast.show(privateTexts.t('privateWaitLost'));
      deps.ended();
    },
    inPrivateRoom() {
      // A private wait the page took for the queue's (a reload while waiting, the default): lost later, it is
      // joined again in the same room by its kept key, or not at all. (A queue join in flight is not this wait.)
      if (!deps.waitShown() || waitingFor?.kind !== 'queue') return;
      const key = keys.privateKey();
      waitingFor = key === null ? null : { kind: 'join_private', key };
    },
    closed(error) {
      // A private wait the server put back in its room after a reconnection, closed meanwhile (a block, or a
      // lasting failure): the wait is over there, so it is here too (a passing failure is not sent: the
      // server tries again). Also before the page shows it again after a reload: the room's key kept in this
      // tab says it was a private wait (a wait in the queue is never answered NOT_FOUND).
      if (error.code !== 'NOT_FOUND') return false;
      const shownPrivate = deps.waitShown() && waitingFor?.kind !== 'queue';
      if (!shownPrivate && !(deps.resumingWait() && keys.privateKey() !== null)) return false;
      toast.show(privateTexts.t('privateWaitClosed'));
      deps.ended();
      return true;
    },
  };
}
