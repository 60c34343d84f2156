/**
 * 2FA recovery codes: what logs an admin in when their phone is lost, without waiting for an owner.
 * Ten per account, shown once when 2FA is turned on (or made anew), each usable once in place of the
 * app's code — at login, and to turn 2FA off or make new codes.
 *
 * Their form is shared with the pages (shared/recovery-code.ts): 60 random bits, against at most 10 codes
 * tried per account per 10 minutes (account-login.ts), is beyond guessing. Only the SHA-256 is stored, as
 * for sessions and invitations: the code is random, so a slow hash would add nothing against guessing,
 * and whoever reads the database reads every conversation already.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { crockfordBase32, groupForReading } from '../../shared/crockford.js';
import { canonicalRecoveryCode, RECOVERY_CODE_SYMBOLS } from '../../shared/recovery-code.js';
import type { Database, Queryable } from '../../storage/database.js';

export const RECOVERY_CODE_COUNT = 10;

/** A new code as shown: `ABCD-EFGH-JKMN` (8 random bytes give 12 symbols; the last 4 bits are dropped). */
export function newRecoveryCode(): string {
  return groupForReading(crockfordBase32(randomBytes(8)).slice(0, RECOVERY_CODE_SYMBOLS));
}

/** Whether what was typed has the form of a recovery code (not of an app's 6-digit code). */
export function looksLikeRecoveryCode(typed: string): boolean {
  return canonicalRecoveryCode(typed) !== undefined;
}

function hashOf(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/** The accounts' recovery codes in the database (`admin_recovery_codes`). */
export class RecoveryCodes {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  /** Replaces an account's codes with ten new ones (through `db`: the 2FA change's transaction); the codes, to be shown once. */
  async replace(accountId: number, db: Queryable): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await db.query('DELETE FROM admin_recovery_codes WHERE account_id = $1', [accountId]);
    const hashes = codes.map((code) => hashOf(canonicalRecoveryCode(code)!));
    await db.query('INSERT INTO admin_recovery_codes (account_id, code_hash, created_at) SELECT $1, unnest($2::text[]), $3', [accountId, hashes, this.clock.now()]);
    return codes;
  }

  /** Spends a code: true when it was one of the account's and unused. Atomic, so a code sent twice at once works once. */
  async use(accountId: number, typed: string): Promise<boolean> {
    const canonical = canonicalRecoveryCode(typed);
    if (canonical === undefined) return false;
    const rows = await this.database.query(
      'UPDATE admin_recovery_codes SET used_at = $3 WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING account_id',
      [accountId, hashOf(canonical), this.clock.now()],
    );
    return rows.length > 0;
  }

  /** How many unused codes an account has. */
  async left(accountId: number): Promise<number> {
    const rows = await this.database.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_recovery_codes WHERE account_id = $1 AND used_at IS NULL', [accountId]);
    return rows[0]?.n ?? 0;
  }

  /**
   * How many unused codes each account has, for the whole team in one statement (the Team list would
   * otherwise ask once per admin). An account with none left, or without 2FA, is absent: read it as 0.
   */
  async leftByAccount(): Promise<Map<number, number>> {
    const rows = await this.database.query<{ account_id: number; n: number }>(
      'SELECT account_id, count(*)::int AS n FROM admin_recovery_codes WHERE used_at IS NULL GROUP BY account_id',
    );
    return new Map(rows.map((row) => [row.account_id, row.n]));
  }
}
