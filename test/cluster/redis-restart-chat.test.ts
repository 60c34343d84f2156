/**
 * A chat across two instances outlives a Redis that lost its data (restarted empty), even for a message
 * sent before either instance's heartbeat has noticed: the instance holding the sender writes its chat back
 * at once (the epoch is gone too), so the message is delivered and the chat goes on for both — and the
 * heartbeat still finds it to restore, instead of having forgotten it. Before, that first message was
 * answered NOT_IN_CHAT, the sender's page ended the chat, and the partner was never told.
 * Two complete instances in this process over a Redis of the test's own (emptied with FLUSHALL, as a restart
 * without persistence leaves it) and one PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { eventually, received, request, waitFor } from '../helpers/client.js';
import { flushedRedisCluster } from '../helpers/flushed-redis-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();

type Ack = { ok: boolean; code?: string; status?: string; room_id?: number };

describe.skipIf(!available)('a chat across instances when Redis lost its data', () => {
  const prefix = `chatrestore:${process.pid}:`;
  const { redis, client } = flushedRedisCluster(2, prefix);

  /** A on instance 0 and B on instance 1, in one chat. */
  async function chattingAcross() {
    const a = await client(0);
    const b = await client(1);
    expect(await request<Ack>(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const matched = waitFor(a.socket, 'matched');
    expect(await request<Ack>(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await matched;
    return { a, b };
  }

  it('a message sent right after the loss is delivered, and the chat goes on both ways', { timeout: 30_000 }, async () => {
    const { a, b } = await chattingAcross();

    await redis().flushall();
    // At once: before a heartbeat (every second) has noticed the loss.
    const atB = waitFor(b.socket, 'new_message', 10_000);
    expect(await request<Ack>(a.socket, 'send_message', { content: 'right after the loss' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('right after the loss');
    expect(await request<Ack>(b.socket, 'send_message', { content: 'and back' })).toMatchObject({ ok: true });
    // (A's own message comes back to it too: it did not ask for its echo in the ack.)
    await eventually(() => expect(received(a.socket, 'new_message').map((m) => m.content)).toContain('and back'), 10_000, 50);
    // Both activities are in Redis again, and neither side was told the chat ended.
    await eventually(async () => expect(await redis().exists(`${prefix}act:${a.session.user_id}`, `${prefix}act:${b.session.user_id}`)).toBe(2), 10_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await request<Ack>(a.socket, 'send_message', { content: 'after the heartbeat' })).toMatchObject({ ok: true });
    expect(received(a.socket, 'partner_left')).toEqual([]);
    expect(received(b.socket, 'partner_left')).toEqual([]);
  });

  it('…also once another instance’s heartbeat has set a new epoch, before this one’s has restored', { timeout: 30_000 }, async () => {
    const { a, b } = await chattingAcross();

    await redis().flushall();
    // As another instance's heartbeat would, first: the epoch is back, but not the one A's instance restored under.
    await redis().set(`${prefix}epoch`, 'set-by-another-instance');
    const atB = waitFor(b.socket, 'new_message', 10_000);
    expect(await request<Ack>(a.socket, 'send_message', { content: 'after a new epoch' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('after a new epoch');
    expect(received(a.socket, 'partner_left')).toEqual([]);
  });
});
