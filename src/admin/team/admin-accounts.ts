/**
 * The admin team's accounts in the database (`admin_accounts`). Every change that could leave the team
 * without an enabled owner takes the owners' rows under lock first, so two owners demoting each other at
 * once cannot both succeed.
 */
import type { Clock } from '../../clock.js';
import { AppError, ErrorCode } from '../../errors.js';
import type { Database, Queryable } from '../../storage/database.js';
import { lastingDbError } from '../../storage/database-errors.js';
import { looksAlike } from './name-skeleton.js';
import type { Role } from './roles.js';

/** Writes the audit row of a change in the change's own transaction: no change without its row. */
export type RecordIn<T> = (tx: Queryable, done: T) => Promise<void>;

export interface AdminAccount {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly bootstrap: boolean;
  /** scrypt hash; null for the bootstrap owner (its password is the configured or generated one). */
  readonly passwordHash: string | null;
  readonly totpSecret: string | null;
  readonly totpPendingSecret: string | null;
  readonly totpLastStep: number | null;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly lastLoginAt: Date | null;
  readonly disabledAt: Date | null;
}

interface AccountRow {
  id: number;
  name: string;
  role: Role;
  bootstrap: boolean;
  password_hash: string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | string | null;
  created_at: Date;
  created_by: string | null;
  last_login_at: Date | null;
  disabled_at: Date | null;
}

const UNIQUE_VIOLATION = '23505';
/** The advisory lock new accounts are made under (in the series of the app's single-key locks: 7_305_114_2xx). */
const NEW_ACCOUNT_LOCK = 7_305_114_241;
const COLUMNS =
  'id, name, role, bootstrap, password_hash, totp_secret, totp_pending_secret, totp_last_step, created_at, created_by, last_login_at, disabled_at';

export class AdminAccounts {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async byName(name: string): Promise<AdminAccount | undefined> {
    const rows = await this.database.query<AccountRow>(`SELECT ${COLUMNS} FROM admin_accounts WHERE lower(name) = lower($1)`, [name]);
    return rows[0] && toAccount(rows[0]);
  }

  async byId(id: number, db: Queryable = this.database): Promise<AdminAccount | undefined> {
    const rows = await db.query<AccountRow>(`SELECT ${COLUMNS} FROM admin_accounts WHERE id = $1`, [id]);
    return rows[0] && toAccount(rows[0]);
  }

  /** Everyone, the bootstrap owner first, then by name. */
  async list(): Promise<AdminAccount[]> {
    const rows = await this.database.query<AccountRow>(`SELECT ${COLUMNS} FROM admin_accounts ORDER BY bootstrap DESC, lower(name)`);
    return rows.map(toAccount);
  }

  /**
   * Adds an account (through `db`: the invitation's transaction). A name taken, or one that reads as a
   * taken one (name-skeleton.ts: `аdmin` for `admin`), is `NAME_TAKEN`. New accounts are made one at a
   * time (a lock until the transaction ends), so two look-alike names sent at once cannot both be taken.
   */
  async create(account: { name: string; role: Role; passwordHash: string; createdBy: string }, db: Queryable): Promise<AdminAccount> {
    const taken = () => new AppError(ErrorCode.NAME_TAKEN, { detail: `The name "${account.name}" is already taken, or one that looks the same` });
    await db.query('SELECT pg_advisory_xact_lock($1)', [NEW_ACCOUNT_LOCK]);
    // The team is small: every name (disabled ones too), compared as read. Read after the lock, under READ
    // COMMITTED: a statement's own snapshot sees the account the previous holder of the lock committed.
    const names = await db.query<{ name: string }>('SELECT name FROM admin_accounts');
    if (names.some((row) => looksAlike(row.name, account.name))) throw taken();
    try {
      const rows = await db.query<AccountRow>(
        `INSERT INTO admin_accounts (name, role, password_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [account.name, account.role, account.passwordHash, this.clock.now(), account.createdBy],
      );
      return toAccount(rows[0]!);
    } catch (error) {
      // The same name taken by another invitation at the same moment: the unique index decides.
      if ((lastingDbError(error) as { code?: unknown } | undefined)?.code === UNIQUE_VIOLATION) throw taken();
      throw error;
    }
  }

  /**
   * Changes a role and/or enables or disables an account, refusing (`LAST_OWNER`) a change that leaves no
   * enabled owner. Disabling ends the account's sessions in the same transaction. Undefined when unknown.
   */
  async update(id: number, change: { role?: Role; disabled?: boolean }, record?: RecordIn<{ before: AdminAccount; after: AdminAccount; invitationsWithdrawn: number }>): Promise<AdminAccount | undefined> {
    return this.database.transaction(async (tx) => {
      // The owners' rows, locked: every change that could remove the last owner waits on them.
      const owners = await tx.query<{ id: number }>("SELECT id FROM admin_accounts WHERE role = 'owner' AND disabled_at IS NULL ORDER BY id FOR UPDATE");
      const current = await this.byId(id, tx);
      if (!current) return undefined;
      const role = change.role ?? current.role;
      const disabled = change.disabled ?? current.disabledAt !== null;
      const remainingOwners = owners.filter((owner) => owner.id !== id).length + (role === 'owner' && !disabled ? 1 : 0);
      if (remainingOwners === 0) throw new AppError(ErrorCode.LAST_OWNER, { detail: 'This would leave the team without an enabled owner' });
      const disabledAt = disabled ? (current.disabledAt ?? this.clock.now()) : null;
      const rows = await tx.query<AccountRow>(`UPDATE admin_accounts SET role = $2, disabled_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`, [id, role, disabledAt]);
      if (disabled) await tx.query('DELETE FROM admin_sessions WHERE account_id = $1', [id]);
      // No longer an enabled owner: their open invitations go (they would not come back with a promotion).
      const withdrawn =
        disabled || role !== 'owner'
          ? await tx.query(
              'UPDATE admin_invitations SET revoked_at = $2 WHERE lower(created_by) = lower($1) AND used_at IS NULL AND revoked_at IS NULL RETURNING id',
              [current.name, this.clock.now()],
            )
          : [];
      const after = toAccount(rows[0]!);
      await record?.(tx, { before: current, after, invitationsWithdrawn: withdrawn.length });
      return after;
    });
  }

  async setPassword(id: number, passwordHash: string, keepSession: string | undefined, record?: RecordIn<number>): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.query('UPDATE admin_accounts SET password_hash = $2 WHERE id = $1 AND NOT bootstrap', [id, passwordHash]);
      // Whoever else had the old password is logged out; the admin who changed it stays.
      await tx.query('DELETE FROM admin_sessions WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2', [id, keepSession ?? null]);
      await record?.(tx, id);
    });
  }

  /** Starts (or restarts) setting up 2FA: the secret waits until a code of it is confirmed. */
  async setPendingTotp(id: number, secret: string): Promise<void> {
    await this.database.query('UPDATE admin_accounts SET totp_pending_secret = $2 WHERE id = $1', [id, secret]);
  }

  /**
   * Turns 2FA on with the pending secret, if it is still `secret` (a restart of the set-up meanwhile
   * wins), remembering `step` as used. True when it was turned on.
   */
  async confirmTotp(id: number, secret: string, step: number, record?: RecordIn<number>): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const rows = await tx.query(
        `UPDATE admin_accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $3
         WHERE id = $1 AND totp_pending_secret = $2 AND totp_secret IS NULL RETURNING id`,
        [id, secret, step],
      );
      if (rows.length > 0) await record?.(tx, id);
      return rows.length > 0;
    });
  }

  /**
   * Turns 2FA off (the admin, or an owner for them), its recovery codes gone. True when the account exists.
   * `endSessions`: the account's sessions end in the same transaction (an owner's reset: the second factor
   * is lost, perhaps stolen, so whatever logged in with it logs in again); `record` learns how many ended.
   */
  async clearTotp(id: number, record?: RecordIn<{ sessionsEnded: number }>, options: { endSessions?: boolean } = {}): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const rows = await tx.query(
        'UPDATE admin_accounts SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1 RETURNING id',
        [id],
      );
      await tx.query('DELETE FROM admin_recovery_codes WHERE account_id = $1', [id]);
      const ended = options.endSessions === true ? await tx.query('DELETE FROM admin_sessions WHERE account_id = $1 RETURNING account_id', [id]) : [];
      if (rows.length > 0) await record?.(tx, { sessionsEnded: ended.length });
      return rows.length > 0;
    });
  }

  /**
   * Spends a code's step: true unless a code of this step or a later one was accepted before. Atomic, so
   * the same code sent twice at once logs in once.
   */
  async useTotpStep(id: number, step: number): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE admin_accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
      [id, step],
    );
    return rows.length > 0;
  }

  async recordLogin(id: number): Promise<void> {
    await this.database.query('UPDATE admin_accounts SET last_login_at = $2 WHERE id = $1', [id, this.clock.now()]);
  }
}

function toAccount(row: AccountRow): AdminAccount {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    bootstrap: row.bootstrap,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpPendingSecret: row.totp_pending_secret,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastLoginAt: row.last_login_at,
    disabledAt: row.disabled_at,
  };
}
