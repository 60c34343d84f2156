/**
 * Test support for the admin back office: the whole app on port 0 (createApp, as production) with a chosen
 * logger and a query-counting database, or the admin plugin alone on a bare Fastify with a manual clock and
 * shortened limits; a login helper; a tiny CSV reader for checking exports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { adminPlugin, type AdminTuning } from '../../src/admin/plugin.js';
import { createApp, type App } from '../../src/app.js';
import { buildSeams } from '../../src/composition.js';
import type { LiveStats } from '../../src/chat/live-stats.js';
import { defaultConfig, type Config } from '../../src/config/config.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { startModeration } from '../../src/moderation/build-moderation.js';
import type { ModerationService } from '../../src/moderation/moderation-service.js';
import { MemoryModerationBus } from '../../src/moderation/moderation-bus.js';
import { networkOf } from '../../src/http/client-address.js';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { PolicyService } from '../../src/policy/policy-service.js';
import { createNetworkHasher } from '../../src/privacy/network-hash.js';
import { RetentionJob, type RetentionSettings } from '../../src/privacy/retention.js';
import { SqlChatRepository, type ChatRepository } from '../../src/storage/chat-repository.js';
import type { Database } from '../../src/storage/database.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger, tempDir, type Engine } from '../helpers/database.js';
import { CHALLENGE_OFF, GENEROUS_LIMITS, RULES_OFF, TEST_SECRET } from '../helpers/server.js';

export { ManualClock };

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** Every SQL text the app sent, so tests can see how far an export read. */
export interface QueryLog {
  texts: string[];
  count(pattern: RegExp): number;
}

function countingDatabase(database: Database): { database: Database; log: QueryLog } {
  const texts: string[] = [];
  const log: QueryLog = { texts, count: (pattern) => texts.filter((t) => pattern.test(t)).length };
  const wrapped: Database = {
    engine: database.engine,
    query: (text, params, options) => {
      texts.push(text);
      return database.query(text, params, options);
    },
    transaction: (work) =>
      database.transaction((tx) =>
        work({
          query: (text, params, options) => {
            texts.push(text);
            return tx.query(text, params, options);
          },
        }),
      ),
    migrate: () => database.migrate(),
    ping: () => database.ping(),
    exclusive: (key, work) => database.exclusive(key, work),
    holdShared: (key) => database.holdShared(key),
    close: () => database.close(),
  };
  return { database: wrapped, log };
}

/** A web directory with stand-ins for the built admin pages. */
export function stubWebDir(): string {
  const dir = tempDir('admin-web-').path;
  mkdirSync(join(dir, 'admin'), { recursive: true });
  writeFileSync(join(dir, 'admin', 'index.html'), '<!doctype html><title>admin dashboard</title>');
  writeFileSync(join(dir, 'admin', 'login.html'), '<!doctype html><title>admin login</title>');
  return dir;
}

export interface AdminTestApp {
  url: string;
  app: App;
  /** The app's database (queries through it are counted too). */
  database: Database;
  repository: ChatRepository;
  queries: QueryLog;
  dataDir: string | undefined;
  /** The PostgreSQL database's name, when the engine is PostgreSQL. */
  databaseName: string | undefined;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface AdminTestAppOptions {
  engine?: Engine;
  config?: Partial<Config>;
  logger?: Logger;
  dataDir?: string;
  /** Reuse an existing PostgreSQL database by name (a second instance, or a restart). */
  databaseName?: string;
}

/** The complete app, listening on 127.0.0.1:0, with the admin password set unless `config` says otherwise. */
export async function startAdminApp(options: AdminTestAppOptions = {}): Promise<AdminTestApp> {
  const engine = options.engine ?? 'pglite';
  const opened = await openTestDatabase(engine, { dataDir: options.dataDir, databaseName: options.databaseName });
  const { database, log } = countingDatabase(opened.database);
  // DATA_DIR holds a generated admin password's file: the test's own directory, never the project's ./data.
  const ownDir = opened.dataDir === undefined ? tempDir() : undefined;
  const config = defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir: opened.dataDir ?? ownDir!.path,
    secretKey: TEST_SECRET,
    logLevel: 'silent',
    rateLimits: GENEROUS_LIMITS,
    challenge: CHALLENGE_OFF,
    rules: RULES_OFF,
    adminPassword: ADMIN_PASSWORD,
    webDir: stubWebDir(),
    ...options.config,
  });
  const logger = options.logger ?? silentLogger;
  const built = await buildSeams({ config, database, logger });
  const app = await createApp(config, { database, seams: built.seams, logger });
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    repository: app.repository,
    queries: log,
    dataDir: opened.dataDir,
    databaseName: opened.url ? new URL(opened.url).pathname.slice(1) : undefined,
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData) await opened.drop();
      ownDir?.remove();
    },
  };
}

export interface BareAdmin {
  /** The safety loop's service the plugin uses (to file reports or issue sanctions directly in tests). */
  moderation: ModerationService;
  /** The content policy the plugin edits. */
  policy: PolicyService;
  fastify: FastifyInstance;
  database: Database;
  repository: ChatRepository;
  queries: QueryLog;
  clock: ManualClock;
  live: { online: number; waiting: number };
  /** The retention purge the dashboard reports on (`options.retention`; off by default). */
  retention: RetentionJob;
  close(): Promise<void>;
}

/** Only the admin plugin (plus the cookie plugin and the root error handler it relies on) on a bare Fastify, for inject() tests. */
export async function startBareAdmin(
  options: {
    engine?: Engine;
    tuning?: Partial<AdminTuning>;
    config?: Partial<Config>;
    clock?: ManualClock;
    trustProxy?: boolean;
    /** Cluster mode's shared Redis for the login limit. */
    loginLimitRedis?: Redis;
    retention?: RetentionSettings;
  } = {},
): Promise<BareAdmin> {
  const opened = await openTestDatabase(options.engine ?? 'pglite');
  const { database, log } = countingDatabase(opened.database);
  const clock = options.clock ?? new ManualClock();
  const live = { online: 0, waiting: 0 };
  const liveStats: LiveStats = { onlineCount: async () => live.online, waitingCount: async () => live.waiting };
  const fastify = Fastify({ trustProxy: options.trustProxy ?? false });
  // As the app does: the plugin has no error handler of its own, it answers through the root's.
  installErrorHandler(fastify);
  await fastify.register(fastifyCookie);
  const config = defaultConfig({ adminPassword: ADMIN_PASSWORD, secretKey: TEST_SECRET, ...options.config });
  const bus = new MemoryModerationBus();
  // The admin's own tests match nobody; the queue is there because every block keeps two people apart in one.
  const queue = new MemoryMatchQueue(clock);
  const moderation = await startModeration({
    database,
    bus,
    clock,
    logger: silentLogger,
    config,
    keepApart: (a, b, forMs) => queue.keepApart(a, b, forMs),
  });
  const policy = new PolicyService({ database, bus, clock, logger: silentLogger, enabled: true, repeatRooms: 3, repeatWindowMs: 600_000 });
  await policy.start();
  const retention = new RetentionJob({
    database,
    clock,
    logger: silentLogger,
    settings: options.retention ?? { retentionDays: undefined, intervalMs: 3_600_000 },
    pauseMs: 0,
  });
  await fastify.register(adminPlugin, {
    prefix: '/admin',
    config,
    database,
    liveStats,
    clock,
    logger: silentLogger,
    webDir: stubWebDir(),
    moderation,
    policy,
    retention,
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.loginLimitRedis ? { loginLimitRedis: options.loginLimitRedis } : {}),
  });
  await fastify.ready();
  return {
    fastify,
    database,
    repository: new SqlChatRepository(database),
    queries: log,
    clock,
    live,
    moderation,
    policy,
    retention,
    async close() {
      moderation.stop();
      await retention.stop();
      await fastify.close();
      await opened.drop();
    },
  };
}

/** What the back office keeps of a client address (its network's HMAC under the test key): never the address. */
export function clientKey(ip: string): string {
  return createNetworkHasher(TEST_SECRET)(networkOf(ip));
}

/** Logs in through inject() and returns the `Cookie` header value for later requests. */
export async function injectLogin(fastify: FastifyInstance, password = ADMIN_PASSWORD): Promise<string> {
  const response = await fastify.inject({ method: 'POST', url: '/admin/login', payload: { password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return sessionCookie(response);
}

/** Logs in over HTTP and returns the `Cookie` header value. */
export async function httpLogin(url: string, password = ADMIN_PASSWORD): Promise<string> {
  const response = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const match = /admin_sid=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
  if (!match) throw new Error('no admin_sid cookie');
  return `admin_sid=${match[1]}`;
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'admin_sid');
  if (!cookie) throw new Error('no admin_sid cookie in the response');
  return `admin_sid=${cookie.value}`;
}

/** Reads RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
