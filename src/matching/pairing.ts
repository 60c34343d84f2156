/** Pairing rules as pure functions, shared by every MatchQueue implementation. */
import type { QueueEntry } from './match-queue.js';

/** Whether two queue entries may be paired: never a user with themself. */
export function canPair(a: QueueEntry, b: QueueEntry): boolean {
  return a.userId !== b.userId;
}

/** The one key of a pair of users, whichever order they come in (ids never contain a newline). */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/** Whether an entry is matched with anyone at `nowMs`: it has no interests, or its wait for a shared one is over. */
export function isOpen(entry: QueueEntry, nowMs: number): boolean {
  return !entry.interests?.length || (entry.fallbackAtMs ?? 0) <= nowMs;
}

/**
 * Most waiting people looked at per interest of a joiner (the longest-waiting ones with that interest):
 * the best overlap is searched among them, which bounds a join's cost however many share a popular tag.
 */
export const CANDIDATES_PER_INTEREST = 200;

/** Most open entries a join looks at (paused or avoided ones are skipped) before it waits instead. */
export const MAX_OPEN_SCAN = 1_000;
