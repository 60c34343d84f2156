/**
 * Tables of the door and the content policy (Drizzle; their own migration): who accepted which version
 * of the rules, the policy document the operators edit, and messages held back by it for review.
 */
import { bigint, bigserial, index, jsonb, pgTable, smallint, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/** The latest version of the rules an identity accepted (and the minimum age it confirmed then). */
export const ruleAcceptances = pgTable('rule_acceptances', {
  userId: varchar('user_id', { length: 64 }).primaryKey(),
  rulesVersion: varchar('rules_version', { length: 32 }).notNull(),
  minAge: smallint('min_age').notNull(),
  acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** The content policy (one row): term lists with their actions, and what to do with links. */
export const contentPolicy = pgTable('content_policy', {
  id: smallint('id').primaryKey(),
  document: jsonb('document').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** Messages the policy refused (`block`): never delivered, kept for the moderators. */
export const heldMessages = pgTable(
  'held_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roomId: bigint('room_id', { mode: 'number' }).notNull(),
    senderId: varchar('sender_id', { length: 64 }).notNull(),
    content: text('content').notNull(),
    reasons: varchar('reasons', { length: 16 }).array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('held_messages_room_idx').on(t.roomId)],
);
