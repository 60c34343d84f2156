/**
 * Admin sessions kept in the database, so any instance behind the same URL accepts them. The browser holds
 * a random 256-bit token; the table holds only its SHA-256, so a leaked table cannot be replayed as cookies.
 * A session ends on logout, after `idleTimeoutMs` without requests, or `maxAgeMs` after login.
 * It also remembers when its admin last proved the password (at login, or typed again: `confirmPassword`),
 * so that changes of the team can ask for it again when that is not recent (auth/recent-password.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Database } from '../../storage/database.js';
import type { AdminIdentity, Role } from '../team/roles.js';

export interface AdminSession {
  /** SHA-256 (hex) of the token; also a stable, non-secret handle for the session. */
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** When the password was last checked for this session: its login, or the last `confirmPassword`. */
  readonly passwordAt: Date;
  /** Whose session it is. */
  readonly admin: AdminIdentity;
}

/** Session lifetimes. */
export interface SessionPolicy {
  /** Inactivity after which a session ends. Default 30 minutes. */
  idleTimeoutMs: number;
  /** Longest a session lives, active or not. Default 12 hours. */
  maxAgeMs: number;
  /** `last_seen_at` is written at most this often per session, so polling pages don't write every request. Default 60 s. */
  touchIntervalMs: number;
  /**
   * How long a password typed (at login, or again) counts as recent for the changes that ask for it
   * (inviting, changing roles, resetting 2FA). Default 10 minutes.
   */
  recentPasswordMs: number;
  /**
   * Wrong passwords typed again in one session (confirming, changing it, 2FA changes), without a right one
   * between, after which the session ends. They also count against the account's checks (10 per 10 minutes,
   * `recheck`): ending the session keeps a stolen cookie from spending them all, so the owner is never kept
   * from confirming by someone else's guesses. Default 3.
   */
  wrongPasswordsMax: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 30 * 60_000,
  maxAgeMs: 12 * 3600_000,
  touchIntervalMs: 60_000,
  recentPasswordMs: 10 * 60_000,
  wrongPasswordsMax: 3,
};

interface SessionRow {
  token_hash: string;
  created_at: Date;
  last_seen_at: Date;
  password_at: Date;
  account_id: number;
  name: string;
  role: Role;
  disabled_at: Date | null;
}

/**
 * A session with its account: a disabled account's sessions count as none. A session from before
 * `password_at` existed (migration 0014) proved the password at its login.
 */
const SESSION_SELECT = `SELECT s.token_hash, s.created_at, s.last_seen_at, COALESCE(s.password_at, s.created_at) AS password_at, s.account_id, a.name, a.role, a.disabled_at
  FROM admin_sessions s JOIN admin_accounts a ON a.id = s.account_id`;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  /**
   * Starts a session of an account; the returned token goes into the cookie and nowhere else. Only while
   * the account is enabled and its password hash is still `passwordHash`, the one the login checked:
   * a login whose check overlapped a password change (which ends the account's other sessions) or a
   * disabling gets no session. Undefined then. `FOR SHARE` makes the insert wait for a change of the
   * account in progress and read the row as it commits (PostgreSQL; PGlite runs one transaction at a time).
   */
  async create(accountId: number, passwordHash: string | null): Promise<{ token: string; session: AdminSession } | undefined> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.purgeExpired(now);
    const inserted = await this.database.query(
      `INSERT INTO admin_sessions (token_hash, account_id, created_at, last_seen_at, password_at)
       SELECT $1, id, $3, $3, $3 FROM admin_accounts WHERE id = $2 AND disabled_at IS NULL AND password_hash IS NOT DISTINCT FROM $4 FOR SHARE
       RETURNING token_hash`,
      [hashToken(token), accountId, now, passwordHash],
    );
    if (inserted.length === 0) return undefined;
    const rows = await this.database.query<SessionRow>(`${SESSION_SELECT} WHERE s.token_hash = $1`, [hashToken(token)]);
    return { token, session: toSession(rows[0]!) };
  }

  /**
   * The live session for a token, or undefined when unknown or expired. Records the activity unless
   * `background` (a page refreshing itself: a dashboard left open is not an admin at work).
   */
  async find(token: string | undefined, options: { background?: boolean } = {}): Promise<AdminSession | undefined> {
    if (!token) return undefined;
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const rows = await this.database.query<SessionRow>(`${SESSION_SELECT} WHERE s.token_hash = $1`, [tokenHash]);
    const row = rows[0];
    if (!row) return undefined;
    const session = toSession(row);
    if (row.disabled_at !== null || this.isExpired(session, now)) {
      await this.database.query('DELETE FROM admin_sessions WHERE token_hash = $1', [tokenHash]);
      return undefined;
    }
    if (!options.background && now.getTime() - session.lastSeenAt.getTime() >= this.policy.touchIntervalMs) {
      await this.database.query('UPDATE admin_sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, now]);
      return { ...session, lastSeenAt: now };
    }
    return session;
  }

  /** Ends the session of a token. Resolves true when there was one. */
  async destroy(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const rows = await this.database.query('DELETE FROM admin_sessions WHERE token_hash = $1 RETURNING token_hash', [hashToken(token)]);
    return rows.length > 0;
  }

  /**
   * Records that the admin of a session has just typed the password again. False when the session has
   * ended meanwhile (logged out, expired and purged, its account disabled or its password changed).
   */
  async confirmPassword(tokenHash: string): Promise<boolean> {
    const rows = await this.database.query('UPDATE admin_sessions SET password_at = $2, wrong_passwords = 0 WHERE token_hash = $1 RETURNING token_hash', [
      tokenHash,
      this.clock.now(),
    ]);
    return rows.length > 0;
  }

  /**
   * Holds one of the session's wrong-password slots for a password check about to be made: the check is
   * counted as wrong until it proves right (`passwordRight`), so checks sent at once cannot all get past
   * the count — at most `wrongPasswordsMax` of them are ever made per session. False when none is left:
   * the session is gone (or ending).
   */
  async holdPasswordCheck(tokenHash: string): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE admin_sessions SET wrong_passwords = wrong_passwords + 1 WHERE token_hash = $1 AND wrong_passwords < $2 RETURNING token_hash',
      [tokenHash, this.policy.wrongPasswordsMax],
    );
    return rows.length > 0;
  }

  /** The check held was not made (refused unchecked, or it failed): its slot is given back. */
  async releasePasswordCheck(tokenHash: string): Promise<void> {
    await this.database.query('UPDATE admin_sessions SET wrong_passwords = wrong_passwords - 1 WHERE token_hash = $1 AND wrong_passwords > 0', [tokenHash]);
  }

  /** The check held was right: the session's count starts again. */
  async passwordRight(tokenHash: string): Promise<void> {
    await this.database.query('UPDATE admin_sessions SET wrong_passwords = 0 WHERE token_hash = $1', [tokenHash]);
  }

  /**
   * The check held was wrong: it stays counted, and at `wrongPasswordsMax` the session ends. Resolves the
   * count and whether this call ended it; undefined when the session was already gone (another check ended it).
   */
  async wrongPassword(tokenHash: string): Promise<{ count: number; ended: boolean } | undefined> {
    const rows = await this.database.query<{ wrong_passwords: number }>('SELECT wrong_passwords FROM admin_sessions WHERE token_hash = $1', [tokenHash]);
    const count = rows[0]?.wrong_passwords;
    if (count === undefined) return undefined;
    if (count < this.policy.wrongPasswordsMax) return { count, ended: false };
    const deleted = await this.database.query('DELETE FROM admin_sessions WHERE token_hash = $1 RETURNING token_hash', [tokenHash]);
    return deleted.length > 0 ? { count, ended: true } : undefined;
  }

  /** Whether a password proved at `passwordAt` is still recent (`recentPasswordMs`). */
  passwordIsRecent(passwordAt: Date): boolean {
    return this.clock.now().getTime() - passwordAt.getTime() < this.policy.recentPasswordMs;
  }

  private isExpired(session: AdminSession, now: Date): boolean {
    const idleMs = now.getTime() - session.lastSeenAt.getTime();
    const ageMs = now.getTime() - session.createdAt.getTime();
    return idleMs >= this.policy.idleTimeoutMs || ageMs >= this.policy.maxAgeMs;
  }

  /** Old rows go on each login, so the table stays as small as the number of live sessions. */
  private async purgeExpired(now: Date): Promise<void> {
    await this.database.query('DELETE FROM admin_sessions WHERE last_seen_at <= $1 OR created_at <= $2', [
      new Date(now.getTime() - this.policy.idleTimeoutMs),
      new Date(now.getTime() - this.policy.maxAgeMs),
    ]);
  }
}

function toSession(row: SessionRow): AdminSession {
  return {
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    passwordAt: row.password_at,
    admin: { id: row.account_id, name: row.name, role: row.role },
  };
}
