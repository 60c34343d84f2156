/**
 * An instance that stops disconnects its own people only. Its shutdown used to disconnect every socket of
 * the cluster (`io.disconnectSockets` goes through the cluster adapter to every instance): a restart, a
 * deploy or a rolling upgrade of one instance ended every chat on all of them, and emptied the queue.
 * Found by running the cluster behind nginx as its people would.
 */
import { describe, expect, it } from 'vitest';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('an instance stopping, seen from another one', () => {
  const prefix = `shutothers:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const suite = clusterSuite(() => startInProcessCluster(2, { redisPrefix: prefix }));

  it('leaves the other instance’s chats, waiting people and idle tabs as they were', { timeout: 30_000 }, async () => {
    const [one, two] = suite.cluster.instances;
    const opened: TestSocket[] = [];
    const open = async (url: string) => {
      const { socket } = await connect(url);
      opened.push(socket);
      return socket;
    };
    try {
      // On the instance that stays: a chat, a person waiting, a tab doing nothing. One on the instance that stops.
      const [p, q] = [await open(two!.url), await open(two!.url)];
      const matched = waitFor(p, 'matched');
      await request(p, 'join_queue');
      await request(q, 'join_queue');
      const { room_id: roomId } = await matched;
      const waiting = await open(two!.url);
      await request(waiting, 'join_queue');
      const idle = await open(two!.url);
      const leaving = await open(one!.url);
      const stays = [p, q, waiting, idle];
      const dropped = stays.map(() => 0);
      stays.forEach((socket, i) => socket.on('disconnect', () => (dropped[i]! += 1)));

      const goneWithIt = new Promise<void>((resolve) => leaving.on('disconnect', () => resolve()));
      await one!.app.close();
      await goneWithIt;
      // What a broadcast from the stopping instance would have done is done by now (it took < 0.3 s).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(dropped).toEqual([0, 0, 0, 0]);
      expect(stays.every((socket) => socket.connected)).toBe(true);

      // The chat goes on, and is still open in the database; the person waiting is matched with a newcomer.
      const heard = waitFor(q, 'new_message');
      expect(await request(p, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
      expect(await heard).toMatchObject({ room_id: roomId, content: 'still here' });
      expect(received(p, 'partner_left')).toEqual([]);
      expect(await two!.app.repository.getRoom(roomId)).toMatchObject({ isActive: true });
      const newcomer = await open(two!.url);
      const found = waitFor(waiting, 'matched');
      await request(newcomer, 'join_queue');
      await eventually(async () => expect(await found).toMatchObject({ room_id: expect.any(Number) }));
    } finally {
      for (const socket of opened) socket.close();
    }
  });
});
