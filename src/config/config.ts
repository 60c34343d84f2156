/**
 * Configuration: environment → validated, frozen `Config` (its fields, documented: config-shape.ts). Every
 * default and limit is applied here, with units in the names. Nothing else in the code reads `process.env`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ADMIN_PASSWORD_MAX } from '../shared/limits.js';
import type { Config } from './config-shape.js';
import { allowedOriginsProblem, hostProblem, parseAllowedOrigins, parseTrustProxy, trustProxyProblem } from './network-values.js';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
/**
 * A duration in ms, at most what a Node.js timer can wait (2^31 − 1 ms, 24.8 days): beyond it a timer fires
 * after 1 ms — a purge every millisecond instead of every month.
 */
const durationMs = positiveInt.max(2_147_483_647, 'at most 2147483647 (24.8 days)');
const timezone = z.string().refine(isValidTimeZone, { message: 'is not an IANA time zone such as Asia/Shanghai' });
const url = (protocols: string[]) =>
  z.string().refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });
/** A string `problem` finds nothing wrong with (it says what is, for the error line). */
const checked = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== undefined) ctx.addIssue({ code: 'custom', message: found });
  });

/** Environment variables we read, their defaults and checks. */
const envSchema = z.object({
  PORT: port.default(5000),
  HOST: checked(hostProblem).default('0.0.0.0'),
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  // The login form takes at most ADMIN_PASSWORD_MAX characters: a longer one could never be typed in.
  ADMIN_PASSWORD: z.string().min(1).max(ADMIN_PASSWORD_MAX, `must be at most ${ADMIN_PASSWORD_MAX} characters (the login takes no more)`).optional(),
  CHAT_TIMEZONE: timezone.default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PG_POOL_MAX: positiveInt.max(200).default(10),
  DB_QUERY_TIMEOUT_MS: durationMs.min(100).default(10_000),
  WRITE_BATCH_MAX_ROWS: positiveInt.max(10_000).default(2_000),
  WRITE_QUEUE_MAX: positiveInt.default(20_000),
  WRITE_LANES: positiveInt.max(16).optional(),
  READ_BACKPRESSURE: z.enum(['on', 'off']).default('on'),
  TRUST_PROXY: checked(trustProxyProblem).optional(),
  WEB_DIR: z.string().min(1).optional(),
  ALLOWED_ORIGINS: checked(allowedOriginsProblem).optional(),
  CHAT_STORAGE: z.enum(['database', 'memory']).default('database'),
  WEB_CONCURRENCY: positiveInt.max(64).default(1),
  REDIS_PREFIX: z.string().min(1).max(64).default('chat:'),
  REDIS_STREAM_RETENTION_MS: durationMs.min(1_000).default(60_000),
  RECONNECT_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(20_000),
  CLOSE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(4_000),
  SHUTDOWN_TIMEOUT_MS: durationMs.min(1_000).default(25_000),
  SCHEMA_CHECK_INTERVAL_MS: durationMs.min(100).default(15_000),
  INTEREST_WAIT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  REPORT_WINDOW_MS: durationMs.default(120_000),
  RETENTION_DAYS: positiveInt.max(36_500).optional(),
  PURGE_INTERVAL_MS: durationMs.min(1_000).default(3_600_000),
  PRIVACY_FILE: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: port.min(1).optional(),
  METRICS_HOST: checked(hostProblem).default('127.0.0.1'),
  RULES_GATE: z.enum(['on', 'off']).default('on'),
  MIN_AGE: positiveInt.min(13).max(99).default(18),
  RULES_FILE: z.string().min(1).optional(),
  CONTENT_POLICY: z.enum(['on', 'off']).default('on'),
  CRISIS_HOTLINES_FILE: z.string().min(1).optional(),
  SPAM_REPEAT_ROOMS: positiveInt.min(2).default(3),
  SPAM_WINDOW_MS: durationMs.default(600_000),
  STRIKE_WINDOW_DAYS: positiveInt.default(30),
  STRIKES_FOR_WARNING: positiveInt.default(1),
  STRIKES_FOR_MUTE: positiveInt.default(2),
  STRIKES_FOR_BAN: positiveInt.default(3),
  STRIKE_MUTE_S: positiveInt.default(86_400),
  STRIKE_BAN_S: positiveInt.default(604_800),
  PING_INTERVAL_MS: durationMs.min(100).default(15_000),
  PING_TIMEOUT_MS: durationMs.min(100).default(10_000),
  RATE_MESSAGES_PER_S: positiveInt.default(5),
  RATE_MESSAGES_BURST: positiveInt.default(20),
  RATE_MESSAGES_PER_ADDRESS_PER_S: positiveInt.default(500),
  RATE_JOINS_PER_MIN: positiveInt.default(60),
  RATE_JOINS_PER_ADDRESS_PER_MIN: positiveInt.default(3_000),
  MAX_CONNECTIONS_PER_ADDRESS: positiveInt.default(1_000),
  MAX_CONNECTIONS_PER_IDENTITY: positiveInt.default(20),
  RATE_IDENTITIES_PER_ADDRESS_PER_MIN: positiveInt.default(60),
  RATE_CONNECTS_PER_MIN: positiveInt.default(60),
  RATE_RESUMES_PER_MIN: positiveInt.default(20),
  RATE_RESUMES_PER_ADDRESS_PER_MIN: positiveInt.default(600),
  MAX_QUEUED_PACKETS_PER_CONNECTION: positiveInt.default(1_000),
  PACKETS_PER_CONNECTION_PER_S: positiveInt.default(50),
  PACKETS_PER_CONNECTION_BURST: positiveInt.default(200),
  CHALLENGE: z.enum(['off', 'auto', 'always']).default('auto'),
  CHALLENGE_IDENTITIES_PER_ADDRESS_PER_MIN: positiveInt.default(10),
  CHALLENGE_JOINS_PER_ADDRESS_PER_MIN: positiveInt.default(60),
  CHALLENGE_REFUSALS_PER_ADDRESS_PER_MIN: positiveInt.default(10),
  CHALLENGE_SUSPECT_MS: durationMs.min(1_000).default(600_000),
  CHALLENGE_VALID_MS: durationMs.min(1_000).default(1_800_000),
  CHALLENGE_EXPIRY_MS: durationMs.min(10_000).default(600_000),
  CHALLENGE_COST: positiveInt.max(1_000_000).default(1_000),
  CHALLENGE_MAX_ATTEMPTS: positiveInt.max(10_000_000).default(5_000),
  CHALLENGE_REQUESTS_PER_ADDRESS_PER_MIN: positiveInt.default(30),
  RATE_PRIVATE_KEYS_PER_MIN: positiveInt.default(20),
  RATE_PRIVATE_KEYS_PER_ADDRESS_PER_MIN: positiveInt.default(300),
  KEEP_IN_TOUCH_WINDOW_MS: durationMs.default(120_000),
  PRIVATE_HISTORY_MAX_MESSAGES: positiveInt.max(100_000).default(1_000),
  RATE_RECEIPTS_PER_ADDRESS_PER_MIN: positiveInt.default(30),
});

/** The environment as the schema parsed it. */
type Env = z.infer<typeof envSchema>;

/** The names of every setting, for src/config/lookalikes.ts. */
export const SETTING_NAMES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

/** Message statements in flight at once on PostgreSQL unless `WRITE_LANES` says otherwise. */
const DEFAULT_POSTGRES_LANES = 2;

export type { Config } from './config-shape.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables whose value is a secret: an error names them, never their value. */
const SECRET_VARIABLES = new Set(['SECRET_KEY', 'ADMIN_PASSWORD', 'METRICS_TOKEN']);

/**
 * A value as an error line may show it (the line goes to the service's log): a secret as its length only,
 * a URL as its scheme only — a password in it can hold any character, so no pattern cuts it out reliably.
 */
function shown(name: string, value: string): string {
  if (SECRET_VARIABLES.has(name)) return `(${value.length} characters, not shown)`;
  if (name.endsWith('_URL')) {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0];
    return scheme === undefined ? `(${value.length} characters, not shown)` : JSON.stringify(`${scheme}…`);
  }
  return JSON.stringify(value);
}

/** The variables whose value is a number (the schema unwrapped from its default or optional). */
const NUMERIC_VARIABLES: ReadonlySet<string> = new Set(
  Object.entries(envSchema.shape)
    .filter(([, schema]) => {
      let inner: z.ZodType = schema;
      while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      return inner instanceof z.ZodNumber;
    })
    .map(([name]) => name),
);

/** Parses the environment. Throws `ConfigError` with one line naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as in most deployment dashboards — and so do spaces alone (PORT=' ' was
  // read as 0, a random free port).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  // Numbers are written in digits: coercion alone takes "0xF7A" as 3962 and "1e2" as 100.
  for (const name of NUMERIC_VARIABLES) {
    const value = cleaned[name];
    if (value !== undefined && !/^\s*\d+\s*$/.test(value)) throw new ConfigError(`Invalid ${name}=${shown(name, value)}: must be a whole number written in digits`);
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid ${name}=${shown(name, cleaned[name] ?? '')}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  if (e.WRITE_LANES !== undefined && e.DATABASE_URL && e.WRITE_LANES >= e.PG_POOL_MAX) {
    throw new ConfigError(`Invalid WRITE_LANES=${e.WRITE_LANES}: each lane holds a connection while it writes; keep it below PG_POOL_MAX=${e.PG_POOL_MAX}`);
  }
  // The default lanes too; and a job holding a lock connection (the retention purge, ending stale chats)
  // runs its statements on a second one: with one connection in all it could never run.
  if (e.WRITE_LANES === undefined && e.DATABASE_URL && e.PG_POOL_MAX <= DEFAULT_POSTGRES_LANES) {
    throw new ConfigError(`Invalid PG_POOL_MAX=${e.PG_POOL_MAX}: keep it above the ${DEFAULT_POSTGRES_LANES} write lanes (each holds a connection while it writes), or set WRITE_LANES=1 with PG_POOL_MAX=2 at least`);
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError('Invalid REDIS_URL: cluster mode needs DATABASE_URL (PostgreSQL); the embedded PGlite database serves one process only');
  }
  // A key generated by each instance would sign identities the others reject: everyone a new person on
  // every other instance, receipts and sanctions by network not matching across them.
  if (e.REDIS_URL && !e.SECRET_KEY) {
    throw new ConfigError('Invalid REDIS_URL: cluster mode needs SECRET_KEY, the same on every instance (each instance would otherwise generate its own, and identities would not carry from one to another)');
  }
  if (e.WEB_CONCURRENCY > 1 && !e.REDIS_URL) {
    throw new ConfigError(`Invalid WEB_CONCURRENCY=${e.WEB_CONCURRENCY}: more than one worker needs REDIS_URL (and DATABASE_URL)`);
  }
  // On the main port each scrape reaches whichever worker takes the connection: one worker's figures, a
  // different one each time. Each worker serves its own on METRICS_PORT + n instead.
  if (e.WEB_CONCURRENCY > 1 && e.METRICS_TOKEN !== undefined && e.METRICS_PORT === undefined) {
    throw new ConfigError(
      `Invalid METRICS_TOKEN with WEB_CONCURRENCY=${e.WEB_CONCURRENCY}: on the main port a scrape sees one worker at random; set METRICS_PORT (worker n serves METRICS_PORT + n)`,
    );
  }
  checkMetricsPorts(e);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    redisStreamRetentionMs: e.REDIS_STREAM_RETENTION_MS,
    webConcurrency: e.WEB_CONCURRENCY,
    secretKey: e.SECRET_KEY,
    adminPassword: e.ADMIN_PASSWORD,
    timezone: e.CHAT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    pgPoolMax: e.PG_POOL_MAX,
    dbQueryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
    writeBatchMaxRows: e.WRITE_BATCH_MAX_ROWS,
    writeQueueMax: e.WRITE_QUEUE_MAX,
    writeLanes: e.WRITE_LANES ?? (e.DATABASE_URL ? DEFAULT_POSTGRES_LANES : 1),
    readBackpressure: e.READ_BACKPRESSURE === 'on',
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    webDir: e.WEB_DIR,
    chatStorage: e.CHAT_STORAGE,
    allowedOrigins: parseAllowedOrigins(e.ALLOWED_ORIGINS),
    reconnectGraceMs: e.RECONNECT_GRACE_MS,
    closeGraceMs: Math.min(e.CLOSE_GRACE_MS, e.RECONNECT_GRACE_MS),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    schemaCheckIntervalMs: e.SCHEMA_CHECK_INTERVAL_MS,
    interestWaitMs: e.INTEREST_WAIT_MS,
    rules: Object.freeze({ enabled: e.RULES_GATE === 'on', minAge: e.MIN_AGE, file: e.RULES_FILE }),
    retention: Object.freeze({ retentionDays: e.RETENTION_DAYS, intervalMs: e.PURGE_INTERVAL_MS, strikeWindowDays: e.STRIKE_WINDOW_DAYS }),
    privacyNoticeFile: e.PRIVACY_FILE,
    metrics: Object.freeze({ token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST }),
    policy: Object.freeze({
      enabled: e.CONTENT_POLICY === 'on',
      hotlinesFile: e.CRISIS_HOTLINES_FILE,
      spamRepeatRooms: e.SPAM_REPEAT_ROOMS,
      spamWindowMs: e.SPAM_WINDOW_MS,
    }),
    moderation: Object.freeze({
      reportWindowMs: e.REPORT_WINDOW_MS,
      strikes: Object.freeze({
        windowDays: e.STRIKE_WINDOW_DAYS,
        forWarning: e.STRIKES_FOR_WARNING,
        forMute: e.STRIKES_FOR_MUTE,
        forBan: e.STRIKES_FOR_BAN,
        muteS: e.STRIKE_MUTE_S,
        banS: e.STRIKE_BAN_S,
      }),
    }),
    pingIntervalMs: e.PING_INTERVAL_MS,
    pingTimeoutMs: e.PING_TIMEOUT_MS,
    rateLimits: Object.freeze({
      messagesPerS: e.RATE_MESSAGES_PER_S,
      messagesBurst: e.RATE_MESSAGES_BURST,
      messagesPerAddressPerS: e.RATE_MESSAGES_PER_ADDRESS_PER_S,
      joinsPerMin: e.RATE_JOINS_PER_MIN,
      joinsPerAddressPerMin: e.RATE_JOINS_PER_ADDRESS_PER_MIN,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
      maxConnectionsPerIdentity: e.MAX_CONNECTIONS_PER_IDENTITY,
      packetsPerConnectionPerS: e.PACKETS_PER_CONNECTION_PER_S,
      packetsPerConnectionBurst: e.PACKETS_PER_CONNECTION_BURST,
      resumesPerMin: e.RATE_RESUMES_PER_MIN,
      identitiesPerAddressPerMin: e.RATE_IDENTITIES_PER_ADDRESS_PER_MIN,
      connectsPerMin: e.RATE_CONNECTS_PER_MIN,
      resumesPerAddressPerMin: e.RATE_RESUMES_PER_ADDRESS_PER_MIN,
      maxQueuedPacketsPerConnection: e.MAX_QUEUED_PACKETS_PER_CONNECTION,
    }),
    challenge: Object.freeze({
      mode: e.CHALLENGE,
      identitiesPerAddressPerMin: e.CHALLENGE_IDENTITIES_PER_ADDRESS_PER_MIN,
      joinsPerAddressPerMin: e.CHALLENGE_JOINS_PER_ADDRESS_PER_MIN,
      refusalsPerAddressPerMin: e.CHALLENGE_REFUSALS_PER_ADDRESS_PER_MIN,
      suspectMs: e.CHALLENGE_SUSPECT_MS,
      validMs: e.CHALLENGE_VALID_MS,
      expiryMs: e.CHALLENGE_EXPIRY_MS,
      cost: e.CHALLENGE_COST,
      maxAttempts: e.CHALLENGE_MAX_ATTEMPTS,
      requestsPerAddressPerMin: e.CHALLENGE_REQUESTS_PER_ADDRESS_PER_MIN,
    }),
    privateRooms: Object.freeze({
      keyAttemptsPerMin: e.RATE_PRIVATE_KEYS_PER_MIN,
      keyAttemptsPerAddressPerMin: e.RATE_PRIVATE_KEYS_PER_ADDRESS_PER_MIN,
      keepInTouchWindowMs: e.KEEP_IN_TOUCH_WINDOW_MS,
      historyMaxMessages: e.PRIVATE_HISTORY_MAX_MESSAGES,
    }),
    receipts: Object.freeze({ lookupsPerAddressPerMin: e.RATE_RECEIPTS_PER_ADDRESS_PER_MIN, reportSettleMs: 30_000 }),
  });
}

/**
 * Settings that are valid but probably not what was meant, said as warnings at start (src/main.ts).
 * Strikes escalate: a sanction needing more strikes than a heavier one is never given (with
 * STRIKES_FOR_MUTE=1, STRIKES_FOR_WARNING=2 nobody is ever warned: the mute is checked first). Not refused:
 * it is also the way to turn the automatic warning (or mute) off. Equal counts skip the lighter one too.
 */
export function configWarnings(config: Pick<Config, 'moderation'>): string[] {
  const { forWarning, forMute, forBan } = config.moderation.strikes;
  const order = 'keep STRIKES_FOR_WARNING ≤ STRIKES_FOR_MUTE ≤ STRIKES_FOR_BAN unless that is what you mean';
  const warnings: string[] = [];
  if (forWarning > forMute) warnings.push(`STRIKES_FOR_WARNING=${forWarning} is above STRIKES_FOR_MUTE=${forMute}: no automatic warning is ever given (${order})`);
  if (forMute > forBan) warnings.push(`STRIKES_FOR_MUTE=${forMute} is above STRIKES_FOR_BAN=${forBan}: no automatic mute is ever given (${order})`);
  return warnings;
}

/**
 * Worker n of WEB_CONCURRENCY (from 0; the single process is worker 0) serves its metrics on
 * METRICS_PORT + n (src/main.ts `exposeMetrics`): each of those ports must exist and not be PORT, or that
 * worker fails at start — and is restarted, and fails, again and again.
 */
function checkMetricsPorts(e: Env): void {
  if (e.METRICS_PORT === undefined) return;
  const last = e.METRICS_PORT + e.WEB_CONCURRENCY - 1;
  const workers = e.WEB_CONCURRENCY > 1 ? ` with WEB_CONCURRENCY=${e.WEB_CONCURRENCY}` : '';
  const taken = e.WEB_CONCURRENCY > 1 ? ` (worker n serves METRICS_PORT + n: ${e.METRICS_PORT}–${last})` : '';
  if (last > 65_535) {
    throw new ConfigError(`Invalid METRICS_PORT=${e.METRICS_PORT}${workers}: worker ${e.WEB_CONCURRENCY - 1} would serve its metrics on port ${last}, above 65535${taken}; keep METRICS_PORT at most ${65_536 - e.WEB_CONCURRENCY}`);
  }
  if (e.PORT !== 0 && e.PORT >= e.METRICS_PORT && e.PORT <= last && mayShareAddress(e.HOST, e.METRICS_HOST)) {
    const worker = e.WEB_CONCURRENCY > 1 ? `worker ${e.PORT - e.METRICS_PORT} would serve its metrics` : 'the metrics would be served';
    const fits = [e.PORT + e.WEB_CONCURRENCY <= 65_535 ? `above ${e.PORT}` : '', e.PORT - e.WEB_CONCURRENCY >= 1 ? `at most ${e.PORT - e.WEB_CONCURRENCY}` : ''];
    throw new ConfigError(
      `Invalid METRICS_PORT=${e.METRICS_PORT}${workers}: ${worker} on PORT=${e.PORT}, the chat's own port${taken}; choose METRICS_PORT ${fits.filter(Boolean).join(' or ')}`,
    );
  }
}

/**
 * Whether two listening hosts can take the same port on one address: the same, either of them every
 * interface (0.0.0.0, ::), or a name (what it resolves to is not known here). Two different addresses can.
 */
function mayShareAddress(a: string, b: string): boolean {
  const wildcard = (host: string) => host === '0.0.0.0' || host === '::';
  return a === b || wildcard(a) || wildcard(b) || isIP(a) === 0 || isIP(b) === 0;
}

/** A config for tests and tools: defaults plus overrides, without reading the environment. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig({}), ...overrides });
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
