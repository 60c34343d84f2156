/**
 * What the service runs with: every setting, its meaning, default and environment variable. Read and checked
 * from the environment by config.ts (`loadConfig`), which is the only place that builds one.
 */
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
