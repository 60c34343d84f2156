import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { makePrivateDir } from '../storage/private-dir.js';

/**
 * The key that signs identity cookies. `SECRET_KEY` wins; otherwise a random key is generated once and
 * kept in the data directory, so identities survive restarts. Instances on different machines must share
 * one `SECRET_KEY`, hence the warning.
 */
export function resolveSecretKey(configured: string | undefined, dataDir: string, logger: Logger): string {
  if (configured) return configured;
  const file = join(dataDir, 'secret.key');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      logger.warn({ file }, 'SECRET_KEY is not set: using the generated key kept in the data directory (set SECRET_KEY in production)');
      return existing;
    }
  } catch {
    // Not there yet: generate below.
  }
  makePrivateDir(dataDir);
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  logger.warn({ file }, 'SECRET_KEY is not set: generated a random key and kept it in the data directory (set SECRET_KEY in production)');
  return key;
}
