import { describe, expect, it } from 'vitest';
import { matchedPair, request, waitFor } from '../helpers/client.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { openTestDatabase, tempDir, type Engine } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

describe.each(engines)('data survives a restart on %s', (engine) => {
  it('messages written before a restart are readable after it, and the interrupted chat is closed', { timeout: 120_000 }, async () => {
    const first = await startTestServer({ engine });
    const { a, b, roomId } = await matchedPair(first.url);
    for (const content of ['第一条', 'second', '<i>third</i>']) {
      const atB = waitFor(b, 'new_message');
      expect(await request(a, 'send_message', { content })).toMatchObject({ ok: true });
      await atB;
    }
    a.close();
    b.close();
    await first.close({ keepData: true });

    const databaseName = first.databaseUrl ? new URL(first.databaseUrl).pathname.slice(1) : undefined;
    const second = await startTestServer({ engine, dataDir: first.dataDir, databaseName });
    try {
      const messages = await second.app.repository.listMessages(roomId);
      expect(messages.map((m) => m.content)).toEqual(['第一条', 'second', '<i>third</i>']);
      const room = await second.app.repository.getRoom(roomId);
      expect(room?.isActive).toBe(false);
      // New rooms continue after the old ones.
      const next = await matchedPair(second.url);
      expect(next.roomId).toBeGreaterThan(roomId);
      next.a.close();
      next.b.close();
    } finally {
      await second.close();
    }
  });
});

describe('the real process (npm start path)', () => {
  it('starts on an empty data directory, shuts down on SIGTERM telling partners, and keeps the data for the next start', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    try {
      // Really empty: this start runs initdb and every migration itself (slow on a loaded machine).
      const first = await startServerProcess({ DATA_DIR: dir.path }, { freshData: true, readyTimeoutMs: 150_000 });
      const { a, b, roomId } = await matchedPair(first.url);
      const atB = waitFor(b, 'new_message');
      expect(await request(a, 'send_message', { content: 'before restart' })).toMatchObject({ ok: true });
      await atB;
      const partnerLeft = waitFor(b, 'partner_left');
      expect(await first.stop('SIGTERM')).toBe(0);
      expect((await partnerLeft).reason).toMatch(/server_shutdown|disconnected/);
      a.close();
      b.close();

      const second = await startServerProcess({ DATA_DIR: dir.path });
      try {
        // Another process on the same directory is refused before it touches the files (before, it ran its
        // own database over the live one's, and the live one's next crash left a directory that would not open).
        await expect(startServerProcess({ DATA_DIR: dir.path })).rejects.toThrow(/DATA_DIR \S+ is in use by another process/);
        const c = await matchedPair(second.url);
        expect(c.roomId).toBeGreaterThan(roomId);
        c.a.close();
        c.b.close();
      } finally {
        // The terminal of an `npm start` closing (SIGHUP) stops it as gracefully: exit 0, "shutting down".
        expect(await second.stop('SIGHUP')).toBe(0);
        expect(second.output()).toContain('shutting down');
      }
      // Logs never carry message text.
      expect(first.output() + second.output()).not.toContain('before restart');
      const db = await openTestDatabase('pglite', { dataDir: dir.path });
      const stored = await new SqlChatRepository(db.database).listMessages(roomId);
      await db.database.close();
      expect(stored.map((m) => m.content)).toEqual(['before restart']);
    } finally {
      dir.remove();
    }
  });

  // Two process starts through tsx: seconds each on a quiet machine, past 30 s in a loaded CI run.
  it('refuses an invalid setting with one clear line naming the variable', { timeout: 90_000 }, async () => {
    await expect(startServerProcess({ PORT: 'abc' })).rejects.toThrow(/Configuration error: Invalid PORT="abc"/);
    await expect(startServerProcess({ CHAT_TIMEZONE: 'Mars/Olympus' })).rejects.toThrow(/Invalid CHAT_TIMEZONE/);
  });
});
