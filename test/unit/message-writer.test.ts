import { beforeAll, describe, expect, it } from 'vitest';
import { SqlChatRepository, type ChatRepository, type NewMessage } from '../../src/storage/chat-repository.js';
import { MessageWriter } from '../../src/storage/message-writer.js';
import { databaseForFile } from '../helpers/database.js';

/** The real repository, counting the statements it is asked to run. */
class CountingRepository extends SqlChatRepository {
  batches: number[] = [];
  failNext = false;
  override async appendMessages(batch: readonly NewMessage[]) {
    this.batches.push(batch.length);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection lost');
    }
    return super.appendMessages(batch);
  }
}

describe('group commit (MessageWriter)', () => {
  const db = databaseForFile('pglite');
  let repo: CountingRepository;
  let roomId: number;
  beforeAll(async () => {
    repo = new CountingRepository(db.get());
    roomId = (await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: new Date() })).id;
  });

  const message = (i: number): NewMessage => ({ roomId, senderId: 'a', content: `m${i}`, createdAt: new Date() });

  it('commits messages that arrive together in one statement, keeping order', async () => {
    repo.batches = [];
    const writer = new MessageWriter(repo as ChatRepository, { maxBatchRows: 500, maxQueued: 10_000 });
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => writer.append(message(i))));
    expect(repo.batches).toEqual([200]);
    const contents = outcomes.map((o) => (o.status === 'stored' ? o.message.content : ''));
    expect(contents).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('splits at maxBatchRows and keeps batching while a statement is running', async () => {
    repo.batches = [];
    const writer = new MessageWriter(repo, { maxBatchRows: 64, maxQueued: 10_000 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => writer.append(message(i))));
    expect(repo.batches).toEqual([64, 64, 64, 8]);
  });

  it('refuses with SERVER_BUSY beyond maxQueued, without losing what it accepted', async () => {
    const writer = new MessageWriter(repo, { maxBatchRows: 10, maxQueued: 5 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => writer.append(message(i))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'SERVER_BUSY' });
  });

  it('tells its depth as it grows and as each statement takes from it (backpressure listens)', async () => {
    const depths: number[] = [];
    const writer = new MessageWriter(repo, { maxBatchRows: 3, maxQueued: 100, onDepth: (depth) => depths.push(depth) });
    await Promise.all(Array.from({ length: 7 }, (_, i) => writer.append(message(i))));
    // 7 queued in one turn, then statements of 3, 3 and 1 each take their share.
    expect(depths).toEqual([1, 2, 3, 4, 5, 6, 7, 4, 1, 0]);
  });

  it('says when it is full, so a message can be refused before any other work', async () => {
    const writer = new MessageWriter(repo, { maxBatchRows: 10, maxQueued: 3 });
    const accepted = Array.from({ length: 3 }, (_, i) => writer.append(message(i)));
    expect(writer.accepting).toBe(false);
    expect(() => writer.assertAccepting()).toThrow(expect.objectContaining({ code: 'SERVER_BUSY' }));
    await Promise.all(accepted);
    expect(writer.accepting).toBe(true);
    expect(() => writer.assertAccepting()).not.toThrow();
  });

  it('a failed statement rejects its batch with STORAGE_UNAVAILABLE and the next batch still commits', async () => {
    const writer = new MessageWriter(repo, { maxBatchRows: 500, maxQueued: 10_000 });
    repo.failNext = true;
    await expect(writer.append(message(1))).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(writer.append(message(2))).resolves.toMatchObject({ status: 'stored' });
  });

  it('drain waits for everything accepted', async () => {
    const writer = new MessageWriter(repo, { maxBatchRows: 500, maxQueued: 10_000 });
    const before = (await repo.listMessages(roomId)).length;
    void writer.append(message(1));
    void writer.append(message(2));
    await writer.drain();
    expect(writer.pending).toBe(0);
    expect((await repo.listMessages(roomId)).length).toBe(before + 2);
  });

  describe('with lanes', () => {
    /** Holds every statement that contains a message of `slowRoom` until `release()`. */
    class GatedRepository extends SqlChatRepository {
      statements: number[][] = [];
      private opened!: () => void;
      private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
      constructor(
        database: ConstructorParameters<typeof SqlChatRepository>[0],
        private readonly slowRoom: number,
      ) {
        super(database);
      }
      release(): void {
        this.opened();
      }
      override async appendMessages(batch: readonly NewMessage[]) {
        this.statements.push(batch.map((m) => m.roomId));
        if (batch.some((m) => m.roomId === this.slowRoom)) await this.gate;
        return super.appendMessages(batch);
      }
    }

    it('write conversations of different lanes side by side: a slow commit in one does not hold the other', async () => {
      const rooms = await repo.createRooms([0, 1].map((i) => ({ user1Id: `l${i}a`, user2Id: `l${i}b`, matchType: 'random', createdAt: new Date() })));
      const [even, odd] = rooms[0]!.id % 2 === 0 ? [rooms[0]!, rooms[1]!] : [rooms[1]!, rooms[0]!];
      const gated = new GatedRepository(db.get(), even.id);
      const writer = new MessageWriter(gated, { maxBatchRows: 500, maxQueued: 10_000, lanes: 2 });
      const slow = writer.append({ roomId: even.id, senderId: 'x', content: 'held', createdAt: new Date() });
      const fast = await writer.append({ roomId: odd.id, senderId: 'y', content: 'through', createdAt: new Date() });
      expect(fast.status).toBe('stored');
      expect(writer.pending).toBe(0);
      let slowDone = false;
      void slow.then(() => (slowDone = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(slowDone).toBe(false);
      // With one lane the fast message would have waited behind the held statement.
      gated.release();
      expect((await slow).status).toBe('stored');
    });

    it('keep each conversation in one lane, in order, and drain waits for every lane', async () => {
      const rooms = await repo.createRooms([0, 1, 2, 3].map((i) => ({ user1Id: `o${i}a`, user2Id: `o${i}b`, matchType: 'random', createdAt: new Date() })));
      const writer = new MessageWriter(repo, { maxBatchRows: 7, maxQueued: 10_000, lanes: 3 });
      for (let i = 0; i < 60; i++) void writer.append({ roomId: rooms[i % 4]!.id, senderId: 's', content: `n${i}`, createdAt: new Date() });
      expect(writer.pending).toBe(60);
      await writer.drain();
      expect(writer.pending).toBe(0);
      for (const [r, room] of rooms.entries()) {
        const stored = (await repo.listMessages(room.id)).map((m) => m.content);
        expect(stored).toEqual(Array.from({ length: 15 }, (_, k) => `n${r + 4 * k}`));
      }
    });

    it('a conversation with nothing in flight goes to a lane not writing: a slow commit holds only its own conversation', async () => {
      // Two conversations of the same parity: with lanes fixed by room id modulo lanes they would share one.
      const made = await repo.createRooms([0, 1, 2, 3].map((i) => ({ user1Id: `p${i}a`, user2Id: `p${i}b`, matchType: 'random', createdAt: new Date() })));
      const even = made.filter((r) => r.id % 2 === 0);
      const [held, other] = [even[0]!, even[1]!];
      const gated = new GatedRepository(db.get(), held.id);
      const writer = new MessageWriter(gated, { maxBatchRows: 500, maxQueued: 10_000, lanes: 2 });
      const first = writer.append({ roomId: held.id, senderId: 'x', content: 'first', createdAt: new Date() });
      await new Promise((resolve) => setImmediate(resolve)); // its statement has started, and waits
      const order: string[] = [];
      const second = writer.append({ roomId: held.id, senderId: 'y', content: 'second', createdAt: new Date() }).then((o) => (order.push('second'), o));
      void first.then(() => order.push('first'));
      expect((await writer.append({ roomId: other.id, senderId: 'z', content: 'through', createdAt: new Date() })).status).toBe('stored');
      expect((await writer.append({ roomId: other.id, senderId: 'z', content: 'again', createdAt: new Date() })).status).toBe('stored');
      // The held conversation's second message waits for its first, in the same lane, though the other lane is free.
      expect(order).toEqual([]);
      gated.release();
      const [a, b] = [await first, await second];
      expect(order).toEqual(['first', 'second']);
      expect(a.status === 'stored' && b.status === 'stored' && a.message.id < b.message.id).toBe(true);
    });

    it('keep every conversation in order whatever each statement takes (random commit times, 3 lanes)', async () => {
      /** Each statement takes a random 0–4 ms before it runs. */
      class JitteryRepository extends SqlChatRepository {
        override async appendMessages(batch: readonly NewMessage[]) {
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
          return super.appendMessages(batch);
        }
      }
      const rooms = await repo.createRooms(Array.from({ length: 6 }, (_, i) => ({ user1Id: `j${i}a`, user2Id: `j${i}b`, matchType: 'random' as const, createdAt: new Date() })));
      const writer = new MessageWriter(new JitteryRepository(db.get()), { maxBatchRows: 4, maxQueued: 10_000, lanes: 3 });
      const settledOrder = new Map<number, string[]>(rooms.map((r) => [r.id, []]));
      const sentOrder = new Map<number, string[]>(rooms.map((r) => [r.id, []]));
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) {
        const room = rooms[Math.floor(Math.random() * rooms.length)]!;
        const content = `r${i}`;
        sentOrder.get(room.id)!.push(content);
        all.push(writer.append({ roomId: room.id, senderId: 's', content, createdAt: new Date() }).then(() => settledOrder.get(room.id)!.push(content)));
        // Arrivals spread over time: sometimes together, sometimes while statements run.
        if (Math.random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
      }
      await Promise.all(all);
      for (const room of rooms) {
        expect(settledOrder.get(room.id)).toEqual(sentOrder.get(room.id));
        expect((await repo.listMessages(room.id)).map((m) => m.content)).toEqual(sentOrder.get(room.id));
      }
    });

    it('split maxQueued evenly between the lanes', async () => {
      const writer = new MessageWriter(repo, { maxBatchRows: 10, maxQueued: 4, lanes: 2 });
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => writer.append({ ...message(i), roomId: 2 })));
      // Room 2's lane takes half of the queue.
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
    });
  });
});
