/**
 * What the chat needs from storage: rooms that start and end, messages appended in batches.
 * One SQL implementation serves both engines (see `database.ts`).
 */
import type { EndReason } from '../shared/protocol.js';
import type { Database } from './database.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from './rows.js';

export interface RoomRecord {
  id: number;
  user1Id: string;
  user2Id: string;
  matchType: string;
  createdAt: Date;
  endedAt: Date | null;
  isActive: boolean;
  endReason: EndReason | null;
}

export interface NewMessage {
  roomId: number;
  senderId: string;
  content: string;
  createdAt: Date;
  cid?: string | undefined;
  /** What the content policy noticed (stored for review). */
  flags?: readonly string[] | undefined;
}

export interface StoredMessage {
  id: number;
  roomId: number;
  senderId: string;
  content: string;
  createdAt: Date;
  cid: string | null;
}

/**
 * Outcome of appending one message: stored now, stored earlier (same cid), refused (room not active), or
 * `unresolved` — not inserted, and whether it repeats an earlier message could not be read (the database
 * failed after its batch committed): its sender is told to retry, and the retry finds the answer.
 */
export type AppendOutcome =
  | { status: 'stored'; message: StoredMessage }
  | { status: 'duplicate'; message: StoredMessage }
  | { status: 'room_closed' }
  | { status: 'unresolved' };

export interface NewRoom {
  user1Id: string;
  user2Id: string;
  matchType: string;
  createdAt: Date;
  /** Each side's client network hash, when known. */
  user1Network?: string | undefined;
  user2Network?: string | undefined;
}

export interface ChatRepository {
  /** Creates an active room for two users. */
  createRoom(input: NewRoom): Promise<RoomRecord>;
  /** Creates several rooms in one statement; room i belongs to input i. */
  createRooms(batch: readonly NewRoom[]): Promise<RoomRecord[]>;
  /** Ends an active room. Resolves false if it was already ended. */
  endRoom(roomId: number, reason: EndReason, endedAt: Date): Promise<boolean>;
  /** Ends every active room (a single process starting up owns no live chats). Returns how many. */
  endActiveRooms(reason: EndReason, endedAt: Date): Promise<number>;
  /**
   * Appends messages in one statement, in order; outcome i belongs to input i.
   * A message is stored only while its room is active; a repeated (room, sender, cid) returns the first.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<AppendOutcome[]>;
  getRoom(roomId: number): Promise<RoomRecord | undefined>;
  /** Messages of a room in order, optionally after a message id. */
  listMessages(roomId: number, options?: { afterId?: number; limit?: number }): Promise<StoredMessage[]>;
  /** Highest message id in a room, 0 when it has none. */
  lastMessageId(roomId: number): Promise<number>;
}

const ROOM_COLUMNS = roomColumns();
const MESSAGE_COLUMNS = messageColumns();

export function toRoom(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    user1Id: row.user1_id,
    user2Id: row.user2_id,
    matchType: row.match_type,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    isActive: row.is_active,
    endReason: row.end_reason as EndReason | null,
  };
}

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    roomId: row.room_id,
    senderId: row.sender_id,
    content: row.content,
    createdAt: row.created_at,
    cid: row.cid,
  };
}

/*
 * One statement appends a whole batch. Ids are drawn from the sequence before the insert so each input
 * row knows its id; rows whose room is not active, or whose cid repeats, are simply not inserted.
 */
const APPEND_SQL = `
WITH input AS (
  SELECT t.ord, t.room_id, t.sender_id, t.content, t.created_at, t.cid, t.flags,
         nextval(pg_get_serial_sequence('messages', 'id')) AS new_id
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
       WITH ORDINALITY AS t(room_id, sender_id, content, created_at, cid, flags, ord)
),
inserted AS (
  INSERT INTO messages (id, room_id, sender_id, content, created_at, cid, flags)
  -- Flags travel as one comma-joined string per row (unnest would flatten an array of arrays).
  SELECT i.new_id, i.room_id, i.sender_id, i.content, i.created_at, i.cid, string_to_array(i.flags, ',')::varchar(16)[]
  FROM input i
  WHERE EXISTS (SELECT 1 FROM chat_rooms r WHERE r.id = i.room_id AND r.is_active)
  ORDER BY i.ord
  ON CONFLICT (room_id, sender_id, cid) DO NOTHING
  RETURNING id
)
SELECT i.ord, ins.id AS inserted_id
FROM input i LEFT JOIN inserted ins ON ins.id = i.new_id
ORDER BY i.ord`;

/* Rooms in one statement: ids drawn in input order, so the returned rows can be matched back to inputs. */
const CREATE_ROOMS_SQL = `
WITH input AS (
  SELECT t.ord, t.user1_id, t.user2_id, t.match_type, t.created_at, t.user1_network, t.user2_network,
         nextval(pg_get_serial_sequence('chat_rooms', 'id')) AS new_id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
       WITH ORDINALITY AS t(user1_id, user2_id, match_type, created_at, user1_network, user2_network, ord)
),
inserted AS (
  INSERT INTO chat_rooms (id, user1_id, user2_id, match_type, created_at, user1_network, user2_network)
  SELECT new_id, user1_id, user2_id, match_type, created_at, user1_network, user2_network FROM input ORDER BY ord
  RETURNING ${ROOM_COLUMNS}
)
SELECT inserted.*, input.ord FROM inserted JOIN input ON input.new_id = inserted.id`;

export class SqlChatRepository implements ChatRepository {
  constructor(private readonly database: Database) {}

  async createRoom(input: NewRoom): Promise<RoomRecord> {
    return (await this.createRooms([input]))[0]!;
  }

  async createRooms(batch: readonly NewRoom[]): Promise<RoomRecord[]> {
    if (batch.length === 0) return [];
    const rows = await this.database.query<RoomRow & { ord: number }>(CREATE_ROOMS_SQL, [
      batch.map((r) => r.user1Id),
      batch.map((r) => r.user2Id),
      batch.map((r) => r.matchType),
      batch.map((r) => r.createdAt.toISOString()),
      batch.map((r) => r.user1Network ?? null),
      batch.map((r) => r.user2Network ?? null),
    ], { prepare: 'create_rooms' });
    return rows.sort((a, b) => a.ord - b.ord).map(toRoom);
  }

  async endRoom(roomId: number, reason: EndReason, endedAt: Date): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE chat_rooms SET is_active = false, ended_at = $2, end_reason = $3 WHERE id = $1 AND is_active RETURNING id',
      [roomId, endedAt, reason],
    );
    return rows.length > 0;
  }

  async endActiveRooms(reason: EndReason, endedAt: Date): Promise<number> {
    const rows = await this.database.query(
      'UPDATE chat_rooms SET is_active = false, ended_at = $1, end_reason = $2 WHERE is_active RETURNING id',
      [endedAt, reason],
    );
    return rows.length;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendOutcome[]> {
    if (batch.length === 0) return [];
    const rows = await this.database.query<{ ord: number; inserted_id: number | null }>(APPEND_SQL, [
      batch.map((m) => m.roomId),
      batch.map((m) => m.senderId),
      batch.map((m) => m.content),
      batch.map((m) => m.createdAt.toISOString()),
      batch.map((m) => m.cid ?? null),
      batch.map((m) => (m.flags && m.flags.length > 0 ? m.flags.join(',') : null)),
    ], { prepare: 'append_messages' });
    const outcomes: AppendOutcome[] = [];
    const missing: number[] = [];
    for (const row of rows) {
      const index = row.ord - 1;
      const input = batch[index]!;
      if (row.inserted_id === null) {
        missing.push(index);
        outcomes[index] = { status: 'room_closed' };
      } else {
        outcomes[index] = {
          status: 'stored',
          message: { id: row.inserted_id, roomId: input.roomId, senderId: input.senderId, content: input.content, createdAt: input.createdAt, cid: input.cid ?? null },
        };
      }
    }
    // The batch is committed: what it stored stands even if the look-up of its repeats fails (before, every
    // message of the batch was then answered as not stored — and a resend of a stored one was never delivered).
    await this.resolveDuplicates(batch, missing, outcomes).catch(() => {
      for (const i of missing) if (batch[i]!.cid !== undefined) outcomes[i] = { status: 'unresolved' };
    });
    return outcomes;
  }

  /** Rows not inserted are either repeats of an earlier cid (answer with the original) or for a closed room. */
  private async resolveDuplicates(batch: readonly NewMessage[], missing: number[], outcomes: AppendOutcome[]): Promise<void> {
    const withCid = missing.filter((i) => batch[i]!.cid !== undefined);
    if (withCid.length === 0) return;
    const existing = await this.database.query<MessageRow>(
      `SELECT ${messageColumns('m')} FROM messages m
       JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS k(room_id, sender_id, cid)
         ON m.room_id = k.room_id AND m.sender_id = k.sender_id AND m.cid = k.cid`,
      [withCid.map((i) => batch[i]!.roomId), withCid.map((i) => batch[i]!.senderId), withCid.map((i) => batch[i]!.cid!)],
    );
    const byKey = new Map(existing.map((row) => [`${row.room_id}\u0000${row.sender_id}\u0000${row.cid}`, toMessage(row)]));
    for (const i of withCid) {
      const m = batch[i]!;
      const original = byKey.get(`${m.roomId}\u0000${m.senderId}\u0000${m.cid}`);
      if (original) outcomes[i] = { status: 'duplicate', message: original };
    }
  }

  async getRoom(roomId: number): Promise<RoomRecord | undefined> {
    const rows = await this.database.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM chat_rooms WHERE id = $1`, [roomId]);
    return rows[0] && toRoom(rows[0]);
  }

  async listMessages(roomId: number, options: { afterId?: number; limit?: number } = {}): Promise<StoredMessage[]> {
    const rows = await this.database.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [roomId, options.afterId ?? 0, options.limit ?? 10_000],
    );
    return rows.map(toMessage);
  }

  async lastMessageId(roomId: number): Promise<number> {
    const rows = await this.database.query<{ id: number | null }>('SELECT max(id) AS id FROM messages WHERE room_id = $1', [roomId]);
    return rows[0]?.id ?? 0;
  }
}
