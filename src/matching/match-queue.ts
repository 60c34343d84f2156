/**
 * The matching seam. Taking a partner (or, if nobody suitable waits, joining the queue) is one atomic
 * step, so two simultaneous joins can never take the same partner. In-memory here; Redis in cluster mode.
 */

/** Somebody waiting: the identity and the connection that asked. */
export interface QueueEntry {
  userId: string;
  socketId: string;
}

export type JoinOutcome = { kind: 'matched'; partner: QueueEntry } | { kind: 'waiting'; waitingCount: number };

export interface MatchQueue {
  /** Atomically takes the longest-waiting other user, or appends `entry` (replacing an older entry of the same user). */
  joinOrMatch(entry: QueueEntry): Promise<JoinOutcome>;
  /** Puts an entry back at the head (its match fell through). */
  requeueFront(entry: QueueEntry): Promise<void>;
  /** Removes the user's entry if it belongs to `socketId` (or any entry when omitted). True if removed. */
  remove(userId: string, socketId?: string): Promise<boolean>;
  /** Number of people waiting. */
  size(): Promise<number>;
}
