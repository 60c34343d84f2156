/**
 * A wait in a private room outlives a Redis that lost its data (restarted empty): the instance of the
 * person waiting puts them back in the room, as it puts a waiting person back in the queue, so whoever
 * enters the key afterwards — on another instance — meets them instead of waiting beside them for ever.
 * Two complete instances in this process over a Redis of the test's own (emptied with FLUSHALL, as a
 * restart without persistence leaves it) and one PostgreSQL.
 */
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalKey, keyHash } from '../../src/private/private-keys.js';
import { eventually, request, waitFor } from '../helpers/client.js';
import { flushedRedisCluster } from '../helpers/flushed-redis-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();

type Ack = { ok: boolean; code?: string; key?: string; status?: string; room_id?: number };

describe.skipIf(!available)('a private wait when Redis lost its data', () => {
  const prefix = `privrestore:${process.pid}:`;
  const { redis: redisClient, client } = flushedRedisCluster(2, prefix);
  let redis: Redis;
  beforeAll(() => {
    redis = redisClient();
  });

  it('the person waiting is back in the room, and whoever enters the key on another instance meets them', { timeout: 30_000 }, async () => {
    const a = await client(0);
    const created = await request<Ack>(a.socket, 'create_private');
    expect(created).toMatchObject({ ok: true });
    const waitKey = `${prefix}private:wait:${keyHash(canonicalKey(created.key!)!)}`;
    expect(await redis.get(waitKey)).toBe(a.session.user_id);

    await redis.flushall();
    // A's instance notices at its next heartbeat and puts A back: in the registry and in the room.
    await eventually(async () => expect(await redis.get(waitKey)).toBe(a.session.user_id), 10_000, 100);

    const b = await client(1);
    const aMatched = waitFor(a.socket, 'matched', 10_000);
    const joined = await request<Ack>(b.socket, 'join_private', { key: created.key });
    expect(joined).toMatchObject({ ok: true, status: 'matched' });
    expect(await aMatched).toEqual({ room_id: joined.room_id, match_type: 'private' });
    // A chat like any other: a message crosses between the instances.
    const atA = waitFor(a.socket, 'new_message', 10_000);
    expect(await request<Ack>(b.socket, 'send_message', { content: 'found you after the restart' })).toMatchObject({ ok: true });
    expect((await atA).content).toBe('found you after the restart');
  });
  it('someone who enters the key before the waiting person’s instance noticed the loss meets them once it does', { timeout: 40_000 }, async () => {
    const a = await client(0);
    const created = await request<Ack>(a.socket, 'create_private');
    expect(created).toMatchObject({ ok: true });
    const b = await client(1);
    await redis.flushall();
    // B enters at once, before A's instance notices (its heartbeat) and puts A back: B waits in the room.
    const aMatched = waitFor(a.socket, 'matched', 15_000);
    const joined = await request<Ack>(b.socket, 'join_private', { key: created.key });
    expect(joined).toMatchObject({ ok: true });
    const bMatched = joined.status === 'matched' ? Promise.resolve(joined) : waitFor(b.socket, 'matched', 15_000);
    const [ma, mb] = await Promise.all([aMatched, bMatched]);
    expect(ma.room_id).toBe(mb.room_id);
  });
});
