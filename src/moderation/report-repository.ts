/**
 * Reports in SQL (both engines): a person's report of their partner in one room, the moderation queue
 * (priority first, newest first, keyset-paged) and what an admin decided.
 */
import { createHash } from 'node:crypto';
import type { ReportReason } from '../shared/protocol.js';
import type { Database, Queryable } from '../storage/database.js';
import { roomColumns, type RoomRow } from '../storage/rows.js';

export const REPORT_STATUSES = ['open', 'actioned', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
/**
 * What a moderator decided: dismissed, upheld with a warning, mute or ban, or `support` — the person is
 * offered the crisis help card, with no sanction and no strike (someone who may be in danger needs help,
 * not a penalty). Stored in `reports.resolution` (varchar(16)), which a check constraint keeps to these: a new
 * one comes with a migration (as `support` did, `0010`), so that a release that does not know it stops.
 */
export const REPORT_ACTIONS = ['dismiss', 'warn', 'mute', 'ban', 'support'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];
/** The actions that sanction the reported person. */
export type SanctionAction = Exclude<ReportAction, 'dismiss' | 'support'>;

export interface ReportRecord {
  id: number;
  roomId: number;
  reporterId: string;
  reportedId: string;
  reason: ReportReason;
  /** The other reasons its reporter gave, in reports added to this one (first given first). */
  otherReasons: ReportReason[];
  note: string | null;
  messageIds: number[];
  status: ReportStatus;
  priority: number;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: ReportAction | null;
  resolutionNote: string | null;
  /** A `support` decision: when the help card reached the person; null until then (support-offers.ts). */
  supportShownAt: Date | null;
}

/** The two people of a room and when it ended, for checking a report or a block. */
export interface RoomParticipants {
  id: number;
  user1Id: string;
  user2Id: string;
  isActive: boolean;
  endedAt: Date | null;
  user1Network: string | null;
  user2Network: string | null;
}

export interface NewReport {
  roomId: number;
  reporterId: string;
  reportedId: string;
  reason: ReportReason;
  note: string | null;
  messageIds: number[];
  priority: number;
  at: Date;
}

/** Where the next page of the queue starts: after this (priority, id). */
export interface ReportCursor {
  priority: number;
  id: number;
}

interface ReportRow {
  id: number;
  room_id: number;
  reporter_id: string;
  reported_id: string;
  reason: ReportReason;
  other_reasons: ReportReason[] | null;
  note: string | null;
  message_ids: number[] | null;
  status: ReportStatus;
  priority: number;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: ReportAction | null;
  resolution_note: string | null;
  support_shown_at: Date | null;
}

const REPORT_COLUMNS =
  'id, room_id, reporter_id, reported_id, reason, other_reasons, note, message_ids, status, priority, created_at, updated_at, resolved_at, resolved_by, resolution, resolution_note, support_shown_at';

function toReport(row: ReportRow): ReportRecord {
  return {
    id: row.id,
    roomId: row.room_id,
    reporterId: row.reporter_id,
    reportedId: row.reported_id,
    reason: row.reason,
    otherReasons: row.other_reasons ?? [],
    note: row.note,
    messageIds: (row.message_ids ?? []).map(Number),
    status: row.status,
    priority: row.priority,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
    resolutionNote: row.resolution_note,
    supportShownAt: row.support_shown_at,
  };
}

/** What a decision is made on: a report's reason and its priority (see `reportVersion`). */
export type VersionedFields = Pick<ReportRecord, 'reason' | 'priority'>;

/**
 * A report's version as the admin decides on it: its reason and priority — 16 hex digits of their SHA-256.
 * They change only when something more urgent is added (a "minor" report after "spam", crisis words), at
 * most twice in a report's life, so a decision is never made on a report that became urgent unseen, and an
 * admin can always decide. Not its messages or notes: the content policy adds each flagged message of a
 * chat still going on, with a note, and a reporter may report again every few seconds — a version that
 * changed with them would leave the admin unable to decide (or dismiss a false report) while they go on.
 */
export function reportVersion(report: VersionedFields): string {
  return createHash('sha256').update(`${report.reason}\0${report.priority}`).digest('hex').slice(0, 16);
}

/** The most a report's notes add up to, one re-report after another (each person's note is at most 500). */
export const NOTE_MAX_CHARS = 2_000;

/**
 * The insert of a report, and what happens when its reporter already has an open one on that chat and
 * person (`$1`…`$8`: room, reporter, reported, reason, note, message ids, priority, time). Nothing of the
 * first is lost — a second report once replaced the first's reason, note and messages, so "minor" with
 * the messages ticked, then "spam" without, left the moderators a low-priority report and no evidence:
 * - the messages of both;
 * - the more urgent of the two reasons, with its priority; at the same priority the first stays (a "minor"
 *   report followed by "self_harm" must keep saying minor; the content policy's flags do not flip it);
 * - both notes, each later one on a line of its own after the others (one said before, as a whole line, is
 *   not added again), within NOTE_MAX_CHARS: past it, later notes are left out.
 * The content policy's own reports (review-queue.ts) add each flagged message this way too.
 */
export const FILE_OR_ADD_TO_OPEN_REPORT = `
  INSERT INTO reports (room_id, reporter_id, reported_id, reason, note, message_ids, priority, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6::bigint[], $7, $8, $8)
  ON CONFLICT (reporter_id, room_id, reported_id) WHERE status = 'open'
  DO UPDATE SET message_ids = COALESCE((SELECT array_agg(DISTINCT m ORDER BY m) FROM unnest(reports.message_ids || EXCLUDED.message_ids) AS m), '{}'::bigint[]),
                priority = GREATEST(reports.priority, EXCLUDED.priority),
                reason = CASE WHEN EXCLUDED.priority > reports.priority THEN EXCLUDED.reason ELSE reports.reason END,
                other_reasons = ARRAY(
                  SELECT r FROM unnest(reports.other_reasons || ARRAY[reports.reason, EXCLUDED.reason]::varchar[]) WITH ORDINALITY AS given(r, n)
                  WHERE r <> CASE WHEN EXCLUDED.priority > reports.priority THEN EXCLUDED.reason ELSE reports.reason END
                  GROUP BY r ORDER BY min(n)),
                note = CASE
                  WHEN EXCLUDED.note IS NULL OR strpos(E'\\n' || reports.note || E'\\n', E'\\n' || EXCLUDED.note || E'\\n') > 0 THEN reports.note
                  WHEN reports.note IS NULL THEN EXCLUDED.note
                  ELSE left(reports.note || E'\\n' || EXCLUDED.note, ${NOTE_MAX_CHARS})
                END,
                updated_at = GREATEST(reports.updated_at, EXCLUDED.updated_at)`;

/** Which reports of a queue to show: with this reason, or with this person on either side. */
export interface ReportFilter {
  /** Its reason, or one of its other reasons. */
  reason?: ReportReason;
  /** The reporter or the person reported. */
  userId?: string;
}

/** The queue's condition, its values numbered from $1. */
function filterClause(status: ReportStatus, filter: ReportFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [status];
  const conditions = ['status = $1'];
  if (filter.reason !== undefined) {
    params.push(filter.reason);
    // A report that gathered several reasons (one reporter, one chat) is found by any of them.
    conditions.push(`(reason = $${params.length} OR $${params.length} = ANY(other_reasons))`);
  }
  if (filter.userId !== undefined) {
    params.push(filter.userId);
    conditions.push(`(reporter_id = $${params.length} OR reported_id = $${params.length})`);
  }
  return { where: conditions.join(' AND '), params };
}

export class ReportRepository {
  constructor(private readonly database: Database) {}

  async room(roomId: number): Promise<RoomParticipants | undefined> {
    const rows = await this.database.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM chat_rooms WHERE id = $1`, [roomId]);
    return rows[0] && toRoom(rows[0]);
  }

  /** The most recent room the person was in, if any. */
  async lastRoomOf(userId: string): Promise<RoomParticipants | undefined> {
    const rows = await this.database.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM chat_rooms WHERE user1_id = $1 OR user2_id = $1 ORDER BY id DESC LIMIT 1`,
      [userId],
    );
    return rows[0] && toRoom(rows[0]);
  }

  /** How many of `ids` are messages of the room. */
  async countRoomMessages(roomId: number, ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.database.query<{ n: number }>('SELECT count(*) AS n FROM messages WHERE room_id = $1 AND id = ANY($2::bigint[])', [roomId, ids]);
    return rows[0]?.n ?? 0;
  }

  /** Files a report, or adds to the reporter's open one on that room and person (`filed`: a new one). */
  async upsert(report: NewReport): Promise<{ report: ReportRecord; filed: boolean }> {
    const rows = await this.database.query<ReportRow & { filed: boolean }>(
      `${FILE_OR_ADD_TO_OPEN_REPORT}
       RETURNING ${REPORT_COLUMNS}, (xmax = 0) AS filed`,
      [report.roomId, report.reporterId, report.reportedId, report.reason, report.note, report.messageIds, report.priority, report.at],
    );
    // xmax is 0 for a row this statement inserted, the updating transaction's id for one it updated.
    return { report: toReport(rows[0]!), filed: rows[0]!.filed };
  }

  async get(id: number): Promise<ReportRecord | undefined> {
    const rows = await this.database.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE id = $1`, [id]);
    return rows[0] && toReport(rows[0]);
  }

  /** A page of the queue: priority first, then newest first; only the reports `filter` lets through. */
  async list(status: ReportStatus, limit: number, after?: ReportCursor, filter: ReportFilter = {}): Promise<ReportRecord[]> {
    const { where, params } = filterClause(status, filter);
    const page = after ? ` AND (priority, id) < ($${params.length + 1}, $${params.length + 2})` : '';
    const values = after ? [...params, after.priority, after.id] : params;
    const rows = await this.database.query<ReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM reports WHERE ${where}${page} ORDER BY priority DESC, id DESC LIMIT $${values.length + 1}`,
      [...values, limit],
    );
    return rows.map(toReport);
  }

  /** How many reports of that status `filter` lets through: the queue's size, across its pages. */
  async count(status: ReportStatus, filter: ReportFilter = {}): Promise<number> {
    const { where, params } = filterClause(status, filter);
    const [row] = await this.database.query<{ n: number }>(`SELECT count(*) AS n FROM reports WHERE ${where}`, params);
    return Number(row?.n ?? 0);
  }

  /** Reports filed by, or about, a person (newest first). */
  async involving(userId: string, role: 'reporter' | 'reported', limit: number): Promise<ReportRecord[]> {
    const column = role === 'reporter' ? 'reporter_id' : 'reported_id';
    const rows = await this.database.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE ${column} = $1 ORDER BY id DESC LIMIT $2`, [userId, limit]);
    return rows.map(toReport);
  }

  /**
   * Closes an open report with a decision — through `db` inside the decision's transaction. Undefined if it
   * was not open, or (`ifUnchanged`: what its version is made of) its reason changed meanwhile.
   */
  async resolve(
    id: number,
    decision: { status: Exclude<ReportStatus, 'open'>; action: ReportAction; note: string | null; by: string; at: Date; ifUnchanged?: VersionedFields },
    db: Queryable = this.database,
  ): Promise<ReportRecord | undefined> {
    const seen = decision.ifUnchanged;
    const rows = await db.query<ReportRow>(
      `UPDATE reports SET status = $2, resolution = $3, resolution_note = $4, resolved_by = $5, resolved_at = $6, updated_at = $6
       WHERE id = $1 AND status = 'open' AND (NOT $7::boolean OR (reason = $8 AND priority = $9))
       RETURNING ${REPORT_COLUMNS}`,
      [id, decision.status, decision.action, decision.note, decision.by, decision.at, seen !== undefined, seen?.reason ?? '', seen?.priority ?? 0],
    );
    return rows[0] && toReport(rows[0]);
  }

  /**
   * The network (HMAC) a person last connected from, as stored for them in their rooms: the newest room
   * that has one. Undefined when they were never in a room; `networkHash` null when no room has one.
   */
  async latestNetworkOf(userId: string): Promise<{ networkHash: string | null } | undefined> {
    const rows = await this.database.query<{ network: string | null }>(
      `SELECT CASE WHEN user1_id = $1 THEN user1_network ELSE user2_network END AS network
       FROM chat_rooms WHERE user1_id = $1 OR user2_id = $1
       ORDER BY (CASE WHEN user1_id = $1 THEN user1_network ELSE user2_network END) IS NULL, id DESC LIMIT 1`,
      [userId],
    );
    const row = rows[0];
    return row && { networkHash: row.network };
  }

  /** Queue figures for the dashboard. */
  async counts(since: Date): Promise<{ open: number; openPriority: number; perDay: { day: string; count: number }[] }> {
    const [open] = await this.database.query<{ open: number; priority: number }>(
      "SELECT count(*) AS open, count(*) FILTER (WHERE priority > 0) AS priority FROM reports WHERE status = 'open'",
    );
    const perDay = await this.database.query<{ day: string; count: number }>(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*) AS count
       FROM reports WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
      [since],
    );
    return { open: open?.open ?? 0, openPriority: open?.priority ?? 0, perDay: perDay.map((r) => ({ day: r.day, count: r.count })) };
  }
}

const ROOM_COLUMNS = roomColumns();

function toRoom(row: RoomRow): RoomParticipants {
  return {
    id: row.id,
    user1Id: row.user1_id,
    user2Id: row.user2_id,
    isActive: row.is_active,
    endedAt: row.ended_at,
    user1Network: row.user1_network,
    user2Network: row.user2_network,
  };
}
