/**
 * Private rooms in the database: keys (by hash) and the two identities bound to each, the conversations
 * held under a key, and the pages of their messages replayed when the two meet again. One SQL
 * implementation for both engines.
 */
import type { Database } from '../storage/database.js';
import { toMessage, type StoredMessage } from '../storage/chat-repository.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../storage/rows.js';

/** How a key came to be: made to share (`create_private`), or given to both after a chat (`keep_in_touch`). */
export type KeyOrigin = 'created' | 'contact';

/**
 * Who may use a key: the caller, and the other person bound to it (if someone is yet); `fresh` when this
 * very call bound the caller as its second person (so that a refusal right after can take it back).
 */
export type Binding = { status: 'bound'; otherId: string | null; fresh: boolean } | { status: 'refused' };

/** The two people of a key: its maker, and the second person once someone is bound. */
export interface KeyPeople {
  user1Id: string;
  user2Id: string | null;
}

/** A conversation as far as private rooms care: who was in it, what kind, whether and when it ended. */
export interface RoomFacts {
  id: number;
  user1Id: string;
  user2Id: string;
  matchType: string;
  isActive: boolean;
  endedAt: Date | null;
}

const ROOM_FACTS = roomColumns();

function toFacts(row: RoomRow): RoomFacts {
  return { id: row.id, user1Id: row.user1_id, user2Id: row.user2_id, matchType: row.match_type, isActive: row.is_active, endedAt: row.ended_at };
}

export class PrivateKeyStore {
  constructor(private readonly database: Database) {}

  /**
   * Stores a new key for `user1Id` (and `user2Id` when both are known, a contact key), with the
   * conversation it comes from, if any. Both in one statement.
   */
  async create(input: { keyHash: string; user1Id: string; user2Id?: string; origin: KeyOrigin; createdAt: Date; roomId?: number }): Promise<void> {
    await this.database.query(
      `WITH k AS (
         INSERT INTO private_keys (key_hash, user1_id, user2_id, origin, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING key_hash
       )
       INSERT INTO private_key_rooms (key_hash, room_id) SELECT key_hash, $6::bigint FROM k WHERE $6::bigint IS NOT NULL`,
      [input.keyHash, input.user1Id, input.user2Id ?? null, input.origin, input.createdAt, input.roomId ?? null],
    );
  }

  /** The two people of a key as stored now; undefined for an unknown key. */
  async people(keyHash: string): Promise<KeyPeople | undefined> {
    const [row] = await this.database.query<{ user1_id: string; user2_id: string | null }>('SELECT user1_id, user2_id FROM private_keys WHERE key_hash = $1', [keyHash]);
    return row && { user1Id: row.user1_id, user2Id: row.user2_id };
  }

  /**
   * Whether `userId` may use a key: one of its two people, or — while only one is bound — the second,
   * bound by this call (atomically: two newcomers at once cannot both be). Unknown keys and keys of two
   * other people are both `refused`. Whether the two may meet (a block) is the caller's to check first.
   */
  async bind(keyHash: string, userId: string): Promise<Binding> {
    const bound = await this.database.query<{ user1_id: string }>(
      'UPDATE private_keys SET user2_id = $2 WHERE key_hash = $1 AND user2_id IS NULL AND user1_id <> $2 RETURNING user1_id',
      [keyHash, userId],
    );
    if (bound[0]) return { status: 'bound', otherId: bound[0].user1_id, fresh: true };
    // Not bound by this call: read it afresh (a concurrent bind has committed by now).
    const row = await this.people(keyHash);
    if (row?.user1Id === userId) return { status: 'bound', otherId: row.user2Id, fresh: false };
    if (row?.user2Id === userId) return { status: 'bound', otherId: row.user1Id, fresh: false };
    return { status: 'refused' };
  }

  /** Records that someone entered the key at `at`: the retention purge keeps a key in use. */
  async touch(keyHash: string, at: Date): Promise<void> {
    await this.database.query('UPDATE private_keys SET last_used_at = $2 WHERE key_hash = $1 AND (last_used_at IS NULL OR last_used_at < $2)', [keyHash, at]);
  }

  /**
   * Takes back a binding made by `bind` for `userId` (a block found right after it), so the key's second
   * place is free again for the person its maker meant it for. Only a made key's second place, only if
   * still `userId`'s.
   */
  async unbind(keyHash: string, userId: string): Promise<void> {
    await this.database.query("UPDATE private_keys SET user2_id = NULL WHERE key_hash = $1 AND user2_id = $2 AND origin = 'created'", [keyHash, userId]);
  }

  /** Files a conversation under a key (its messages are replayed at the next meeting). */
  async linkRoom(keyHash: string, roomId: number): Promise<void> {
    await this.database.query('INSERT INTO private_key_rooms (key_hash, room_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [keyHash, roomId]);
  }

  async room(roomId: number): Promise<RoomFacts | undefined> {
    const [row] = await this.database.query<RoomRow>(`SELECT ${ROOM_FACTS} FROM chat_rooms WHERE id = $1`, [roomId]);
    return row && toFacts(row);
  }

  /** The identity's most recent conversation. */
  async lastRoomOf(userId: string): Promise<RoomFacts | undefined> {
    const [row] = await this.database.query<RoomRow>(
      `SELECT ${ROOM_FACTS} FROM (
         (SELECT ${ROOM_FACTS} FROM chat_rooms WHERE user1_id = $1 ORDER BY id DESC LIMIT 1)
         UNION ALL
         (SELECT ${ROOM_FACTS} FROM chat_rooms WHERE user2_id = $1 ORDER BY id DESC LIMIT 1)
       ) r ORDER BY id DESC LIMIT 1`,
      [userId],
    );
    return row && toFacts(row);
  }

  /**
   * Where a replay of the key's earlier messages starts so that it holds at most the latest `max`: the id
   * just before the oldest of them (0: from the beginning). `exceptRoomId` is the conversation going on.
   */
  async historyStart(keyHash: string, exceptRoomId: number, max: number): Promise<number> {
    const [row] = await this.database.query<{ id: number }>(
      `SELECT m.id FROM messages m JOIN private_key_rooms k ON k.room_id = m.room_id
       WHERE k.key_hash = $1 AND m.room_id <> $2 AND m.erased_at IS NULL
       ORDER BY m.id DESC OFFSET $3 LIMIT 1`,
      [keyHash, exceptRoomId, max],
    );
    return row?.id ?? 0;
  }

  /**
   * One page of the key's earlier messages after `afterId`, in order (erased ones left out: their text
   * is gone). `exceptRoomId` is the conversation going on, whose messages come live.
   */
  async historyPage(keyHash: string, exceptRoomId: number, afterId: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.database.query<MessageRow>(
      `SELECT ${messageColumns('m')}
       FROM messages m JOIN private_key_rooms k ON k.room_id = m.room_id
       WHERE k.key_hash = $1 AND m.room_id <> $2 AND m.id > $3 AND m.erased_at IS NULL
       ORDER BY m.id LIMIT $4`,
      [keyHash, exceptRoomId, afterId, limit],
    );
    return rows.map(toMessage);
  }
}
