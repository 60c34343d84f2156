/**
 * A block holds on every instance from the moment its ack arrives — also on an instance that has not heard
 * of it yet. Each instance checks blocks from the joiner's side, with its own cache, which the moderation
 * bus fills within moments (or the next full reload, 30 s later, if an event was missed). Here instance B
 * never hears of the block (its bus is one of its own): before the queue kept the two apart itself, the
 * blocked person, joining on B, was matched again with the blocker waiting on A.
 */
import { describe, expect, it } from 'vitest';
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { connect, request, waitFor } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('a block across instances', () => {
  // Instance B's moderation bus hears nobody: the block's event never reaches its cache.
  const suite = clusterSuite(() => startInProcessCluster(2, {}, { replace: (i) => (i === 1 ? { moderationBus: new MemoryModerationBus() } : undefined) }));

  it('the blocked person, joining on an instance that has not heard of the block, is not matched with the blocker', { timeout: 30_000 }, async () => {
    const [a, b] = suite.cluster.instances;
    const blocker = await connect(a!.url);
    const blocked = await connect(b!.url);
    suite.track(blocker.socket, blocked.socket);
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
    suite.track(third.socket);
    expect(await request(third.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
  });

  it('nor met in their private room: the blocker waiting there when the block comes, the blocked person entering it on the other instance', { timeout: 30_000 }, async () => {
    const [a, b] = suite.cluster.instances;
    const blocker = await connect(a!.url);
    const blocked = await connect(b!.url);
    suite.track(blocker.socket, blocked.socket);
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
