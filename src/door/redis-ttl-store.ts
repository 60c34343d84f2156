/**
 * Expiring keys in Redis, shared by every instance: `SET key 1 PX ttl NX` is the atomic "first one wins"
 * (a solution is accepted once on the whole cluster), and Redis drops keys when they expire.
 * Errors (Redis unreachable) reach the caller, which decides what an unanswerable question means.
 */
import type { Redis } from 'ioredis';
import type { TtlStore } from './ttl-store.js';

export class RedisTtlStore implements TtlStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(key), '1', 'PX', ttl(ttlMs), 'NX')) === 'OK';
  }

  async set(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(key), '1', 'PX', ttl(ttlMs));
  }

  async has(key: string): Promise<boolean> {
    return (await this.redis.exists(this.key(key))) === 1;
  }

  private key(key: string): string {
    return `${this.prefix}ttl:${key}`;
  }
}

/** Redis refuses a PX of 0 or a fraction. */
function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
