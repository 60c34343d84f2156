/**
 * The private rooms' meeting point, shared by every instance: who waits in the room of a key, and who
 * asked to stay in touch after a chat. Each change is atomic, so two people entering one room at once —
 * or both asking at once, on different instances — meet exactly once. In-memory here; a cluster keeps
 * the same contract in Redis (redis-private-rendezvous.ts).
 */
import type { Clock } from '../clock.js';

/** Entering a room: nobody was there (now the caller waits), or the person waiting was taken out to meet the caller. */
export type EnterOutcome = { kind: 'waiting' } | { kind: 'met'; otherId: string };

/**
 * An ask to stay in touch: the other has not asked yet; both have (told exactly once, to the last asker);
 * or it was settled already — with the key made then, once it is kept (`keepKey`), for either of the two
 * asking on a connection that does not hold it yet.
 */
export type KeepOutcome = { kind: 'pending' } | { kind: 'complete'; other: { userId: string; socketId: string } } | { kind: 'settled'; key?: string };

export interface PrivateRendezvous {
  /**
   * Enters the room of `keyHash`: the caller waits there if nobody does (or if it is the caller already),
   * otherwise the person waiting is taken out and named. Nobody ever meets themself.
   */
  enter(keyHash: string, userId: string): Promise<EnterOutcome>;
  /** Leaves the room's waiting place if `userId` holds it. True if it did. */
  leave(keyHash: string, userId: string): Promise<boolean>;
  /** Who waits in the room now, if anyone. */
  waiting(keyHash: string): Promise<string | undefined>;
  /**
   * `userId` (connected as `socketId`) asks to stay in touch after `roomId`. `ttlMs` is how long an ask may
   * still come (the chat ended: until its window closes): the room's asks are kept that long from an ask
   * that is not settled yet, and a settled one (with its kept key) no longer than that — never longer than
   * it was. When both people of the room have asked, exactly one call answers `complete` (with the other's
   * ask); any later ask answers `settled` — with the key kept for the room when the caller is one of the two
   * who asked and asks on another connection than the one last told (which then counts as told). Only the
   * room's two people may call it (the caller checks).
   */
  askToKeep(roomId: number, userId: string, socketId: string, ttlMs: number): Promise<KeepOutcome>;
  /**
   * Keeps the key made for a completed ask with it, as long as the ask is kept (see `askToKeep`): either of
   * the two asking again (one who was not connected when it was made, say) gets it again. Nothing if the
   * ask is not settled.
   */
  keepKey(roomId: number, key: string): Promise<void>;
  /** Takes back a `complete` whose key could not be made (and any key kept), so that the next ask completes again. */
  reopen(roomId: number): Promise<void>;
  /**
   * The chat of `roomId` ended: its asks (and a key kept with them) are kept no longer than `keepMs` from now
   * — the window in which an ask may still come — never longer than they were. Nothing if there are none.
   */
  chatEnded(roomId: number, keepMs: number): Promise<void>;
}

/** Expired asks are dropped all at once every this many asks (and ignored when read before that). */
const SWEEP_EVERY_WRITES = 1_000;

/** A Map per concern, each method atomic because it never awaits. Entries expire by the injected clock. */
export class MemoryPrivateRendezvous implements PrivateRendezvous {
  private readonly rooms = new Map<string, string>();
  private readonly asks = new Map<number, { askers: Map<string, string>; settled: boolean; key?: string; expiresAtMs: number }>();
  private writes = 0;

  constructor(private readonly clock: Clock) {}

  async enter(keyHash: string, userId: string): Promise<EnterOutcome> {
    const waiting = this.rooms.get(keyHash);
    if (waiting === undefined || waiting === userId) {
      this.rooms.set(keyHash, userId);
      return { kind: 'waiting' };
    }
    this.rooms.delete(keyHash);
    return { kind: 'met', otherId: waiting };
  }

  async leave(keyHash: string, userId: string): Promise<boolean> {
    if (this.rooms.get(keyHash) !== userId) return false;
    return this.rooms.delete(keyHash);
  }

  async waiting(keyHash: string): Promise<string | undefined> {
    return this.rooms.get(keyHash);
  }

  async askToKeep(roomId: number, userId: string, socketId: string, ttlMs: number): Promise<KeepOutcome> {
    const nowMs = this.clock.now().getTime();
    if (++this.writes % SWEEP_EVERY_WRITES === 0) this.sweep(nowMs);
    let entry = this.asks.get(roomId);
    if (!entry || entry.expiresAtMs <= nowMs) {
      entry = { askers: new Map(), settled: false, expiresAtMs: 0 };
      this.asks.set(roomId, entry);
    }
    if (entry.settled) {
      entry.expiresAtMs = Math.min(entry.expiresAtMs, nowMs + ttlMs);
      const told = entry.askers.get(userId);
      if (entry.key === undefined || told === undefined || told === socketId) return { kind: 'settled' };
      entry.askers.set(userId, socketId);
      return { kind: 'settled', key: entry.key };
    }
    entry.askers.set(userId, socketId);
    entry.expiresAtMs = nowMs + ttlMs;
    const other = [...entry.askers].find(([id]) => id !== userId);
    if (!other) return { kind: 'pending' };
    entry.settled = true;
    return { kind: 'complete', other: { userId: other[0], socketId: other[1] } };
  }

  async keepKey(roomId: number, key: string): Promise<void> {
    const entry = this.asks.get(roomId);
    if (entry?.settled && entry.expiresAtMs > this.clock.now().getTime()) entry.key = key;
  }

  async reopen(roomId: number): Promise<void> {
    const entry = this.asks.get(roomId);
    if (!entry) return;
    entry.settled = false;
    delete entry.key;
  }

  async chatEnded(roomId: number, keepMs: number): Promise<void> {
    const entry = this.asks.get(roomId);
    if (entry) entry.expiresAtMs = Math.min(entry.expiresAtMs, this.clock.now().getTime() + keepMs);
  }

  private sweep(nowMs: number): void {
    for (const [roomId, entry] of this.asks) if (entry.expiresAtMs <= nowMs) this.asks.delete(roomId);
  }
}
