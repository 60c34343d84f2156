/**
 * ChatRepository kept in process memory: the same semantics as the SQL repository, nothing durable.
 * Used to measure what durability costs (`npm run bench -- messages --db none`) and in tests.
 * Everything is lost when the process stops; memory grows with every message stored.
 */
import type { EndReason } from '../shared/protocol.js';
import type { AppendOutcome, ChatRepository, NewMessage, NewRoom, RoomRecord, StoredMessage } from './chat-repository.js';

/** Default page size of `listMessages`, as in the SQL repository. */
const DEFAULT_LIST_LIMIT = 10_000;

export class MemoryChatRepository implements ChatRepository {
  private readonly rooms = new Map<number, RoomRecord>();
  /** Messages per room, in id order (ids only grow, so appending keeps the order). */
  private readonly messagesByRoom = new Map<number, StoredMessage[]>();
  /** (room, sender, cid) → the first message with that cid. */
  private readonly byCid = new Map<string, StoredMessage>();
  private lastRoomId = 0;
  private messageSeq = 0;

  async createRooms(batch: readonly NewRoom[]): Promise<RoomRecord[]> {
    return Promise.all(batch.map((input) => this.createRoom(input)));
  }

  async createRoom(input: NewRoom): Promise<RoomRecord> {
    const room: RoomRecord = {
      id: ++this.lastRoomId,
      user1Id: input.user1Id,
      user2Id: input.user2Id,
      matchType: input.matchType,
      createdAt: new Date(input.createdAt),
      endedAt: null,
      isActive: true,
      endReason: null,
    };
    this.rooms.set(room.id, room);
    return copyRoom(room);
  }

  async endRoom(roomId: number, reason: EndReason, endedAt: Date): Promise<boolean> {
    const room = this.rooms.get(roomId);
    if (!room?.isActive) return false;
    end(room, reason, endedAt);
    return true;
  }

  async endActiveRooms(reason: EndReason, endedAt: Date): Promise<number> {
    let count = 0;
    for (const room of this.rooms.values()) {
      if (!room.isActive) continue;
      end(room, reason, endedAt);
      count++;
    }
    return count;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendOutcome[]> {
    // Synchronous from here on, like one statement: no other call interleaves with the batch.
    return batch.map((input) => this.appendOne(input));
  }

  async getRoom(roomId: number): Promise<RoomRecord | undefined> {
    const room = this.rooms.get(roomId);
    return room && copyRoom(room);
  }

  async listMessages(roomId: number, options: { afterId?: number; limit?: number } = {}): Promise<StoredMessage[]> {
    const all = this.messagesByRoom.get(roomId) ?? [];
    const afterId = options.afterId ?? 0;
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    const result: StoredMessage[] = [];
    for (const message of all) {
      if (result.length >= limit) break;
      if (message.id > afterId) result.push(copyMessage(message));
    }
    return result;
  }

  async lastMessageId(roomId: number): Promise<number> {
    const list = this.messagesByRoom.get(roomId);
    return list?.[list.length - 1]?.id ?? 0;
  }

  private appendOne(input: NewMessage): AppendOutcome {
    const room = this.rooms.get(input.roomId);
    // A cid seen before answers the original even if the room has ended since, as the SQL lookup does.
    const key = input.cid === undefined ? undefined : cidKey(input.roomId, input.senderId, input.cid);
    const original = key === undefined ? undefined : this.byCid.get(key);
    if (original) return { status: 'duplicate', message: copyMessage(original) };
    if (!room?.isActive) return { status: 'room_closed' };
    const message: StoredMessage = {
      id: ++this.messageSeq,
      roomId: input.roomId,
      senderId: input.senderId,
      content: input.content,
      createdAt: new Date(input.createdAt),
      cid: input.cid ?? null,
    };
    let list = this.messagesByRoom.get(input.roomId);
    if (!list) {
      list = [];
      this.messagesByRoom.set(input.roomId, list);
    }
    list.push(message);
    if (key !== undefined) this.byCid.set(key, message);
    return { status: 'stored', message: copyMessage(message) };
  }
}

function end(room: RoomRecord, reason: EndReason, endedAt: Date): void {
  room.isActive = false;
  room.endedAt = new Date(endedAt);
  room.endReason = reason;
}

function cidKey(roomId: number, senderId: string, cid: string): string {
  return `${roomId}\u0000${senderId}\u0000${cid}`;
}

/** Callers get copies, so changing a returned record never changes what is stored. */
function copyRoom(room: RoomRecord): RoomRecord {
  return { ...room, createdAt: new Date(room.createdAt), endedAt: room.endedAt && new Date(room.endedAt) };
}

function copyMessage(message: StoredMessage): StoredMessage {
  return { ...message, createdAt: new Date(message.createdAt) };
}
