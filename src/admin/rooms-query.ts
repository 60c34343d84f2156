/**
 * The conversations list (newest first, keyset pagination by room id, so page 500 costs what page 1 does)
 * and one conversation with its messages in order, a page at a time.
 */
import type { Database } from '../storage/database.js';
import { formatIso } from '../shared/time.js';
import { encodeCursor, type RoomFilters } from './filters.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../storage/rows.js';
import { roomFilterConditions } from './room-filter-sql.js';

/** One row of the conversations table. Times are ISO 8601 with the configured zone's offset. */
export interface RoomSummary {
  id: number;
  user1_id: string;
  user2_id: string;
  created_at: string;
  ended_at: string | null;
  is_active: boolean;
  end_reason: string | null;
  message_count: number;
}

export interface RoomPage {
  rooms: RoomSummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export interface ConversationMessage {
  id: number;
  sender_id: string;
  sender: 'user1' | 'user2';
  /** Empty once erased: the text is gone, the message stays as a marker. */
  content: string;
  timestamp: string;
  /** Present once erased: when (ISO 8601, zone offset) and by whom. */
  erased_at?: string;
  erased_by?: 'sender' | 'admin';
}

export interface Conversation {
  room: RoomSummary;
  /** Oldest first, after the requested cursor. */
  messages: ConversationMessage[];
  /** Pass back as `cursor` for the following messages; null when these are the last. */
  next_cursor: string | null;
}

export class RoomsQuery {
  constructor(
    private readonly database: Database,
    private readonly timezone: string,
  ) {}

  async list(filters: RoomFilters, page: { beforeId: number | undefined; limit: number }): Promise<RoomPage> {
    const params: unknown[] = [];
    const conditions = roomFilterConditions(filters, params);
    if (page.beforeId !== undefined) conditions.push(`r.id < $${params.push(page.beforeId)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.database.query<RoomRow & { message_count: number }>(
      `SELECT ${roomColumns('r')}, (SELECT count(*) FROM messages c WHERE c.room_id = r.id) AS message_count
       FROM chat_rooms r ${where} ORDER BY r.id DESC LIMIT $${params.push(page.limit + 1)}`,
      params,
    );
    const pageRows = rows.slice(0, page.limit);
    const last = pageRows.at(-1);
    return {
      rooms: pageRows.map((row) => this.summary(row, row.message_count)),
      next_cursor: rows.length > page.limit && last ? encodeCursor(last.id) : null,
    };
  }

  /** A conversation with up to `limit` messages after `afterId`, in order, or undefined when the room doesn't exist. */
  async get(roomId: number, page: { afterId: number | undefined; limit: number }): Promise<Conversation | undefined> {
    const rooms = await this.database.query<RoomRow & { message_count: number }>(
      `SELECT ${roomColumns('r')}, (SELECT count(*) FROM messages m WHERE m.room_id = r.id) AS message_count FROM chat_rooms r WHERE r.id = $1`,
      [roomId],
    );
    const room = rooms[0];
    if (!room) return undefined;
    const rows = await this.database.query<MessageRow>(
      `SELECT ${messageColumns()} FROM messages WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [roomId, page.afterId ?? 0, page.limit + 1],
    );
    const messages = rows.slice(0, page.limit);
    const last = messages.at(-1);
    return {
      room: this.summary(room, room.message_count),
      messages: messages.map((m) => this.message(m, room.user1_id)),
      next_cursor: rows.length > page.limit && last ? encodeCursor(last.id) : null,
    };
  }

  /** Some messages of a room by id, in order (those a report points at); ids of other rooms are left out. */
  async pick(room: Pick<RoomSummary, 'id' | 'user1_id'>, ids: readonly number[]): Promise<ConversationMessage[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.query<MessageRow>(`SELECT ${messageColumns()} FROM messages WHERE room_id = $1 AND id = ANY($2::bigint[]) ORDER BY id`, [
      room.id,
      ids,
    ]);
    return rows.map((m) => this.message(m, room.user1_id));
  }

  private message(m: MessageRow, user1Id: string): ConversationMessage {
    return {
      id: m.id,
      sender_id: m.sender_id,
      sender: m.sender_id === user1Id ? 'user1' : 'user2',
      content: m.erased_at ? '' : m.content,
      timestamp: formatIso(m.created_at, this.timezone),
      ...(m.erased_at ? { erased_at: formatIso(m.erased_at, this.timezone), erased_by: m.erased_by === 'admin' ? ('admin' as const) : ('sender' as const) } : {}),
    };
  }

  private summary(row: RoomRow, messageCount: number): RoomSummary {
    return {
      id: row.id,
      user1_id: row.user1_id,
      user2_id: row.user2_id,
      created_at: formatIso(row.created_at, this.timezone),
      ended_at: row.ended_at ? formatIso(row.ended_at, this.timezone) : null,
      is_active: row.is_active,
      end_reason: row.end_reason,
      message_count: messageCount,
    };
  }
}
