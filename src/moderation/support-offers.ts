/**
 * Offers of support kept for a person nobody could show them to. A moderator's `support` decision shows
 * the crisis help card on every connection the person has open at that moment (support-desk.ts).
 * Someone in distress may well have none just then — a page inside its reconnect grace, a tab closed an
 * hour ago — so an offer no instance could show is kept
 * (`reports.support_shown_at` null) and shown once, on the person's next connection to any instance, for up
 * to KEEP_MS after the decision.
 *
 * Who has an offer waiting is known on every instance without a query per connection: a small set in memory,
 * filled from the database at each reload of the moderation caches and by the decisions' bus events. Taking
 * an offer is one conditional UPDATE in the database, so that of two connections (or instances) that both
 * believe it waits, exactly one shows it.
 */
import type { Clock } from '../clock.js';
import type { Queryable } from '../storage/database.js';

/** How long an offer nobody was shown waits for the person's next connection. */
export const SUPPORT_OFFER_KEEP_MS = 7 * 24 * 3_600_000;

export class SupportOffers {
  /** People with an offer no instance has shown (by identity). */
  private waiting = new Set<string>();
  /** Offers kept while a reload's read is in flight: its snapshot may predate them. */
  private keptSinceRead: string[] | undefined;
  /** The read under way, and one asked for meanwhile (after it: two at once could end out of order). */
  private loading: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly deps: { database: Queryable; clock: Pick<Clock, 'now'> }) {}

  /** Reads who has an offer waiting (at start, and at each reload of the moderation caches). */
  load(): Promise<void> {
    if (this.loading) {
      // One started before this was asked may not see what made it ask: one more read follows it.
      this.next ??= this.loading.catch(() => undefined).then(() => {
        this.next = undefined;
        return this.load();
      });
      return this.next;
    }
    this.loading = this.loadNow().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadNow(): Promise<void> {
    const since: string[] = [];
    this.keptSinceRead = since;
    try {
      const rows = await this.deps.database.query<{ reported_id: string }>(
        `SELECT DISTINCT reported_id FROM reports
         WHERE resolution = 'support' AND support_shown_at IS NULL AND resolved_at >= $1`,
        [this.keepSince()],
      );
      this.waiting = new Set([...rows.map((row) => row.reported_id), ...since]);
    } finally {
      if (this.keptSinceRead === since) this.keptSinceRead = undefined;
    }
  }

  /** Whether the person may have an offer waiting (no query: what this instance knows). */
  has(userId: string): boolean {
    return this.waiting.has(userId);
  }

  /** No connection of the person's was here to be shown the offer: kept for their next one. */
  keep(userId: string): void {
    this.waiting.add(userId);
    this.keptSinceRead?.push(userId);
  }

  /**
   * Takes the person's waiting offers, to show them now (one card for them all): the report ids of those
   * still unshown, none if there was none (this caller shows it; any other that tries at the same time
   * finds none).
   */
  async take(userId: string): Promise<number[]> {
    this.waiting.delete(userId);
    const rows = await this.deps.database.query<{ id: number }>(
      `UPDATE reports SET support_shown_at = $2
       WHERE reported_id = $1 AND resolution = 'support' AND support_shown_at IS NULL AND resolved_at >= $3
       RETURNING id`,
      [userId, this.deps.clock.now(), this.keepSince()],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * Taken offers that did not reach the person after all (their connection closed as they were taken):
   * they wait again, every one that was taken.
   */
  async putBack(userId: string, reportIds: readonly number[]): Promise<void> {
    await this.deps.database.query('UPDATE reports SET support_shown_at = NULL WHERE id = ANY($1::bigint[])', [[...reportIds]]);
    this.keep(userId);
  }

  /** The offer of report `reportId` was shown on a connection open at the decision. */
  async shown(reportId: number): Promise<void> {
    await this.deps.database.query('UPDATE reports SET support_shown_at = $2 WHERE id = $1 AND support_shown_at IS NULL', [reportId, this.deps.clock.now()]);
  }

  private keepSince(): Date {
    return new Date(this.deps.clock.now().getTime() - SUPPORT_OFFER_KEEP_MS);
  }
}
