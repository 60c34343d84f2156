/**
 * Where the admin password comes from: `ADMIN_PASSWORD` when set; otherwise a password generated on the
 * first start, printed once, and kept as a scrypt hash in `admin_settings` so it survives restarts and is
 * shared by every instance.
 */
import type { Logger } from 'pino';
import type { Database } from '../../storage/database.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';

const PASSWORD_HASH_KEY = 'admin_password_hash';

/** Checks a candidate password; never reveals the real one. */
export interface PasswordVerifier {
  readonly source: 'configured' | 'generated';
  verify(candidate: string): Promise<boolean>;
}

export interface PasswordSourceOptions {
  configuredPassword: string | undefined;
  database: Database;
  logger: Logger;
}

export async function resolveAdminPassword(options: PasswordSourceOptions): Promise<PasswordVerifier> {
  const { configuredPassword, database, logger } = options;
  if (configuredPassword !== undefined) {
    // Hashing once at start means the plain password is not kept around for comparisons.
    const hash = await hashPassword(configuredPassword);
    return { source: 'configured', verify: (candidate) => verifyPassword(candidate, hash) };
  }
  const hash = (await readStoredHash(database)) ?? (await generateAndStore(database, logger));
  return { source: 'generated', verify: (candidate) => verifyPassword(candidate, hash) };
}

async function readStoredHash(database: Database): Promise<string | undefined> {
  const rows = await database.query<{ value: string }>('SELECT value FROM admin_settings WHERE key = $1', [PASSWORD_HASH_KEY]);
  return rows[0]?.value;
}

/**
 * Several instances may start at once on an empty database: each generates a candidate, exactly one
 * insert wins, and only the winner prints its password. The others use the winner's hash.
 */
async function generateAndStore(database: Database, logger: Logger): Promise<string> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  const inserted = await database.query<{ key: string }>(
    'INSERT INTO admin_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
    [PASSWORD_HASH_KEY, hash],
  );
  if (inserted.length > 0) {
    // The one place a password is ever logged: the operator has no other way to learn it.
    logger.warn(`ADMIN_PASSWORD is not set: generated admin password: ${password} (shown once; set ADMIN_PASSWORD to choose your own)`);
    return hash;
  }
  const winner = await readStoredHash(database);
  if (winner === undefined) throw new Error('admin password hash vanished right after a conflicting insert');
  return winner;
}
