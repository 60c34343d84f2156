/**
 * The dashboard's running totals (real PGlite, its reads slowed): a refresh adds the rows after the
 * highest id it has counted; two refreshes that overlap must not both add the same rows.
 */
import { describe, expect, it } from 'vitest';
import { IncrementalCount } from '../../src/admin/incremental-count.js';
import type { Database } from '../../src/storage/database.js';
import { databaseForFile } from '../helpers/database.js';

describe('incremental count', () => {
  const db = databaseForFile('pglite');

  const addRooms = (n: number) =>
    db.get().query(`INSERT INTO chat_rooms (user1_id, user2_id, match_type, created_at) SELECT 'a', 'b', 'random', now() FROM generate_series(1, $1::int)`, [n]);

  it('two overlapping refreshes (a slow database) count the new rows once', async () => {
    // Every read takes 50 ms more: the next dashboard poll comes while one is still running.
    const slow = { ...db.get(), query: async (...args: Parameters<Database['query']>) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return db.get().query(...args);
    } } as Database;
    const count = new IncrementalCount(slow, 'chat_rooms', 600_000);
    await addRooms(10);
    expect(await count.refresh(0)).toBe(10);
    await addRooms(5);
    // Before, both added the same 5 rows: 15 and 20, and 20 stayed until the next full recount.
    expect(await Promise.all([count.refresh(3_000), count.refresh(5_000)])).toEqual([15, 15]);
    expect(await count.refresh(8_000)).toBe(15);
  });
});
