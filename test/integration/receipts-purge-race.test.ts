/**
 * The recent-chats listing racing the retention purge (both engines): the listing reads a chat whose
 * receipt row is missing and writes it; the purge removes that chat in between. The listing still answers.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { ReceiptBook } from '../../src/privacy/receipts.js';
import type { Database } from '../../src/storage/database.js';
import { openTestDatabase, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.each(engines)('recent chats racing the purge (%s)', (engine) => {
  it('a chat purged between the listing’s read and its receipt write is no error', { timeout: 120_000 }, async () => {
    const db = await openTestDatabase(engine);
    drops.push(db.drop);
    const ended = `INSERT INTO chat_rooms (user1_id, user2_id, match_type, created_at, ended_at, is_active, end_reason)
                   VALUES ('me', 'them', 'random', now() - interval '2 hours', now() - interval '1 hour', false, 'left') RETURNING id`;
    const [kept] = await db.database.query<{ id: number }>(ended);
    const [purged] = await db.database.query<{ id: number }>(ended);
    // The purge removes one of the two chats right after the listing read them (their receipt rows missing).
    let raced = false;
    const racing = Object.create(db.database) as Database;
    racing.query = async (text, params) => {
      const rows = await db.database.query(text, params);
      if (!raced && text.includes('FROM chat_rooms r')) {
        raced = true;
        await db.database.query('DELETE FROM chat_rooms WHERE id = $1', [purged!.id]);
      }
      return rows as never;
    };
    const book = new ReceiptBook(racing, createReceiptCodes('k'.repeat(32)), systemClock, pino({ level: 'silent' }));
    // Before, the receipt write failed on the foreign key, and the listing answered 500.
    const chats = await book.recentChats('me');
    expect(chats.map((c) => c.roomId).sort()).toEqual([kept!.id, purged!.id].sort());
    const stored = await db.database.query<{ room_id: number }>('SELECT room_id FROM receipts');
    expect(stored.map((r) => Number(r.room_id))).toEqual([Number(kept!.id)]);
    book.stop();
  });
});

describe.skipIf(!hasPostgres())('recent chats racing the purge’s transaction (postgres)', () => {
  it('a chat whose removal is under way (not yet committed) when its receipt row is written is no error either', { timeout: 120_000 }, async () => {
    const db = await openTestDatabase('postgres');
    drops.push(db.drop);
    const [room] = await db.database.query<{ id: number }>(
      `INSERT INTO chat_rooms (user1_id, user2_id, match_type, created_at, ended_at, is_active, end_reason)
       VALUES ('me', 'them', 'random', now() - interval '2 hours', now() - interval '1 hour', false, 'left') RETURNING id`,
    );
    // The purge's transaction: its DELETE made but not committed when the listing writes the row.
    const purge = new pg.Client({ connectionString: db.url });
    await purge.connect();
    let committed: Promise<unknown> | undefined;
    const racing = Object.create(db.database) as Database;
    racing.query = async (text, params) => {
      const rows = await db.database.query(text, params);
      if (committed === undefined && text.includes('FROM chat_rooms r')) {
        await purge.query('BEGIN');
        await purge.query('DELETE FROM chat_rooms WHERE id = $1', [room!.id]);
        committed = new Promise((resolve) => setTimeout(resolve, 300)).then(() => purge.query('COMMIT'));
      }
      return rows as never;
    };
    const book = new ReceiptBook(racing, createReceiptCodes('k'.repeat(32)), systemClock, pino({ level: 'silent' }));
    try {
      // Before, the row's existence was read before the removal committed, and the foreign key failed after.
      expect((await book.recentChats('me')).map((c) => c.roomId)).toEqual([room!.id]);
      await committed;
      expect(await db.database.query('SELECT room_id FROM receipts')).toEqual([]);
    } finally {
      book.stop();
      await purge.end();
    }
  });
});
