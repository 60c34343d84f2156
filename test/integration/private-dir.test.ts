/**
 * The data directory is the service user's alone (0700): created so, and an existing one open to others
 * closed — the embedded engine's files are 0666 whatever the umask, so the directory keeps others out.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { makePrivateDir } from '../../src/storage/private-dir.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('makePrivateDir', () => {
  const made: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'private-dir-'));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the directory and its missing parents as 0700', () => {
    const root = scratch();
    makePrivateDir(join(root, 'a', 'data'));
    expect(modeOf(join(root, 'a'))).toBe(0o700);
    expect(modeOf(join(root, 'a', 'data'))).toBe(0o700);
  });

  it('takes group and other access away from a directory already there, and leaves a private one alone', () => {
    const dir = scratch();
    chmodSync(dir, 0o755);
    expect(makePrivateDir(dir)).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
    expect(makePrivateDir(dir)).toBe(true);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('the embedded database opens its DATA_DIR as 0700, whatever the mode it had; only the first start says it creates it', { timeout: 120_000 }, async () => {
    const dir = join(scratch(), 'data');
    const said: string[] = [];
    const logger = { info: (_fields: object, message: string) => void said.push(message) } as Pick<Logger, 'info'>;
    const database = await openPgliteDatabase(dir, logger);
    await database.close();
    expect(said).toEqual(['first start: creating the embedded database in DATA_DIR (a few seconds, up to ~20 s on a busy machine)']);
    expect(modeOf(dir)).toBe(0o700);
    chmodSync(dir, 0o777);
    const again = await openPgliteDatabase(dir, logger);
    expect(said).toHaveLength(1);
    await again.query('SELECT 1');
    await again.close();
    expect(modeOf(dir)).toBe(0o700);
  });
});
