/**
 * Messages whose write failed in a way that leaves it unknown whether they were stored: the statement's
 * answer was lost (a client-side query timeout at commit, a connection reset after the commit). Their
 * sender was answered `STORAGE_UNAVAILABLE` and resends with the same `cid`; if the first write did commit,
 * the resend is a duplicate — which is normally acked only (the first copy was delivered), but here the
 * first copy reached nobody. Remembered per sender, room and `cid`, for a while and up to a bound.
 */
import type { Clock } from '../clock.js';

/** How long a failed send is remembered: a client resends within seconds (or after reconnecting). */
const REMEMBER_MS = 10 * 60_000;
/** Most failed sends remembered (the oldest go first): a full failed lane is 2,000 at once. */
const MAX_REMEMBERED = 20_000;

export class UncertainSends {
  /** key → when it failed (ms); insertion order is age order. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** A send with this `cid` failed without knowing whether it was stored. */
  failed(roomId: number, senderId: string, cid: string): void {
    const key = keyOf(roomId, senderId, cid);
    this.failedAt.delete(key);
    this.failedAt.set(key, this.clock.now().getTime());
    this.expire();
    while (this.failedAt.size > MAX_REMEMBERED) this.failedAt.delete(this.failedAt.keys().next().value!);
  }

  /**
   * Whether a resend found stored (a duplicate) is one whose first send failed: then its first copy was
   * never delivered. Forgotten once asked, so it is delivered once.
   */
  takeFailed(roomId: number, senderId: string, cid: string): boolean {
    this.expire();
    return this.failedAt.delete(keyOf(roomId, senderId, cid));
  }

  private expire(): void {
    const oldest = this.clock.now().getTime() - REMEMBER_MS;
    for (const [key, at] of this.failedAt) {
      if (at > oldest) break;
      this.failedAt.delete(key);
    }
  }
}

const keyOf = (roomId: number, senderId: string, cid: string) => `${roomId}\u0000${senderId}\u0000${cid}`;
