/**
 * An exact row count of an append-only table that doesn't rescan the table on every dashboard refresh:
 * a full `count(*)` at most every `recountMs`, and in between only the rows above the highest id seen
 * (an index range scan on the primary key).
 *
 * Why the periodic recount: ids are drawn before a transaction commits, so a slow writer can commit an id
 * below one already counted. Such rows are missed until the next full count — at most `recountMs` late.
 */
import type { Database } from '../storage/database.js';

export class IncrementalCount {
  private count = 0;
  private maxId = 0;
  private fullAt: number | undefined;

  /** @param table a trusted table name with a bigint `id` primary key (never user input). */
  constructor(
    private readonly database: Database,
    private readonly table: 'chat_rooms' | 'messages',
    private readonly recountMs: number,
  ) {}

  /** The refresh under way: refreshes run one after another. */
  private running: Promise<unknown> = Promise.resolve();

  /**
   * The count now. One at a time: two overlapping refreshes (a dashboard computation outlasting the next
   * poll on a busy database) would both add the rows after the same `maxId`, and the total stayed inflated
   * until the next full recount.
   */
  refresh(nowMs: number): Promise<number> {
    const result = this.running.then(() => this.refreshNow(nowMs));
    this.running = result.catch(() => undefined);
    return result;
  }

  private async refreshNow(nowMs: number): Promise<number> {
    if (this.fullAt === undefined || nowMs - this.fullAt >= this.recountMs) {
      const rows = await this.database.query<{ n: number; max_id: number }>(
        `SELECT count(*) AS n, coalesce(max(id), 0) AS max_id FROM ${this.table}`,
      );
      this.count = rows[0]?.n ?? 0;
      this.maxId = rows[0]?.max_id ?? 0;
      this.fullAt = nowMs;
      return this.count;
    }
    const rows = await this.database.query<{ n: number; max_id: number }>(
      `SELECT count(*) AS n, coalesce(max(id), $1) AS max_id FROM ${this.table} WHERE id > $1`,
      [this.maxId],
    );
    this.count += rows[0]?.n ?? 0;
    this.maxId = rows[0]?.max_id ?? this.maxId;
    return this.count;
  }
}
