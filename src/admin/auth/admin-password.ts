/**
 * Where the admin password comes from: `ADMIN_PASSWORD` when set; otherwise a password generated on the
 * first start and written to `DATA_DIR/admin-password.txt` (mode 0600) for the operator — never to the
 * log. The database keeps only its scrypt hash (`admin_settings`), so it survives restarts and is shared by
 * every instance.
 *
 * Setting `ADMIN_PASSWORD` is the reset: the generated password's hash is deleted (and its file, when it
 * holds that password), so it never works again, and unsetting `ADMIN_PASSWORD` later generates a new one.
 *
 * Whenever the password changes — `ADMIN_PASSWORD` set, changed or unset — every admin session ends: a
 * password reset because it leaked must not leave the sessions opened with it working for their 12 hours.
 * To know that `ADMIN_PASSWORD` changed between two starts, its scrypt hash is kept too.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Database } from '../../storage/database.js';
import type { AuditEntry } from '../audit-log.js';
import { makePrivateDir } from '../../storage/private-dir.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';

const PASSWORD_HASH_KEY = 'admin_password_hash';
/** The hash of the last `ADMIN_PASSWORD` started with: a different one at the next start ends every session. */
const CONFIGURED_HASH_KEY = 'admin_configured_password_hash';
/** The generated password's file, in the data directory. */
export const GENERATED_PASSWORD_FILE = 'admin-password.txt';

/** Checks a candidate password; never reveals the real one. */
export interface PasswordVerifier {
  readonly source: 'configured' | 'generated';
  /**
   * Names the password in force without revealing it: the scrypt hash the database keeps for it, the
   * same on every instance and across restarts, different once the password changes (what is signed
   * with it — the admin device cookies — then stops working).
   */
  readonly generation: string;
  verify(candidate: string): Promise<boolean>;
}

export interface PasswordSourceOptions {
  configuredPassword: string | undefined;
  database: Database;
  /**
   * Records the reset in the audit log (AuditLog.record): the team sees why everyone was logged out and
   * the bootstrap owner's 2FA went away, not only the operator reading the server's log.
   */
  audit?: (entry: AuditEntry) => Promise<void>;
  /** `DATA_DIR`: where a generated password is written for the operator. */
  dataDir: string;
  logger: Logger;
}

export async function resolveAdminPassword(options: PasswordSourceOptions): Promise<PasswordVerifier> {
  const { configuredPassword, database, logger } = options;
  const endSessions = (cause: PasswordChange, replaced: boolean) => endSessionsFor({ cause, replaced }, database, logger, options.audit);
  const file = resolve(join(options.dataDir, GENERATED_PASSWORD_FILE));
  if (configuredPassword !== undefined) {
    // Hashing once at start means the plain password is not kept around for comparisons.
    const hash = await hashPassword(configuredPassword);
    const forgotGenerated = await forgetGenerated(database, file, logger);
    const { changed, stored, replaced } = await rememberConfigured(database, configuredPassword, hash);
    if (forgotGenerated || changed) await endSessions(forgotGenerated ? 'configured' : 'changed', forgotGenerated || replaced);
    return { source: 'configured', generation: stored, verify: (candidate) => verifyPassword(candidate, hash) };
  }
  const stored = await readSetting(database, PASSWORD_HASH_KEY);
  if (stored !== undefined) return { source: 'generated', generation: stored, verify: (candidate) => verifyPassword(candidate, stored) };
  const { hash, created } = await generateAndStore(database, file, logger);
  if (created) {
    // A new password: the sessions of the one before (an ADMIN_PASSWORD now unset) end.
    const unset = await database.query('DELETE FROM admin_settings WHERE key = $1 RETURNING key', [CONFIGURED_HASH_KEY]);
    await endSessions('generated', unset.length > 0);
  }
  return { source: 'generated', generation: hash, verify: (candidate) => verifyPassword(candidate, hash) };
}

async function readSetting(database: Database, key: string): Promise<string | undefined> {
  const rows = await database.query<{ value: string }>('SELECT value FROM admin_settings WHERE key = $1', [key]);
  return rows[0]?.value;
}

/**
 * Stores the configured password's hash unless the one stored is of the same password: `changed` when it
 * differs from the one the last start had (or there was none); `stored`, the hash kept for it; `replaced`
 * when there was one before (else this is the first start with it).
 */
async function rememberConfigured(database: Database, password: string, hash: string): Promise<{ changed: boolean; stored: string; replaced: boolean }> {
  const previous = await readSetting(database, CONFIGURED_HASH_KEY);
  if (previous !== undefined && (await verifyPassword(password, previous))) return { changed: false, stored: previous, replaced: false };
  await database.query('INSERT INTO admin_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [CONFIGURED_HASH_KEY, hash]);
  return { changed: true, stored: hash, replaced: previous !== undefined };
}

/**
 * What made the password change at this start: `ADMIN_PASSWORD` set where a generated one was in force, set to
 * a different value, or unset (a new one generated).
 */
type PasswordChange = 'configured' | 'changed' | 'generated';

/**
 * The password changed: nobody stays logged in with the old one. It is also how an operator gets the
 * bootstrap owner back: its 2FA is turned off (a lost phone, its recovery codes gone) and the account
 * enabled again.
 */
async function endSessionsFor(
  change: { cause: PasswordChange; replaced: boolean },
  database: Database,
  logger: Logger,
  audit: PasswordSourceOptions['audit'],
): Promise<void> {
  const ended = await database.query<{ one: number }>('DELETE FROM admin_sessions RETURNING 1 AS one');
  if (ended.length > 0) logger.warn({ sessions: ended.length }, 'the admin password changed: every admin session was ended');
  // Its 2FA recovery codes go with its 2FA, in the same statement.
  const reset = await database.query<{ id: number }>(
    `WITH reset AS (
       UPDATE admin_accounts SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL, disabled_at = NULL, role = 'owner'
        WHERE bootstrap AND (totp_secret IS NOT NULL OR disabled_at IS NOT NULL OR role <> 'owner') RETURNING id
     ), codes AS (DELETE FROM admin_recovery_codes WHERE account_id IN (SELECT id FROM reset))
     SELECT id FROM reset`,
  );
  if (reset.length > 0) logger.warn('the admin password changed: the bootstrap owner "admin" is an enabled owner again, without 2FA');
  // Recorded when a password in force was replaced, or anything ended with it: not at a first start. No admin
  // and no address: the operator did it, from the server's environment.
  if (change.replaced || ended.length > 0 || reset.length > 0) {
    const detail = { cause: change.cause, sessions_ended: ended.length, bootstrap_restored: reset.length > 0 };
    await audit?.({ action: 'admin_password_reset', clientAddress: undefined, detail });
  }
}

/**
 * Several instances may start at once on an empty database: each generates a candidate, exactly one
 * insert wins, and only the winner keeps its file and says where it is. The others use the winner's hash.
 * The file is written before the insert, so a stored hash always has its password written somewhere.
 */
async function generateAndStore(database: Database, file: string, logger: Logger): Promise<{ hash: string; created: boolean }> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    makePrivateDir(dirname(file));
    await writeFile(draft, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new Error(`cannot write the generated admin password to ${file} (${(error as Error).message}): set ADMIN_PASSWORD, or let the server write to DATA_DIR`, { cause: error });
  }
  try {
    const inserted = await database.query<{ key: string }>(
      'INSERT INTO admin_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
      [PASSWORD_HASH_KEY, hash],
    );
    if (inserted.length > 0) {
      await rename(draft, file);
      logger.warn(
        `ADMIN_PASSWORD is not set: generated an admin password and saved it in ${file} (readable by this user only). ` +
          'To choose your own instead, set ADMIN_PASSWORD and restart: the generated one then stops working.',
      );
      return { hash, created: true };
    }
  } finally {
    await rm(draft, { force: true });
  }
  const winner = await readSetting(database, PASSWORD_HASH_KEY);
  if (winner === undefined) throw new Error('admin password hash vanished right after a conflicting insert');
  return { hash: winner, created: false };
}

/** `ADMIN_PASSWORD` is set: a generated password must not keep working beside it. True if there was one. */
async function forgetGenerated(database: Database, file: string, logger: Logger): Promise<boolean> {
  const deleted = await database.query<{ value: string }>('DELETE FROM admin_settings WHERE key = $1 RETURNING value', [PASSWORD_HASH_KEY]);
  const hash = deleted[0]?.value;
  if (hash === undefined) return false;
  // Only the file of that password: the data directory may hold one of another database's.
  const written = await readFile(file, 'utf8').catch(() => undefined);
  const removed = written !== undefined && (await verifyPassword(written.trim(), hash));
  if (removed) await rm(file, { force: true });
  logger.warn(removed ? { file } : {}, 'ADMIN_PASSWORD is set: the generated admin password was deleted and no longer works');
  return true;
}
