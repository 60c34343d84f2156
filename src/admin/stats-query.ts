/**
 * The dashboard figures: the original's three (rooms, messages, active rooms), live presence, messages in
 * the last 24 hours and per hour over 7 days. One result is shared by every caller for `cacheMs`, so many
 * open dashboards cost what one does; the counts themselves avoid rescanning big tables (see
 * `incremental-count.ts`, `hourly-counts.ts`): after the first call, a refresh at a million messages
 * takes a few milliseconds.
 */
import type { LiveStats } from '../chat/live-stats.js';
import type { Clock } from '../clock.js';
import type { Database } from '../storage/database.js';
import { formatIso } from '../shared/time.js';
import { HourlyCounts } from './hourly-counts.js';
import { IncrementalCount } from './incremental-count.js';

/** What `GET /admin/api/stats` answers. Times are ISO 8601 with the configured zone's offset. */
export interface DashboardStats {
  total_rooms: number;
  total_messages: number;
  active_rooms: number;
  online_now: number;
  waiting_now: number;
  messages_24h: number;
  /** 168 hours, oldest first; the last is the current (partial) hour. */
  messages_per_hour: { hour: string; start: string; count: number }[];
  timezone: string;
  generated_at: string;
}

/** Cache lifetimes of the dashboard figures. */
export interface StatsTiming {
  /** How long one computed result is served to everyone. Default 2 s. */
  cacheMs: number;
  /** Longest time between full recounts of the totals (see `incremental-count.ts`). Default 10 minutes. */
  recountMs: number;
}

export const DEFAULT_STATS_TIMING: StatsTiming = { cacheMs: 2_000, recountMs: 600_000 };

export class StatsQuery {
  private readonly rooms: IncrementalCount;
  private readonly messages: IncrementalCount;
  private readonly hourly: HourlyCounts;
  private cached: { atMs: number; value: Promise<DashboardStats> } | undefined;

  constructor(
    private readonly database: Database,
    private readonly liveStats: LiveStats,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly timing: StatsTiming = DEFAULT_STATS_TIMING,
  ) {
    this.rooms = new IncrementalCount(database, 'chat_rooms', timing.recountMs);
    this.messages = new IncrementalCount(database, 'messages', timing.recountMs);
    this.hourly = new HourlyCounts(database, timezone);
  }

  /** The current figures, at most `cacheMs` old. Concurrent callers share one computation. */
  get(): Promise<DashboardStats> {
    const nowMs = this.clock.now().getTime();
    if (this.cached && nowMs - this.cached.atMs < this.timing.cacheMs) return this.cached.value;
    const value = this.compute(new Date(nowMs));
    this.cached = { atMs: nowMs, value };
    // A failure is not cached: the next caller tries again.
    value.catch(() => {
      if (this.cached?.value === value) this.cached = undefined;
    });
    return value;
  }

  private async compute(now: Date): Promise<DashboardStats> {
    // One after another: PGlite runs one statement at a time anyway, and PostgreSQL pools stay free for chat.
    const totalRooms = await this.rooms.refresh(now.getTime());
    const totalMessages = await this.messages.refresh(now.getTime());
    const active = await this.database.query<{ n: string | number }>('SELECT count(*) AS n FROM chat_rooms WHERE is_active');
    const hourly = await this.hourly.read(now);
    const [online, waiting] = await Promise.all([this.liveStats.onlineCount(), this.liveStats.waitingCount()]);
    return {
      total_rooms: totalRooms,
      total_messages: totalMessages,
      active_rooms: Number(active[0]?.n ?? 0),
      online_now: online,
      waiting_now: waiting,
      messages_24h: hourly.last24h,
      messages_per_hour: hourly.perHour.map((b) => ({ hour: b.hour, start: formatIso(b.start, this.timezone), count: b.count })),
      timezone: this.timezone,
      generated_at: formatIso(now, this.timezone),
    };
  }
}
