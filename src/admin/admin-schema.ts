/**
 * Tables of the admin back office (Drizzle). They live beside the chat schema and get their own
 * migration (`drizzle.config.ts` lists both files). The admin code queries them with plain SQL.
 */
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/** Admin sessions, shared by every instance. The cookie carries a random token; only its SHA-256 is stored. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('admin_sessions_last_seen_idx').on(t.lastSeenAt)],
);

/** Small key/value settings, e.g. the scrypt hash of a generated admin password. */
export const adminSettings = pgTable('admin_settings', {
  key: varchar('key', { length: 64 }).primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Who did what in the back office: logins, logouts, conversation views, exports. Never passwords. */
export const adminAuditLog = pgTable('admin_audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  action: varchar('action', { length: 32 }).notNull(),
  clientAddress: varchar('client_address', { length: 64 }),
  detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
});
