/**
 * Keeps this instance's enforcement caches current, and tells the listeners (sanction-enforcement.ts:
 * the notice, the ban's eviction) of every sanction this instance sees come into force or end.
 *
 * - Bus events are applied one at a time, in arrival order: each reads its sanction back from the
 *   database, and two reads of the same sanction (issued, then lifted) on a pool of connections could
 *   otherwise come back out of order and leave the older state in the cache.
 * - A full reload reads a snapshot; whatever changed here while those reads were in flight (a ban
 *   issued, an event applied, a block added) is applied again over it, so an older snapshot never undoes
 *   a newer change.
 * - A reload that finds a sanction in force that the listeners were never told of (its bus event was
 *   lost: the publish failed, or this instance's subscription blipped) tells them then — so a ban whose
 *   event went missing still ends the person's chat, within one reload interval.
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

export class EnforcementSync {
  readonly sanctions = new SanctionCache();
  readonly blocks = new BlockCache();
  private readonly listeners: ((sanction: Sanction) => void)[] = [];
  /** The bus events applied so far, in order (never rejects). */
  private events: Promise<void> = Promise.resolve();
  /** Changes applied while a reload's reads are in flight, to apply again over its snapshot. */
  private sinceSnapshot: (() => void)[] | undefined;
  private reloading: Promise<void> | undefined;
  /** Sanctions in force that the listeners have been told of (ids). */
  private told = new Set<number>();

  constructor(private readonly deps: EnforcementSyncDeps) {}

  /** Called whenever a sanction comes into force or is lifted, on this instance, once per change. */
  onSanction(listener: (sanction: Sanction) => void): void {
    this.listeners.push(listener);
  }

  /** A sanction issued or lifted here: in the cache at once (its bus event tells the listeners). */
  putSanction(sanction: Sanction): void {
    this.apply(() => this.sanctions.put(sanction));
  }

  /** A block made here: in the cache at once. */
  addBlock(blockerId: string, blockedId: string): void {
    this.apply(() => this.blocks.add(blockerId, blockedId));
  }

  /** A bus event, applied after those before it. */
  handle(event: ModerationEvent): void {
    this.events = this.events.then(() => this.applyEvent(event));
  }

  /** Resolves once every event handed in so far has been applied (tests). */
  settled(): Promise<void> {
    return this.events;
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
      this.sanctions.replaceAll(active);
      this.blocks.replaceAll(blocks);
      for (const change of since) change();
    } finally {
      this.sinceSnapshot = undefined;
    }
    const told = new Set<number>();
    const now = this.deps.clock.now();
    for (const sanction of [...this.sanctions.all()]) {
      if (!isActive(sanction, now)) continue;
      told.add(sanction.id);
      if (enforce && !this.told.has(sanction.id)) this.tell(sanction);
    }
    this.told = told;
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
      if (!sanction) return;
      this.putSanction(sanction);
      if (isActive(sanction, this.deps.clock.now())) {
        // Already told (by a reload that found it before this event came): once is enough.
        if (this.told.has(sanction.id)) return;
        this.told.add(sanction.id);
      } else {
        this.told.delete(sanction.id);
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
