/**
 * The composition of one complete instance: HTTP + Socket.IO + matching + storage.
 * `createApp` reads no environment, opens no port and keeps no global state; `close()` may be called twice.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { AuditLog } from './admin/audit-log.js';
import { adminPlugin } from './admin/plugin.js';
import { ChatService } from './chat/chat-service.js';
import { ClaimGate } from './chat/claim-gate.js';
import { GuardedQueue } from './chat/guarded-seams.js';
import { SkipTracker } from './chat/skip-tracker.js';
import type { LiveStats } from './chat/live-stats.js';
import { RoomCloser } from './chat/room-closer.js';
import { systemClock, type Clock } from './clock.js';
import type { Seams } from './composition.js';
import type { Config } from './config/config.js';
import { BotChallenge } from './door/bot-challenge.js';
import { loadRules, RulesGate } from './door/rules.js';
import { clientAddressResolver, networkOf } from './http/client-address.js';
import { registerChallengeRoutes } from './http/challenge-routes.js';
import { registerDoorRoutes } from './http/door-routes.js';
import { installErrorHandler } from './http/error-handler.js';
import { registerIdentityRoutes } from './http/identity-routes.js';
import { registerOnlineRoutes } from './http/online-routes.js';
import { registerReceiptRoutes } from './http/receipt-routes.js';
import { registerPublicRoutes } from './http/routes.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { createIdentitySigner } from './identity.js';
import { startModeration } from './moderation/build-moderation.js';
import type { ModerationService } from './moderation/moderation-service.js';
import { loadHotlines } from './policy/crisis.js';
import { MessageScreen } from './policy/message-screen.js';
import { PolicyService } from './policy/policy-service.js';
import { ReviewQueue } from './policy/review-queue.js';
import { ConversationErasure } from './privacy/erasure.js';
import { createNetworkHasher } from './privacy/network-hash.js';
import { buildPrivateRooms } from './private/build-private-rooms.js';
import type { PrivateRooms } from './private/private-rooms.js';
import { loadPrivacyNotice } from './privacy/privacy-notice.js';
import { createReceiptCodes } from './privacy/receipt-codes.js';
import { ReceiptBook } from './privacy/receipts.js';
import { RetentionJob } from './privacy/retention.js';
import { AppMetrics } from './metrics/app-metrics.js';
import { registerMetricsRoute } from './metrics/metrics-endpoint.js';
import { attachChatGateway, callerOf } from './realtime/chat-gateway.js';
import { ConnectionLimits } from './realtime/connection-limits.js';
import { EngineGuard } from './realtime/engine-guard.js';
import { FloodControl } from './realtime/flood-control.js';
import { identityRetirement } from './realtime/identity-retirement.js';
import { contactKeyRelay, historyRelay } from './realtime/private-gateway.js';
import type { OriginPolicy } from './realtime/origin-check.js';
import { readBackpressureFor } from './realtime/read-backpressure.js';
import { attachSanctionEnforcement } from './realtime/sanction-enforcement.js';
import { SocketNotifier } from './realtime/socket-notifier.js';
import { createSocketServer } from './realtime/socket-server.js';
import type { ChatServer } from './realtime/types.js';
import type { ChatRepository } from './storage/chat-repository.js';
import type { Database } from './storage/database.js';
import { MessageWriter } from './storage/message-writer.js';

/**
 * What an instance runs on. The seams come from `buildSeams` (src/composition.ts) — alone or in a
 * cluster; the app closes the database, the caller closes the seams it built.
 */
export interface AppDeps {
  database: Database;
  seams: Seams;
  logger: Logger;
  clock?: Clock;
}

export interface App {
  readonly fastify: FastifyInstance;
  readonly server: HttpServer;
  readonly io: ChatServer;
  readonly chat: ChatService;
  readonly repository: ChatRepository;
  readonly writer: MessageWriter;
  readonly liveStats: LiveStats;
  /** People (distinct identities) connected to this instance: what it announces to the cluster. */
  readonly onlineIdentities: { readonly count: number };
  /** Reports, blocks, sanctions and strikes. */
  readonly moderation: ModerationService;
  /** The bot challenge at the door (CHALLENGE=off|auto|always). */
  readonly challenge: BotChallenge;
  /** The content policy every message goes through (the admin edits it). */
  readonly policy: PolicyService;
  /** The rules and age gate. */
  readonly rules: RulesGate;
  /** The retention purge (RETENTION_DAYS). */
  readonly retention: RetentionJob;
  /** Private rooms by key: a wait in one is put back in its room after Redis lost its data. */
  readonly privateRooms: Pick<PrivateRooms, 'restoreWait'>;
  /** Prometheus metrics (served per METRICS_TOKEN / METRICS_PORT). */
  readonly metrics: AppMetrics;
  /** Limits below Socket.IO (sessions, packets, unread output, TCP) and what they closed. */
  readonly engineGuard: EngineGuard;
  /** Stops accepting, commits pending messages, ends chats (telling both sides), closes connections and storage. */
  close(): Promise<void>;
  /** Whether `close` has begun. */
  readonly closing: boolean;
}

/** The router's limit on one path parameter (Fastify's default 100): past it, a route is not reached. */
const MAX_PARAM_CHARS = 2_000;
/** A client has this long to send its request headers, and its whole request. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** At shutdown, how long connections get to take their goodbye before the ones still open are cut. */
const SHUTDOWN_FLUSH_MS = 1_000;


export async function createApp(config: Config, deps: AppDeps): Promise<App> {
  if (!config.secretKey) throw new Error('createApp needs config.secretKey (main.ts resolves it)');
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger;
  const seams = deps.seams;
  const cluster = seams.mode === 'cluster' ? seams : undefined;
  const signer = createIdentitySigner(config.secretKey);
  const hashNetwork = createNetworkHasher(config.secretKey);
  // A client's "address" everywhere past this point: the HMAC of its network, never the address itself.
  const networkOfRequest = clientAddressResolver(config.trustProxy);
  const addressOf = (req: IncomingMessage) => hashNetwork(networkOfRequest(req));

  const fastify = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: trustProxyOption(config.trustProxy),
    logController: new LogController({ disableRequestLogging: true }),
    // A parameter past the router's limit never reaches its route: Fastify's own 414 or 404, in English,
    // repeating the path. A receipt's code pasted with junk (its route takes at most 100 characters) is
    // then not "chat not found" in the asker's language. Each route checks its parameters' length itself.
    routerOptions: { maxParamLength: MAX_PARAM_CHARS },
  });
  // First: a route takes the error handler in force when it is declared.
  installErrorHandler(fastify);
  await fastify.register(fastifyCookie, { secret: signer.cookieSigner });
  await registerSecurityHeaders(fastify);

  const originPolicy: OriginPolicy = { allowedOrigins: config.allowedOrigins, trustForwarded: config.trustProxy !== false };
  // Half-sent requests are cut off instead of holding a connection (and a file descriptor) for minutes.
  fastify.server.headersTimeout = HEADERS_TIMEOUT_MS;
  fastify.server.requestTimeout = REQUEST_TIMEOUT_MS;
  const engineGuard = new EngineGuard({
    maxSessionsPerAddress: config.rateLimits.maxConnectionsPerAddress * 2,
    // Behind a trusted proxy every connection comes from the proxy, which limits per client instead.
    maxTcpPerPeer: config.trustProxy === false ? config.rateLimits.maxConnectionsPerAddress * 2 : 0,
    packetBudget: { capacity: config.rateLimits.packetsPerConnectionBurst, perSecond: config.rateLimits.packetsPerConnectionPerS },
    maxQueuedPackets: config.rateLimits.maxQueuedPacketsPerConnection,
    sweepIntervalMs: 1_000,
    addressOf,
    logger,
  });

  // Socket.IO attaches to Fastify's HTTP server; it exists before routes are ready or the port is open.
  const io = createSocketServer(fastify.server, {
    pingIntervalMs: config.pingIntervalMs,
    pingTimeoutMs: config.pingTimeoutMs,
    originPolicy,
    engineGuard,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  // Counted from the start; exposed (with the gauges and process metrics) only when METRICS_* asks for it.
  const metrics = new AppMetrics();
  const metricsExposed = config.metrics.token !== undefined || config.metrics.port !== undefined;
  if (config.metrics.token !== undefined && config.metrics.port === undefined) registerMetricsRoute(fastify, { registry: metrics.registry, token: config.metrics.token });
  // Open connections per address and identity (the gateway's limits). Its identities are the people
  // connected here — two tabs are one person; bare Engine.IO sessions that never said who they are are not
  // counted — read from the count the limits keep anyway: nothing more held per idle connection.
  const connectionLimits = new ConnectionLimits({
    maxPerAddress: config.rateLimits.maxConnectionsPerAddress,
    maxPerIdentity: config.rateLimits.maxConnectionsPerIdentity,
  });
  const onlineIdentities = {
    get count() {
      return connectionLimits.identities;
    },
  };
  const liveStats: LiveStats = {
    // The cluster adds up each instance's figure: a person with tabs on two instances counts twice there.
    onlineCount: cluster ? () => cluster.presence.onlineCount() : async () => onlineIdentities.count,
    waitingCount: () => seams.matchQueue.size(),
  };
  // "n online" on the start screen: cluster-wide, read at most every 1.5 s per instance.
  await registerOnlineRoutes(fastify, { liveStats, clock });
  const webDir = config.webDir ?? defaultWebDir();
  const challenge = new BotChallenge({ settings: config.challenge, secretKey: config.secretKey, store: seams.ttlStore, limiter: seams.rateLimiter, clock, logger });
  // Flood control tells the bot challenge what it sees (new identities, joins, refusals) per address.
  const flood = new FloodControl(seams.rateLimiter, config.rateLimits, challenge);
  await registerIdentityRoutes(fastify, {
    signer,
    flood,
    originPolicy,
    addressOf: (request) => addressOf(request.raw),
    // A reset is refused while the identity chats or waits anywhere (the registry is cluster-wide in cluster mode).
    activityOf: (userId) => seams.registry.get(userId),
    retireConnections: identityRetirement(io, cluster !== undefined),
    // Asked per request, once everything has started (moderation is built below).
    sanctionOf: (userId, networkHash) => moderation.sanctionOf(userId, networkHash)?.kind,
  });
  await registerChallengeRoutes(fastify, { challenge, addressOf: (request) => addressOf(request.raw) });
  const rules = new RulesGate(deps.database, loadRules(config.rules.file), { enabled: config.rules.enabled, minAge: config.rules.minAge }, clock);
  await registerDoorRoutes(fastify, {
    rules,
    privacy: { text: loadPrivacyNotice(config.privacyNoticeFile), retentionDays: config.retention.retentionDays },
  });
  await registerPublicRoutes(fastify, {
    webDir,
    database: deps.database,
    readiness: cluster ? { redis: async () => void (await cluster.redis.ping()) } : {},
  });
  // Receipts at the end of each chat, and what their holders can do with them.
  const receipts = new ReceiptBook(deps.database, createReceiptCodes(config.secretKey), clock, logger);
  await registerReceiptRoutes(fastify, {
    database: deps.database,
    receipts,
    erasure: new ConversationErasure(deps.database),
    reportWindowMs: config.moderation.reportWindowMs,
    reportSettleMs: config.receipts.reportSettleMs,
    // Client addresses reach it as network HMACs already.
    audit: new AuditLog(deps.database, clock, config.timezone, (networkHash) => networkHash),
    signer,
    limiter: seams.rateLimiter,
    lookupsPerAddressPerMin: config.receipts.lookupsPerAddressPerMin,
    originPolicy,
    addressOf: (request) => addressOf(request.raw),
    timezone: config.timezone,
    clock,
    webDir,
  });
  const queue = new GuardedQueue(seams.matchQueue); // Redis unreachable answers MATCHING_UNAVAILABLE
  const keepApart = (a: string, b: string, forMs: number) => queue.keepApart(a, b, forMs);
  const moderation = await startModeration({ database: deps.database, bus: seams.moderationBus, clock, logger, config, events: metrics, keepApart });
  const retention = new RetentionJob({ database: deps.database, clock, logger, settings: config.retention, events: metrics });
  const policy = new PolicyService({
    database: deps.database,
    bus: seams.moderationBus,
    clock,
    logger,
    enabled: config.policy.enabled,
    repeatRooms: config.policy.spamRepeatRooms,
    repeatWindowMs: config.policy.spamWindowMs,
  });
  await policy.start();
  await fastify.register(adminPlugin, {
    prefix: '/admin',
    config,
    database: deps.database,
    liveStats,
    clock,
    logger,
    webDir,
    loginLimitRedis: cluster?.redis,
    moderation,
    policy,
    retention,
    clientKeyOf: (ip) => hashNetwork(networkOf(ip)),
  });
  await fastify.ready();

  const repository = seams.repository;

  const backpressure = config.readBackpressure ? readBackpressureFor(io.engine, config, metrics) : undefined;
  const writer = new MessageWriter(repository, {
    maxBatchRows: config.writeBatchMaxRows,
    maxQueued: config.writeQueueMax,
    lanes: config.writeLanes,
    logger,
    events: metrics,
    ...(backpressure ? { onDepth: (depth: number) => backpressure.update(depth) } : {}),
  });
  const screen = new MessageScreen({
    policy,
    moderation,
    review: new ReviewQueue(deps.database),
    hotlines: loadHotlines(config.policy.hotlinesFile),
    ttlStore: seams.ttlStore,
    clock,
    logger,
    events: metrics,
  });
  // A wait is claimed only for a connection still open here and somebody not banned, checked as the claim
  // lands; a disconnect waits for its connection's claims (src/chat/claim-gate.ts).
  const registry = new ClaimGate(seams.registry, {
    isOpen: (socketId) => io.sockets.sockets.has(socketId),
    assertMayWait: (userId, networkHash) => moderation.assertMayJoin(userId, networkHash ?? ''),
  });
  // Rooms' ends, written with retries: for the chats and for the private rooms' meetings taken back.
  const closer = new RoomCloser(repository, clock, logger);
  // Private rooms by key, and staying in touch after a chat (src/private/).
  const privateRooms = buildPrivateRooms({
    database: deps.database,
    registry,
    rendezvous: seams.privateRendezvous,
    repository,
    closer,
    notifier: new SocketNotifier(io),
    clock,
    logger,
    settings: config.privateRooms,
    timezone: config.timezone,
    instanceId: cluster?.instanceId,
    // The cache of blocks, and a new block the queue holds until every instance's cache has it.
    isBlocked: async (userId, otherId) => moderation.avoidFor(userId).includes(otherId) || (await queue.isKeptApart(userId, otherId)),
    endBlocked: (userId, otherId) => chat.endChatWith(userId, otherId, 'server'), // `chat` is built below; called only later
    relay: cluster ? historyRelay(io) : undefined,
    reachIdentity: contactKeyRelay(io, cluster !== undefined),
    events: metrics,
  });
  const chat = new ChatService({
    queue: seams.matchQueue,
    registry,
    repository,
    closer,
    writer,
    notifier: new SocketNotifier(io),
    clock,
    logger,
    timezone: config.timezone,
    reconnectGraceMs: config.reconnectGraceMs,
    closeGraceMs: config.closeGraceMs,
    interestWaitMs: config.interestWaitMs,
    avoidFor: (userId) => moderation.avoidFor(userId),
    blockedPair: (userId, otherId) => moderation.blockCache.blocked(userId, otherId),
    screen,
    skips: new SkipTracker(clock),
    privateWaits: privateRooms.rooms,
    // Chats kept only in memory (a benchmark mode) have no room rows for a receipt to point at.
    receipts: config.chatStorage === 'database' ? receipts : undefined,
    chatEnded: (roomId) => privateRooms.keepInTouch.chatEnded(roomId),
    instanceId: cluster?.instanceId,
    instanceLiveness: cluster?.presence,
    events: metrics,
  });
  attachChatGateway(io, {
    chat,
    claims: registry,
    signer,
    flood,
    connectionLimits,
    addressOf,
    moderation,
    rules,
    challenge,
    privateRooms: {
      rooms: privateRooms.rooms,
      keepInTouch: privateRooms.keepInTouch,
      moderation,
      rules,
      challenge,
      flood,
      limiter: seams.rateLimiter,
      keyAttempts: config.privateRooms,
    },
    timezone: config.timezone,
    reportWindowMs: config.moderation.reportWindowMs,
    logger,
    clock,
    events: metrics,
  });
  attachSanctionEnforcement(io, { moderation, chat, timezone: config.timezone, now: () => clock.now(), logger });
  retention.start();
  if (metricsExposed) {
    metrics.expose({
      connections: () => io.of('/').sockets.size,
      waiting: () => liveStats.waitingCount(),
      activeChats: async () => Number((await deps.database.query<{ n: string }>('SELECT count(*) AS n FROM chat_rooms WHERE is_active'))[0]?.n ?? 0),
      writeQueueDepth: () => writer.pending,
      ...(retention.enabled ? { purge: () => retention.status() } : {}),
    });
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // No new connections; existing ones stay open until their chats are wound down. Only a server that
      // listens is closed here: a WEB_CONCURRENCY worker's never does (its primary hands it each connection,
      // src/cluster/primary.ts), and `close()` on it emits 'close' at once — Node counts no connection it did
      // not accept itself — on which engine.io closes every client: each worker's people got a bare
      // "transport close" before their chats were ended, no `server_shutdown`, rooms left active.
      if (fastify.server.listening) fastify.server.close();
      backpressure?.close();
      engineGuard.stop();
      moderation.stop();
      policy.stop();
      privateRooms.rooms.stop();
      const purgeStopped = retention.stop();
      await writer.drain();
      await chat.shutdown([...io.sockets.sockets.values()].map(callerOf)).catch((err: unknown) => logger.error({ err }, 'ending chats at shutdown failed'));
      await writer.drain();
      // This instance's sockets only: `io.disconnectSockets` goes through a cluster adapter to every instance.
      io.local.disconnectSockets(true);
      receipts.stop();
      // Stalled downloads and idle keep-alive sockets would otherwise hold the HTTP server open.
      fastify.server.closeAllConnections();
      // Connections get a moment to take their goodbye and close; one whose client stopped reading is cut.
      const deadline = Date.now() + SHUTDOWN_FLUSH_MS;
      while (engineGuard.openConnections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      engineGuard.destroyAll();
      // A cluster adapter unsubscribes on close, which waits while Redis is unreachable: don't wait long.
      await Promise.race([io.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      await fastify.close();
      await purgeStopped;
      await deps.database.close();
    })();
    return closing;
  };

  return {
    fastify,
    server: fastify.server,
    io,
    chat,
    repository,
    writer,
    liveStats,
    onlineIdentities,
    engineGuard,
    moderation,
    challenge,
    policy,
    rules,
    retention,
    privateRooms: privateRooms.rooms,
    metrics,
    close,
    get closing() {
      return closing !== undefined;
    },
  };
}

function defaultWebDir(): string {
  // src/app.ts and dist/server/app.js both sit below the project root.
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'server')) ? join(here, '..', 'web') : join(here, '..', 'dist', 'web');
}

/** Fastify's option for a hop count is a function; addresses and booleans pass through. */
function trustProxyOption(value: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}
