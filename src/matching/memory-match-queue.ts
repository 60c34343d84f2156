import type { JoinOutcome, MatchQueue, QueueEntry } from './match-queue.js';
import { canPair } from './pairing.js';

/**
 * One-process queue. A Map keeps insertion order (FIFO) and finds a user's entry in O(1). Every method
 * runs to completion without awaiting, which makes each one atomic in Node's single thread.
 */
export class MemoryMatchQueue implements MatchQueue {
  private readonly waiting = new Map<string, QueueEntry>();

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    this.waiting.delete(entry.userId);
    for (const candidate of this.waiting.values()) {
      if (!canPair(entry, candidate)) continue;
      this.waiting.delete(candidate.userId);
      return { kind: 'matched', partner: candidate };
    }
    this.waiting.set(entry.userId, entry);
    return { kind: 'waiting', waitingCount: this.waiting.size };
  }

  async requeueFront(entry: QueueEntry): Promise<void> {
    const rest = [...this.waiting.values()].filter((e) => e.userId !== entry.userId);
    this.waiting.clear();
    for (const e of [entry, ...rest]) this.waiting.set(e.userId, e);
  }

  async remove(userId: string, socketId?: string): Promise<boolean> {
    const entry = this.waiting.get(userId);
    if (!entry || (socketId !== undefined && entry.socketId !== socketId)) return false;
    return this.waiting.delete(userId);
  }

  async size(): Promise<number> {
    return this.waiting.size;
  }
}
