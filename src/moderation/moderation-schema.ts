/**
 * Tables of the safety loop (Drizzle): reports, sanctions, blocks and the strikes ledger. They get their
 * own migration (`drizzle.config.ts` lists this file); the code queries them with plain SQL.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { chatRooms } from '../storage/schema.js';

/**
 * A person's report of their partner in one conversation: one open report per reporter and room. The
 * content policy's reports (reporter `system`) are one open per room and sender, so that each names the
 * person whose messages it holds — a decision on it sanctions `reported_id`.
 */
export const reports = pgTable(
  'reports',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roomId: bigint('room_id', { mode: 'number' })
      .notNull()
      .references(() => chatRooms.id),
    reporterId: varchar('reporter_id', { length: 64 }).notNull(),
    reportedId: varchar('reported_id', { length: 64 }).notNull(),
    reason: varchar('reason', { length: 16 }).notNull(),
    /** The other reasons given in reports added to this one (`reason` is the most urgent), in the order first given. */
    otherReasons: varchar('other_reasons', { length: 16 }).array().notNull().default(sql`'{}'::varchar[]`),
    note: text('note'),
    /** Messages of the room the reporter pointed at. */
    messageIds: bigint('message_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    status: varchar('status', { length: 16 }).notNull().default('open'),
    /** Higher first in the queue: 1 for a minor or self-harm. */
    priority: smallint('priority').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: varchar('resolved_by', { length: 64 }),
    resolution: varchar('resolution', { length: 16 }),
    resolutionNote: text('resolution_note'),
    /**
     * A `support` decision: when the crisis help card was shown to the reported person. Null until then —
     * nobody connected at the decision is shown it on their next connection (src/moderation/support-offers.ts).
     */
    supportShownAt: timestamp('support_shown_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('reports_queue_idx').on(t.status, t.priority, t.id),
    index('reports_reported_idx').on(t.reportedId),
    index('reports_reporter_idx').on(t.reporterId),
    index('reports_room_idx').on(t.roomId),
    // A person's partner in a room is fixed, so with reported_id this is still one open report per person and room.
    uniqueIndex('reports_one_open_per_reporter_room_reported_uq').on(t.reporterId, t.roomId, t.reportedId).where(sql`${t.status} = 'open'`),
    // Offers of support not shown yet, read by every instance at each reload: a few rows, never the whole table.
    index('reports_support_unshown_idx').on(t.reportedId).where(sql`${t.resolution} = 'support' AND ${t.supportShownAt} IS NULL`),
    // The decisions this release knows. A new one comes with its migration, so that a release that does not
    // know it stops (src/storage/schema-version.ts) rather than fail on the rows that hold it.
    check('reports_resolution_known_ck', sql`${t.resolution} IS NULL OR ${t.resolution} IN ('dismiss', 'warn', 'mute', 'ban', 'support')`),
  ],
);

/** A warning, mute or ban, by identity and/or client network (HMAC), for a time or for good. */
export const sanctions = pgTable(
  'sanctions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: varchar('user_id', { length: 64 }),
    networkHash: varchar('network_hash', { length: 64 }),
    kind: varchar('kind', { length: 16 }).notNull(),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Null: for good. */
    endsAt: timestamp('ends_at', { withTimezone: true, mode: 'date' }),
    /** `admin` or `automatic`. */
    createdBy: varchar('created_by', { length: 64 }).notNull(),
    reportId: bigint('report_id', { mode: 'number' }).references(() => reports.id),
    liftedAt: timestamp('lifted_at', { withTimezone: true, mode: 'date' }),
    liftedBy: varchar('lifted_by', { length: 64 }),
  },
  (t) => [
    index('sanctions_user_idx').on(t.userId),
    index('sanctions_network_idx').on(t.networkHash),
    index('sanctions_active_idx').on(t.id).where(sql`${t.liftedAt} IS NULL`),
  ],
);

/** `blocker` never wants to be matched with `blocked` again (the rule applies both ways). */
export const blocks = pgTable(
  'blocks',
  {
    blockerId: varchar('blocker_id', { length: 64 }).notNull(),
    blockedId: varchar('blocked_id', { length: 64 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('blocks_blocked_idx').on(t.blockedId)],
);

/** The strikes ledger: upheld reports (and content-policy hits) per identity, which escalate automatically. */
export const strikes = pgTable(
  'strikes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: varchar('user_id', { length: 64 }).notNull(),
    /** `report` or `policy`. */
    source: varchar('source', { length: 16 }).notNull(),
    reportId: bigint('report_id', { mode: 'number' }).references(() => reports.id),
    /**
     * The stored message a content-policy strike is for (one conduct counts once: sanction-repository.ts).
     * No foreign key: retention deletes old chats' messages, and a strike is kept for its own time.
     */
    messageId: bigint('message_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('strikes_user_idx').on(t.userId, t.createdAt)],
);
