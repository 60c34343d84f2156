/**
 * An instance taken for dead, whose people another instance adopted (starting their grace timers there),
 * takes back a person still connected to it; that person's connection is then lost. The adopter's timer
 * is still set — for the grace period it started, not the new one. Before the timer knew which grace
 * period it was for, it ended the chat when it fired, before the new grace period had run out.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { connect, received, request, waitFor } from '../helpers/client.js';
import { silentLogger } from '../helpers/database.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();
const GRACE_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('a person taken back after an adoption, then lost again', () => {
  const prefix = `takeback:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const suite = clusterSuite(() => startInProcessCluster(2, { redisPrefix: prefix, reconnectGraceMs: GRACE_MS, closeGraceMs: GRACE_MS }));

  it('gets the whole of their new grace period: the adopter’s old timer does not end the chat', { timeout: 30_000 }, async () => {
    const [one, two] = suite.cluster.instances;
    const a = await connect(one!.url);
    const b = await connect(two!.url);
    try {
      const matched = waitFor(a.socket, 'matched');
      await request(a.socket, 'join_queue');
      await request(b.socket, 'join_queue');
      const { room_id: roomId } = await matched;

      // Instance two adopts a, as when instance one is taken for dead: its grace timer starts there.
      const client = new Redis(testRedisUrl!, { maxRetriesPerRequest: 1 });
      const probe = new RedisActivityRegistry(client, client, prefix, 'probe', silentLogger);
      const activity = (await probe.get(a.session.user_id))!;
      client.disconnect();
      const adoptedAt = Date.now();
      const told = waitFor(b.socket, 'partner_disconnected');
      await two!.app.chat.adopt(a.session.user_id, activity);
      await told;
      // Instance one runs again and takes a back (its connection never went away)…
      const back = waitFor(b.socket, 'partner_reconnected');
      await one!.app.chat.reclaim({ userId: a.session.user_id, socketId: a.socket.id!, lang: 'zh-CN' });
      await back;
      // …then loses that connection: a new grace period, counted by instance one, ends after the adopter's timer fires.
      await sleep(GRACE_MS / 2 - (Date.now() - adoptedAt));
      const lost = waitFor(b.socket, 'partner_disconnected');
      a.socket.io.engine.close();
      await lost;
      const left = received(b.socket, 'partner_left');
      await sleep(GRACE_MS / 2 + 700);
      // The adopter's timer has fired; the new grace period has about a second left.
      expect(left).toEqual([]);
      const again = await connect(one!.url, { token: a.session.token });
      try {
        expect(again.session.status).toBe('chatting');
        const atB = waitFor(b.socket, 'new_message');
        expect(await request(again.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
        expect(await atB).toMatchObject({ room_id: roomId, content: 'still here' });
      } finally {
        again.socket.close();
      }
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });
});
