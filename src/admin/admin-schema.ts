/**
 * Tables of the admin back office (Drizzle). They live beside the chat schema and get their own
 * migration (`drizzle.config.ts` lists both files). The admin code queries them with plain SQL.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

/**
 * The admin team: one row per admin. The bootstrap owner (`admin`) has no password hash: its password is
 * `ADMIN_PASSWORD` or the generated one (auth/admin-password.ts). Names are unique whatever their case.
 */
export const adminAccounts = pgTable(
  'admin_accounts',
  {
    id: serial('id').primaryKey(),
    name: varchar('name', { length: 32 }).notNull(),
    role: varchar('role', { length: 16 }).notNull(),
    /** scrypt hash (auth/password.ts); null for the bootstrap owner. */
    passwordHash: text('password_hash'),
    bootstrap: boolean('bootstrap').notNull().default(false),
    /** Base32 TOTP secret once 2FA is on; the pending one while it is being set up. */
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    /** The last 30 s step whose code was accepted: a code works once. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdBy: varchar('created_by', { length: 32 }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('admin_accounts_name_idx').on(sql`lower(${t.name})`),
    uniqueIndex('admin_accounts_bootstrap_idx').on(t.bootstrap).where(sql`${t.bootstrap}`),
    check('admin_accounts_role_check', sql`${t.role} IN ('owner', 'moderator', 'viewer')`),
  ],
);

/**
 * 2FA recovery codes: ten per account, made when 2FA is turned on (or made anew), each usable once in
 * place of an app's code. Only their SHA-256 is kept; a used code keeps its row, marked, so the count
 * left is known. Turning 2FA off deletes them.
 */
export const adminRecoveryCodes = pgTable(
  'admin_recovery_codes',
  {
    accountId: integer('account_id')
      .notNull()
      .references(() => adminAccounts.id, { onDelete: 'cascade' }),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.codeHash] })],
);

/** Invitations to join the team: a random token given once, kept as its SHA-256; single use, expiring. */
export const adminInvitations = pgTable('admin_invitations', {
  id: serial('id').primaryKey(),
  tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
  role: varchar('role', { length: 16 }).notNull(),
  createdBy: varchar('created_by', { length: 32 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  usedBy: integer('used_by').references(() => adminAccounts.id, { onDelete: 'set null' }),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

/** Admin sessions, shared by every instance. The cookie carries a random token; only its SHA-256 is stored. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    accountId: integer('account_id')
      .notNull()
      .references(() => adminAccounts.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** When the password was last proved in this session (login, or typed again); null: at `created_at`. */
    passwordAt: timestamp('password_at', { withTimezone: true, mode: 'date' }),
    /** Wrong passwords typed again in this session since its last right one: at `wrongPasswordsMax` it ends. */
    wrongPasswords: integer('wrong_passwords').notNull().default(0),
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
  /** The admin's name (kept as text: the entry outlives changes to the team); null for automatic actions. */
  adminName: varchar('admin_name', { length: 32 }),
  detail: jsonb('detail').notNull().default(sql`'{}'::jsonb`),
});
