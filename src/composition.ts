/**
 * The one place that picks implementations: the seams of one instance alone (everything in this
 * process's memory) or of a cluster (Redis: shared queue, registry, rate limits, moderation events,
 * Socket.IO adapter, presence). `main.ts` and every test helper build their seams here, so nothing falls
 * back to an in-memory part by accident; `close()` releases everything it made.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import type { App } from './app.js';
import { MemoryActivityRegistry, type ActivityRegistry } from './chat/activity-registry.js';
import { RedisActivityRegistry } from './chat/redis-activity-registry.js';
import { systemClock, type Clock } from './clock.js';
import { ClusterPresence } from './cluster/cluster-presence.js';
import { connectRedis, waitUntilReady, type RedisClients } from './cluster/redis-clients.js';
import { StreamTrimmer } from './cluster/stream-trimmer.js';
import { streamAdapter } from './cluster/stream-adapter.js';
import type { Config } from './config/config.js';
import { RedisTtlStore } from './door/redis-ttl-store.js';
import { MemoryTtlStore, type TtlStore } from './door/ttl-store.js';
import type { MatchQueue } from './matching/match-queue.js';
import { MemoryMatchQueue } from './matching/memory-match-queue.js';
import { RedisMatchQueue } from './matching/redis-match-queue.js';
import { MemoryModerationBus, RedisModerationBus, type ModerationBus } from './moderation/moderation-bus.js';
import { MemoryPrivateRendezvous, type PrivateRendezvous } from './private/private-rendezvous.js';
import { RedisPrivateRendezvous } from './private/redis-private-rendezvous.js';
import { MemoryRateLimiter } from './ratelimit/memory-rate-limiter.js';
import type { RateLimiter } from './ratelimit/rate-limiter.js';
import { RedisRateLimiter } from './ratelimit/redis-rate-limiter.js';
import { callerOf } from './realtime/chat-gateway.js';
import { SqlChatRepository, type ChatRepository } from './storage/chat-repository.js';
import type { Database } from './storage/database.js';
import { MemoryChatRepository } from './storage/memory-chat-repository.js';

interface CommonSeams {
  matchQueue: MatchQueue;
  registry: ActivityRegistry;
  rateLimiter: RateLimiter;
  moderationBus: ModerationBus;
  repository: ChatRepository;
  /** Expiring keys (the bot challenge's used solutions, suspect addresses, verified marks). */
  ttlStore: TtlStore;
  /** Who waits in which private room, and who asked to stay in touch. */
  privateRendezvous: PrivateRendezvous;
}

/** One process is the whole service. */
export interface SingleProcessSeams extends CommonSeams {
  mode: 'single';
}

/** One instance of several sharing Redis (and one PostgreSQL). */
export interface ClusterSeams extends CommonSeams {
  mode: 'cluster';
  instanceId: string;
  adapter: NonNullable<ServerOptions['adapter']>;
  /** Limits kept by plugins (admin login attempts). */
  redis: Redis;
  presence: ClusterPresence;
}

export type Seams = SingleProcessSeams | ClusterSeams;

export interface BuiltSeams {
  seams: Seams;
  /** Once the app exists: joins the cluster's presence (announcing, adopting a dead instance's people). */
  started(app: App): Promise<void>;
  /** Releases what was built (Redis connections, timers). Safe to call twice. */
  close(): Promise<void>;
}

export interface SeamOptions {
  config: Config;
  database: Database;
  logger: Logger;
  clock?: Clock;
  /** Tests only: put a slowed-down or observed part in place of one built here. */
  replace?: Partial<CommonSeams>;
}

/** Chat storage: the database, or (benchmarks measuring what durability costs) memory only. */
function chatRepository(config: Config, database: Database, logger: Logger): ChatRepository {
  if (config.chatStorage === 'database') return new SqlChatRepository(database);
  logger.warn('CHAT_STORAGE=memory: chats and messages are NOT stored durably (benchmark mode); the admin sees none of them');
  return new MemoryChatRepository();
}

export async function buildSeams(options: SeamOptions): Promise<BuiltSeams> {
  return options.config.redisUrl ? clusterSeams(options, options.config.redisUrl) : singleProcessSeams(options);
}

function singleProcessSeams({ config, database, logger, clock = systemClock, replace = {} }: SeamOptions): BuiltSeams {
  const seams: SingleProcessSeams = {
    mode: 'single',
    matchQueue: new MemoryMatchQueue(clock),
    registry: new MemoryActivityRegistry(),
    rateLimiter: new MemoryRateLimiter(clock),
    moderationBus: new MemoryModerationBus(),
    repository: chatRepository(config, database, logger),
    ttlStore: new MemoryTtlStore(clock),
    privateRendezvous: new MemoryPrivateRendezvous(clock),
    ...replace,
  };
  let releaseLiveLock: (() => Promise<void>) | undefined;
  return {
    seams,
    // Held until close, as in a cluster: a second process started on the same PostgreSQL database (by
    // mistake, or before this one has stopped) never takes this one's chats for stale ones.
    started: async () => {
      releaseLiveLock = await database.holdShared(LIVE_INSTANCES_LOCK);
    },
    close: async () => {
      await releaseLiveLock?.();
      releaseLiveLock = undefined;
    },
  };
}

async function clusterSeams({ config, database, logger, clock = systemClock, replace = {} }: SeamOptions, redisUrl: string): Promise<BuiltSeams> {
  const redis: RedisClients = connectRedis(redisUrl, logger);
  await waitUntilReady(redis.command, 30_000);
  await waitUntilReady(redis.eventsSub, 30_000);
  const instanceId = randomUUID();
  // Said once, so that an operator can tell which instance another's "adopted its people" line names.
  logger.info({ instanceId }, 'cluster mode: this instance’s id');
  const prefix = config.redisPrefix;
  const registry = new RedisActivityRegistry(redis.command, redis.eventsSub, prefix, instanceId, logger);
  await registry.start();
  const matchQueue = new RedisMatchQueue(redis.command, prefix, clock);
  const presence = new ClusterPresence({ redis: redis.command, prefix, instanceId, registry, queue: matchQueue, logger, clock });
  const streamName = `${prefix}socket.io`;
  const trimmer = new StreamTrimmer({ redis: redis.command, stream: streamName, retentionMs: config.redisStreamRetentionMs, intervalMs: 5_000, logger });
  trimmer.start();
  const seams: ClusterSeams = {
    mode: 'cluster',
    instanceId,
    matchQueue,
    registry,
    rateLimiter: new RedisRateLimiter(redis.command, prefix, clock, logger),
    moderationBus: new RedisModerationBus(redis.command, redis.eventsSub, prefix, logger),
    repository: chatRepository(config, database, logger),
    ttlStore: new RedisTtlStore(redis.command, prefix),
    privateRendezvous: new RedisPrivateRendezvous(redis.command, prefix),
    // Streams, not plain pub/sub, read from a concrete position (src/cluster/stream-adapter.ts).
    adapter: streamAdapter(redis.adapterPub, { streamName, maxLen: 100_000 }),
    redis: redis.command,
    presence,
    ...replace,
  };
  let closing: Promise<void> | undefined;
  let releaseLiveLock: (() => Promise<void>) | undefined;
  return {
    seams,
    async started(app) {
      // Held until close: a starting instance then never takes this one's chats for stale ones.
      releaseLiveLock = await database.holdShared(LIVE_INSTANCES_LOCK);
      await presence.start({
        // People connected here: identities with a Socket.IO connection (two tabs here count once).
        localPeople: () => app.onlineIdentities.count,
        adopt: (userId, activity) => app.chat.adopt(userId, activity),
        mayAdopt: () => !app.closing,
        // Read again there: the activity restored carries a new revision, and a meeting moves it by that.
        restorePrivateWait: (userId, activity) => (activity.privateKey === undefined ? Promise.resolve() : app.privateRooms.restoreWait(userId, activity.privateKey)),
        restoreGrace: (userId, activity) => app.chat.restoreGrace(userId, activity),
        reclaim: async () => {
          for (const socket of app.io.of('/').sockets.values()) await app.chat.reclaim(callerOf(socket));
        },
      });
    },
    close() {
      closing ??= (async () => {
        trimmer.stop();
        await presence.stop();
        await releaseLiveLock?.();
        await redis.quit();
      })();
      return closing;
    },
  };
}

/**
 * The advisory lock every running instance holds shared on the database for its whole life (from
 * `started`): an instance that can take it exclusively at start is alone.
 */
const LIVE_INSTANCES_LOCK = 7_305_114_240;

/**
 * Chats marked active in the database whose people no instance knows were cut off by a stop: closed at
 * start by the first instance (alone in its cluster). Returns how many. Alone twice over: Redis says no
 * other instance announces itself — which it can say wrongly (Redis restarted empty, the others stalled
 * past their announcement's life) — and no other instance holds its database lock, which only ends with
 * its process (or its connection).
 */
export async function endStaleChats(seams: Seams, database: Database, now: Date): Promise<number> {
  const endAll = () => new SqlChatRepository(database).endActiveRooms('server_restart', now);
  // One process alone on its database: unless another holds the lock (on PostgreSQL; a second start on a
  // live embedded directory is refused before this, by its lock). Before, a start that then failed — its
  // port taken — had already ended every chat of the server running.
  if (seams.mode === 'cluster' && !(await seams.presence.alone())) return 0;
  return (await database.exclusive(LIVE_INSTANCES_LOCK, endAll)) ?? 0;
}
