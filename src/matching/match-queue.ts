/**
 * The matching seam. Taking a partner (or, if nobody suitable waits, joining the queue) is one atomic
 * step, so two simultaneous joins can never take the same partner. In-memory here; Redis in cluster mode.
 *
 * The queue is a fast index of who may be matched; the activity registry is the truth. Whoever takes a
 * partner confirms it with a compare-and-set on the partner's activity, so an entry left behind by a race
 * is skipped when taken, never matched.
 *
 * Interests: an entry may carry up to 10 normalised interests and the time from which it is matched with
 * anyone (`fallbackAtMs`). Until then it is only taken by, and only takes, somebody sharing at least one
 * interest; among those, the one sharing the most wins (ties: the longest waiting). An entry without
 * interests, or past its fallback time, is "open": it is matched with any other open entry, longest
 * waiting first. Implementations read the time from the Clock they were given, never from the entry.
 */

/** Somebody waiting: the identity and the connection that asked. */
export interface QueueEntry {
  userId: string;
  socketId: string;
  /**
   * People this one must never be matched with (blocked, or blocked by), when joining. Not kept in the
   * queue: blocks are symmetric, so the joiner's own list is enough to skip them — once the joiner's
   * instance knows the block (until then, `keepApart`).
   */
  avoid?: readonly string[];
  /** Normalised interests (src/shared/interests.ts), at most 10. None: matched with anyone at once. */
  interests?: readonly string[];
  /**
   * With interests: when (epoch ms) the entry starts being matched with anyone — the end of its wait for
   * a shared interest. At or before now (or absent): with anyone already (the wait ended, or was widened).
   */
  fallbackAtMs?: number;
}

/** An entry taken from the queue, with its place (lower `seq` = waiting longer), to put it back there. */
export interface QueuedEntry extends QueueEntry {
  seq: number;
}

export type JoinOutcome = { kind: 'matched'; partner: QueuedEntry } | { kind: 'waiting'; waitingCount: number };

export interface MatchQueue {
  /**
   * Atomically takes the best other user who is not paused nor in `entry.avoid` — the one sharing the
   * most interests, else (both open) the longest-waiting open one — or, nobody suitable, queues `entry`.
   * A user already queued keeps their place (and is no longer paused), with the entry's interests and
   * fallback time. `waitingCount` is the number of other people queued.
   */
  joinOrMatch(entry: QueueEntry): Promise<JoinOutcome>;
  /**
   * The same choice for somebody who is queued already (their fallback time has come, or they widened
   * their search): undefined, and nothing done, if they are no longer queued (taken meanwhile), so a
   * timer firing late can never queue or match anybody twice.
   */
  matchQueued(entry: QueueEntry): Promise<JoinOutcome | undefined>;
  /** Queues `entry` (with its interests) without matching: a user already queued keeps their place. */
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
  /**
   * For `forMs` from now, never pairs these two with each other, whichever of them joins and wherever: a
   * new block holds in the queue itself while the instances' caches (the joiners' `avoid` lists) learn
   * of it.
   */
  keepApart(a: string, b: string, forMs: number): Promise<void>;
  /** Whether `keepApart` holds for these two now (private rooms and keep-in-touch ask it too). */
  isKeptApart(a: string, b: string): Promise<boolean>;
}
