/** The embedded database's directory is one process's at a time (real PGlite, one directory). */
import { describe, expect, it } from 'vitest';
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
      await first.close();
      const again = await openPgliteDatabase(dir.path);
      await again.close();
    } finally {
      dir.remove();
    }
  });
});
