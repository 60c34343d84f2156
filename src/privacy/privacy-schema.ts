/**
 * Tables of the data lifecycle (Drizzle; their own migration): receipts that let an anonymous person get
 * or erase their own conversation, and the purge job's record of its runs (so it provably runs).
 */
import { bigint, bigserial, integer, pgTable, text, timestamp, varchar, index } from 'drizzle-orm/pg-core';
import { chatRooms } from '../storage/schema.js';

/** A receipt: the SHA-256 of its code, and whose side of which conversation it opens. */
export const receipts = pgTable(
  'receipts',
  {
    codeHash: varchar('code_hash', { length: 64 }).primaryKey(),
    roomId: bigint('room_id', { mode: 'number' })
      .notNull()
      .references(() => chatRooms.id, { onDelete: 'cascade' }),
    userId: varchar('user_id', { length: 64 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('receipts_room_idx').on(t.roomId), index('receipts_user_idx').on(t.userId)],
);

/** Each run of the retention purge: when, what it removed, and how it ended. */
export const purgeRuns = pgTable('purge_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
  rooms: integer('rooms').notNull(),
  messages: integer('messages').notNull(),
  /** Null when it succeeded. */
  error: text('error'),
});
