import { systemClock, type Clock } from '../clock.js';
import type { JoinOutcome, MatchQueue, QueueEntry, QueuedEntry } from './match-queue.js';
import { canPair, CANDIDATES_PER_INTEREST, isOpen, MAX_OPEN_SCAN, pairKey } from './pairing.js';

interface Item {
  entry: QueueEntry;
  seq: number;
  paused: boolean;
}

/**
 * One-process queue. A Map keyed by user, kept in place order (a new entry always gets the highest
 * place, so appending keeps the order; putting one back in the middle rebuilds it), and per interest the
 * users waiting with it. Every method runs to completion without awaiting, which makes each one atomic in
 * Node's single thread. The choice is the Redis queue's: best overlap among the longest-waiting
 * `CANDIDATES_PER_INTEREST` of each interest, else the longest-waiting open entry.
 */
export class MemoryMatchQueue implements MatchQueue {
  private items = new Map<string, Item>();
  /** Interest → users waiting with it, in no particular order (the choice compares places). */
  private readonly byInterest = new Map<string, Set<string>>();
  private lastSeq = 0;
  /** Pairs kept apart (`pairKey`) → until when (epoch ms). */
  private readonly apart = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    const partner = this.choose(entry, this.clock.now().getTime());
    if (partner) {
      this.delete(partner.entry.userId);
      this.delete(entry.userId);
      return { kind: 'matched', partner: { ...partner.entry, seq: partner.seq } };
    }
    this.place(entry);
    return { kind: 'waiting', waitingCount: this.items.size - 1 };
  }

  async matchQueued(entry: QueueEntry): Promise<JoinOutcome | undefined> {
    return this.items.has(entry.userId) ? this.joinOrMatch(entry) : undefined;
  }

  async enqueue(entry: QueueEntry): Promise<void> {
    const own = this.items.get(entry.userId);
    if (own) this.update(own, entry);
    else this.insert({ entry: kept(entry), seq: ++this.lastSeq, paused: false });
  }

  async requeue(entry: QueuedEntry): Promise<void> {
    if (this.items.has(entry.userId)) return;
    const item: Item = { entry: kept(entry), seq: entry.seq, paused: false };
    const last = [...this.items.values()].at(-1);
    if (!last || last.seq < entry.seq) return this.insert(item);
    this.insert(item);
    const ordered = [...this.items.values()].sort((a, b) => a.seq - b.seq);
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
    return this.delete(userId);
  }

  async size(): Promise<number> {
    return this.items.size;
  }

  async keepApart(a: string, b: string, forMs: number): Promise<void> {
    const nowMs = this.clock.now().getTime();
    for (const [pair, untilMs] of this.apart) if (untilMs <= nowMs) this.apart.delete(pair);
    this.apart.set(pairKey(a, b), nowMs + forMs);
  }

  async isKeptApart(a: string, b: string): Promise<boolean> {
    return this.apartNow(a, b, this.clock.now().getTime());
  }

  /** The partner for `entry`: most shared interests (then longest waiting), else — both open — the longest-waiting open one. */
  private choose(entry: QueueEntry, nowMs: number): Item | undefined {
    const avoid = entry.avoid && entry.avoid.length > 0 ? new Set(entry.avoid) : undefined;
    const usable = (item: Item): boolean =>
      !item.paused &&
      item.entry.userId !== entry.userId &&
      !avoid?.has(item.entry.userId) &&
      canPair(entry, item.entry) &&
      !this.apartNow(entry.userId, item.entry.userId, nowMs);
    let best: Item | undefined;
    let bestShared = 0;
    const shared = new Map<Item, number>();
    for (const interest of entry.interests ?? []) {
      for (const item of this.longestWaitingWith(interest)) {
        if (!usable(item)) continue;
        const count = (shared.get(item) ?? 0) + 1;
        shared.set(item, count);
        if (count > bestShared || (count === bestShared && item.seq < best!.seq)) {
          best = item;
          bestShared = count;
        }
      }
    }
    if (best || !isOpen(entry, nowMs)) return best;
    let looked = 0;
    for (const item of this.items.values()) {
      if (!isOpen(item.entry, nowMs)) continue;
      if (usable(item)) return item;
      if (++looked >= MAX_OPEN_SCAN) break;
    }
    return undefined;
  }

  private apartNow(a: string, b: string, nowMs: number): boolean {
    if (this.apart.size === 0) return false;
    const untilMs = this.apart.get(pairKey(a, b));
    return untilMs !== undefined && untilMs > nowMs;
  }

  /**
   * The first `CANDIDATES_PER_INTEREST` entries with an interest in the order they were queued (an entry
   * put back counts from its return): the longest waiting, as the Redis queue reads them, without sorting.
   */
  private *longestWaitingWith(interest: string): Generator<Item> {
    let given = 0;
    for (const userId of this.byInterest.get(interest) ?? []) {
      if (given++ >= CANDIDATES_PER_INTEREST) return;
      yield this.items.get(userId)!;
    }
  }

  /** Queues or re-activates an entry, keeping a queued user's place. */
  private place(entry: QueueEntry): void {
    const own = this.items.get(entry.userId);
    if (own) {
      this.update(own, entry);
      own.paused = false;
    } else {
      this.insert({ entry: kept(entry), seq: ++this.lastSeq, paused: false });
    }
  }

  private insert(item: Item): void {
    this.items.set(item.entry.userId, item);
    this.index(item.entry);
  }

  /** New socket, interests and fallback time for a queued user, at the same place. */
  private update(item: Item, entry: QueueEntry): void {
    this.unindex(item.entry);
    item.entry = kept(entry);
    this.index(item.entry);
  }

  private delete(userId: string): boolean {
    const item = this.items.get(userId);
    if (!item) return false;
    this.unindex(item.entry);
    return this.items.delete(userId);
  }

  private index(entry: QueueEntry): void {
    for (const interest of entry.interests ?? []) {
      const users = this.byInterest.get(interest) ?? new Set<string>();
      users.add(entry.userId);
      this.byInterest.set(interest, users);
    }
  }

  private unindex(entry: QueueEntry): void {
    for (const interest of entry.interests ?? []) {
      const users = this.byInterest.get(interest);
      users?.delete(entry.userId);
      if (users?.size === 0) this.byInterest.delete(interest);
    }
  }
}

/** What the queue keeps of an entry: never the joiner's avoid list (blocks are checked from the joiner's side). */
function kept(entry: QueueEntry): QueueEntry {
  const { userId, socketId, interests, fallbackAtMs } = entry;
  return interests?.length ? { userId, socketId, interests: [...interests], fallbackAtMs: fallbackAtMs ?? 0 } : { userId, socketId };
}
