/**
 * Admin back office: a self-contained Fastify plugin (registered under /admin) with its own auth — a team
 * of accounts with roles and optional 2FA (team/), database-backed sessions, scrypt-hashed passwords,
 * rate-limited logins, CSRF checks — serving live
 * stats, the conversation browser, streamed CSV/JSON exports (optionally pseudonymized), the audit log,
 * the admin side of the safety loop (the reports queue, decisions, sanctions) and erasure of conversations.
 */
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LiveStats } from '../chat/live-stats.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import { networkOf } from '../http/client-address.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { RetentionJob } from '../privacy/retention.js';
import { createNetworkHasher } from '../privacy/network-hash.js';
import { ReportRepository } from '../moderation/report-repository.js';
import { SanctionRepository } from '../moderation/sanction-repository.js';
import type { Database } from '../storage/database.js';
import { AppError, ErrorCode } from '../errors.js';
import { AuditLog } from './audit-log.js';
import { resolveAdminPassword } from './auth/admin-password.js';
import { refuseCrossSite } from './auth/csrf.js';
import { DeviceCookies } from './auth/device-cookie.js';
import { LoginGuard } from './auth/login-guard.js';
import { LoginLimit } from './auth/login-limit.js';
import { AttemptCounts, loginLimitStore } from './auth/login-limit-store.js';
import { requireRecentPassword } from './auth/recent-password.js';
import { requireSession } from './auth/session-cookie.js';
import { DEFAULT_SESSION_POLICY, SessionStore } from './auth/session-store.js';
import type { AdminContext, AdminTuning } from './context.js';
import { DEFAULT_EXPORT_BATCH } from './export-source.js';
import { ReportsQuery } from './reports-query.js';
import { RoomsQuery } from './rooms-query.js';
import { registerApiRoutes } from './routes-api.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerErasureRoutes } from './routes-erasure.js';
import { registerExportRoutes } from './routes-export.js';
import { registerPageRoutes } from './routes-pages.js';
import { registerPolicyRoutes } from './routes-policy.js';
import { registerSafetyRoutes } from './routes-safety.js';
import { registerTeamRoutes } from './routes-team.js';
import { AccountLogin } from './team/account-login.js';
import { AdminAccounts } from './team/admin-accounts.js';
import { Invitations } from './team/invitations.js';
import { RecoveryCodes } from './team/recovery-codes.js';
import { requirePermission } from './team/roles.js';
import { DEFAULT_STATS_TIMING, StatsQuery } from './stats-query.js';
import { adminSerializerCompiler, adminValidatorCompiler, formatValidationErrors } from './validation.js';

export type { AdminTuning } from './context.js';

export interface AdminPluginOptions {
  config: Config;
  database: Database;
  liveStats: LiveStats;
  clock: Clock;
  logger: Logger;
  /** Directory of the built web pages; the admin pages are `admin/index.html` and `admin/login.html` in it. */
  webDir: string;
  /** Overrides of limits and timings (tests shorten them); defaults in `DEFAULT_ADMIN_TUNING`. */
  tuning?: Partial<AdminTuning>;
  /** Cluster mode: a Redis client, so login limits count across every instance (per instance while it is unreachable). */
  loginLimitRedis?: Redis;
  /** The safety loop (reports queue, decisions, sanctions). */
  moderation: ModerationService;
  /** The content policy (term lists, links), which the back office edits. */
  policy: PolicyService;
  /**
   * What the back office keeps of a client address (audit rows, login-limit keys): its network's HMAC
   * (privacy/network-hash.ts), never the address. Default: the same from `config.secretKey`.
   */
  clientKeyOf?: (ip: string) => string;
  /** The retention purge, whose runs the dashboard shows. */
  retention?: RetentionJob;
}

export const DEFAULT_ADMIN_TUNING: AdminTuning = {
  loginAttemptsMax: 5,
  loginWindowMs: 60_000,
  loginLimitRedisTimeoutMs: 1_000,
  loginAllAttemptsMax: 100,
  loginAllWindowMs: 10 * 60_000,
  passwordChecksAtOnce: 1,
  passwordChecksQueued: 16,
  session: DEFAULT_SESSION_POLICY,
  stats: DEFAULT_STATS_TIMING,
  exportBatch: DEFAULT_EXPORT_BATCH,
  exportIdleTimeoutMs: 120_000,
};

export async function adminPlugin(app: FastifyInstance, options: AdminPluginOptions): Promise<void> {
  const tuning = { ...DEFAULT_ADMIN_TUNING, ...options.tuning };
  const loginCounts = new AttemptCounts({
    clock: options.clock,
    logger: options.logger,
    redis: options.loginLimitRedis,
    redisKeyPrefix: `${options.config.redisPrefix}admin-login:`,
    redisTimeoutMs: tuning.loginLimitRedisTimeoutMs,
  });
  const ctx = await createContext(options, tuning, loginCounts);
  // No error handler of its own: errors are answered by the root's (src/http/error-handler.ts), which
  // this encapsulated context inherits.
  // Routes declare zod schemas (fastify-type-provider-zod); set here, the compilers apply to admin routes only.
  app.setValidatorCompiler(adminValidatorCompiler);
  app.setSerializerCompiler(adminSerializerCompiler);
  app.setSchemaErrorFormatter(formatValidationErrors);
  // Registered inside this plugin, so the limiter and the form parser apply to admin routes only.
  // In cluster mode the counts are shared through Redis; while Redis is unreachable each instance limits alone.
  await app.register(fastifyRateLimit, {
    global: false,
    // Per client network, by its HMAC; the routes give back attempts that proved not to be guesses (login-limit.ts).
    keyGenerator: ctx.loginLimit.keyOf,
    store: loginLimitStore(loginCounts),
  });
  await app.register(fastifyFormbody);

  app.addHook('onRequest', async (request) => {
    // The original took `?password=` in the URL, where it leaks into logs and history: refused outright.
    if (new URLSearchParams(request.url.split('?')[1] ?? '').has('password')) {
      throw new AppError(ErrorCode.PASSWORD_IN_URL, { detail: 'A password in the URL is never accepted; POST it to /admin/login' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') await refuseCrossSite(request);
  });

  await registerPageRoutes(app, ctx);
  await registerAuthRoutes(app, ctx);
  await app.register(async (guarded) => {
    // Reads too: these answers are private conversations. The pages (`GET /admin`) hold no data and stay
    // reachable from a link on another site.
    guarded.addHook('onRequest', refuseCrossSite);
    // Before the body is read: without a session, a malformed or large request is a 401 too, says nothing
    // of the schemas and costs no parsing.
    guarded.addHook('onRequest', requireSession(ctx.sessions));
    // Then the role: a route needs the permission it declares (`manage` when it declares none).
    guarded.addHook('onRequest', requirePermission);
    // And for the team's changes, a password typed recently (auth/recent-password.ts).
    guarded.addHook('onRequest', requireRecentPassword(ctx.sessions));
    await registerApiRoutes(guarded, ctx);
    await registerSafetyRoutes(guarded, ctx);
    await registerPolicyRoutes(guarded, ctx);
    await registerErasureRoutes(guarded, ctx);
    await registerExportRoutes(guarded, ctx);
    await registerTeamRoutes(guarded, ctx);
  });
}

/** The HMAC of a client's network under the instance's key (as the app computes it). */
function defaultClientKey(secretKey: string | undefined): (ip: string) => string {
  if (!secretKey) throw new Error('the admin plugin needs config.secretKey (or clientKeyOf)');
  const hash = createNetworkHasher(secretKey);
  return (ip) => hash(networkOf(ip));
}

async function createContext(options: AdminPluginOptions, tuning: AdminTuning, loginCounts: AttemptCounts): Promise<AdminContext> {
  const { config, database, clock, liveStats, logger } = options;
  const clientKeyOf = options.clientKeyOf ?? defaultClientKey(config.secretKey);
  const audit = new AuditLog(database, clock, config.timezone, clientKeyOf);
  const password = await resolveAdminPassword({ configuredPassword: config.adminPassword, database, dataDir: config.dataDir, logger, audit: (entry) => audit.record(entry) });
  const login = new LoginGuard({
    counts: loginCounts,
    allAttemptsMax: tuning.loginAllAttemptsMax,
    allWindowMs: tuning.loginAllWindowMs,
    checksAtOnce: tuning.passwordChecksAtOnce,
    checksQueued: tuning.passwordChecksQueued,
    onBudgetSpent: (retryAfterMs: number) =>
      logger.warn({ event: 'admin_login_budget_spent', retryAfterMs }, 'admin login: the attempt budget of all networks is spent; logins are refused until the window ends'),
  });
  const accounts = new AdminAccounts(database, clock);
  const recoveryCodes = new RecoveryCodes(database, clock);
  const team = {
    accounts,
    recoveryCodes,
    invitations: new Invitations(database, accounts, clock),
    login: new AccountLogin({ accounts, recoveryCodes, guard: login, bootstrapPassword: password, clock, codeAttempts: loginCounts }),
  };
  const reports = new ReportRepository(database);
  const sanctions = new SanctionRepository(database);
  const rooms = new RoomsQuery(database, config.timezone);
  return {
    clientKeyOf,
    loginLimit: new LoginLimit(loginCounts, clientKeyOf, tuning.loginWindowMs),
    database,
    clock,
    timezone: config.timezone,
    webDir: options.webDir,
    tuning,
    login,
    team,
    devices: config.secretKey ? new DeviceCookies(config.secretKey, password.generation, clock) : undefined,
    sessions: new SessionStore(database, clock, tuning.session),
    audit,
    stats: new StatsQuery(database, liveStats, sanctions, clock, config.timezone, tuning.stats, options.retention),
    rooms,
    moderation: options.moderation,
    policy: options.policy,
    reports,
    sanctions,
    reportsQuery: new ReportsQuery(database, reports, sanctions, rooms, clock, config.timezone),
  };
}
