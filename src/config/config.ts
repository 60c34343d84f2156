/**
 * Configuration: environment → validated, frozen `Config`. Every default and limit lives here,
 * with units in the names. Nothing else in the code reads `process.env`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ADMIN_PASSWORD_MAX } from '../shared/limits.js';
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

export interface Config {
  /** TCP port to listen on. Default 5000; 0 picks a free port. */
  readonly port: number;
  /** Interface to bind: an IP address, `localhost` or a host name (checked at load). Default `0.0.0.0`. */
  readonly host: string;
  /** PostgreSQL URL. Unset → embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Directory for the embedded database and generated secrets. Default `./data`. */
  readonly dataDir: string;
  /** Redis URL for cluster mode. Unset → a single process. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. Default `chat:`. */
  readonly redisPrefix: string;
  /**
   * How long broadcasts (message texts included) stay in the Redis stream the cluster adapter reads
   * (also at most the latest 100,000). Default 60 s.
   */
  readonly redisStreamRetentionMs: number;
  /** Worker processes on this machine (the original's variable). More than 1 needs `REDIS_URL`. Default 1. */
  readonly webConcurrency: number;
  /** Key signing identity cookies. Unset → generated once and kept in `dataDir`. */
  readonly secretKey: string | undefined;
  /** Admin password. Unset → generated on first start (admin issue). */
  readonly adminPassword: string | undefined;
  /** IANA zone every time is shown in. Default `Asia/Shanghai` (Beijing time, UTC+8). */
  readonly timezone: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Upper bound of PostgreSQL connections per process. Default 10. */
  readonly pgPoolMax: number;
  /** Longest a PostgreSQL statement may take before it fails (a hung database answers nothing). Default 10 s. */
  readonly dbQueryTimeoutMs: number;
  /**
   * Most messages committed in one batched insert. Default 2,000: after a stall (a cold start at full load)
   * the backlog of one event-loop turn must fit in a few statements, or the queue overflows and refusing
   * eats the time writing needed (measured: `BENCHMARKS.md`, *Cold start at 5,000 msg/s*).
   */
  readonly writeBatchMaxRows: number;
  /** Most messages waiting to be written before senders get SERVER_BUSY (a few seconds of peak load, ≈ 20 MB). Default 20,000. */
  readonly writeQueueMax: number;
  /**
   * Message statements in flight at once, each lane writing its share of the conversations on its own
   * connection. Default 2 on PostgreSQL (one slow commit no longer delays every next batch), 1 on PGlite
   * (one connection: statements run one after another anyway).
   */
  readonly writeLanes: number;
  /**
   * Stop reading from the WebSockets while the write queue is over half full, and read again under a
   * quarter (each pause at most 5 s): overload then slows senders down instead of refusing them. Default on.
   */
  readonly readBackpressure: boolean;
  /**
   * Fastify `trustProxy`: unset, `false`, `0` → trust no proxy; `true`, a hop count, or a comma-separated list of
   * addresses, CIDR ranges and the names `loopback`, `linklocal`, `uniquelocal` (each checked at load).
   */
  readonly trustProxy: boolean | number | string[];
  /** Directory of the built web page. Default `dist/web` under the project root. */
  readonly webDir: string | undefined;
  /**
   * Where chats and messages go: `database` (default), or `memory` — nothing durable, for measuring what
   * durability costs in benchmarks. Announced loudly at start.
   */
  readonly chatStorage: 'database' | 'memory';
  /** Origins (http(s)://host[:port], as a browser sends them) allowed to open a Socket.IO connection besides the page's own. Default none. */
  readonly allowedOrigins: readonly string[];
  /** How long a chat or a place in the queue is kept for a connection that dropped. Default 20 s; 0 ends at once. */
  readonly reconnectGraceMs: number;
  /**
   * The same for a connection closed cleanly — a tab closed or reloaded (a reload is back within a second
   * or two) — so a partner who closed the tab is announced within seconds. Default 4 s; never more than
   * `reconnectGraceMs`.
   */
  readonly closeGraceMs: number;
  /**
   * How long a graceful stop (SIGTERM, SIGINT) may take before the process exits with 1 anyway: a hung
   * Redis or PostgreSQL must not keep it alive until the supervisor's SIGKILL. Default 25 s, below
   * Kubernetes' 30 s grace (Docker's is 10 s: set `docker stop -t` or this lower).
   */
  readonly shutdownTimeoutMs: number;
  /**
   * How often a serving instance on PostgreSQL checks that no newer version has migrated the database
   * (src/storage/schema-version.ts); found newer, it stops. Default 15 s: one tiny query.
   */
  readonly schemaCheckIntervalMs: number;
  /**
   * How long somebody with interests waits for a person sharing one before being matched with anyone
   * (`INTEREST_WAIT_MS`, 0–300,000). Default 10 s; 0 only prefers whoever shares one at the moment of joining.
   */
  readonly interestWaitMs: number;
  /**
   * Data lifecycle: conversations that ended more than `retentionDays` ago are purged every
   * `purgeIntervalMs` (default 1 h). Unset `RETENTION_DAYS` keeps everything (the original's behaviour).
   */
  readonly retention: { readonly retentionDays: number | undefined; readonly intervalMs: number; readonly strikeWindowDays?: number };
  /** The privacy notice on the start screen: `PRIVACY_FILE` replaces its text (src/privacy/privacy-notice.ts). */
  readonly privacyNoticeFile: string | undefined;
  /**
   * Prometheus metrics (`GET /metrics`): with `METRICS_TOKEN`, on the main port behind
   * `Authorization: Bearer <token>`; with `METRICS_PORT`, on that port of `METRICS_HOST` (default
   * 127.0.0.1) only — the token, when also set, is required there too; with neither, off.
   */
  readonly metrics: { readonly token: string | undefined; readonly port: number | undefined; readonly host: string };
  /** The door: rules and age gate (default on, minimum age 18; `RULES_FILE` replaces the text). */
  readonly rules: { readonly enabled: boolean; readonly minAge: number; readonly file: string | undefined };
  /**
   * Content policy on every message (default on; `off` only to measure what it costs), the crisis lines'
   * file, and copy-paste spam: the same text into `spamRepeatRooms` chats within `spamWindowMs`.
   */
  readonly policy: {
    readonly enabled: boolean;
    readonly hotlinesFile: string | undefined;
    readonly spamRepeatRooms: number;
    readonly spamWindowMs: number;
  };
  /** Safety loop: how long after a chat ends it can be reported, and how strikes escalate. */
  readonly moderation: {
    /** Default 2 minutes. */
    readonly reportWindowMs: number;
    readonly strikes: {
      /** Strikes older than this many days no longer count. Default 30. */
      readonly windowDays: number;
      /** Strikes that bring an automatic warning (default 1), 24 h mute (2), 7-day ban (3); out of order, said at start (`configWarnings`). */
      readonly forWarning: number;
      readonly forMute: number;
      readonly forBan: number;
      /** Length of an automatic mute (default 24 h) and ban (default 7 days), in seconds. */
      readonly muteS: number;
      readonly banS: number;
    };
  };
  /** Socket.IO heartbeat: ping every `pingIntervalMs`, drop after `pingTimeoutMs` without an answer. Defaults 15 s / 10 s. */
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  /** Flood control. Messages per identity: `messagesPerS` sustained, bursts up to `messagesBurst`. */
  readonly rateLimits: {
    readonly messagesPerS: number;
    readonly messagesBurst: number;
    /** Messages per client address (many people may share one behind NAT). */
    readonly messagesPerAddressPerS: number;
    /** Queue joins per identity and per address, per minute. */
    readonly joinsPerMin: number;
    readonly joinsPerAddressPerMin: number;
    /**
     * Open connections per address (default 1,000, NAT-friendly) and per identity (tabs). Engine.IO sessions
     * (counted before a client says anything) and TCP connections per address are held to twice it.
     */
    readonly maxConnectionsPerAddress: number;
    readonly maxConnectionsPerIdentity: number;
    /**
     * Packets one connection may send: `packetsPerConnectionPerS` sustained (default 50), bursts of
     * `packetsPerConnectionBurst` (default 200); beyond, it is disconnected. A person sends a few a second.
     */
    readonly packetsPerConnectionPerS: number;
    readonly packetsPerConnectionBurst: number;
    /**
     * Chats resumed with a replay of missed messages, per identity (default 20) and per address (600), per
     * minute; beyond, a resumed chat continues without its replay.
     */
    readonly resumesPerMin: number;
    /** New anonymous identities one address may be given per minute (default 60): identities are not free. */
    readonly identitiesPerAddressPerMin: number;
    /**
     * Connections one identity may open per minute (default 60; a reload or a network switch is one): each
     * costs lookups, and a connection's own budgets (typing, refusals) start afresh.
     */
    readonly connectsPerMin: number;
    readonly resumesPerAddressPerMin: number;
    /** Packets waiting for a connection that does not read before it is dropped. Default 1,000. */
    readonly maxQueuedPacketsPerConnection: number;
  };
  /**
   * The bot challenge (self-hosted ALTCHA proof of work, see src/door/bot-challenge.ts). `mode`
   * (`CHALLENGE`): `off`; `auto` (default) — only an address that behaved like a bot must solve one before
   * it connects or joins; `always` — every connection of an identity and address not verified recently.
   */
  readonly challenge: {
    readonly mode: 'off' | 'auto' | 'always';
    /**
     * What makes an address (an IPv4 address or IPv6 /64) behave like a bot, each per minute: new
     * identities (default 10), queue joins — skips included (60), refusals by flood control (10).
     */
    readonly identitiesPerAddressPerMin: number;
    readonly joinsPerAddressPerMin: number;
    readonly refusalsPerAddressPerMin: number;
    /** How long such an address must solve before it connects or joins (renewed while it goes on). Default 10 min. */
    readonly suspectMs: number;
    /** How long a solved challenge keeps its identity and address verified. Default 30 min. */
    readonly validMs: number;
    /** How long a challenge from `GET /api/challenge` can be solved and used (once). Default 10 min. */
    readonly expiryMs: number;
    /**
     * Difficulty: PBKDF2-SHA-256 iterations per attempt (default 1,000) and the most attempts a solution
     * needs (default 5,000; each challenge needs between half and all of it), shared among the browser's
     * cores: about a second on a 2-core machine. Verifying costs the server two HMACs.
     */
    readonly cost: number;
    readonly maxAttempts: number;
    /** Challenges one address may fetch per minute. Default 30. */
    readonly requestsPerAddressPerMin: number;
  };
  /** Private rooms by key, and staying in touch after a chat (src/private/). */
  readonly privateRooms: {
    /**
     * `join_private` attempts one identity may make per minute (`RATE_PRIVATE_KEYS_PER_MIN`, default 20):
     * plenty for a person typing a key, hopeless for guessing 80-bit keys.
     */
    readonly keyAttemptsPerMin: number;
    /**
     * The same for one client network, every identity on it together (`RATE_PRIVATE_KEYS_PER_ADDRESS_PER_MIN`,
     * default 300): many people share one address behind a carrier's NAT, so one guesser must not use up
     * everybody's budget; a guesser minting identities is still held to this (about 1.6 × 10⁸ tries a year
     * against 1.2 × 10²⁴ keys).
     */
    readonly keyAttemptsPerAddressPerMin: number;
    /** How long after a chat ended both may still ask to stay in touch (`KEEP_IN_TOUCH_WINDOW_MS`, default 2 min). */
    readonly keepInTouchWindowMs: number;
    /** Most earlier messages replayed when two people meet again by a key, the latest ones (`PRIVATE_HISTORY_MAX_MESSAGES`, default 1,000). */
    readonly historyMaxMessages: number;
  };
  /**
   * Receipts (src/privacy/receipts.ts): requests naming a receipt code — reads and erasures — one client
   * network may make per minute (`RATE_RECEIPTS_PER_ADDRESS_PER_MIN`, default 30): plenty for a person,
   * hopeless for guessing 140-bit codes. `reportSettleMs` (30 s; tests shorten it): how long past the report
   * window a holder's erasure still waits, for a report checked in the window's last moment to be stored.
   */
  readonly receipts: { readonly lookupsPerAddressPerMin: number; readonly reportSettleMs: number };
}

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
