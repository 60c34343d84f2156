/**
 * One bad row never fails other people's messages. A row the database refuses as data (here NUL in
 * text, which the socket edge refuses anyway) fails alone: the batch is retried row by row. And the
 * failure is logged once per statement, without message texts or identities (PGlite's errors carry the
 * statement's parameters).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlChatRepository, type NewMessage } from '../../src/storage/chat-repository.js';
import { MessageWriter } from '../../src/storage/message-writer.js';
import { openTestDatabase, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

describe.each(engines)('a batch with one bad row on %s', (engine) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let repository: SqlChatRepository;
  let roomId: number;
  beforeAll(async () => {
    db = await openTestDatabase(engine);
    repository = new SqlChatRepository(db.database);
    roomId = (await repository.createRoom({ user1Id: 'sender-a', user2Id: 'sender-b', matchType: 'random', createdAt: new Date() })).id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('stores every innocent message, fails only the bad one, and logs no message text', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const writer = new MessageWriter(repository, { maxBatchRows: 500, maxQueued: 10_000, logger });
    const innocent = (i: number): NewMessage => ({ roomId, senderId: 'sender-a', content: `secret-text-${i}`, createdAt: new Date() });
    const bad: NewMessage = { roomId, senderId: 'sender-b', content: 'bad\u0000row', createdAt: new Date() };
    const results = await Promise.allSettled([...Array.from({ length: 50 }, (_, i) => writer.append(innocent(i))), writer.append(bad), ...Array.from({ length: 50 }, (_, i) => writer.append(innocent(50 + i)))]);

    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(results.indexOf(refused[0]!)).toBe(50);
    const stored = await repository.listMessages(roomId);
    expect(stored.map((m) => m.content).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `secret-text-${i}`).sort());

    // Once for the batch, once for the row that failed alone: never per message, never with texts or ids.
    expect(lines).toHaveLength(2);
    const log = lines.join('');
    expect(log).not.toContain('secret-text');
    expect(log).not.toContain('sender-');
    expect(log).toContain('"code":"22');
  });
});
