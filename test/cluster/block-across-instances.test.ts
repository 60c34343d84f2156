/**
 * A block holds on every instance from the moment its ack arrives — also on an instance that has not heard
 * of it yet. Each instance checks blocks from the joiner's side, with its own cache, which the moderation
 * bus fills within moments (or the next full reload, 30 s later, if an event was missed). Here instance B
 * never hears of the block (its bus is one of its own): before the queue kept the two apart itself, the
 * blocked person, joining on B, was matched again with the blocker waiting on A.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { connect, eventually, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('a block across instances', () => {
  const prefix = `blockcluster:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  let queueB!: Interceptor<RedisMatchQueue>;
  // Instance B's moderation bus hears nobody: the block's event never reaches its cache. Its queue (the
  // shared Redis one) can be stopped at a chosen call.
  const suite = clusterSuite(async () => {
    const client = new Redis(testRedisUrl!, { maxRetriesPerRequest: 1 });
    queueB = intercept(new RedisMatchQueue(client, prefix));
    const cluster = await startInProcessCluster(2, { redisPrefix: prefix }, { replace: (i) => (i === 1 ? { moderationBus: new MemoryModerationBus(), matchQueue: queueB.proxy } : undefined) });
    // B's queue client closes after B.
    return { ...cluster, close: () => cluster.close().finally(() => client.disconnect()) };
  });
  // Each test's people leave (a closed connection is nobody's partner): the next test starts once nobody waits.
  const open: TestSocket[] = [];
  const track = (...sockets: TestSocket[]) => open.push(...sockets);
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.close();
    await eventually(async () => expect(await suite.cluster.instances[0]!.app.liveStats.waitingCount()).toBe(0));
  });

  it('the blocked person, joining on an instance that has not heard of the block, is not matched with the blocker', { timeout: 30_000 }, async () => {
    const [a, b] = suite.cluster.instances;
    const blocker = await connect(a!.url);
    const blocked = await connect(b!.url);
    track(blocker.socket, blocked.socket);
    expect(await request(blocker.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const matched = waitFor(blocker.socket, 'matched');
    expect(await request(blocked.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await matched;

    expect(await request(blocker.socket, 'block')).toMatchObject({ ok: true, blocked: true });
    expect(await request(blocker.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    // B's cache does not know the block; the queue itself must keep the two apart.
    expect(await request(blocked.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });

    // Each is still matched with somebody else.
    const third = await connect(b!.url);
    track(third.socket);
    expect(await request(third.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
  });

  it('a match of the two being made on the other instance as the block is acked ends at once: the blocker is told after `matched`, once', { timeout: 30_000 }, async () => {
    const [a, b] = suite.cluster.instances;
    const blocker = await connect(a!.url);
    const blocked = await connect(b!.url);
    track(blocker.socket, blocked.socket);
    const met = waitFor(blocker.socket, 'matched');
    await request(blocker.socket, 'join_queue');
    await request(blocked.socket, 'join_queue');
    const { room_id: room } = await met;
    expect(await request(blocker.socket, 'leave_room_event')).toMatchObject({ ok: true });
    expect(await request(blocker.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const blockerEvents: string[] = [];
    const roomsNamed: Array<number | undefined> = [];
    blocker.socket.onAny((event: string, payload?: { room_id?: number }) => {
      blockerEvents.push(event);
      if (event === 'matched' || event === 'partner_left') roomsNamed.push(payload?.room_id);
    });

    // B's join has taken the blocker from the queue and stops there; the block is acked on A meanwhile.
    const taken = queueB.hold('joinOrMatch', { when: (entry: { userId: string }) => entry.userId === blocked.session.user_id, at: 'after' });
    const ack = request<{ ok: boolean; status?: string; room_id?: number }>(blocked.socket, 'join_queue');
    await taken.reached;
    expect(await request(blocker.socket, 'block', { room_id: room })).toMatchObject({ ok: true, blocked: true });
    taken.release();
    expect(await ack).toMatchObject({ ok: true, status: 'matched' });

    // B found the hold once both were in the room (its cache knows nothing) and ended the chat: told once, after `matched`.
    await eventually(() => expect(blockerEvents).toContain('partner_left'));
    expect(blockerEvents.filter((e) => e === 'matched' || e === 'partner_left' || e === 'left_room')).toEqual(['matched', 'partner_left']);
    // The goodbye names the chat it ends (a page that heard it before `matched` knows which: early-goodbye.ts).
    expect(roomsNamed).toEqual([(await ack).room_id, (await ack).room_id]);
    expect(await request(blocked.socket, 'send_message', { content: 'hello again' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(blockerEvents).not.toContain('new_message');
  });

  it('nor met in their private room: the blocker waiting there when the block comes, the blocked person entering it on the other instance', { timeout: 30_000 }, async () => {
    const [a, b] = suite.cluster.instances;
    const blocker = await connect(a!.url);
    const blocked = await connect(b!.url);
    track(blocker.socket, blocked.socket);
    const { key } = await request<{ key: string }>(blocker.socket, 'create_private');
    const met = waitFor(blocker.socket, 'matched');
    expect(await request(blocked.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
    await met;
    expect(await request(blocker.socket, 'leave_room_event')).toMatchObject({ ok: true });
    // Back in their room, waiting for the other; then the blocker blocks them (their last chat).
    expect(await request(blocker.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request(blocker.socket, 'block')).toMatchObject({ ok: true, blocked: true });
    // Instance B has not heard of the block: the room must still be closed to the blocked person.
    expect(await request(blocked.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
