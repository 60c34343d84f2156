import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlChatRepository, type ChatRepository, type NewMessage } from '../../src/storage/chat-repository.js';
import { MessageWriter } from '../../src/storage/message-writer.js';
import { openTestDatabase } from '../helpers/database.js';

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
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: CountingRepository;
  let roomId: number;
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    repo = new CountingRepository(db.database);
    roomId = (await repo.createRoom({ user1Id: 'a', user2Id: 'b', matchType: 'random', createdAt: new Date() })).id;
  });
  afterAll(async () => {
    await db?.drop();
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
});
