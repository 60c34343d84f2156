/**
 * What the admin routes share: the services built once per plugin instance, and the limits in force.
 */
import type { Clock } from '../clock.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { ReportRepository } from '../moderation/report-repository.js';
import type { SanctionRepository } from '../moderation/sanction-repository.js';
import type { Database } from '../storage/database.js';
import type { AuditLog } from './audit-log.js';
import type { DeviceCookies } from './auth/device-cookie.js';
import type { LoginGuard } from './auth/login-guard.js';
import type { LoginLimit } from './auth/login-limit.js';
import type { SessionPolicy, SessionStore } from './auth/session-store.js';
import type { ExportBatchSizes } from './export-source.js';
import type { ReportsQuery } from './reports-query.js';
import type { RoomsQuery } from './rooms-query.js';
import type { StatsQuery, StatsTiming } from './stats-query.js';
import type { AccountLogin } from './team/account-login.js';
import type { AdminAccounts } from './team/admin-accounts.js';
import type { Invitations } from './team/invitations.js';
import type { RecoveryCodes } from './team/recovery-codes.js';

/** Limits and timings of the back office. Every field has a default; tests shorten some. */
export interface AdminTuning {
  /**
   * Login attempts allowed per client network per window. Every attempt counts while it is checked; a
   * successful one is given back afterwards (auth/login-limit.ts). Default 5.
   */
  loginAttemptsMax: number;
  /** The login rate-limit window. Default 60 s. */
  loginWindowMs: number;
  /** In cluster mode, a Redis answer about login attempts slower than this counts as none (this instance's count decides). Default 1 s. */
  loginLimitRedisTimeoutMs: number;
  /** Login attempts allowed from every network together per window, across instances (login-guard.ts). Default 100. */
  loginAllAttemptsMax: number;
  /** Its window. Default 10 minutes. */
  loginAllWindowMs: number;
  /** Password checks (scrypt) running at once per process. Default 1. */
  passwordChecksAtOnce: number;
  /** Password checks waiting their turn per process; one more is SERVER_BUSY. Default 16. */
  passwordChecksQueued: number;
  session: SessionPolicy;
  stats: StatsTiming;
  exportBatch: ExportBatchSizes;
  /** A download whose connection makes no progress for this long is dropped. Default 120 s. */
  exportIdleTimeoutMs: number;
}

export interface AdminContext {
  readonly database: Database;
  readonly clock: Clock;
  readonly timezone: string;
  /** Directory of the built web pages (`admin/index.html`, `admin/login.html` inside). */
  readonly webDir: string;
  readonly tuning: AdminTuning;
  /** Password checks, behind the all-networks attempt budget and a bounded queue. */
  readonly login: LoginGuard;
  /** The admin team: accounts, their 2FA recovery codes, invitations, and who a login is. */
  readonly team: { readonly accounts: AdminAccounts; readonly recoveryCodes: RecoveryCodes; readonly invitations: Invitations; readonly login: AccountLogin };
  /** Browsers that logged in before (past the budget); none without a secret key to sign them. */
  readonly devices: DeviceCookies | undefined;
  readonly sessions: SessionStore;
  readonly audit: AuditLog;
  readonly stats: StatsQuery;
  readonly rooms: RoomsQuery;
  /** The safety loop: decisions and sanctions go through it (it tells every instance). */
  readonly moderation: ModerationService;
  /** The content policy the back office reads and replaces. */
  readonly policy: PolicyService;
  /** A client address as the back office keeps it: its network's HMAC. */
  readonly clientKeyOf: (ip: string) => string;
  /** The per-network login limit's key, and the giving back of attempts that proved not to be guesses. */
  readonly loginLimit: LoginLimit;
  /** Reads of reports and sanctions (writes go through `moderation`). */
  readonly reports: ReportRepository;
  readonly sanctions: SanctionRepository;
  readonly reportsQuery: ReportsQuery;
}
