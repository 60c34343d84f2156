/**
 * What every instance keeps in memory so that enforcing costs no database round trip on the message
 * path: the sanctions in force (by identity and by network hash) and the blocks (both directions).
 * Kept current by the moderation bus, and reloaded in full now and then in case an event was missed.
 */
import type { SanctionKind } from '../shared/protocol.js';
import { isActive, type Sanction } from './sanction-repository.js';

const STRENGTH: Record<SanctionKind, number> = { warning: 1, muted: 2, banned: 3 };

/** Whether `a` restricts more than `b` (a stronger kind, or the same kind for longer). */
export function stronger(a: Sanction, b: Sanction): boolean {
  if (STRENGTH[a.kind] !== STRENGTH[b.kind]) return STRENGTH[a.kind] > STRENGTH[b.kind];
  if (a.endsAt === null) return b.endsAt !== null;
  return b.endsAt !== null && a.endsAt > b.endsAt;
}

/**
 * Whether `a` restricts at least as much as `b` would, wherever each starts: a stronger kind, or the same kind
 * lasting at least as long (a ban for good outlasts any). What an automatic sanction is measured against.
 */
export function atLeastAsStrong(a: Sanction, b: Sanction): boolean {
  if (STRENGTH[a.kind] !== STRENGTH[b.kind]) return STRENGTH[a.kind] > STRENGTH[b.kind];
  if (a.endsAt === null) return true;
  return b.endsAt !== null && a.endsAt.getTime() - a.startsAt.getTime() >= b.endsAt.getTime() - b.startsAt.getTime();
}

export class SanctionCache {
  private readonly byId = new Map<number, Sanction>();
  private readonly byUser = new Map<string, Set<number>>();
  private readonly byNetwork = new Map<string, Set<number>>();

  /** Replaces everything with the sanctions in force (a full reload). */
  replaceAll(sanctions: readonly Sanction[]): void {
    this.byId.clear();
    this.byUser.clear();
    this.byNetwork.clear();
    for (const sanction of sanctions) this.put(sanction);
  }

  /** Adds or updates one sanction; a lifted one is dropped. */
  put(sanction: Sanction): void {
    this.remove(sanction.id);
    if (sanction.liftedAt !== null) return;
    this.byId.set(sanction.id, sanction);
    if (sanction.userId !== null) add(this.byUser, sanction.userId, sanction.id);
    if (sanction.networkHash !== null) add(this.byNetwork, sanction.networkHash, sanction.id);
  }

  remove(id: number): void {
    const known = this.byId.get(id);
    if (!known) return;
    this.byId.delete(id);
    if (known.userId !== null) drop(this.byUser, known.userId, id);
    if (known.networkHash !== null) drop(this.byNetwork, known.networkHash, id);
  }

  /** Whether any sanction applies by network (if none, nobody's network needs hashing to check). */
  get anyByNetwork(): boolean {
    return this.byNetwork.size > 0;
  }

  /**
   * The strongest sanction in force at `now` for the identity or its network — of `kind` only, when named.
   * `networkHash` is asked for only when some sanction applies by network.
   */
  strongest(userId: string, networkHash: () => string | undefined, now: Date, kind?: Sanction['kind']): Sanction | undefined {
    let best: Sanction | undefined;
    const consider = (ids: Set<number> | undefined) => {
      for (const id of ids ?? []) {
        const sanction = this.byId.get(id);
        if (sanction && (kind === undefined || sanction.kind === kind) && isActive(sanction, now) && (!best || stronger(sanction, best))) best = sanction;
      }
    };
    consider(this.byUser.get(userId));
    if (this.byNetwork.size > 0) {
      const hash = networkHash();
      if (hash !== undefined) consider(this.byNetwork.get(hash));
    }
    return best;
  }

  /** Every sanction held (in force, or ended since the last reload without being lifted). */
  all(): IterableIterator<Sanction> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}

const NOBODY: readonly string[] = Object.freeze([]);

/** Blocks, both directions: whoever blocked or was blocked by someone is never matched with them. */
export class BlockCache {
  private readonly avoid = new Map<string, Set<string>>();

  replaceAll(blocks: readonly { blockerId: string; blockedId: string }[]): void {
    this.avoid.clear();
    for (const { blockerId, blockedId } of blocks) this.add(blockerId, blockedId);
  }

  add(blockerId: string, blockedId: string): void {
    add(this.avoid, blockerId, blockedId);
    add(this.avoid, blockedId, blockerId);
  }

  /** Everyone this person must not be matched with. */
  avoidFor(userId: string): readonly string[] {
    const set = this.avoid.get(userId);
    return set ? [...set] : NOBODY;
  }

  blocked(a: string, b: string): boolean {
    return this.avoid.get(a)?.has(b) ?? false;
  }

  get size(): number {
    let pairs = 0;
    for (const set of this.avoid.values()) pairs += set.size;
    return pairs / 2;
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function drop<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
