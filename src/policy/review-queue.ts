/**
 * What the content policy hands to the moderators: a message it flagged goes into the moderation queue
 * as a report filed by `system` against its sender (one open report per chat and sender, each of their
 * flagged messages added to it), and a message it refused is kept aside (held) for them to see.
 */
import type { ReportReason } from '../shared/protocol.js';
import { FILE_OR_ADD_TO_OPEN_REPORT } from '../moderation/report-repository.js';
import type { Database } from '../storage/database.js';

/** The reporter of reports the server files itself. */
export const SYSTEM_REPORTER = 'system';

export class ReviewQueue {
  constructor(private readonly database: Database) {}

  /**
   * Files (or adds to) the open system report on the sender in a chat, as a person's report is (the more
   * urgent reason, every message, each note once). Per
   * sender, not per chat: a decision sanctions the report's `reported_id`, so the partner's flagged
   * messages must not land in a report naming the other person.
   */
  async flag(entry: { roomId: number; senderId: string; reason: ReportReason; messageId: number | null; note: string; priority: number; at: Date }): Promise<{ filed: boolean; reportId: number | null }> {
    const ids = entry.messageId === null ? [] : [entry.messageId];
    const rows = await this.database.query<{ id: number | string; filed: boolean }>(
      `${FILE_OR_ADD_TO_OPEN_REPORT}
       RETURNING id, (xmax = 0) AS filed`,
      [entry.roomId, SYSTEM_REPORTER, entry.senderId, entry.reason, entry.note, ids, entry.priority, entry.at],
    );
    // xmax is 0 for a row this statement inserted: a new report, not one more message in the open one.
    // The report's id goes with the message's strike: an admin upholding it then adds no second one.
    return { filed: rows[0]?.filed === true, reportId: rows[0] ? Number(rows[0].id) : null };
  }

  /** Keeps a refused message for review. Returns its id. */
  async hold(entry: { roomId: number; senderId: string; content: string; reasons: string[]; at: Date }): Promise<number> {
    const rows = await this.database.query<{ id: number }>(
      'INSERT INTO held_messages (room_id, sender_id, content, reasons, created_at) VALUES ($1, $2, $3, $4::varchar[], $5) RETURNING id',
      [entry.roomId, entry.senderId, entry.content, entry.reasons, entry.at],
    );
    return rows[0]!.id;
  }
}
