/**
 * Reads an export from the database in short keyset-paginated queries: a batch of rooms (oldest first),
 * then their messages a page at a time. No transaction or cursor stays open between pages, so a long
 * export never blocks chat writes (PGlite has a single connection) and memory holds one page at most.
 * The generator stops querying as soon as its signal aborts or its consumer stops pulling.
 */
import type { Database } from '../storage/database.js';
import type { RoomFilters } from './filters.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../storage/rows.js';
import { roomFilterConditions } from './room-filter-sql.js';

/**
 * A piece of one room's data. A room's pieces arrive in order: the first has `first`, the last has `last`
 * (one piece can be both). Messages are in id order; a room without messages is one piece with none.
 */
export interface ExportChunk {
  room: RoomRow;
  messages: MessageRow[];
  first: boolean;
  last: boolean;
}

/** Page sizes of the export queries. */
export interface ExportBatchSizes {
  /** Rooms per query. Default 500. */
  rooms: number;
  /** Messages per query. Default 2,000 (at most ~1 MB of rows, since a message is at most 500 characters). */
  messages: number;
}

export const DEFAULT_EXPORT_BATCH: ExportBatchSizes = { rooms: 500, messages: 2_000 };

/** Yields the chunks of one database page at a time. */
export async function* readExport(
  database: Database,
  filters: RoomFilters,
  signal: AbortSignal,
  batch: ExportBatchSizes = DEFAULT_EXPORT_BATCH,
): AsyncGenerator<ExportChunk[]> {
  let afterRoomId = 0;
  while (!signal.aborted) {
    const rooms = await roomBatch(database, filters, afterRoomId, batch.rooms);
    if (rooms.length === 0) return;
    yield* roomsWithMessages(database, rooms, signal, batch.messages);
    if (rooms.length < batch.rooms) return;
    afterRoomId = rooms.at(-1)!.id;
  }
}

async function roomBatch(database: Database, filters: RoomFilters, afterRoomId: number, limit: number): Promise<RoomRow[]> {
  const params: unknown[] = [afterRoomId];
  const conditions = ['r.id > $1', ...roomFilterConditions(filters, params)];
  return database.query<RoomRow>(
    `SELECT ${roomColumns('r')} FROM chat_rooms r WHERE ${conditions.join(' AND ')} ORDER BY r.id LIMIT $${params.push(limit)}`,
    params,
  );
}

/** Walks the messages of `rooms` (ascending ids) in pages keyed by (room_id, id), interleaving rooms without messages. */
async function* roomsWithMessages(database: Database, rooms: RoomRow[], signal: AbortSignal, pageSize: number): AsyncGenerator<ExportChunk[]> {
  const assembler = new ChunkAssembler(rooms);
  let after = { roomId: 0, id: 0 };
  while (!signal.aborted) {
    const remainingIds = rooms.map((r) => r.id).filter((id) => id >= after.roomId);
    const page = await database.query<MessageRow>(
      `SELECT ${messageColumns()} FROM messages
       WHERE room_id = ANY($1::bigint[]) AND (room_id, id) > ($2::bigint, $3::bigint)
       ORDER BY room_id, id LIMIT $4`,
      [remainingIds, after.roomId, after.id, pageSize],
    );
    const done = page.length < pageSize;
    const chunks = assembler.add(page);
    if (done) chunks.push(...assembler.finish());
    if (chunks.length > 0) yield chunks;
    if (done) return;
    const last = page.at(-1)!;
    after = { roomId: last.room_id, id: last.id };
  }
}

/** Turns pages of messages (ordered by room, then id) into chunks, emitting rooms that have no messages in passing. */
class ChunkAssembler {
  private next = 0;
  private openRoomId: number | undefined;

  constructor(private readonly rooms: RoomRow[]) {}

  add(page: MessageRow[]): ExportChunk[] {
    const chunks: ExportChunk[] = [];
    let start = 0;
    while (start < page.length) {
      const roomId = page[start]!.room_id;
      let end = start + 1;
      while (end < page.length && page[end]!.room_id === roomId) end++;
      chunks.push(...this.closeRoomsBefore(roomId));
      const room = this.rooms[this.next]!;
      chunks.push({ room, messages: page.slice(start, end), first: this.openRoomId !== roomId, last: false });
      this.openRoomId = roomId;
      start = end;
    }
    return chunks;
  }

  /** Closes the open room and emits every room not seen yet. */
  finish(): ExportChunk[] {
    return this.closeRoomsBefore(Number.POSITIVE_INFINITY);
  }

  private closeRoomsBefore(roomId: number): ExportChunk[] {
    const chunks: ExportChunk[] = [];
    while (this.next < this.rooms.length && this.rooms[this.next]!.id < roomId) {
      const room = this.rooms[this.next]!;
      const open = this.openRoomId === room.id;
      chunks.push({ room, messages: [], first: !open, last: true });
      this.openRoomId = undefined;
      this.next++;
    }
    return chunks;
  }
}
