/**
 * Private rooms across instances (two complete instances in this process over one Redis and one
 * PostgreSQL): a room made on A is entered from B; when the two meet again the earlier conversation
 * reaches each side from its own instance, in pages; two people entering the same room at once on both
 * instances meet once; and two asks to stay in touch held until they land at the same moment on A and B
 * complete once, giving both the same key.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateRendezvous } from '../../src/private/private-rendezvous.js';
import { RedisPrivateRendezvous } from '../../src/private/redis-private-rendezvous.js';
import type { Database } from '../../src/storage/database.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { silentLogger } from '../helpers/database.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startInProcessCluster, type InProcessCluster } from '../helpers/in-process-cluster.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();

type Ack = { ok: boolean; code?: string; key?: string; status?: string; room_id?: number };

describe.skipIf(!available)('private rooms across two instances', () => {
  let cluster: InProcessCluster;
  let database: Database;
  const sockets: TestSocket[] = [];
  const redisClients: Redis[] = [];
  const rendezvous: Interceptor<PrivateRendezvous>[] = [];
  beforeAll(async () => {
    const prefix = `privcluster:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    for (let i = 0; i < 2; i++) {
      const redis = new Redis(testRedisUrl!, { maxRetriesPerRequest: 1 });
      redisClients.push(redis);
      rendezvous.push(intercept<PrivateRendezvous>(new RedisPrivateRendezvous(redis, prefix)));
    }
    cluster = await startInProcessCluster(
      2,
      { redisPrefix: prefix, privateRooms: { keyAttemptsPerMin: 10_000, keyAttemptsPerAddressPerMin: 10_000, keepInTouchWindowMs: 120_000, historyMaxMessages: 1_000 } },
      { replace: (i) => ({ privateRendezvous: rendezvous[i]!.proxy }) },
    );
    database = await openPostgresDatabase({ url: cluster.databaseUrl, poolMax: 1, logger: silentLogger });
  }, 60_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await database?.close();
    await cluster?.close();
    for (const redis of redisClients) redis.disconnect();
  });

  async function client(instance: number, token?: string) {
    const c = await connect(cluster.instances[instance]!.url, token ? { token } : {});
    sockets.push(c.socket);
    return c;
  }

  it('a room made on A is entered from B; meeting again, each side gets the earlier conversation from its own instance', async () => {
    const onA = await client(0);
    const created = await request<Ack>(onA.socket, 'create_private');
    const key = created.key!;
    const onB = await client(1);
    const aMatched = waitFor(onA.socket, 'matched');
    const joined = await request<Ack>(onB.socket, 'join_private', { key });
    expect(joined).toMatchObject({ ok: true, status: 'matched' });
    expect(await aMatched).toEqual({ room_id: joined.room_id, match_type: 'private' });
    const atA = waitFor(onA.socket, 'new_message');
    await request(onB.socket, 'send_message', { content: 'hello across instances' });
    expect((await atA).content).toBe('hello across instances');
    expect(await request<Ack>(onA.socket, 'leave_room_event')).toMatchObject({ ok: true });

    // 700 earlier messages: two pages each, the waiting side's sent by the other instance.
    await database.query(
      `INSERT INTO messages (room_id, sender_id, content, created_at)
       SELECT $1, $2, 'earlier ' || i, now() FROM generate_series(1, 700) AS i`,
      [joined.room_id, onB.session.user_id],
    );

    // This time the creator waits on B, the other enters on A.
    const aOnB = await client(1, onA.session.token);
    expect(await request<Ack>(aOnB.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
    const bOnA = await client(0, onB.session.token);
    const waiterPages = received(aOnB.socket, 'room_history');
    const joinerPages = received(bOnA.socket, 'room_history');
    expect(await request<Ack>(bOnA.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(waiterPages.flatMap((p) => p.messages)).toHaveLength(701), 10_000);
    await eventually(() => expect(joinerPages.flatMap((p) => p.messages)).toHaveLength(701), 10_000);
    expect(waiterPages.map((p) => p.messages.length)).toEqual([500, 201]);
    expect(waiterPages[0]!.messages[0]!.content).toBe('hello across instances');
    expect(waiterPages.flatMap((p) => p.messages)).toEqual(joinerPages.flatMap((p) => p.messages));
  });

  it('both entering the same room at once, one on each instance, meet exactly once', async () => {
    const first = await client(0);
    const { key } = await request<Ack & { key: string }>(first.socket, 'create_private');
    const second = await client(1);
    await request(first.socket, 'leave_queue');
    // Both are bound already (second entered once); then both enter together on different instances.
    expect(await request<Ack>(second.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
    await request(second.socket, 'leave_queue');
    const [x, y] = await Promise.all([request<Ack>(first.socket, 'join_private', { key }), request<Ack>(second.socket, 'join_private', { key })]);
    expect([x.status, y.status].sort()).toEqual(['matched', 'waiting']);
    await eventually(() => expect(received(first.socket, 'matched')).toHaveLength(1));
    await eventually(() => expect(received(second.socket, 'matched')).toHaveLength(1));
    expect(received(first.socket, 'matched')).toEqual(received(second.socket, 'matched'));
  });

  it('keep_in_touch asked on A and on B at the same moment completes once: the same key to both, once', async () => {
    const onA = await client(0);
    const onB = await client(1);
    await request(onA.socket, 'join_queue');
    const matched = waitFor(onA.socket, 'matched');
    const joined = await request<Ack>(onB.socket, 'join_queue');
    expect(joined).toMatchObject({ status: 'matched' });
    const roomId = (await matched).room_id;
    const aKeys = received(onA.socket, 'contact_key');
    const bKeys = received(onB.socket, 'contact_key');
    // Each instance's ask is stopped just before it reaches Redis; then both go on together.
    const heldA = rendezvous[0]!.hold('askToKeep', { when: (id: number) => id === roomId });
    const heldB = rendezvous[1]!.hold('askToKeep', { when: (id: number) => id === roomId });
    const asks = [request<Ack>(onA.socket, 'keep_in_touch'), request<Ack>(onB.socket, 'keep_in_touch')];
    await Promise.all([heldA.reached, heldB.reached]);
    heldA.release();
    heldB.release();
    expect(await Promise.all(asks)).toEqual([{ ok: true }, { ok: true }]);
    await eventually(() => expect([aKeys.length, bKeys.length]).toEqual([1, 1]));
    expect(aKeys[0]).toEqual(bKeys[0]);
    // Asking again on either instance gives no second key.
    await request(onA.socket, 'keep_in_touch');
    await request(onB.socket, 'keep_in_touch');
    await request(onA.socket, 'leave_queue');
    await request(onB.socket, 'leave_queue');
    expect([aKeys.length, bKeys.length]).toEqual([1, 1]);
    const [row] = await database.query<{ n: string | number }>('SELECT count(*) AS n FROM private_key_rooms WHERE room_id = $1', [roomId]);
    expect(Number(row?.n)).toBe(1);
  });

  /**
   * A (on instance `aOn`) and B (on `bOn`) chat, B leaves, A asks to stay in touch and then comes back on a new
   * connection on instance `aBackOn`, holding nothing now that the chat is over.
   */
  async function askedThenBack(aOn: number, bOn: number, aBackOn: number) {
    const onA = await client(aOn);
    const onB = await client(bOn);
    await request(onA.socket, 'join_queue');
    expect(await request<Ack>(onB.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    expect(await request<Ack>(onB.socket, 'leave_room_event')).toMatchObject({ ok: true });
    expect(await request<Ack>(onA.socket, 'keep_in_touch')).toEqual({ ok: true });
    onA.socket.disconnect();
    const aAgain = await client(aBackOn, onA.session.token);
    expect(aAgain.session).toMatchObject({ user_id: onA.session.user_id, status: 'idle' });
    return { aAgain: aAgain.socket, onB: onB.socket };
  }

  it('keep_in_touch: the first to ask comes back, before the other asks, on the instance where the other then asks: the key reaches it there', async () => {
    const { aAgain, onB } = await askedThenBack(0, 1, 1);
    const aKey = waitFor(aAgain, 'contact_key');
    const bKey = waitFor(onB, 'contact_key');
    expect(await request<Ack>(onB, 'keep_in_touch')).toEqual({ ok: true });
    expect(await aKey).toEqual(await bKey);
  });

  it('keep_in_touch: …and on an instance other than the one that completes: through the relay between instances, once', async () => {
    const { aAgain, onB } = await askedThenBack(1, 0, 1);
    const aKeys = received(aAgain, 'contact_key');
    const bKey = waitFor(onB, 'contact_key');
    expect(await request<Ack>(onB, 'keep_in_touch')).toEqual({ ok: true });
    // Completed on the first instance (where B asked); A's new connection is on the second: once, not twice.
    const key = await bKey;
    await eventually(() => expect(aKeys).toEqual([key]));
    await request(aAgain, 'leave_queue');
    await request(onB, 'leave_queue');
    expect(aKeys).toEqual([key]);
  });
});
