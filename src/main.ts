/**
 * Entry point: load config → pick implementations → createApp → listen; signals. Nothing else.
 */
import { createApp } from './app.js';
import { MemoryActivityRegistry } from './chat/activity-registry.js';
import { ConfigError, loadConfig } from './config/config.js';
import { resolveSecretKey } from './config/secret-key.js';
import { createLogger } from './logger.js';
import { MemoryMatchQueue } from './matching/memory-match-queue.js';
import { SqlChatRepository, type ChatRepository } from './storage/chat-repository.js';
import { MemoryChatRepository } from './storage/memory-chat-repository.js';
import type { Database } from './storage/database.js';
import { openPgliteDatabase } from './storage/pglite-database.js';
import { openPostgresDatabase } from './storage/postgres-database.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.redisUrl) {
    logger.warn('REDIS_URL is set, but cluster mode is not available yet: running as a single process');
  }
  const secretKey = resolveSecretKey(config.secretKey, config.dataDir, logger);

  const database: Database = config.databaseUrl
    ? await openPostgresDatabase({ url: config.databaseUrl, poolMax: config.pgPoolMax, logger })
    : await openPgliteDatabase(config.dataDir);
  if (database.engine === 'pglite') logger.info({ dataDir: config.dataDir }, 'storage: embedded PGlite (set DATABASE_URL for PostgreSQL)');
  await database.migrate();
  // One process owns every chat, so chats still marked active were cut off by the last stop.
  const swept = await new SqlChatRepository(database).endActiveRooms('server_restart', new Date());
  if (swept > 0) logger.info({ rooms: swept }, 'ended chats left open by the previous run');

  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping || !app) {
      logger.warn({ signal }, stopping ? 'second signal: exiting now' : 'signal during start-up: exiting');
      process.exit(stopping ? 1 : 0);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  let repository: ChatRepository | undefined;
  if (config.chatStorage === 'memory') {
    logger.warn('CHAT_STORAGE=memory: chats and messages are NOT stored durably (benchmark mode); the admin sees none of them');
    repository = new MemoryChatRepository();
  }

  app = await createApp(
    { ...config, secretKey },
    { database, repository, matchQueue: new MemoryMatchQueue(), registry: new MemoryActivityRegistry(), logger },
  );
  await app.fastify.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
