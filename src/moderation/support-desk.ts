/**
 * Offers of support, from a moderator's `support` decision to the person's screen. The decision's bus event
 * reaches every instance; each shows the crisis help card on the person's connections it holds (its
 * listeners say on how many). An offer no instance could show is kept (support-offers.ts) and taken by the
 * person's next connection, on whichever instance sees it first.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { crisisNotice, DEFAULT_HOTLINES } from '../policy/crisis.js';
import type { Lang } from '../shared/codes.js';
import type { Hotline, NoticePayload } from '../shared/protocol.js';
import type { Queryable } from '../storage/database.js';
import { SupportOffers } from './support-offers.js';

/** A moderator offered support to a person: what each instance shows their connections. */
export interface SupportOffer {
  userId: string;
  reportId: number;
  /** The crisis help card's notice for a connection in `lang`. */
  notice(lang: Lang): NoticePayload;
}

/** Offers kept for the person, taken to be shown now: `reportId` is the newest of `taken`. */
export interface TakenOffer extends SupportOffer {
  /** Every offer this take marked shown (one card shows them all). */
  taken: readonly number[];
}

/** Shows an offer on the person's connections this instance holds, and says on how many. */
export type SupportListener = (offer: SupportOffer) => number;

export interface SupportDeskDeps {
  /** Where offers nobody was shown wait. */
  database: Queryable;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** The crisis lines an offer shows (`CRISIS_HOTLINES_FILE`); default: the built-in ones. */
  hotlines?: Record<Lang, Hotline[]>;
}

export class SupportDesk {
  private readonly listeners: SupportListener[] = [];
  private readonly offers: SupportOffers;
  /** Deciders waiting for this instance to have handled their offer (by report id). */
  private readonly waiters = new Map<number, () => void>();

  constructor(private readonly deps: SupportDeskDeps) {
    this.offers = new SupportOffers({ database: deps.database, clock: deps.clock });
  }

  /** Reads who has an offer waiting (at start, and at each reload of the moderation caches). */
  load(): Promise<void> {
    return this.offers.load();
  }

  /** Called on every instance for every offer made anywhere (once per offer and instance). */
  onOffer(listener: SupportListener): void {
    this.listeners.push(listener);
  }

  /**
   * An offer's bus event (any instance's decision): shown on this instance's connections, or kept. Settles
   * once it is marked shown (or kept); never rejects.
   */
  async offered(userId: string, reportId: number): Promise<void> {
    const offer = this.offer(userId, reportId);
    let shown = 0;
    for (const listener of this.listeners) {
      try {
        shown += listener(offer);
      } catch (err) {
        this.deps.logger.warn({ err, reportId }, 'a support listener failed');
      }
    }
    // Shown here: not kept for a later connection. Shown nowhere here: kept, and whichever instance sees the
    // person's next connection first shows it (one that did show it marks it, so the others find it taken).
    if (shown > 0) await this.offers.shown(reportId).catch((err: unknown) => this.deps.logger.warn({ err, reportId }, 'an offer of support shown was not marked so'));
    else this.offers.keep(userId);
    this.waiters.get(reportId)?.();
  }

  /**
   * Settles once this instance has handled the offer of report `reportId` (`offered`), or after `withinMs`
   * (its bus event may be lost). Asked before the event is published: the decider's answer then says
   * whether the pages open on this instance were shown the card (one process: every page).
   */
  handledHere(reportId: number, withinMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.waiters.get(reportId) === done) this.waiters.delete(reportId);
        resolve();
      };
      const timer = setTimeout(done, withinMs);
      timer.unref();
      this.waiters.set(reportId, done);
    });
  }

  /**
   * For a connection that has just started: an offer nobody could show the person when it was made, taken —
   * shown by this connection and no other. No query for anyone without one.
   */
  async take(userId: string): Promise<TakenOffer | undefined> {
    if (!this.offers.has(userId)) return undefined;
    const taken = await this.offers.take(userId);
    return taken.length === 0 ? undefined : { ...this.offer(userId, Math.max(...taken)), taken };
  }

  /** An offer `take` gave that could not be shown (the connection closed meanwhile): it waits again. */
  async putBack(offer: TakenOffer): Promise<void> {
    await this.offers.putBack(offer.userId, offer.taken);
  }

  private offer(userId: string, reportId: number): SupportOffer {
    const hotlines = this.deps.hotlines ?? DEFAULT_HOTLINES;
    return { userId, reportId, notice: (lang) => crisisNotice(lang, hotlines) };
  }
}
