/**
 * The moderation queue as the admin reads it: pages of reports (priority first, then newest first,
 * keyset-paged on (priority, id)) with how much lies behind each, and one report with everything needed
 * to decide — the conversation (reported messages marked), and both people's other reports and
 * sanctions, by identity or by the network stored for them in that room.
 */
import type { Clock } from '../clock.js';
import type { ReportFilter, ReportRecord, ReportRepository, ReportStatus, RoomParticipants } from '../moderation/report-repository.js';
import type { SanctionRepository } from '../moderation/sanction-repository.js';
import type { Database } from '../storage/database.js';
import { formatIso } from '../shared/time.js';
import { MESSAGE_PAGE_MAX } from './filters.js';
import type { ConversationMessage, RoomsQuery, RoomSummary } from './rooms-query.js';
import { encodeReportCursor, type ReportQueueCursor } from './safety-schemas.js';
import { reportFull, reportItem, sanctionView, type ReportFull, type ReportItem, type ReportQueueItem, type SanctionView } from './safety-views.js';

/** Other reports and sanctions shown per person (the counts cover all of them). */
export const HISTORY_LIMIT = 50;

export interface ReportQueuePage {
  reports: ReportQueueItem[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
  /** How many reports the queue holds with these filters, on every page. */
  total: number;
}

export type MarkedMessage = ConversationMessage & { reported: boolean };

/** One person of a report: what else they reported or were reported for, and their sanctions. */
export interface PersonHistory {
  user_id: string;
  /** Whether the room holds their network (so a sanction by address is possible). */
  network_known: boolean;
  /** Other reports they filed, newest first. */
  reports_filed: ReportItem[];
  /** Other reports about them, newest first. */
  reports_received: ReportItem[];
  /** Sanctions by their identity or by their network in this room, newest first. */
  sanctions: (SanctionView & { matched_by: 'identity' | 'address' })[];
  counts: { reports_filed: number; reports_received: number; sanctions: number; active_sanctions: number };
}

/** Most messages the content policy held back in one conversation that a report shows. */
export const HELD_LIMIT = 200;

/** A message the content policy refused (neither stored as a message nor delivered), kept for review. */
export interface HeldMessage {
  id: number;
  sender_id: string;
  content: string;
  /** What the policy found: `term`, `link`, … */
  reasons: string[];
  timestamp: string;
}

export interface ReportDetail {
  report: ReportFull;
  /** Null only if the room is gone. */
  room: RoomSummary | null;
  /** The conversation from its start, up to `MESSAGE_PAGE_MAX` messages; the rest through `/api/rooms/:id?cursor=`. */
  messages: MarkedMessage[];
  next_cursor: string | null;
  /** The messages the reporter pointed at, wherever they are in the conversation. */
  reported_messages: ConversationMessage[];
  /** What the content policy refused in this conversation, oldest first (at most `HELD_LIMIT`). */
  held_messages: HeldMessage[];
  people: { reporter: PersonHistory; reported: PersonHistory };
}

export class ReportsQuery {
  constructor(
    private readonly database: Database,
    private readonly reports: ReportRepository,
    private readonly sanctions: SanctionRepository,
    private readonly rooms: RoomsQuery,
    private readonly clock: Clock,
    private readonly timezone: string,
  ) {}

  async list(status: ReportStatus, page: { after: ReportQueueCursor | undefined; limit: number }, filter: ReportFilter = {}): Promise<ReportQueuePage> {
    const rows = await this.reports.list(status, page.limit + 1, page.after, filter);
    const shown = rows.slice(0, page.limit);
    const counts = await this.queueCounts(shown.map((r) => r.id));
    const last = shown.at(-1);
    return {
      reports: shown.map((report) => ({
        ...reportItem(report, this.timezone),
        counts: counts.get(report.id) ?? { messages: 0, reports_about_reported: 0, reports_by_reporter: 0 },
      })),
      next_cursor: rows.length > page.limit && last ? encodeReportCursor({ priority: last.priority, id: last.id }) : null,
      total: await this.reports.count(status, filter),
    };
  }

  /** The report itself, or undefined when there is none with that id. */
  report(id: number): Promise<ReportRecord | undefined> {
    return this.reports.get(id);
  }

  async detail(report: ReportRecord): Promise<ReportDetail> {
    const participants = await this.reports.room(report.roomId);
    const conversation = await this.rooms.get(report.roomId, { afterId: undefined, limit: MESSAGE_PAGE_MAX });
    const marked = new Set(report.messageIds);
    const reportedMessages = conversation ? await this.rooms.pick(conversation.room, report.messageIds) : [];
    return {
      report: reportFull(report, this.timezone, this.clock.now()),
      room: conversation?.room ?? null,
      messages: (conversation?.messages ?? []).map((m) => ({ ...m, reported: marked.has(m.id) })),
      next_cursor: conversation?.next_cursor ?? null,
      reported_messages: reportedMessages,
      held_messages: await this.held(report.roomId),
      people: {
        reporter: await this.person(report.reporterId, networkOf(participants, report.reporterId), report.id),
        reported: await this.person(report.reportedId, networkOf(participants, report.reportedId), report.id),
      },
    };
  }

  private async held(roomId: number): Promise<HeldMessage[]> {
    const rows = await this.database.query<{ id: number; sender_id: string; content: string; reasons: string[] | null; created_at: Date | string }>(
      'SELECT id, sender_id, content, reasons, created_at FROM held_messages WHERE room_id = $1 ORDER BY id LIMIT $2',
      [roomId, HELD_LIMIT],
    );
    return rows.map((r) => ({ id: r.id, sender_id: r.sender_id, content: r.content, reasons: r.reasons ?? [], timestamp: formatIso(new Date(r.created_at), this.timezone) }));
  }

  private async person(userId: string, network: string | null, currentReportId: number): Promise<PersonHistory> {
    const now = this.clock.now();
    const others = (reports: ReportRecord[]) =>
      reports
        .filter((r) => r.id !== currentReportId)
        .slice(0, HISTORY_LIMIT)
        .map((r) => reportItem(r, this.timezone));
    const filed = others(await this.reports.involving(userId, 'reporter', HISTORY_LIMIT + 1));
    const received = others(await this.reports.involving(userId, 'reported', HISTORY_LIMIT + 1));
    const networks = network === null ? [] : [network];
    const sanctions = await this.sanctions.of(userId, networks, HISTORY_LIMIT);
    const [counts] = await this.database.query<{ filed: number; received: number; sanctions: number; active: number }>(
      `SELECT (SELECT count(*) FROM reports WHERE reporter_id = $1 AND id <> $3) AS filed,
              (SELECT count(*) FROM reports WHERE reported_id = $1 AND id <> $3) AS received,
              count(*) AS sanctions,
              count(*) FILTER (WHERE lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $4)) AS active
       FROM sanctions WHERE user_id = $1 OR network_hash = ANY($2::text[])`,
      [userId, networks, currentReportId, now],
    );
    return {
      user_id: userId,
      network_known: network !== null,
      reports_filed: filed,
      reports_received: received,
      sanctions: sanctions.map((s) => ({ ...sanctionView(s, this.timezone, now), matched_by: s.userId === userId ? 'identity' : 'address' })),
      counts: {
        reports_filed: counts?.filed ?? 0,
        reports_received: counts?.received ?? 0,
        sanctions: counts?.sanctions ?? 0,
        active_sanctions: counts?.active ?? 0,
      },
    };
  }

  private async queueCounts(ids: number[]): Promise<Map<number, ReportQueueItem['counts']>> {
    if (ids.length === 0) return new Map();
    const rows = await this.database.query<{ id: number; messages: number; about: number; by_reporter: number }>(
      `SELECT r.id,
              (SELECT count(*) FROM messages m WHERE m.room_id = r.room_id) AS messages,
              (SELECT count(*) FROM reports x WHERE x.reported_id = r.reported_id) AS about,
              (SELECT count(*) FROM reports x WHERE x.reporter_id = r.reporter_id) AS by_reporter
       FROM reports r WHERE r.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { messages: r.messages, reports_about_reported: r.about, reports_by_reporter: r.by_reporter }]));
  }
}

/** The network (HMAC) stored for a person in the room, if any. */
export function networkOf(room: RoomParticipants | undefined, userId: string): string | null {
  if (!room) return null;
  if (room.user1Id === userId) return room.user1Network;
  return room.user2Id === userId ? room.user2Network : null;
}
