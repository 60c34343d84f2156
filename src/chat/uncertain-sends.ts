/**
 * Messages whose write failed in a way that leaves it unknown whether they were stored: the statement's
 * answer was lost (a client-side query timeout at commit, a connection reset after the commit). Their
 * sender was answered `STORAGE_UNAVAILABLE` and resends with the same `cid`; if the failed write did
 * commit, the resend is a duplicate — which is normally acked only (the first copy was delivered), but here
 * that copy reached nobody. Remembered per sender, room and `cid` with the failed write's own time: the
 * stored copy is that write's (so undelivered) only if it bears that time — a copy stored by an earlier
 * send that was delivered (its ack lost, then a retry that failed) bears its own, and is not sent again.
 */
import type { Clock } from '../clock.js';

/** How long a failed send is remembered: a client resends within seconds (or after reconnecting). */
const REMEMBER_MS = 10 * 60_000;
/** Most failed sends remembered (the oldest go first): a full failed lane is 2,000 at once. */
const MAX_REMEMBERED = 20_000;

export class UncertainSends {
  /** key → the failed write's `createdAt` (ms); insertion order is age order. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** A write of this `cid`, dated `createdAt`, failed without knowing whether it was stored. */
  failed(roomId: number, senderId: string, cid: string, createdAt: Date): void {
    const key = keyOf(roomId, senderId, cid);
    this.expire();
    this.failedAt.delete(key);
    this.failedAt.set(key, createdAt.getTime());
    while (this.failedAt.size > MAX_REMEMBERED) this.failedAt.delete(this.failedAt.keys().next().value!);
  }

  /**
   * Whether the copy stored under this `cid` (dated `storedAt`) is the one a failed write stored: then it
   * was never delivered. Forgotten once asked, whatever the answer, so it is delivered once.
   */
  takeFailed(roomId: number, senderId: string, cid: string, storedAt: Date): boolean {
    this.expire();
    const key = keyOf(roomId, senderId, cid);
    const failedAt = this.failedAt.get(key);
    this.failedAt.delete(key);
    return failedAt === storedAt.getTime();
  }

  private expire(): void {
    // Insertion order is age order (a write's time is when it was made, just before it failed).
    const oldest = this.clock.now().getTime() - REMEMBER_MS;
    for (const [key, at] of this.failedAt) {
      if (at > oldest) break;
      this.failedAt.delete(key);
    }
  }
}

const keyOf = (roomId: number, senderId: string, cid: string) => `${roomId}\u0000${senderId}\u0000${cid}`;
