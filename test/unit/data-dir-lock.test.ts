/** The embedded database's directory is one process's at a time (real PGlite, one directory). */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dataDirLockName } from '../../src/storage/data-dir-lock.js';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { seedPgliteDir, tempDir } from '../helpers/database.js';

describe('the data directory lock', () => {
  it('refuses a second opening while the first is open, and lets it once the first is closed', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    try {
      seedPgliteDir(dir.path);
      const first = await openPgliteDatabase(dir.path);
      await expect(openPgliteDatabase(dir.path)).rejects.toThrow(/is in use by another process/);
      expect(await first.query<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }]);
      // Anyone may connect to the lock: that never holds up its release.
      const stranger = connect(dataDirLockName(dir.path));
      stranger.on('error', () => undefined);
      await new Promise((resolve) => stranger.once('connect', resolve));
      await first.close();
      stranger.destroy();
      const again = await openPgliteDatabase(dir.path);
      await again.close();
    } finally {
      dir.remove();
    }
  });
});
