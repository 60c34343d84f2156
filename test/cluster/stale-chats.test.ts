/**
 * Chats cut off by a full stop are closed by the first instance to start — only if it is really alone.
 * Redis can say so wrongly (restarted empty, or the others stalled past their announcement's life): a
 * starting instance must not end the chats live instances are running, and each running instance holds a
 * database lock that says it lives.
 */
import { describe, expect, it } from 'vitest';
import { endStaleChats, type Seams } from '../../src/composition.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { connect, request, waitFor } from '../helpers/client.js';
import { silentLogger } from '../helpers/database.js';
import { startInProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';
import { clusterSuite } from '../helpers/suite.js';

const available = hasRedis() && hasPostgres();

describe.skipIf(!available)('a starting instance told by Redis that it is alone', () => {
  const prefix = `stale:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const suite = clusterSuite(() => startInProcessCluster(2, { redisPrefix: prefix }));

  it('does not end the chats of the instances running meanwhile', { timeout: 30_000 }, async () => {
    const [one] = suite.cluster.instances;
    const a = await connect(one!.url);
    const b = await connect(one!.url);
    const database = await openPostgresDatabase({ url: suite.cluster.databaseUrl, poolMax: 2, logger: silentLogger });
    try {
      const matched = waitFor(a.socket, 'matched');
      await request(a.socket, 'join_queue');
      await request(b.socket, 'join_queue');
      const { room_id: roomId } = await matched;
      // As after Redis came back empty: no other instance announces itself.
      const wronglyAlone = { mode: 'cluster', presence: { alone: async () => true } } as unknown as Seams;
      expect(await endStaleChats(wronglyAlone, database, new Date())).toBe(0);
      expect(await one!.app.repository.getRoom(roomId)).toMatchObject({ isActive: true });
      expect(await request(a.socket, 'send_message', { content: 'still on' })).toMatchObject({ ok: true });
    } finally {
      a.socket.close();
      b.socket.close();
      await database.close();
    }
  });
});
