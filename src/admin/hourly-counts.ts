/**
 * Messages per clock hour of the configured zone over the last 7 days (168 buckets, the last one being the
 * current hour), plus the last-24-hours total. Buckets are whole hours counted from the start of the current
 * zone hour, so the SQL is the same on both engines; labels come from `AT TIME ZONE` in SQL.
 *
 * Finished hours hardly change, so they are read once per hour and refreshed at most every `recountMs`
 * (catching messages that commit late); each refresh only reads the current hour and the oldest partial
 * hour of the 24-hour window, both index range scans on `messages.created_at`.
 */
import type { Database } from '../storage/database.js';
import { startOfZonedHour } from './zoned-time.js';

export const HOURS_SHOWN = 168;
const HOUR_MS = 3_600_000;

/** One bar of the chart: the hour's label in the zone (`YYYY-MM-DD HH:mm`), its start, and the count. */
export interface HourBucket {
  hour: string;
  start: Date;
  count: number;
}

interface SettledHours {
  hourStartMs: number;
  readAtMs: number;
  /** All 168 labels; counts for the 167 finished hours (the current one is filled live). */
  buckets: { hour: string; count: number }[];
}

export class HourlyCounts {
  private settled: SettledHours | undefined;

  constructor(
    private readonly database: Database,
    private readonly timezone: string,
    private readonly recountMs: number,
  ) {}

  async read(now: Date): Promise<{ perHour: HourBucket[]; last24h: number }> {
    const hourStart = startOfZonedHour(now, this.timezone).getTime();
    const settled = await this.settledHours(hourStart, now.getTime());
    const live = await this.liveCounts(hourStart, now.getTime());
    const windowStart = hourStart - (HOURS_SHOWN - 1) * HOUR_MS;
    const perHour = settled.buckets.map((b, i) => ({
      hour: b.hour,
      start: new Date(windowStart + i * HOUR_MS),
      count: i === HOURS_SHOWN - 1 ? live.currentHour : b.count,
    }));
    // The 24-hour window = a partial oldest hour + 23 finished hours + the current hour.
    const finished = perHour.slice(HOURS_SHOWN - 24, HOURS_SHOWN - 1).reduce((sum, b) => sum + b.count, 0);
    return { perHour, last24h: live.oldestPartialHour + finished + live.currentHour };
  }

  private async settledHours(hourStartMs: number, nowMs: number): Promise<SettledHours> {
    const cached = this.settled;
    if (cached && cached.hourStartMs === hourStartMs && nowMs - cached.readAtMs < this.recountMs) return cached;
    const windowStart = new Date(hourStartMs - (HOURS_SHOWN - 1) * HOUR_MS);
    const rows = await this.database.query<{ i: number; hour: string; n: string | number }>(
      `SELECT b.i, to_char(($1::timestamptz + b.i * interval '1 hour') AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS hour,
              coalesce(c.n, 0) AS n
       FROM generate_series(0, $4::int - 1) AS b(i)
       LEFT JOIN (
         SELECT floor(extract(epoch FROM created_at - $1::timestamptz) / 3600)::int AS i, count(*) AS n
         FROM messages WHERE created_at >= $1 AND created_at < $2 GROUP BY 1
       ) c ON c.i = b.i
       ORDER BY b.i`,
      [windowStart, new Date(hourStartMs), this.timezone, HOURS_SHOWN],
    );
    this.settled = { hourStartMs, readAtMs: nowMs, buckets: rows.map((r) => ({ hour: r.hour, count: Number(r.n) })) };
    return this.settled;
  }

  private async liveCounts(hourStartMs: number, nowMs: number): Promise<{ currentHour: number; oldestPartialHour: number }> {
    const rows = await this.database.query<{ current_hour: string | number; oldest: string | number }>(
      `SELECT (SELECT count(*) FROM messages WHERE created_at >= $1) AS current_hour,
              (SELECT count(*) FROM messages WHERE created_at >= $2 AND created_at < $3) AS oldest`,
      [new Date(hourStartMs), new Date(nowMs - 24 * HOUR_MS), new Date(hourStartMs - 23 * HOUR_MS)],
    );
    return { currentHour: Number(rows[0]?.current_hour ?? 0), oldestPartialHour: Number(rows[0]?.oldest ?? 0) };
  }
}
