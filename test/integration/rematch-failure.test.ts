/**
 * A choice made for somebody already waiting — at the end of their interests wait, with `widen_search`, or
 * for a partner put back after a failed match — that fails (storage or queue out of reach) does not end
 * their wait: their page still shows them waiting, so the server keeps them in the queue and makes the
 * choice again a little later. Real server and sockets; the test's clock; a repository that fails once.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const WAIT_MS = 10_000;
/** RETRY_AFTER_FAILURE_MS in src/chat/matchmaker.ts. */
const RETRY_MS = 5_000;
const clock = new ManualClock();
let repository!: Interceptor<SqlChatRepository>;
const registry = intercept(new MemoryActivityRegistry());
const queue = intercept(new MemoryMatchQueue(clock));
const suite = serverSuite(
  {
    config: { interestWaitMs: WAIT_MS, closeGraceMs: 0 },
    deps: (database) => {
      repository = intercept(new SqlChatRepository(database));
      return { clock, repository: repository.proxy, registry: registry.proxy, matchQueue: queue.proxy };
    },
  },
  async ({ server }) => {
    await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0));
  },
);

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('a failed choice for somebody already waiting', () => {
  it('at the end of an interests wait: the person is told, waits on, and is matched at the next try', async () => {
    const a = await client();
    const b = await client();
    expect(await request(a.socket, 'join_queue', { interests: ['猫'] })).toMatchObject({ status: 'waiting' });
    // b wants anyone, but a waits for a shared interest until the fallback time.
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    const told = waitFor(a.socket, 'error');
    repository.failNext('createRooms', new Error('database away'));
    clock.advance(WAIT_MS);
    expect(await told).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    // Both still wait: a is queued again (before, a's wait was dropped while its page said "waiting").
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(2));
    const matchedA = waitFor(a.socket, 'matched');
    const matchedB = waitFor(b.socket, 'matched');
    clock.advance(RETRY_MS);
    const [ma, mb] = await Promise.all([matchedA, matchedB]);
    expect(ma.room_id).toBe(mb.room_id);
  });

  it('with widen_search: the answer is the error, and the wait goes on to be matched at the next try', async () => {
    const a = await client();
    const b = await client();
    expect(await request(a.socket, 'join_queue', { interests: ['狗'] })).toMatchObject({ status: 'waiting' });
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    repository.failNext('createRooms', new Error('database away'));
    expect(await request(a.socket, 'widen_search')).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    // Told once, in the answer (not also as an error event).
    expect(received(a.socket, 'error')).toEqual([]);
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(2));
    const matched = waitFor(b.socket, 'matched');
    clock.advance(RETRY_MS);
    const { room_id: roomId } = await matched;
    await eventually(() => expect(received(a.socket, 'matched')).toEqual([expect.objectContaining({ room_id: roomId })]));
  });

  it('a partner taken from the queue whose state could not be read, and who could not be put back: queued again at the next try', async () => {
    const p = await client();
    expect(await request(p.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    // The joiner takes p; reading p fails, and so does putting p back in the queue (Redis blipped).
    registry.failNext('get', new Error('redis away'), { when: (userId: string) => userId === p.session.user_id });
    queue.failNext('requeue', new Error('redis away'));
    const j = await client();
    expect(await request(j.socket, 'join_queue')).toMatchObject({ ok: false });
    await eventually(async () => expect(await queue.proxy.size()).toBe(0));
    // p's page still says "waiting": at the next try p is queued again, and the next joiner meets p.
    clock.advance(RETRY_MS);
    await eventually(async () => expect(await queue.proxy.size()).toBe(1));
    const k = await client();
    expect(await request(k.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await eventually(() => expect(received(p.socket, 'matched')).toHaveLength(1));
  });
});
