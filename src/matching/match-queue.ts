/**
 * The matching seam. Taking a partner (or, if nobody suitable waits, joining the queue) is one atomic
 * step, so two simultaneous joins can never take the same partner. In-memory here; Redis in cluster mode.
 *
 * The queue is a fast index of who may be matched; the activity registry is the truth. Whoever takes a
 * partner confirms it with a compare-and-set on the partner's activity, so an entry left behind by a race
 * is skipped when taken, never matched.
 */

/** Somebody waiting: the identity and the connection that asked. */
export interface QueueEntry {
  userId: string;
  socketId: string;
  /**
   * People this one must never be matched with (blocked, or blocked by), when joining. Not kept in the
   * queue: blocks are symmetric, so the joiner's own list is enough to skip them.
   */
  avoid?: readonly string[];
}

/** An entry taken from the queue, with its place (lower `seq` = waiting longer), to put it back there. */
export interface QueuedEntry extends QueueEntry {
  seq: number;
}

export type JoinOutcome = { kind: 'matched'; partner: QueuedEntry } | { kind: 'waiting'; waitingCount: number };

export interface MatchQueue {
  /**
   * Atomically takes the longest-waiting other user who is not paused nor in `entry.avoid`, or — nobody suitable — queues
   * `entry`. A user already queued keeps their place (and is no longer paused). `waitingCount` is the
   * number of other people queued.
   */
  joinOrMatch(entry: QueueEntry): Promise<JoinOutcome>;
  /** Queues `entry` without matching: a user already queued keeps their place. */
  enqueue(entry: QueueEntry): Promise<void>;
  /** Puts a taken entry back at its place (its match fell through), unless that user is queued again already. */
  requeue(entry: QueuedEntry): Promise<void>;
  /**
   * Keeps a queued user's place but skips them when matching, until their next `joinOrMatch` (a waiting
   * person whose connection dropped is nobody's partner until they are back). False if not queued.
   */
  pause(userId: string): Promise<boolean>;
  /** Removes the user's entry if it belongs to `socketId` (or any entry when omitted). True if removed. */
  remove(userId: string, socketId?: string): Promise<boolean>;
  /** Number of people queued (paused ones included). */
  size(): Promise<number>;
}
