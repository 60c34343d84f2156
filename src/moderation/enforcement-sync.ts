/**
 * Keeps this instance's enforcement caches current, and tells the listeners (sanction-enforcement.ts:
 * the notice, the ban's eviction) of every sanction this instance sees come into force or lifted.
 *
 * - A lift is final: a sanction seen lifted is never put back in force by an older copy of it — a bus
 *   event's read that comes back after the lift (reads on a pool of connections can come back out of
 *   order), or a reload's snapshot read before it. Events are applied as their reads come back, so one
 *   slow read holds up nothing else.
 * - A full reload reads a snapshot; whatever changed here while those reads were in flight (a ban issued,
 *   an event applied, a block added) is applied again over it, so an older snapshot never undoes a newer
 *   change.
 * - A reload that finds a sanction in force that the listeners were never told of (its bus event was lost:
 *   the publish failed, or this instance's subscription blipped) tells them then, once — so a ban whose
 *   event went missing still ends the person's chat, within one reload interval. One told of that is gone
 *   from the snapshot is read back, and told as lifted if it was.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { BlockCache, SanctionCache } from './enforcement-cache.js';
import type { ModerationEvent } from './moderation-bus.js';
import { isActive, type Sanction, type SanctionRepository } from './sanction-repository.js';

export interface EnforcementSyncDeps {
  sanctions: Pick<SanctionRepository, 'get' | 'active' | 'allBlocks'>;
  clock: Clock;
  logger: Logger;
}

/** How long a lifted sanction's id is remembered against older copies: far longer than any read takes. */
const LIFTED_MEMORY_MS = 10 * 60_000;

export class EnforcementSync {
  readonly sanctions = new SanctionCache();
  readonly blocks = new BlockCache();
  private readonly listeners: ((sanction: Sanction) => void)[] = [];
  /** Changes applied while a reload's reads are in flight, to apply again over its snapshot. */
  private sinceSnapshot: (() => void)[] | undefined;
  private reloading: Promise<void> | undefined;
  /** Sanctions in force that the listeners have been told of (ids). */
  private told = new Set<number>();
  /** Sanctions seen lifted, and when (ms): no older copy puts them back. */
  private readonly lifted = new Map<number, number>();

  constructor(private readonly deps: EnforcementSyncDeps) {}

  /** Called whenever a sanction comes into force or is lifted, on this instance, once per change. */
  onSanction(listener: (sanction: Sanction) => void): void {
    this.listeners.push(listener);
  }

  /** A sanction issued or lifted here: in the cache at once (its bus event tells the listeners). False if it was lifted already. */
  putSanction(sanction: Sanction): boolean {
    if (sanction.liftedAt !== null) this.lifted.set(sanction.id, this.deps.clock.now().getTime());
    else if (this.lifted.has(sanction.id)) return false;
    this.apply(() => this.sanctions.put(sanction));
    return true;
  }

  /** A block made here: in the cache at once. */
  addBlock(blockerId: string, blockedId: string): void {
    this.apply(() => this.blocks.add(blockerId, blockedId));
  }

  /** A bus event (never rejects: a failure is logged, and the next reload catches up). */
  handle(event: ModerationEvent): Promise<void> {
    return this.applyEvent(event);
  }

  /**
   * Reads everything again. `enforce: false` (the first load, before anyone is connected): the sanctions
   * found are taken as told. A reload asked for while one runs joins it.
   */
  reload(options: { enforce: boolean } = { enforce: true }): Promise<void> {
    this.reloading ??= this.reloadNow(options.enforce).finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadNow(enforce: boolean): Promise<void> {
    const since: (() => void)[] = [];
    this.sinceSnapshot = since;
    try {
      const [active, blocks] = await Promise.all([this.deps.sanctions.active(this.deps.clock.now()), this.deps.sanctions.allBlocks()]);
      this.sanctions.replaceAll(active.filter((sanction) => !this.lifted.has(sanction.id)));
      this.blocks.replaceAll(blocks);
      for (const change of since) change();
    } finally {
      this.sinceSnapshot = undefined;
    }
    const now = this.deps.clock.now();
    const nowMs = now.getTime();
    const told = new Set<number>();
    for (const sanction of [...this.sanctions.all()]) {
      if (!isActive(sanction, now)) continue;
      told.add(sanction.id);
      if (enforce && !this.told.has(sanction.id)) this.tell(sanction);
    }
    const gone = [...this.told].filter((id) => !told.has(id) && !this.lifted.has(id));
    this.told = told;
    for (const [id, at] of this.lifted) if (nowMs - at > LIFTED_MEMORY_MS) this.lifted.delete(id);
    // Told in force, now out of the snapshot: ended by itself, or lifted with the event lost.
    if (enforce) await Promise.all(gone.map((id) => this.applyEvent({ type: 'sanction', id })));
  }

  private apply(change: () => void): void {
    change();
    this.sinceSnapshot?.push(change);
  }

  private async applyEvent(event: ModerationEvent): Promise<void> {
    try {
      if (event.type === 'block') {
        this.addBlock(event.blockerId, event.blockedId);
        return;
      }
      if (event.type !== 'sanction') return;
      const sanction = await this.deps.sanctions.get(event.id);
      // Not found, or an older copy of one lifted since: nothing new to apply or tell.
      if (!sanction || !this.putSanction(sanction)) return;
      if (isActive(sanction, this.deps.clock.now())) {
        // Already told (by a reload that found it before this event came): once is enough.
        if (this.told.has(sanction.id)) return;
        this.told.add(sanction.id);
      } else {
        this.told.delete(sanction.id);
        // Ended by itself: the page knows when. A lift is told.
        if (sanction.liftedAt === null) return;
      }
      this.tell(sanction);
    } catch (err) {
      this.deps.logger.warn({ err }, 'applying a moderation event failed; the next reload catches up');
    }
  }

  private tell(sanction: Sanction): void {
    for (const listener of this.listeners) {
      try {
        listener(sanction);
      } catch (err) {
        this.deps.logger.warn({ err, sanctionId: sanction.id }, 'a sanction listener failed');
      }
    }
  }
}
