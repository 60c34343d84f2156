/**
 * SIGTERM to the WEB_CONCURRENCY primary alone (not its process group): the primary asks each worker to
 * stop through IPC, and each worker's chats end as a single process's do — `server_shutdown` (its
 * partner `partner_left` for that reason) and a receipt to both people, the room ended in the database, nothing left "chatting" in Redis. Before, a
 * worker's `close()` closed its HTTP server, which never listens in a worker: Node emitted 'close' at once,
 * engine.io closed every client on it, and the chats were left active with a grace timer that died with
 * the worker (no other instance adopts the people of one that said goodbye).
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, matchedPair } from '../helpers/client.js';
import { CLUSTER_TEST_ENV } from '../helpers/cluster.js';
import { openTestDatabase } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';
import type { Database } from '../../src/storage/database.js';

const available = hasPostgres() && hasRedis();
const START_TIMEOUT_MS = 60_000;

describe.skipIf(!available || process.platform !== 'linux')('SIGTERM to the WEB_CONCURRENCY primary alone', () => {
  let env: Record<string, string>;
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    database = db.database;
    drop = db.drop;
    const prefix = `primary-stop-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    env = { ...CLUSTER_TEST_ENV, DATABASE_URL: db.url!, REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix, WEB_CONCURRENCY: '2' };
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('ends each worker’s chats as a single process does: each told the server stopped, receipts, the room ended, Redis cleared', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
    const server = await startServerProcess(env, { readyTimeoutMs: START_TIMEOUT_MS, detached: true });
    const redis = new Redis(testRedisUrl!);
    try {
      const pair = await matchedPair(server.url);
      // The side whose end goes first is told `server_shutdown`, its partner `partner_left` with that reason.
      // (Across two workers both stopping, the partner's goodbye may still be on its way through Redis when
      // its own worker disconnects it: only one side is certain to hear — see the report.)
      const stopping = [collect(pair.a, 'server_shutdown'), collect(pair.b, 'server_shutdown')];
      const left = [collect(pair.a, 'partner_left'), collect(pair.b, 'partner_left')];
      const receipts = [collect(pair.a, 'receipt'), collect(pair.b, 'receipt')];
      const reasons: string[][] = [[], []];
      pair.a.on('disconnect', (reason) => reasons[0]!.push(reason));
      pair.b.on('disconnect', (reason) => reasons[1]!.push(reason));
      const exited = once(server.child, 'exit') as Promise<[number | null]>;
      // The primary only: what `kill -TERM <pid>` or a supervisor signalling the main process does.
      process.kill(server.child.pid!, 'SIGTERM');
      expect((await exited)[0]).toBe(0);
      await eventually(() => {
        expect(stopping.flat().length + left.flat().length).toBeGreaterThan(0);
        expect(left.flat().every((payload) => payload.reason === 'server_shutdown')).toBe(true);
        expect(receipts.flat().length).toBeGreaterThan(0);
        // Disconnected by the server once the chat was ended — before, a bare `transport close` came first.
        expect(reasons).toEqual([['io server disconnect'], ['io server disconnect']]);
      }, 5_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${JSON.stringify({ stopping, left, receipts, reasons })}\n--- server output ---\n${server.output()}`);
      });
      const rows = await database.query<{ is_active: boolean; ended_at: Date | null }>('SELECT is_active, ended_at FROM chat_rooms WHERE id = $1', [pair.roomId]);
      expect(rows[0]?.is_active).toBe(false);
      expect(rows[0]?.ended_at).not.toBeNull();
      for (const id of [pair.aId, pair.bId]) expect(await redis.get(`${env.REDIS_PREFIX}act:${id}`)).toBeNull();
      pair.a.close();
      pair.b.close();
    } finally {
      redis.disconnect();
      await server.stop('SIGKILL');
      try {
        process.kill(-server.child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
});
