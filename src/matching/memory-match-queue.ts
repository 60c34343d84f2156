import type { JoinOutcome, MatchQueue, QueueEntry, QueuedEntry } from './match-queue.js';
import { canPair } from './pairing.js';

interface Item {
  entry: QueueEntry;
  seq: number;
  paused: boolean;
}

/**
 * One-process queue. A Map keyed by user, kept in place order (a new entry always gets the highest
 * place, so appending keeps the order; putting one back in the middle rebuilds it). Every method runs to
 * completion without awaiting, which makes each one atomic in Node's single thread.
 */
export class MemoryMatchQueue implements MatchQueue {
  private items = new Map<string, Item>();
  private lastSeq = 0;

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    const avoid = entry.avoid && entry.avoid.length > 0 ? new Set(entry.avoid) : undefined;
    for (const item of this.items.values()) {
      if (item.paused || item.entry.userId === entry.userId || avoid?.has(item.entry.userId) || !canPair(entry, item.entry)) continue;
      this.items.delete(item.entry.userId);
      this.items.delete(entry.userId);
      return { kind: 'matched', partner: { ...item.entry, seq: item.seq } };
    }
    this.place({ userId: entry.userId, socketId: entry.socketId });
    return { kind: 'waiting', waitingCount: this.items.size - 1 };
  }

  async enqueue(entry: QueueEntry): Promise<void> {
    const kept = { userId: entry.userId, socketId: entry.socketId };
    const own = this.items.get(entry.userId);
    if (own) own.entry = kept;
    else this.items.set(entry.userId, { entry: kept, seq: ++this.lastSeq, paused: false });
  }

  async requeue(entry: QueuedEntry): Promise<void> {
    if (this.items.has(entry.userId)) return;
    const item: Item = { entry: { userId: entry.userId, socketId: entry.socketId }, seq: entry.seq, paused: false };
    const last = [...this.items.values()].at(-1);
    if (!last || last.seq < entry.seq) {
      this.items.set(entry.userId, item);
      return;
    }
    const ordered = [...this.items.values(), item].sort((a, b) => a.seq - b.seq);
    this.items = new Map(ordered.map((i) => [i.entry.userId, i]));
  }

  async pause(userId: string): Promise<boolean> {
    const item = this.items.get(userId);
    if (item) item.paused = true;
    return item !== undefined;
  }

  async remove(userId: string, socketId?: string): Promise<boolean> {
    const item = this.items.get(userId);
    if (!item || (socketId !== undefined && item.entry.socketId !== socketId)) return false;
    return this.items.delete(userId);
  }

  async size(): Promise<number> {
    return this.items.size;
  }

  /** Queues or re-activates an entry, keeping a queued user's place. */
  private place(entry: QueueEntry): void {
    const own = this.items.get(entry.userId);
    if (own) {
      own.entry = entry;
      own.paused = false;
    } else {
      this.items.set(entry.userId, { entry, seq: ++this.lastSeq, paused: false });
    }
  }
}
