/**
 * An instance that stops cleanly ends the grace periods it was counting. Nobody else would: a stopped
 * instance is not "dead" (its people are not adopted), and before, its person's partner on another
 * instance saw the countdown end and then nothing, with the chat open for ever.
 */
import { describe, expect, it } from 'vitest';
import { connect, eventually, request, waitFor } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('an instance stopping while one of its people is in a grace period', () => {
  const prefix = `shutgrace:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const suite = clusterSuite(() => startInProcessCluster(2, { redisPrefix: prefix, reconnectGraceMs: 30_000, closeGraceMs: 30_000 }));

  it('ends that chat at once: the partner on another instance is told, the room is closed', { timeout: 30_000 }, async () => {
    const [one, two] = suite.cluster.instances;
    const x = await connect(one!.url);
    const y = await connect(two!.url);
    try {
      const matched = waitFor(y.socket, 'matched');
      await request(x.socket, 'join_queue');
      await request(y.socket, 'join_queue');
      const { room_id: roomId } = await matched;
      const away = waitFor(y.socket, 'partner_disconnected');
      x.socket.io.engine.close();
      await away;
      const goodbye = waitFor(y.socket, 'partner_left', 10_000);
      await one!.app.close();
      expect(await goodbye).toMatchObject({ reason: 'disconnected', room_id: roomId });
      await eventually(async () => expect(await two!.app.repository.getRoom(roomId)).toMatchObject({ isActive: false }));
    } finally {
      x.socket.close();
      y.socket.close();
    }
  });
});
