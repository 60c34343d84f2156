/**
 * The storage contract, run on every engine: embedded PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlChatRepository, type ChatRepository } from '../../src/storage/chat-repository.js';
import { MemoryChatRepository } from '../../src/storage/memory-chat-repository.js';
import type { Database } from '../../src/storage/database.js';
import { openTestDatabase, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

const engines: (Engine | 'memory')[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : []), 'memory'];

describe.each(engines)('ChatRepository contract on %s', (engine) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  let repo: ChatRepository;
  beforeAll(async () => {
    if (engine === 'memory') {
      repo = new MemoryChatRepository();
      return;
    }
    db = await openTestDatabase(engine);
    repo = new SqlChatRepository(db.database);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const t0 = new Date('2026-01-03T08:14:38.123Z');
  const newRoom = () => repo.createRoom({ user1Id: 'alice0000000', user2Id: 'bob000000000', matchType: 'random', createdAt: t0 });

  it('creates an active room with its users and time', async () => {
    const room = await newRoom();
    expect(room).toMatchObject({ user1Id: 'alice0000000', user2Id: 'bob000000000', matchType: 'random', isActive: true, endedAt: null, endReason: null });
    expect(room.createdAt.toISOString()).toBe(t0.toISOString());
    expect(await repo.getRoom(room.id)).toEqual(room);
  });

  it('creates several rooms in one call, each answer belonging to its input', async () => {
    const inputs = Array.from({ length: 25 }, (_, i) => ({ user1Id: `a${i}`, user2Id: `b${i}`, matchType: 'random', createdAt: new Date(t0.getTime() + i * 1000) }));
    const rooms = await repo.createRooms(inputs);
    expect(rooms.map((r) => [r.user1Id, r.user2Id, r.createdAt.toISOString(), r.isActive])).toEqual(
      inputs.map((r) => [r.user1Id, r.user2Id, r.createdAt.toISOString(), true]),
    );
    expect(new Set(rooms.map((r) => r.id)).size).toBe(25);
    expect(await repo.createRooms([])).toEqual([]);
  });

  it('appends a batch in order, one outcome per input', async () => {
    const room = await newRoom();
    const batch = Array.from({ length: 30 }, (_, i) => ({ roomId: room.id, senderId: i % 2 ? 'alice0000000' : 'bob000000000', content: `m${i}`, createdAt: t0 }));
    const outcomes = await repo.appendMessages(batch);
    expect(outcomes.map((o) => o.status)).toEqual(batch.map(() => 'stored'));
    const ids = outcomes.map((o) => (o.status === 'stored' ? o.message.id : 0));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const listed = await repo.listMessages(room.id);
    expect(listed.map((m) => m.content)).toEqual(batch.map((m) => m.content));
    expect(listed.map((m) => m.id)).toEqual(ids);
  });

  it('keeps content verbatim: Chinese, emoji, HTML, quotes, newlines, NUL-free control characters', async () => {
    const room = await newRoom();
    const content = '汉字😀 <b>"x"</b>\n\t\'; DROP TABLE messages; --';
    const [outcome] = await repo.appendMessages([{ roomId: room.id, senderId: 'alice0000000', content, createdAt: t0 }]);
    expect(outcome).toMatchObject({ status: 'stored', message: { content } });
    expect((await repo.listMessages(room.id))[0]!.content).toBe(content);
  });

  it('a repeated (room, sender, cid) is stored once and answers the original, in one batch or across batches', async () => {
    const room = await newRoom();
    const m = { roomId: room.id, senderId: 'alice0000000', content: 'hello', createdAt: t0, cid: 'c-1' };
    const [first] = await repo.appendMessages([m]);
    const again = await repo.appendMessages([m, { ...m, cid: 'c-2' }, { ...m, cid: 'c-2' }]);
    expect(first!.status).toBe('stored');
    expect(again[0]).toEqual({ status: 'duplicate', message: first!.status === 'stored' ? first!.message : undefined });
    expect(again[1]!.status).toBe('stored');
    expect(again[2]).toMatchObject({ status: 'duplicate', message: { cid: 'c-2' } });
    // The same cid from the other sender is a different message.
    const [other] = await repo.appendMessages([{ ...m, senderId: 'bob000000000' }]);
    expect(other!.status).toBe('stored');
    expect(await repo.listMessages(room.id)).toHaveLength(3);
  });

  it('refuses messages for an ended room and reports the room closed', async () => {
    const room = await newRoom();
    expect(await repo.endRoom(room.id, 'left', new Date(t0.getTime() + 1000))).toBe(true);
    expect(await repo.endRoom(room.id, 'disconnected', new Date())).toBe(false);
    const outcomes = await repo.appendMessages([{ roomId: room.id, senderId: 'alice0000000', content: 'late', createdAt: t0 }]);
    expect(outcomes).toEqual([{ status: 'room_closed' }]);
    expect(await repo.listMessages(room.id)).toHaveLength(0);
    expect(await repo.getRoom(room.id)).toMatchObject({ isActive: false, endReason: 'left' });
  });

  it('a batch mixing open and closed rooms stores only the open ones', async () => {
    const open = await newRoom();
    const closed = await newRoom();
    await repo.endRoom(closed.id, 'left', new Date());
    const outcomes = await repo.appendMessages([
      { roomId: open.id, senderId: 'alice0000000', content: 'a', createdAt: t0 },
      { roomId: closed.id, senderId: 'alice0000000', content: 'b', createdAt: t0 },
      { roomId: open.id, senderId: 'alice0000000', content: 'c', createdAt: t0 },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['stored', 'room_closed', 'stored']);
  });

  it('knows the last message id of a room (0 when empty)', async () => {
    const room = await newRoom();
    expect(await repo.lastMessageId(room.id)).toBe(0);
    const outcomes = await repo.appendMessages(['x', 'y'].map((c) => ({ roomId: room.id, senderId: 'alice0000000', content: c, createdAt: t0 })));
    expect(await repo.lastMessageId(room.id)).toBe(outcomes[1]!.status === 'stored' ? outcomes[1]!.message.id : -1);
  });

  it('lists messages after a given id (for catching up)', async () => {
    const room = await newRoom();
    const outcomes = await repo.appendMessages(['1', '2', '3'].map((c) => ({ roomId: room.id, senderId: 'alice0000000', content: c, createdAt: t0 })));
    const firstId = outcomes[0]!.status === 'stored' ? outcomes[0]!.message.id : 0;
    expect((await repo.listMessages(room.id, { afterId: firstId })).map((m) => m.content)).toEqual(['2', '3']);
  });

  it('endActiveRooms closes every active room with the reason', async () => {
    const a = await newRoom();
    const count = await repo.endActiveRooms('server_restart', new Date());
    expect(count).toBeGreaterThanOrEqual(1);
    expect(await repo.getRoom(a.id)).toMatchObject({ isActive: false, endReason: 'server_restart' });
  });

  // The memory repository has no schema: the test exists for the SQL engines only (not a skip).
  if (engine !== 'memory') {
    it('a batch whose repeats cannot be looked up after it committed keeps what it stored; only the repeat is unresolved', async () => {
      const database = db!.database;
      // The look-up of repeated cids (the statement after the insert) fails once, as a connection lost then would.
      let failed = false;
      const failing: Database = {
        ...database,
        query: (text, params, options) => {
          if (!failed && text.includes('AS k(room_id, sender_id, cid)')) {
            failed = true;
            return Promise.reject(new Error('connection lost'));
          }
          return database.query(text, params, options);
        },
      };
      const sql = new SqlChatRepository(failing);
      const room = await newRoom();
      const m = { roomId: room.id, senderId: 'alice0000000', content: 'hello', createdAt: t0, cid: 'u-1' };
      await sql.appendMessages([m]);
      const outcomes = await sql.appendMessages([{ ...m, cid: 'u-2', content: 'new' }, m]);
      expect(failed).toBe(true);
      expect(outcomes[0]).toMatchObject({ status: 'stored', message: { cid: 'u-2', content: 'new' } });
      expect(outcomes[1]).toEqual({ status: 'unresolved' });
      // Asked again, the repeat finds its original.
      expect((await sql.appendMessages([m]))[0]).toMatchObject({ status: 'duplicate', message: { cid: 'u-1' } });
      expect((await repo.listMessages(room.id)).map((x) => x.cid)).toEqual(['u-1', 'u-2']);
    });

    it('migrations are idempotent: running them again changes nothing', async () => {
      await db!.database.migrate();
      expect(await repo.getRoom(1)).toBeDefined();
    });
  }
});
