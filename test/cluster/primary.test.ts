/**
 * The WEB_CONCURRENCY primary (src/cluster/primary.ts) as an operator runs it — `src/main.ts`, real worker
 * processes, PostgreSQL and Redis: a worker that cannot start takes the whole process down (a supervisor
 * then restarts it), a worker that dies once serving is replaced, and no worker outlives the primary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { connect, eventually, matchedPair } from '../helpers/client.js';
import { CLUSTER_TEST_ENV } from '../helpers/cluster.js';
import { openTestDatabase } from '../helpers/database.js';
import { startServerProcess } from '../helpers/process.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';

const available = hasPostgres() && hasRedis();
/** Three processes started through tsx on a loaded 2-core machine: generous, and still far below forever. */
const START_TIMEOUT_MS = 60_000;

/** Live processes (not zombies) whose environment holds `name=value`: the primary and every worker it forked. */
function processesMarked(name: string, value: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      const state = /\) (\S)/.exec(readFileSync(`/proc/${entry}/stat`, 'latin1'))?.[1];
      if (environ.includes(`${name}=${value}`) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Listens on 127.0.0.1:`port`, or rejects if it is taken. */
function occupy(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Two consecutive ports, the first free and the second held by the returned server (taken from port 0). */
async function freePortBeforeATakenOne(): Promise<{ first: number; blocker: Server }> {
  for (;;) {
    const blocker = await occupy(0);
    const taken = (blocker.address() as { port: number }).port;
    const probe = await occupy(taken - 1).catch(() => undefined);
    if (probe) {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return { first: taken - 1, blocker };
    }
    blocker.close();
  }
}

describe.skipIf(!available || process.platform !== 'linux')('WEB_CONCURRENCY primary', () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await openTestDatabase('postgres');
    await db.database.close();
    drop = db.drop;
    const prefix = `primary-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    env = { ...CLUSTER_TEST_ENV, DATABASE_URL: db.url!, REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix, WEB_CONCURRENCY: '2' };
  });
  afterAll(async () => {
    await drop?.();
  });

  it('a worker that cannot start (its metrics port taken) stops the others and the primary exits with 1, leaving no process behind', { timeout: START_TIMEOUT_MS + 30_000 }, async () => {
    // Worker 0 takes METRICS_PORT, worker 1 METRICS_PORT + 1: held here, so worker 1 alone fails at start.
    const { first, blocker } = await freePortBeforeATakenOne();
    const marker = `failed-start-${process.pid}-${Date.now()}`;
    try {
      const started = startServerProcess({ ...env, METRICS_PORT: String(first), CHAT_PRIMARY_TEST: marker }, { readyTimeoutMs: START_TIMEOUT_MS });
      // Exited (not "did not start": a primary without its port, alive, is the bug), with the reason in its log.
      const error = await started.then(
        () => new Error('the primary opened its port with a worker missing'),
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(/^server exited with 1:/);
      expect(error.message).toContain('EADDRINUSE');
      expect(error.message).toMatch(/worker exited before it was ready .*: stopping the other workers and exiting with 1/);
      expect(error.message).not.toContain('Server listening');
      expect(processesMarked('CHAT_PRIMARY_TEST', marker)).toEqual([]);
    } finally {
      blocker.close();
      // Whatever a failure left running is not left behind the test.
      for (const pid of processesMarked('CHAT_PRIMARY_TEST', marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('SIGTERM to the whole process group (systemd, Ctrl-C) stops each worker gracefully, not at once', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
    const marker = `group-${process.pid}-${Date.now()}`;
    const server = await startServerProcess({ ...env, CHAT_PRIMARY_TEST: marker }, { readyTimeoutMs: START_TIMEOUT_MS, detached: true });
    const redis = new Redis(testRedisUrl!);
    try {
      const pair = await matchedPair(server.url);
      // Its two workers are listed (with any instance an earlier case left behind).
      const before = await redis.smembers(`${env.REDIS_PREFIX}instances`);
      const exited = once(server.child, 'exit') as Promise<[number | null]>;
      process.kill(-server.child.pid!, 'SIGTERM');
      expect((await exited)[0]).toBe(0);
      // Before, each worker got SIGTERM twice (the group's, then the one the primary passed on) and took
      // the second for "exit now": no drain, no goodbye to the cluster (its announcement left to expire).
      expect(server.output()).not.toContain('second signal');
      await eventually(() => expect(processesMarked('CHAT_PRIMARY_TEST', marker)).toEqual([]), 10_000);
      const after = await redis.smembers(`${env.REDIS_PREFIX}instances`);
      expect(before.filter((id) => !after.includes(id))).toHaveLength(2);
      pair.a.close();
      pair.b.close();
    } finally {
      redis.disconnect();
      await server.stop('SIGKILL');
      for (const pid of processesMarked('CHAT_PRIMARY_TEST', marker)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a worker that dies once serving is replaced, and SIGTERM then stops every process', { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
    const marker = `replaced-${process.pid}-${Date.now()}`;
    const server = await startServerProcess({ ...env, CHAT_PRIMARY_TEST: marker }, { readyTimeoutMs: START_TIMEOUT_MS });
    try {
      const workers = () => processesMarked('CHAT_PRIMARY_TEST', marker).filter((pid) => pid !== server.child.pid);
      // Awaited: in a loaded full run a third marked process was seen once right after "ready" (a helper
      // process of the start still going away, it seems; gone by the next reads).
      await eventually(() => expect(workers()).toHaveLength(2), 10_000, 200);
      const [victim, survivor] = workers() as [number, number];
      // One Socket.IO connection on each worker (the balancer sends each to the one with fewest).
      const sockets = [await connect(server.url), await connect(server.url)];
      // Past the crash-loop window (MIN_WORKER_LIFETIME_MS), a dead worker is restarted.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      process.kill(victim, 'SIGKILL');
      await eventually(() => expect(server.output()).toMatch(new RegExp(`"workerPid":${victim},.*"msg":"worker exited`)), 10_000);
      // While the replacement starts, new connections go to the survivor: before, the replacement — counted
      // as having none — got them, and they were never answered until it was ready.
      expect((await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) })).status).toBe(200);
      for (const { socket } of sockets) socket.close();
      await eventually(() => expect(server.output().match(/worker ready/g)).toHaveLength(3), START_TIMEOUT_MS, 200);
      const now = workers();
      expect(now).toHaveLength(2);
      expect(now).toContain(survivor);
      expect(now).not.toContain(victim);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      expect(await server.stop('SIGTERM', { killAfterMs: 20_000 })).toBe(0);
      expect(processesMarked('CHAT_PRIMARY_TEST', marker)).toEqual([]);
    } finally {
      await server.stop('SIGKILL');
      for (const pid of processesMarked('CHAT_PRIMARY_TEST', marker)) process.kill(pid, 'SIGKILL');
    }
  });
});
