/**
 * Messages per clock hour of the configured zone over the last 7 days (168 buckets, the last one being the
 * current hour), plus the last-24-hours total. Buckets are whole hours counted from the start of the current
 * zone hour, so the SQL is the same on both engines; labels come from `AT TIME ZONE` in SQL.
 *
 * Finished hours don't change, so a week is read once; when the hour turns, the buckets shift and only the
 * hour that just ended is read, and read again a minute later to catch messages that committed late. Every
 * refresh reads just the current hour and the oldest partial hour of the 24-hour window: index range scans
 * on `messages.created_at`, never the whole week (which takes ~0.5 s at a million messages).
 */
import type { Database } from '../storage/database.js';
import { startOfZonedHour } from './zoned-time.js';

export const HOURS_SHOWN = 168;
const HOUR_MS = 3_600_000;
/** Messages stamped just before the hour may commit just after it; the finished hour is read again this much later. */
const SETTLE_MS = 60_000;
const CURRENT = HOURS_SHOWN - 1;

/** One bar of the chart: the hour's label in the zone (`YYYY-MM-DD HH:mm`), its start, and the count. */
export interface HourBucket {
  hour: string;
  start: Date;
  count: number;
}

interface Bucket {
  hour: string;
  count: number;
}

interface SettledHours {
  hourStartMs: number;
  readAtMs: number;
  /** All 168 labels; counts of the 167 finished hours (the current one is counted live). */
  buckets: Bucket[];
}

export class HourlyCounts {
  private settled: SettledHours | undefined;

  constructor(
    private readonly database: Database,
    private readonly timezone: string,
  ) {}

  async read(now: Date): Promise<{ perHour: HourBucket[]; last24h: number }> {
    const hourStart = startOfZonedHour(now, this.timezone).getTime();
    const settled = await this.settledHours(hourStart, now.getTime());
    const live = await this.liveCounts(hourStart, now.getTime());
    const windowStart = hourStart - CURRENT * HOUR_MS;
    const perHour = settled.buckets.map((b, i) => ({
      hour: b.hour,
      start: new Date(windowStart + i * HOUR_MS),
      count: i === CURRENT ? live.currentHour : b.count,
    }));
    // The 24-hour window = a partial oldest hour + 23 finished hours + the current hour.
    const finished = perHour.slice(CURRENT - 23, CURRENT).reduce((sum, b) => sum + b.count, 0);
    return { perHour, last24h: live.oldestPartialHour + finished + live.currentHour };
  }

  private async settledHours(hourStartMs: number, nowMs: number): Promise<SettledHours> {
    const cached = this.settled;
    const settleAt = hourStartMs + SETTLE_MS;
    let buckets: Bucket[];
    if (cached?.hourStartMs === hourStartMs) {
      if (cached.readAtMs >= settleAt || nowMs < settleAt) return cached;
      buckets = [...cached.buckets.slice(0, CURRENT - 1), ...(await this.readBuckets(hourStartMs, CURRENT - 1, CURRENT))];
    } else if (cached && hourStartMs - cached.hourStartMs === HOUR_MS) {
      buckets = [...cached.buckets.slice(1, CURRENT), ...(await this.readBuckets(hourStartMs, CURRENT - 1, CURRENT))];
    } else {
      buckets = await this.readBuckets(hourStartMs, 0, CURRENT);
    }
    this.settled = { hourStartMs, readAtMs: nowMs, buckets };
    return this.settled;
  }

  /** Labels of buckets `from`..`to` and the counts of their finished part (before `hourStartMs`). */
  private async readBuckets(hourStartMs: number, from: number, to: number): Promise<Bucket[]> {
    const windowStart = new Date(hourStartMs - CURRENT * HOUR_MS);
    const rows = await this.database.query<{ hour: string; n: number }>(
      `SELECT to_char(($1::timestamptz + b.i * interval '1 hour') AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI') AS hour,
              coalesce(c.n, 0) AS n
       FROM generate_series($4::int, $5::int) AS b(i)
       LEFT JOIN (
         SELECT floor(extract(epoch FROM created_at - $1::timestamptz) / 3600)::int AS i, count(*) AS n
         FROM messages WHERE created_at >= $1::timestamptz + $4::int * interval '1 hour' AND created_at < $2
         GROUP BY 1
       ) c ON c.i = b.i
       ORDER BY b.i`,
      [windowStart, new Date(hourStartMs), this.timezone, from, to],
    );
    return rows.map((r) => ({ hour: r.hour, count: r.n }));
  }

  private async liveCounts(hourStartMs: number, nowMs: number): Promise<{ currentHour: number; oldestPartialHour: number }> {
    const rows = await this.database.query<{ current_hour: number; oldest: number }>(
      `SELECT (SELECT count(*) FROM messages WHERE created_at >= $1) AS current_hour,
              (SELECT count(*) FROM messages WHERE created_at >= $2 AND created_at < $3) AS oldest`,
      [new Date(hourStartMs), new Date(nowMs - 24 * HOUR_MS), new Date(hourStartMs - 23 * HOUR_MS)],
    );
    return { currentHour: rows[0]?.current_hour ?? 0, oldestPartialHour: rows[0]?.oldest ?? 0 };
  }
}
