/**
 * A Redis that hangs (SIGSTOP: connections open, nothing answered) does not keep a process alive: a stop
 * that cannot finish ends after SHUTDOWN_TIMEOUT_MS with exit code 1 and a line saying so. Before, the stop
 * waited for ever (until the supervisor's SIGKILL).
 * `src/main.ts` in a child process over a Redis of the test's own, and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchedPair } from '../helpers/client.js';
import { CLUSTER_TEST_ENV } from '../helpers/cluster.js';
import { openTestDatabase } from '../helpers/database.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { startServerProcess } from '../helpers/process.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasPostgres() && hasRedis();

describe.skipIf(!available)('a Redis that hangs', () => {
  let redisServer: PrivateRedis;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    const db = await openTestDatabase('postgres');
    await db.database.close();
    databaseUrl = db.url!;
    drop = db.drop;
  }, 60_000);
  afterAll(async () => {
    await redisServer?.destroy();
    await drop?.();
  });

  it.each([
    ['one process', {}],
    ['WEB_CONCURRENCY=2: the primary says so with its own code', { WEB_CONCURRENCY: '2' }],
  ])('SIGTERM with Redis hung and chats open: the process exits with 1 after SHUTDOWN_TIMEOUT_MS, saying why (%s)', { timeout: 120_000 }, async (_name, extra) => {
    const server = await startServerProcess(
      { ...CLUSTER_TEST_ENV, DATABASE_URL: databaseUrl, REDIS_URL: redisServer.url, REDIS_PREFIX: `deadline:${process.pid}:${Object.keys(extra).length}:`, SHUTDOWN_TIMEOUT_MS: '3000', ...extra },
      { readyTimeoutMs: 60_000 },
    );
    try {
      const pairs = [await matchedPair(server.url), await matchedPair(server.url)];
      redisServer.pause();
      const started = Date.now();
      // Killed (exit code null) if still running 30 s after SIGTERM: before, it never exited by itself.
      const code = await server.stop('SIGTERM', { killAfterMs: 30_000 });
      expect(code).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(server.output()).toContain('shutdown did not finish in SHUTDOWN_TIMEOUT_MS');
      for (const { a, b } of pairs) {
        a.close();
        b.close();
      }
    } finally {
      redisServer.resume();
      await server.stop('SIGKILL');
    }
  });
});
