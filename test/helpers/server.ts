/**
 * A real server on port 0 for tests: the same createApp as production, with a fresh database.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { buildSeams, endStaleChats, type SeamOptions } from '../../src/composition.js';
import { defaultConfig, type Config } from '../../src/config/config.js';
import type { Database } from '../../src/storage/database.js';
import { openTestDatabase, silentLogger, tempDir, type Engine } from './database.js';

export interface TestServer {
  url: string;
  app: App;
  database: Database;
  /** PGlite directory, when the engine is PGlite: restart on it to test persistence. */
  dataDir?: string;
  /** PostgreSQL URL of this server's own database, when the engine is PostgreSQL. */
  databaseUrl?: string;
  /** Closes the app (and its database). Removes the database unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface TestServerOptions {
  engine?: Engine;
  /** Reuse an existing PGlite directory (restart test). */
  dataDir?: string;
  /** Reuse an existing PostgreSQL database by name (restart test). */
  databaseName?: string;
  /** PostgreSQL server to create the database on; default TEST_DATABASE_URL. */
  postgresServerUrl?: string;
  /** PostgreSQL statement timeout (DB_QUERY_TIMEOUT_MS); default 10 s. */
  queryTimeoutMs?: number;
  config?: Partial<Config>;
  /**
   * Seams to use instead of the single-process defaults (e.g. a slowed-down registry for race tests),
   * or a function making them from the test database.
   */
  deps?: TestSeams | ((database: Database) => TestSeams);
}

/** Parts to put in place of those the composition builds, and a clock. */
export type TestSeams = NonNullable<SeamOptions['replace']> & { clock?: Clock };

export const TEST_SECRET = 'test-secret-key-that-is-long-enough';

/** Tests that are not about flood control send faster than people do. */
export const GENEROUS_LIMITS: Config['rateLimits'] = {
  messagesPerS: 10_000,
  messagesBurst: 10_000,
  messagesPerAddressPerS: 10_000,
  joinsPerMin: 100_000,
  joinsPerAddressPerMin: 100_000,
  maxConnectionsPerAddress: 10_000,
  maxConnectionsPerIdentity: 1_000,
  packetsPerConnectionPerS: 100_000,
  packetsPerConnectionBurst: 100_000,
  resumesPerMin: 100_000,
  identitiesPerAddressPerMin: 1_000_000,
  connectsPerMin: 1_000_000,
  resumesPerAddressPerMin: 100_000,
  maxQueuedPacketsPerConnection: 100_000,
};

/**
 * Tests that are not about the bot challenge never meet it (every test client comes from 127.0.0.1 and
 * mints identities quickly); its own tests turn it on with a tiny difficulty.
 */
export const CHALLENGE_OFF: Config['challenge'] = { ...defaultConfig().challenge, mode: 'off' };

/** Tests that are not about the rules gate join without accepting the rules (as benchmarks do). */
export const RULES_OFF: Config['rules'] = { ...defaultConfig().rules, enabled: false };

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const engine = options.engine ?? 'pglite';
  const db = await openTestDatabase(engine, {
    dataDir: options.dataDir,
    databaseName: options.databaseName,
    serverUrl: options.postgresServerUrl,
    queryTimeoutMs: options.queryTimeoutMs,
  });
  // DATA_DIR holds the generated admin password's file: the test's own directory, never the project's ./data.
  const ownDir = db.dataDir === undefined ? tempDir() : undefined;
  const dataDir = db.dataDir ?? ownDir!.path;
  // No settling time past the report window: tests that erase wait for the window they set, no more.
  const receipts = { ...defaultConfig().receipts, reportSettleMs: 0 };
  const config = defaultConfig({ port: 0, host: '127.0.0.1', secretKey: TEST_SECRET, logLevel: 'silent', rateLimits: GENEROUS_LIMITS, challenge: CHALLENGE_OFF, rules: RULES_OFF, receipts, dataDir, ...options.config });
  const { clock, ...replace } = (typeof options.deps === 'function' ? options.deps(db.database) : options.deps) ?? {};
  const built = await buildSeams({ config, database: db.database, logger: silentLogger, clock, replace });
  await endStaleChats(built.seams, db.database, new Date());
  const app = await createApp(config, { database: db.database, seams: built.seams, logger: silentLogger, ...(clock ? { clock } : {}) });
  await built.started(app);
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database: db.database,
    dataDir: db.dataDir,
    databaseUrl: db.url,
    async close({ keepData = false } = {}) {
      await app.close();
      await built.close();
      if (!keepData) await db.drop();
      ownDir?.remove();
    },
  };
}
