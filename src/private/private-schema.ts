/**
 * Tables of private rooms (Drizzle; their own migration): each key (only its hash) with the two people
 * it belongs to, and the conversations held under it — whose messages are replayed when they meet again.
 */
import { bigint, index, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';
import { chatRooms } from '../storage/schema.js';

/**
 * A private room's key. `user1_id` made it (or asked first to stay in touch); `user2_id` is bound the
 * first time someone else enters it — from then on only these two may. `origin`: `created`
 * (`create_private`) or `contact` (both asked to stay in touch after a chat).
 */
export const privateKeys = pgTable('private_keys', {
  keyHash: varchar('key_hash', { length: 64 }).primaryKey(),
  user1Id: varchar('user1_id', { length: 64 }).notNull(),
  user2Id: varchar('user2_id', { length: 64 }),
  origin: varchar('origin', { length: 16 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** When someone last entered it (`join_private`): retention keeps a key in use (src/privacy/retention.ts). */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
});

/** The conversations of a key: its private chats, and for a contact key the chat where the two met. */
export const privateKeyRooms = pgTable(
  'private_key_rooms',
  {
    keyHash: varchar('key_hash', { length: 64 })
      .notNull()
      .references(() => privateKeys.keyHash, { onDelete: 'cascade' }),
    roomId: bigint('room_id', { mode: 'number' })
      .notNull()
      .references(() => chatRooms.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.keyHash, t.roomId] }), index('private_key_rooms_room_idx').on(t.roomId)],
);
