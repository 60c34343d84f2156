/**
 * Entry point: load config → open the database → build the seams (src/composition.ts) → createApp →
 * listen; signals. Nothing else.
 */
import cluster from 'node:cluster';
import { setupWorker } from '@socket.io/sticky';
import type { Logger } from 'pino';
import { createApp, type App } from './app.js';
import { runPrimary } from './cluster/primary.js';
import { buildSeams, endStaleChats } from './composition.js';
import { ConfigError, configWarnings, loadConfig, type Config } from './config/config.js';
import { lookalikeVariables } from './config/lookalikes.js';
import { resolveSecretKey } from './config/secret-key.js';
import { createLogger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-endpoint.js';
import type { Database } from './storage/database.js';
import { openConfiguredDatabase } from './storage/open-database.js';
import { makePrivateDir } from './storage/private-dir.js';
import { knownSchemaVersion, SCHEMA_TOO_NEW_EXIT_CODE, SchemaTooNew, watchSchema, type SchemaWatch } from './storage/schema-version.js';
import { StopRequests, type StopSource } from './stop-requests.js';

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

async function runInstance(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
  warnLookalikes(logger);
  // Policy: an unhandled rejection is logged as an error and the process keeps serving; Node's default
  // (exit) is not kept. Every socket handler and HTTP route catches its own errors, so what reaches here
  // is a fire-and-forget task someone forgot to catch (a timer, a notification, a purge run): one failed
  // background operation. Its state lives in the store and changes atomically (a Lua script, a
  // transaction), so nothing is left half-changed in this process that a restart would repair, while
  // exiting would end every chat on the instance (and, with the embedded database, the whole service
  // until a supervisor restarts it). The error log is what operators alert on; the bug is then fixed where
  // the promise was dropped. An uncaught exception, by contrast, still exits (Node's default): the
  // stack it unwound may have left in-memory state half-changed. Tested in
  // test/integration/unhandled-rejection.test.ts.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  // A worker is asked to stop by its primary through the IPC channel (src/cluster/primary.ts). With a
  // signal to the whole process group, the message and the signal are one request, in either order
  // (src/stop-requests.ts); asked during start-up, the start ends.
  let stopAsked: ((source: StopSource) => void) | undefined;
  if (cluster.isWorker) {
    process.on('message', (message: { chat?: string } | undefined) => {
      if (message?.chat !== 'stop') return;
      if (stopAsked) stopAsked('primary');
      else {
        logger.info('asked to stop during start-up: exiting');
        process.exit(0);
      }
    });
  }
  const secretKey = resolveSecretKey(config.secretKey, config.dataDir, logger);
  if (config.trustProxy === true) {
    logger.warn('TRUST_PROXY=true trusts X-Forwarded-For from anyone: if this server is reachable without the proxy, every per-address limit can be dodged. Set TRUST_PROXY to your proxies’ addresses instead');
  }
  const { retentionDays, intervalMs } = config.retention;
  if (retentionDays === undefined) logger.info('RETENTION_DAYS not set: conversations are kept forever');
  else logger.info({ retentionDays, purgeIntervalMs: intervalMs }, `conversations are removed ${retentionDays} ${retentionDays === 1 ? 'day' : 'days'} after they end`);
  // The embedded database's directory, before it is opened (a generated key or admin password makes its
  // own private on the way too; with PostgreSQL and both set, DATA_DIR is never made at all).
  if (config.databaseUrl === undefined && !makePrivateDir(config.dataDir)) {
    logger.warn({ dataDir: config.dataDir }, 'DATA_DIR can be read by other users of this machine and is not ours to change (chmod 700 failed): restrict it, the conversations are stored there');
  }
  const database = await openConfiguredDatabase(config, logger);
  const built = await buildSeams({ config, database, logger });

  let app: App | undefined;
  let metricsServer: MetricsServer | undefined;
  let schemaWatch: SchemaWatch | undefined;
  const requests = new StopRequests();
  const stop = (signal: StopSource) => {
    if (!app) {
      logger.warn({ signal }, 'signal during start-up: exiting');
      process.exit(0);
    }
    const decision = requests.request(signal);
    if (decision === 'ignore') return;
    if (decision === 'exit-now') {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    schemaWatch?.stop();
    // A store that hangs (no error, no answer) would hold the stop until the supervisor's SIGKILL, with
    // nothing said: exit with 1 and say so. What is uncommitted by then is lost, as it would be anyway.
    setTimeout(() => {
      logger.error({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in SHUTDOWN_TIMEOUT_MS: exiting with 1');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app
      .close()
      .then(() => metricsServer?.close())
      .then(() => built.close())
      .then(
        // Stopped because a newer version migrated the database: its own code (a primary stops every worker).
        () => process.exit(signal === 'schema' ? SCHEMA_TOO_NEW_EXIT_CODE : 0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The terminal of an `npm start` closed (or an SSH session lost): a stop like any other, not a crash.
  process.on('SIGHUP', () => stop('SIGHUP'));
  stopAsked = stop;

  const endedStaleChats = await endStaleChats(built.seams, database, new Date());
  app = await createApp({ ...config, secretKey }, { database, seams: built.seams, logger });
  // PostgreSQL only: an embedded database is one process's (DATA_DIR is locked), so nothing migrates it
  // while this one serves. Started with the app, before the awaits below, so that a stop during them
  // stops the watch too (one started after a stop would count as a second request).
  if (database.engine === 'postgres') schemaWatch = watchForNewerSchema(database, config, logger, () => stop('schema'));
  await built.started(app);
  metricsServer = await exposeMetrics(app, config, logger);

  // The one info line of a start: where it listens and what it stores in (no client address, ever).
  const facts = {
    storage: database.engine,
    ...(database.engine === 'pglite' ? { dataDir: config.dataDir } : {}),
    cluster: built.seams.mode === 'cluster' ? 'redis' : 'off',
    ...(endedStaleChats > 0 ? { endedStaleChats } : {}),
  };
  if (cluster.isWorker) {
    setupWorker(app.io);
    process.send?.({ chat: 'ready' });
    logger.info(facts, 'worker ready');
  } else {
    const url = await listen(app, config);
    // The URL is one to open here; on 0.0.0.0 or :: the line says it is every interface, not only that one.
    const everywhere = config.host === '0.0.0.0' || config.host === '::' ? ' (on every network interface)' : '';
    logger.info({ host: config.host, ...facts }, `Server listening at ${url}${everywhere}`);
  }
}

/**
 * Stops this instance (`onNewer`) once a newer release's migration is in the database. A check that keeps
 * failing (the `drizzle` schema unreadable, say) leaves the instance unprotected: said at the first failure
 * of each run of them and then every 20th, not at each.
 */
function watchForNewerSchema(database: Database, config: Config, logger: Logger, onNewer: () => void): SchemaWatch {
  let failures = 0;
  return watchSchema({
    db: database,
    known: knownSchemaVersion(),
    intervalMs: config.schemaCheckIntervalMs,
    onNewer: (error) => {
      logger.error({ err: error }, 'a newer version migrated the database: stopping, so as not to serve with the wrong rules');
      onNewer();
    },
    onCheckFailed: (err) => {
      if (failures++ % 20 === 0) logger.warn({ err, failures }, 'could not check the database’s schema version (a newer release’s migration would go unnoticed); retrying');
    },
    onCheckOk: () => {
      if (failures > 0) logger.info({ failures }, 'the database’s schema version can be checked again');
      failures = 0;
    },
  });
}

/**
 * Where the metrics are, said at start: on their own port (worker n of WEB_CONCURRENCY takes
 * METRICS_PORT + n, from 0, so each reports its own), behind the token on the main port, or off.
 */
async function exposeMetrics(app: App, config: Config, logger: Logger): Promise<MetricsServer | undefined> {
  const { token, port, host } = config.metrics;
  if (port === undefined) {
    if (token === undefined) logger.info('metrics off: set METRICS_TOKEN or METRICS_PORT to serve GET /metrics');
    else logger.info('metrics at /metrics on the main port, with Authorization: Bearer $METRICS_TOKEN');
    return undefined;
  }
  const workerPort = cluster.isWorker ? port + Number(process.env.CHAT_WORKER_SLOT ?? 0) : port;
  const server = await startMetricsServer({ registry: app.metrics.registry, token, port: workerPort, host }).catch((error: Error) => {
    throw new Error(`cannot serve metrics on METRICS_HOST=${host} port ${workerPort} (METRICS_PORT${workerPort === port ? '' : ` + ${workerPort - port}`}): ${error.message}`, { cause: error });
  });
  logger.info({ metrics: server.url, bearerRequired: token !== undefined }, 'metrics listening');
  if (token === undefined && !isLoopback(host)) {
    logger.warn({ metrics: server.url }, `metrics are open to anyone who reaches ${host}:${workerPort}: set METRICS_TOKEN, or METRICS_HOST=127.0.0.1`);
  }
  return server;
}

/** Opens the port (Fastify's own listen would log a line per network interface). Resolves with a URL to open. */
async function listen(app: App, config: Config): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    // Named by its settings: a host name that does not resolve fails here (`getaddrinfo ENOTFOUND`), a taken port too.
    const failed = (error: Error) => reject(new Error(`cannot listen on HOST=${config.host} PORT=${config.port}: ${error.message}`, { cause: error }));
    app.server.once('error', failed);
    app.server.listen({ port: config.port, host: config.host }, () => {
      app.server.off('error', failed);
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
  cluster.isPrimary && config.webConcurrency > 1
    ? async () => {
        const logger = createLogger(config.logLevel, { pretty: process.stdout.isTTY });
        warnLookalikes(logger);
        return runPrimary(config, logger);
      }
    : () => runInstance(config);

/**
 * Said once per service, by the process that read the environment first (the primary, or the only one):
 * variables that look like a setting misspelt, and settings valid but probably not meant.
 */
function warnLookalikes(logger: Logger): void {
  if (!cluster.isPrimary) return;
  for (const { name, meant } of lookalikeVariables(process.env)) {
    logger.warn({ variable: name, setting: meant }, `${name} is not a setting: did you mean ${meant}? (${meant} keeps its default)`);
  }
  for (const warning of configWarnings(config)) logger.warn(warning);
}
start().catch((error: unknown) => {
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(error instanceof SchemaTooNew ? SCHEMA_TOO_NEW_EXIT_CODE : 1);
});

/** An interface only this machine reaches. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
