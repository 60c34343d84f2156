/**
 * Database schema (Drizzle). One definition for both engines; `drizzle-kit generate` turns changes into
 * SQL migrations under `migrations/`, applied at start by `migrate.ts`.
 */
import { sql } from 'drizzle-orm';
import { bigserial, bigint, boolean, index, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

export const chatRooms = pgTable(
  'chat_rooms',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    user1Id: varchar('user1_id', { length: 64 }).notNull(),
    user2Id: varchar('user2_id', { length: 64 }).notNull(),
    matchType: varchar('match_type', { length: 32 }).notNull().default('random'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    isActive: boolean('is_active').notNull().default(true),
    endReason: varchar('end_reason', { length: 32 }),
    /** Each side's client network as an HMAC (never the address): enough to ban by network. */
    user1Network: varchar('user1_network', { length: 64 }),
    user2Network: varchar('user2_network', { length: 64 }),
  },
  (t) => [
    index('chat_rooms_created_at_idx').on(t.createdAt),
    // The retention purge looks for conversations that ended before a cut-off.
    index('chat_rooms_ended_at_idx').on(t.endedAt),
    index('chat_rooms_user1_idx').on(t.user1Id),
    index('chat_rooms_user2_idx').on(t.user2Id),
    index('chat_rooms_active_idx').on(t.id).where(sql`${t.isActive}`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roomId: bigint('room_id', { mode: 'number' })
      .notNull()
      .references(() => chatRooms.id),
    senderId: varchar('sender_id', { length: 64 }).notNull(),
    content: text('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Client-chosen id making retries idempotent; unique per room and sender when present. */
    cid: varchar('cid', { length: 64 }),
    /** What the content policy noticed (`term`, `link`, `pii`, `crisis`, `spam`, `masked`): for review. */
    flags: varchar('flags', { length: 16 }).array(),
    /** When the message's text was erased (by its sender through a receipt, or by an admin): kept as a marker. */
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
    /** Who erased it: `sender` or `admin`. */
    erasedBy: varchar('erased_by', { length: 16 }),
  },
  (t) => [
    index('messages_room_id_idx').on(t.roomId, t.id),
    index('messages_created_at_idx').on(t.createdAt),
    uniqueIndex('messages_room_sender_cid_uq').on(t.roomId, t.senderId, t.cid),
  ],
);

export const schema = { chatRooms, messages };
export type Schema = typeof schema;
