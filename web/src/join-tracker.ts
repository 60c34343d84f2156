/**
 * Which join's answer counts. Joins are counted: only the answer to the latest one is acted on. An
 * earlier one still unanswered (cancelled, or followed by a newer join) is stale: the server handles a
 * socket's events concurrently, so a `leave_queue` sent beside it can be handled before the join took its
 * place, and the wait would outlive the cancel. So a cancelled join's answer is followed by the leave
 * instead, and a chat that cancelled wait ran into is left at once and never shown.
 */
import type { ChatClient, Result } from './chat-client.js';
import type { CreatePrivateResult, JoinPrivateResult, JoinQueueResult } from '../../src/shared/protocol.js';

/** The answer to a join of any kind: the queue, a private room created, or one entered by its key. */
export type JoinAnswer = Result<JoinQueueResult | JoinPrivateResult | CreatePrivateResult>;

/** The screen the page shows when an answer or a match comes. */
export type JoinScreen = 'start' | 'waiting' | 'chat';

/**
 * What became of a join's answer. `stale: false`: it is the latest join's, for the flow to act on.
 * `stale: true`: settled here; `open` is a chat the flow opens (a match the newer wait shares), or null.
 */
export type JoinFate = { stale: false } | { stale: true; open: number | null };

export interface JoinTracker {
  /** A join is sent: the one before it, if unanswered, becomes stale. Returns the ticket for `answered`. */
  begin(): number;
  /**
   * The person cancelled the wait: the latest join, if unanswered, becomes stale (its answer will be
   * followed by the leave). Returns whether it was unanswered — then the cancel sends no leave of its own.
   */
  cancel(): boolean;
  /**
   * The answer to the join of `ticket` came, while the page shows `screen`. A stale one superseded by a
   * newer join (the page waiting) shares the server's wait with it: a match it got is returned to open.
   * A cancelled one (the page at the start) gives up whatever it got: a chat is left, a place in the
   * queue (or a join that timed out and may have reached the server all the same) is left.
   */
  answered(ticket: number, res: JoinAnswer, screen: JoinScreen): JoinFate;
  /** Out of the queue; a `matched` meanwhile (the leave lost to a match) is for a cancelled wait. */
  leaveQueue(): Promise<Result>;
  /**
   * The latest join's answer timed out while connected: it may reach the server yet, even after the leave
   * sent now. Until the next join, a chat it runs into (a `matched` at the start) is refused.
   */
  timedOut(): void;
  /**
   * A `matched` event (`resumed`: a chat given back after a reconnection), while the page shows `screen`:
   * true when it is for a chat a cancelled wait ran into — left at once (once), never to be shown.
   */
  refusesMatch(roomId: number, screen: JoinScreen, resumed?: boolean): boolean;
  /** The latest join awaits its answer. */
  readonly joining: boolean;
}

export function createJoinTracker(client: Pick<ChatClient, 'leaveQueue' | 'leaveRoom'>): JoinTracker {
  let seq = 0;
  let joining = false;
  /** Stale joins still unanswered, and the cancel's own `leave_queue` while unanswered. */
  let cancelling = 0;
  /** Chats that a cancelled wait ran into, left at once: their `matched`, early or late, opens nothing. */
  const refusedRooms = new Set<number>();
  /** The latest join timed out (see `timedOut`); cleared by the next join. */
  let abandoned = false;

  const supersede = (): boolean => {
    const inFlight = joining;
    seq++;
    if (joining) cancelling++;
    joining = false;
    return inFlight;
  };

  const leaveQueue = (): Promise<Result> => {
    cancelling++;
    return client.leaveQueue().finally(() => cancelling--);
  };

  const refuseChat = (id: number): void => {
    if (refusedRooms.has(id)) return;
    refusedRooms.add(id);
    void client.leaveRoom();
  };

  const settleStale = (res: JoinAnswer, screen: JoinScreen): JoinFate => {
    cancelling--;
    const matched = res.ok && 'status' in res && res.status === 'matched' ? res.room_id : null;
    if (screen !== 'start') {
      const open = matched !== null && screen === 'waiting' && !refusedRooms.has(matched) ? matched : null;
      return { stale: true, open };
    }
    if (matched !== null) refuseChat(matched);
    else if (res.ok || res.code === 'TIMEOUT') void leaveQueue();
    return { stale: true, open: null };
  };

  return {
    begin() {
      supersede();
      abandoned = false;
      joining = true;
      return seq;
    },
    cancel: supersede,
    answered(ticket, res, screen) {
      if (ticket !== seq) return settleStale(res, screen);
      joining = false;
      return { stale: false };
    },
    leaveQueue,
    timedOut() {
      abandoned = true;
      void leaveQueue();
    },
    refusesMatch(roomId, screen, resumed = false) {
      if (refusedRooms.has(roomId)) return true;
      // A match made for a wait the person has just cancelled (its join or leave still unanswered), or for a
      // join whose answer timed out (it reached the server after the leave).
      if (!resumed && screen === 'start' && (cancelling > 0 || abandoned)) {
        refuseChat(roomId);
        return true;
      }
      return false;
    },
    get joining() {
      return joining;
    },
  };
}
