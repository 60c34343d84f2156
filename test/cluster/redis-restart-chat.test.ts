/**
 * A chat across two instances outlives a Redis that lost its data (restarted empty), even for a message
 * sent before either instance's heartbeat has noticed: the instance holding the sender writes its chat back
 * at once (the epoch is gone too), so the message is delivered and the chat goes on for both — and the
 * heartbeat still finds it to restore, instead of having forgotten it. Before, that first message was
 * answered NOT_IN_CHAT, the sender's page ended the chat, and the partner was never told.
 * Two complete instances in this process over a Redis of the test's own (emptied with FLUSHALL, as a restart
 * without persistence leaves it) and one PostgreSQL.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startInProcessCluster, type InProcessCluster } from '../helpers/in-process-cluster.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();

type Ack = { ok: boolean; code?: string; status?: string; room_id?: number };

describe.skipIf(!available)('a chat across instances when Redis lost its data', () => {
  let redisServer: PrivateRedis;
  let cluster: InProcessCluster;
  let redis: Redis;
  const prefix = `chatrestore:${process.pid}:`;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    cluster = await startInProcessCluster(2, { redisUrl: redisServer.url, redisPrefix: prefix });
    redis = new Redis(redisServer.url);
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    redis?.disconnect();
    await cluster?.close();
    await redisServer?.destroy();
  });

  async function client(instance: number) {
    const c = await connect(cluster.instances[instance]!.url);
    sockets.push(c.socket);
    return c;
  }

  it('a message sent right after the loss is delivered, and the chat goes on both ways', { timeout: 30_000 }, async () => {
    const a = await client(0);
    const b = await client(1);
    expect(await request<Ack>(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const matched = waitFor(a.socket, 'matched');
    expect(await request<Ack>(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await matched;

    await redis.flushall();
    // At once: before a heartbeat (every second) has noticed the loss.
    const atB = waitFor(b.socket, 'new_message', 10_000);
    expect(await request<Ack>(a.socket, 'send_message', { content: 'right after the loss' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('right after the loss');
    expect(await request<Ack>(b.socket, 'send_message', { content: 'and back' })).toMatchObject({ ok: true });
    // (A's own message comes back to it too: it did not ask for its echo in the ack.)
    await eventually(() => expect(received(a.socket, 'new_message').map((m) => m.content)).toContain('and back'), 10_000, 50);
    // Both activities are in Redis again, and neither side was told the chat ended.
    await eventually(async () => expect(await redis.exists(`${prefix}act:${a.session.user_id}`, `${prefix}act:${b.session.user_id}`)).toBe(2), 10_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await request<Ack>(a.socket, 'send_message', { content: 'after the heartbeat' })).toMatchObject({ ok: true });
    expect(received(a.socket, 'partner_left')).toEqual([]);
    expect(received(b.socket, 'partner_left')).toEqual([]);
  });

  it('…also once another instance’s heartbeat has set a new epoch, before this one’s has restored', { timeout: 30_000 }, async () => {
    const a = await client(0);
    const b = await client(1);
    expect(await request<Ack>(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const matched = waitFor(a.socket, 'matched');
    expect(await request<Ack>(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await matched;

    await redis.flushall();
    // As another instance's heartbeat would, first: the epoch is back, but not the one A's instance restored under.
    await redis.set(`${prefix}epoch`, 'set-by-another-instance');
    const atB = waitFor(b.socket, 'new_message', 10_000);
    expect(await request<Ack>(a.socket, 'send_message', { content: 'after a new epoch' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('after a new epoch');
    expect(received(a.socket, 'partner_left')).toEqual([]);
  });
});
