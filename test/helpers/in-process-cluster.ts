/**
 * Several complete instances in this process, sharing one PostgreSQL database and one Redis (a key
 * prefix of their own), each built by the production composition (src/composition.ts) in cluster mode —
 * as Socket.IO and Hocuspocus test their clusters. Faster to start than processes, and each instance's
 * app is at hand for assertions.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { buildSeams, type BuiltSeams, type SeamOptions } from '../../src/composition.js';
import { defaultConfig, type Config } from '../../src/config/config.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { openTestDatabase, silentLogger, tempDir } from './database.js';
import { CHALLENGE_OFF, GENEROUS_LIMITS, RULES_OFF, TEST_SECRET } from './server.js';
import { testRedisUrl } from './services.js';
import { startTcpProxy } from './tcp-proxy.js';

export interface InProcessInstance {
  url: string;
  app: App;
}

export interface InProcessCluster {
  instances: InProcessInstance[];
  /** The PostgreSQL database the instances share. */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * `replace(i)`: parts instance `i` uses instead of those the composition builds (e.g. a seam a race test
 * holds); `clock`: one clock every instance reads (a ManualClock moves them all).
 */
export async function startInProcessCluster(
  count: number,
  overrides: Partial<Config> = {},
  options: { replace?: (index: number) => SeamOptions['replace']; clock?: Clock } = {},
): Promise<InProcessCluster> {
  if (!testRedisUrl) throw new Error('TEST_REDIS_URL is not set');
  const db = await openTestDatabase('postgres');
  await db.database.close();
  const dir = tempDir();
  const prefix = `inproc:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const config = defaultConfig({
    port: 0,
    host: '127.0.0.1',
    secretKey: TEST_SECRET,
    logLevel: 'silent',
    rateLimits: GENEROUS_LIMITS,
    challenge: CHALLENGE_OFF,
    rules: RULES_OFF,
    dataDir: dir.path,
    databaseUrl: db.url,
    redisUrl: testRedisUrl,
    redisPrefix: prefix,
    ...overrides,
  });
  const built: BuiltSeams[] = [];
  const instances: InProcessInstance[] = [];
  for (let i = 0; i < count; i++) {
    const database = await openPostgresDatabase({ url: db.url!, poolMax: 4, logger: silentLogger });
    const seams = await buildSeams({ config, database, logger: silentLogger, replace: options.replace?.(i), clock: options.clock });
    built.push(seams);
    const app = await createApp(config, { database, seams: seams.seams, logger: silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
    await seams.started(app);
    await app.fastify.listen({ port: 0, host: '127.0.0.1' });
    instances.push({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app });
  }
  return {
    instances,
    databaseUrl: db.url!,
    async close() {
      for (const [i, instance] of instances.entries()) {
        await instance.app.close();
        await built[i]!.close();
      }
      await db.drop();
      dir.remove();
    },
  };
}

/**
 * The same, with Redis `delayMs` away each way (a TCP proxy that delays every chunk): round trips long
 * against the local work, for tests that time them or act in the middle of one. `close()` stops the proxy too.
 */
export async function startClusterBehindSlowRedis(count: number, delayMs: number): Promise<InProcessCluster> {
  if (!testRedisUrl) throw new Error('TEST_REDIS_URL is not set');
  const redis = new URL(testRedisUrl);
  const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) }, { delayMs });
  const cluster = await startInProcessCluster(count, { redisUrl: `redis://127.0.0.1:${new URL(proxy.url).port}` }).catch(async (err: unknown) => {
    await proxy.close();
    throw err;
  });
  return {
    ...cluster,
    async close() {
      await cluster.close();
      await proxy.close();
    },
  };
}
