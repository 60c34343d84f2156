/**
 * Several real server processes sharing one PostgreSQL database and one Redis, as a cluster runs.
 */
import { openTestDatabase } from './database.js';
import { startServerProcess, type ServerProcess } from './process.js';
import { testRedisUrl } from './services.js';

export interface TestCluster {
  instances: ServerProcess[];
  urls: string[];
  env: Record<string, string>;
  /** Starts one more instance with the same settings. */
  addInstance(): Promise<ServerProcess>;
  stop(): Promise<void>;
}

export const CLUSTER_TEST_ENV = {
  RATE_MESSAGES_PER_S: '100000',
  RATE_MESSAGES_BURST: '100000',
  PACKETS_PER_CONNECTION_PER_S: '100000',
  RATE_IDENTITIES_PER_ADDRESS_PER_MIN: '1000000',
  RATE_CONNECTS_PER_MIN: '1000000',
  PACKETS_PER_CONNECTION_BURST: '100000',
  RATE_MESSAGES_PER_ADDRESS_PER_S: '100000',
  RATE_JOINS_PER_MIN: '1000000',
  RATE_JOINS_PER_ADDRESS_PER_MIN: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '100000',
  CHALLENGE: 'off',
  RULES_GATE: 'off',
  LOG_LEVEL: 'info',
  // Without it, each instance's DATA_DIR (the project's ./data) would receive a generated password's file.
  ADMIN_PASSWORD: 'cluster-test-admin-password',
};

export async function startCluster(count: number, env: Record<string, string> = {}): Promise<TestCluster> {
  const db = await openTestDatabase('postgres');
  await db.database.close();
  const prefix = `cluster-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const fullEnv = { ...CLUSTER_TEST_ENV, DATABASE_URL: db.url!, REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix, ...env };
  const instances: ServerProcess[] = [];
  // One at a time: the first migrates the database.
  for (let i = 0; i < count; i++) instances.push(await startServerProcess(fullEnv));
  return {
    instances,
    get urls() {
      return instances.map((p) => p.url);
    },
    env: fullEnv,
    async addInstance() {
      const instance = await startServerProcess(fullEnv);
      instances.push(instance);
      return instance;
    },
    async stop() {
      // Tear-down only (graceful stopping has tests of its own): a process slow to stop is killed.
      await Promise.all(instances.map((p) => p.stop('SIGTERM', { killAfterMs: 20_000 }).catch(() => undefined)));
      await db.drop();
    },
  };
}
