/**
 * Entry point: load config → pick implementations → createApp → listen; signals. Nothing else.
 * The only module that knows which implementation of each seam runs.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { setupWorker } from '@socket.io/sticky';
import type { Logger } from 'pino';
import { createApp, type App, type AppDeps } from './app.js';
import { MemoryActivityRegistry } from './chat/activity-registry.js';
import { RedisActivityRegistry } from './chat/redis-activity-registry.js';
import { ClusterPresence } from './cluster/cluster-presence.js';
import { runPrimary } from './cluster/primary.js';
import { StreamTrimmer } from './cluster/stream-trimmer.js';
import { connectRedis, waitUntilReady, type RedisClients } from './cluster/redis-clients.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { resolveSecretKey } from './config/secret-key.js';
import { createLogger } from './logger.js';
import { MemoryMatchQueue } from './matching/memory-match-queue.js';
import { MemoryModerationBus, RedisModerationBus } from './moderation/moderation-bus.js';
import { RedisMatchQueue } from './matching/redis-match-queue.js';
import { RedisRateLimiter } from './ratelimit/redis-rate-limiter.js';
import { SqlChatRepository } from './storage/chat-repository.js';
import type { Database } from './storage/database.js';
import { MemoryChatRepository } from './storage/memory-chat-repository.js';
import { openPgliteDatabase } from './storage/pglite-database.js';
import { openPostgresDatabase } from './storage/postgres-database.js';
import { systemClock } from './clock.js';

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = config.databaseUrl
    ? await openPostgresDatabase({ url: config.databaseUrl, poolMax: config.pgPoolMax, queryTimeoutMs: config.dbQueryTimeoutMs, logger })
    : await openPgliteDatabase(config.dataDir);
  await database.migrate();
  return database;
}

/** Seams for one process alone. */
function singleProcessSeams(): Pick<AppDeps, 'matchQueue' | 'registry' | 'moderationBus'> {
  return { matchQueue: new MemoryMatchQueue(), registry: new MemoryActivityRegistry(), moderationBus: new MemoryModerationBus() };
}

/** Seams shared through Redis, for several instances behind one URL. */
async function clusterSeams(config: Config, redisUrl: string, logger: Logger) {
  const redis: RedisClients = connectRedis(redisUrl, logger);
  await waitUntilReady(redis.command, 30_000);
  await waitUntilReady(redis.eventsSub, 30_000);
  const instanceId = randomUUID();
  const prefix = config.redisPrefix;
  const registry = new RedisActivityRegistry(redis.command, redis.eventsSub, prefix, instanceId, logger);
  await registry.start();
  const matchQueue = new RedisMatchQueue(redis.command, prefix);
  const presence = new ClusterPresence({ redis: redis.command, prefix, instanceId, registry, queue: matchQueue, logger });
  const streamName = `${prefix}socket.io`;
  const trimmer = new StreamTrimmer({ redis: redis.command, stream: streamName, retentionMs: config.redisStreamRetentionMs, intervalMs: 5_000, logger });
  trimmer.start();
  const deps: Partial<AppDeps> = {
    matchQueue,
    registry,
    moderationBus: new RedisModerationBus(redis.command, redis.eventsSub, prefix, logger),
    instanceId,
    rateLimiter: new RedisRateLimiter(redis.command, prefix, systemClock, logger),
    // Streams, not plain pub/sub: a broadcast is kept in the stream until every instance has read it, so
    // an instance whose connection to Redis blips (or a Redis restart) does not lose messages meanwhile.
    adapter: createAdapter(redis.adapterPub, {
      streamName,
      channelPrefix: `${prefix}socket.io`,
      maxLen: 100_000,
      heartbeatInterval: 1_000,
      heartbeatTimeout: 3_000,
    }),
    instanceLiveness: presence,
    sharedRedis: redis.command,
    onlineCount: () => presence.onlineCount(),
    readiness: { redis: async () => void (await redis.command.ping()) },
  };
  return { deps, presence, redis, trimmer };
}

async function runInstance(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const secretKey = resolveSecretKey(config.secretKey, config.dataDir, logger);
  if (config.trustProxy === true) {
    logger.warn('TRUST_PROXY=true trusts X-Forwarded-For from anyone: if this server is reachable without the proxy, every per-address limit can be dodged. Set TRUST_PROXY to your proxies’ addresses instead');
  }
  const database = await openDatabase(config, logger);
  const shared = config.redisUrl ? await clusterSeams(config, config.redisUrl, logger) : undefined;

  let app: App | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping || !app) {
      logger.warn({ signal }, stopping ? 'second signal: exiting now' : 'signal during start-up: exiting');
      process.exit(stopping ? 1 : 0);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app
      .close()
      .then(async () => {
        shared?.trimmer.stop();
        await shared?.presence.stop();
        await shared?.redis.quit();
      })
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const repository = config.chatStorage === 'memory' ? new MemoryChatRepository() : undefined;
  if (repository) logger.warn('CHAT_STORAGE=memory: chats and messages are NOT stored durably (benchmark mode); the admin sees none of them');

  // A chat marked active whose people no instance knows was cut off by a stop: close it.
  let endedStaleChats = 0;
  if (!shared || (await shared.presence.alone())) {
    endedStaleChats = await new SqlChatRepository(database).endActiveRooms('server_restart', new Date());
  }

  app = await createApp({ ...config, secretKey }, { database, repository, logger, ...singleProcessSeams(), ...shared?.deps });
  const running = app;
  await shared?.presence.start({
    localConnections: () => running.io.engine.clientsCount,
    adopt: (userId, activity) => running.chat.adopt(userId, activity),
  });

  // The one info line of a start: where it listens and what it stores in (no client address, ever).
  const facts = {
    storage: database.engine,
    ...(database.engine === 'pglite' ? { dataDir: config.dataDir } : {}),
    cluster: shared ? 'redis' : 'off',
    ...(endedStaleChats > 0 ? { endedStaleChats } : {}),
  };
  if (cluster.isWorker) {
    setupWorker(app.io);
    process.send?.({ chat: 'ready' });
    logger.info(facts, 'worker ready');
  } else {
    const url = await listen(app, config);
    logger.info({ host: config.host, ...facts }, `Server listening at ${url}`);
  }
}

/** Opens the port (Fastify's own listen would log a line per network interface). Resolves with a URL to open. */
async function listen(app: App, config: Config): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen({ port: config.port, host: config.host }, () => {
      app.server.off('error', reject);
      resolve();
    });
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

const config = readConfig();
const start =
  cluster.isPrimary && config.webConcurrency > 1 ? async () => runPrimary(config, createLogger(config.logLevel, { pretty: process.stdout.isTTY })) : () => runInstance(config);
start().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
