/**
 * One process on PostgreSQL without Redis: a second process started on the same database — by mistake, or
 * before the first has stopped — does not take the first one's chats for stale ones and end them.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { endStaleChats, type Seams } from '../../src/composition.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { matchedPair, request } from '../helpers/client.js';
import { silentLogger } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';
import { hasPostgres, testDatabaseUrl } from '../helpers/services.js';

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
}

describe.skipIf(!hasPostgres())('a second single process on a live PostgreSQL database', () => {
  it('ends none of the running one’s chats; once that one has stopped, a start closes what it left', { timeout: 60_000 }, async () => {
    const running = await startTestServer({ engine: 'postgres' });
    const second = await openPostgresDatabase({ url: running.databaseUrl!, poolMax: 3, logger: silentLogger });
    try {
      const { a, b, roomId } = await matchedPair(running.url);
      // Before, the second start ended every active chat, even when it then failed (its port taken).
      expect(await endStaleChats({ mode: 'single' } as Seams, second, new Date())).toBe(0);
      expect(await running.app.repository.getRoom(roomId)).toMatchObject({ isActive: true });
      expect(await request(a, 'send_message', { content: 'still on' })).toMatchObject({ ok: true });
      a.close();
      b.close();
    } finally {
      await running.close({ keepData: true });
    }
    try {
      // A chat the stopped process could not close (as after a crash) is closed by the next start.
      await second.query('UPDATE chat_rooms SET is_active = true, ended_at = NULL, end_reason = NULL');
      expect(await endStaleChats({ mode: 'single' } as Seams, second, new Date())).toBeGreaterThan(0);
    } finally {
      await second.close();
      await dropDatabase(running.databaseUrl!);
    }
  });
});
