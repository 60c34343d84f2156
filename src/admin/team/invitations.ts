/**
 * Invitations to the admin team. An owner creates one for a role; its token (256 random bits) is shown
 * once, in a link, and only its SHA-256 is stored. Whoever opens the link within `INVITATION_TTL_MS`
 * chooses a name and a password: the account is created and the invitation used, in one transaction, so
 * one invitation makes one account however many times it is sent at once.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AppError, ErrorCode } from '../../errors.js';
import type { Database } from '../../storage/database.js';
import { hashToken } from '../auth/session-store.js';
import type { AdminAccount, AdminAccounts, RecordIn } from './admin-accounts.js';
import type { Role } from './roles.js';

/** How long an invitation link works: a week. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

/** An invitation is worth what its owner is now: an enabled owner (whatever the case of the name). */
const INVITER_IS_OWNER = `EXISTS (SELECT 1 FROM admin_accounts a WHERE lower(a.name) = lower(admin_invitations.created_by) AND a.role = 'owner' AND a.disabled_at IS NULL)`;

const NOT_OPEN = 'This invitation is unknown, already used, withdrawn or expired: ask an owner for a new one';

export interface Invitation {
  readonly id: number;
  readonly role: Role;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

interface InvitationRow {
  id: number;
  role: Role;
  created_by: string;
  created_at: Date;
  expires_at: Date;
}

export class Invitations {
  constructor(
    private readonly database: Database,
    private readonly accounts: AdminAccounts,
    private readonly clock: Clock,
  ) {}

  /** A new invitation and its token, which is given out once and never stored. */
  async create(role: Role, createdBy: string, record?: RecordIn<Invitation>): Promise<{ invitation: Invitation; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    return this.database.transaction(async (tx) => {
      const rows = await tx.query<InvitationRow>(
        `INSERT INTO admin_invitations (token_hash, role, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, role, created_by, created_at, expires_at`,
        [hashToken(token), role, createdBy, now, new Date(now.getTime() + INVITATION_TTL_MS)],
      );
      const invitation = toInvitation(rows[0]!);
      await record?.(tx, invitation);
      return { invitation, token };
    });
  }

  /** Invitations neither used, revoked nor expired, newest first. */
  async open(): Promise<Invitation[]> {
    const rows = await this.database.query<InvitationRow>(
      `SELECT id, role, created_by, created_at, expires_at FROM admin_invitations
       WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 AND ${INVITER_IS_OWNER} ORDER BY id DESC`,
      [this.clock.now()],
    );
    return rows.map(toInvitation);
  }

  /** Withdraws an open invitation. True when there was one. */
  async revoke(id: number, record?: RecordIn<number>): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const rows = await tx.query(
        'UPDATE admin_invitations SET revoked_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING id',
        [id, this.clock.now()],
      );
      if (rows.length > 0) await record?.(tx, id);
      return rows.length > 0;
    });
  }

  /**
   * The role of the open invitation `token`, or `NOT_FOUND`: checked before its password is hashed, so a
   * made-up token costs one indexed read, not a scrypt hash (and by the invitation page when it opens).
   */
  async assertOpen(token: string): Promise<Role> {
    const rows = await this.database.query<{ role: Role }>(
      `SELECT role FROM admin_invitations WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 AND ${INVITER_IS_OWNER}`,
      [hashToken(token), this.clock.now()],
    );
    const row = rows[0];
    if (!row) throw new AppError(ErrorCode.NOT_FOUND, { detail: NOT_OPEN });
    return row.role;
  }

  /**
   * Creates the invited account (the inviter must still be an enabled owner). `NOT_FOUND` for a token unknown, used, revoked or expired; `NAME_TAKEN`
   * leaves the invitation unused, to try another name.
   */
  async accept(
    token: string,
    account: { name: string; passwordHash: string },
    record?: RecordIn<{ account: AdminAccount; invitationId: number }>,
  ): Promise<{ account: AdminAccount; invitationId: number }> {
    return this.database.transaction(async (tx) => {
      const now = this.clock.now();
      // Locked: the same link sent twice at once makes one account.
      const rows = await tx.query<InvitationRow & { used_at: Date | null; revoked_at: Date | null }>(
        'SELECT id, role, created_by, created_at, expires_at, used_at, revoked_at FROM admin_invitations WHERE token_hash = $1 FOR UPDATE',
        [hashToken(token)],
      );
      const row = rows[0];
      // An invitation is worth what its owner is now: one demoted or disabled since cannot come back through it.
      // FOR SHARE: a demotion or disabling of the inviter in progress is waited for and seen.
      const inviter =
        row && (await tx.query("SELECT 1 FROM admin_accounts WHERE lower(name) = lower($1) AND role = 'owner' AND disabled_at IS NULL FOR SHARE", [row.created_by]));
      if (!row || !inviter?.length || row.used_at !== null || row.revoked_at !== null || row.expires_at.getTime() <= now.getTime()) {
        throw new AppError(ErrorCode.NOT_FOUND, { detail: NOT_OPEN });
      }
      const created = await this.accounts.create({ ...account, role: row.role, createdBy: row.created_by }, tx);
      await tx.query('UPDATE admin_invitations SET used_at = $2, used_by = $3 WHERE id = $1', [row.id, now, created.id]);
      const joined = { account: created, invitationId: row.id };
      await record?.(tx, joined);
      return joined;
    });
  }
}

function toInvitation(row: InvitationRow): Invitation {
  return { id: row.id, role: row.role, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at };
}
