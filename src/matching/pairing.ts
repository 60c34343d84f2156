/** Pairing rules as pure functions, shared by every MatchQueue implementation. */
import type { QueueEntry } from './match-queue.js';

/** Whether two queue entries may be paired: never a user with themself. */
export function canPair(a: QueueEntry, b: QueueEntry): boolean {
  return a.userId !== b.userId;
}
