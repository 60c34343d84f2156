/**
 * The expiring-keys seam: keys that exist for a while and then are gone by themselves. The bot challenge
 * keeps its shared facts here — a solution already used (replay), an address that must solve first, an
 * identity or address verified recently — so they hold on every instance. In-memory here; a cluster
 * shares them in Redis (redis-ttl-store.ts).
 */
import type { Clock } from '../clock.js';

export interface TtlStore {
  /** Creates `key` for `ttlMs` unless it exists: true if this call created it (atomic across instances). */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  /** Creates `key`, or renews it, for `ttlMs` from now. */
  set(key: string, ttlMs: number): Promise<void>;
  /** Whether `key` exists and has not expired. */
  has(key: string): Promise<boolean>;
}

/**
 * Keys in a Map with their expiry (by the injected clock). Expired keys are dropped when read, and all at
 * once every `sweepEveryWrites` writes, so memory follows the keys alive rather than every key ever set.
 */
export class MemoryTtlStore implements TtlStore {
  private readonly expiresAtMs = new Map<string, number>();
  private writes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly sweepEveryWrites = 10_000,
  ) {}

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    if (this.alive(key)) return false;
    this.write(key, ttlMs);
    return true;
  }

  async set(key: string, ttlMs: number): Promise<void> {
    this.write(key, ttlMs);
  }

  async has(key: string): Promise<boolean> {
    return this.alive(key);
  }

  /** Keys held, expired ones not yet swept included (for tests of the memory bound). */
  get size(): number {
    return this.expiresAtMs.size;
  }

  private alive(key: string): boolean {
    const at = this.expiresAtMs.get(key);
    if (at === undefined) return false;
    if (at > this.clock.now().getTime()) return true;
    this.expiresAtMs.delete(key);
    return false;
  }

  private write(key: string, ttlMs: number): void {
    const nowMs = this.clock.now().getTime();
    // Re-inserted, so the Map's order stays roughly by expiry for keys of one lifetime.
    this.expiresAtMs.delete(key);
    this.expiresAtMs.set(key, nowMs + Math.max(1, ttlMs));
    if (++this.writes % this.sweepEveryWrites === 0) this.sweep(nowMs);
  }

  private sweep(nowMs: number): void {
    for (const [key, at] of this.expiresAtMs) if (at <= nowMs) this.expiresAtMs.delete(key);
  }
}
