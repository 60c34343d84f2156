/**
 * The dashboard figures: the original's three (rooms, messages, active rooms), live presence, messages in
 * the last 24 hours and per hour over 7 days. One result is shared by every caller for `cacheMs`, so many
 * open dashboards cost what one does; the counts themselves avoid rescanning big tables (see
 * `incremental-count.ts`, `hourly-counts.ts`): after the first call, a refresh at a million messages
 * takes a few milliseconds. The safety loop adds the open reports (priority ones apart), the bans in force
 * and the reports filed per day of the configured zone over the last 7 days.
 */
import type { LiveStats } from '../chat/live-stats.js';
import type { Clock } from '../clock.js';
import type { SanctionRepository } from '../moderation/sanction-repository.js';
import type { RetentionJob } from '../privacy/retention.js';
import type { Database } from '../storage/database.js';
import { formatIso } from '../shared/time.js';
import { HourlyCounts } from './hourly-counts.js';
import { IncrementalCount } from './incremental-count.js';
import { parseZonedTime, zonedDate } from './zoned-time.js';

/** Days of reports shown on the dashboard (today included). */
export const REPORT_DAYS_SHOWN = 7;
const DAY_MS = 86_400_000;

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
  /** Reports waiting for a decision, and how many of them are priority ones (a minor, self-harm). */
  open_reports: number;
  open_priority_reports: number;
  /** Bans in force now. */
  active_bans: number;
  /** Reports filed per day (`YYYY-MM-DD` in the zone), oldest first; the last is today (so far). */
  reports_per_day: { day: string; count: number }[];
  /**
   * The retention purge: its setting, last run (what it removed, whether it failed), next run, and
   * whether it is failing (no successful run within two intervals). Null when retention is off.
   */
  retention: {
    days: number;
    last_run: { started: string; finished: string; rooms: number; messages: number; error: string | null } | null;
    last_success: string | null;
    next_run: string | null;
    failing: boolean;
  } | null;
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
    private readonly sanctions: SanctionRepository,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly timing: StatsTiming = DEFAULT_STATS_TIMING,
    private readonly retention?: RetentionJob,
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
    const active = await this.database.query<{ n: number }>('SELECT count(*) AS n FROM chat_rooms WHERE is_active');
    const hourly = await this.hourly.read(now);
    const reports = await this.reportCounts(now);
    const activeBans = await this.sanctions.activeBanCount(now);
    const [online, waiting] = await Promise.all([this.liveStats.onlineCount(), this.liveStats.waitingCount()]);
    return {
      total_rooms: totalRooms,
      total_messages: totalMessages,
      active_rooms: active[0]?.n ?? 0,
      online_now: online,
      waiting_now: waiting,
      messages_24h: hourly.last24h,
      messages_per_hour: hourly.perHour.map((b) => ({ hour: b.hour, start: formatIso(b.start, this.timezone), count: b.count })),
      open_reports: reports.open,
      open_priority_reports: reports.openPriority,
      active_bans: activeBans,
      reports_per_day: reports.perDay,
      retention: await this.retentionStatus(),
      timezone: this.timezone,
      generated_at: formatIso(now, this.timezone),
    };
  }

  private async retentionStatus(): Promise<DashboardStats['retention']> {
    if (!this.retention?.enabled) return null;
    const status = await this.retention.status();
    const iso = (date: Date | null) => (date ? formatIso(date, this.timezone) : null);
    const run = status.lastRun;
    return {
      days: status.retentionDays!,
      last_run: run && { started: iso(run.startedAt)!, finished: iso(run.finishedAt)!, rooms: run.rooms, messages: run.messages, error: run.error },
      last_success: iso(status.lastSuccessAt),
      next_run: iso(status.nextRunAt),
      failing: status.failing,
    };
  }

  private async reportCounts(now: Date): Promise<{ open: number; openPriority: number; perDay: { day: string; count: number }[] }> {
    // Days of the zone, not of UTC: a report at 07:00 in Beijing belongs to that Beijing day.
    const today = parseZonedTime(zonedDate(now, this.timezone), this.timezone) ?? now;
    // Noon of each day names it, so a day of 23 or 25 hours (a DST change) is neither skipped nor repeated.
    const days = Array.from({ length: REPORT_DAYS_SHOWN }, (_, i) =>
      zonedDate(new Date(today.getTime() - (REPORT_DAYS_SHOWN - 1 - i) * DAY_MS + DAY_MS / 2), this.timezone),
    );
    const since = parseZonedTime(days[0]!, this.timezone) ?? today;
    const [open] = await this.database.query<{ open: number; priority: number }>(
      "SELECT count(*) AS open, count(*) FILTER (WHERE priority > 0) AS priority FROM reports WHERE status = 'open'",
    );
    const rows = await this.database.query<{ day: string; n: number }>(
      `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, count(*) AS n FROM reports WHERE created_at >= $1 GROUP BY 1`,
      [since, this.timezone],
    );
    const perDay = new Map(rows.map((r) => [r.day, r.n]));
    return {
      open: open?.open ?? 0,
      openPriority: open?.priority ?? 0,
      perDay: days.map((day) => ({ day, count: perDay.get(day) ?? 0 })),
    };
  }
}
