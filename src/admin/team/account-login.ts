/**
 * Who is logging in: a name, its password, and a 2FA code when the account has 2FA on. The answers tell
 * nothing to someone without the password: an unknown name costs the same scrypt check as a known one
 * and answers the same `INVALID_PASSWORD`; only after the right password does the answer say that a code
 * is needed (`TOTP_REQUIRED`), that it is wrong (`INVALID_TOTP`) or that the account is disabled. The
 * code may be the app's or one of the account's recovery codes (recovery-codes.ts).
 */
import type { Clock } from '../../clock.js';
import { AppError, ErrorCode } from '../../errors.js';
import type { PasswordVerifier } from '../auth/admin-password.js';
import type { LoginGuard } from '../auth/login-guard.js';
import type { AttemptCounts } from '../auth/login-limit-store.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { AdminAccount, AdminAccounts } from './admin-accounts.js';
import { looksLikeRecoveryCode, type RecoveryCodes } from './recovery-codes.js';
import { totpStep } from './totp.js';

/**
 * Wrong 2FA codes tried per account per window, wherever they come from (login, set-up, turning it off,
 * new recovery codes), recovery codes included: an app's code is one of a million, so guessing needs
 * hundreds of thousands of tries, and this allows 10 in 10 minutes, across instances in cluster mode.
 * A right code of an account with 2FA on is given back (`AccountLogin.tryCode`), so an admin who logs in
 * often is never refused; the set-up's confirming code (routes-team.ts) is still counted, right or wrong.
 */
export const CODE_ATTEMPTS_MAX = 10;
export const CODE_ATTEMPTS_WINDOW_MS = 10 * 60_000;

/** Where an account's 2FA codes tried are counted. */
const codeAttemptsKey = (accountId: number) => `totp:${accountId}`;

/** The bootstrap owner's name: a login without a name is theirs (as before the team existed). */
export const BOOTSTRAP_NAME = 'admin';

/** What answers a code that is wrong, or was used already: an app's, or a recovery code. */
export function wrongCode(code: string): string {
  return looksLikeRecoveryCode(code)
    ? 'The recovery code is wrong or was already used: each works once'
    : 'The code is wrong or was already used: a code works once, wait for the next one';
}

/** Which kind of second factor a code is, by its form. */
export function secondFactorKind(code: string): 'totp' | 'recovery' {
  return looksLikeRecoveryCode(code) ? 'recovery' : 'totp';
}

/** A login that passed: the account, and what its second factor was (`none` without 2FA). */
export interface LoggedIn {
  readonly account: AdminAccount;
  readonly secondFactor: 'none' | 'totp' | 'recovery';
}

/** Why a login was refused, for the audit log (never the password). */
export class LoginRefused extends AppError {
  constructor(
    code: ErrorCode,
    readonly reason: 'password' | 'disabled' | 'totp_required' | 'totp',
    readonly account: AdminAccount | undefined,
    detail: string,
    /** For a refused code: which kind it was (the audit log tells a tried recovery code apart). */
    readonly secondFactor?: 'totp' | 'recovery',
  ) {
    super(code, { detail });
  }
}

export class AccountLogin {
  /** A hash no password matches in practice: checked for unknown names, so they take as long. */
  private readonly decoy: Promise<string>;

  constructor(
    private readonly deps: {
      accounts: AdminAccounts;
      recoveryCodes: Pick<RecoveryCodes, 'use'>;
      guard: LoginGuard;
      bootstrapPassword: Pick<PasswordVerifier, 'verify'>;
      clock: Clock;
      /** Where 2FA code attempts are counted (the login limits' counts: Redis in cluster mode). */
      codeAttempts: AttemptCounts;
    },
  ) {
    this.decoy = hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  }

  /**
   * The account logging in and what its second factor was, or a `LoginRefused` (RATE_LIMITED /
   * SERVER_BUSY from the guard as they come).
   */
  async login(attempt: { name?: string | undefined; password: string; code?: string | undefined }, device: string | undefined): Promise<LoggedIn> {
    const name = attempt.name?.trim() || BOOTSTRAP_NAME;
    const account = await this.deps.accounts.byName(name);
    const right = await this.deps.guard.verify(() => this.checkPassword(account, attempt.password), device);
    if (!account || !right) throw new LoginRefused(ErrorCode.INVALID_PASSWORD, 'password', account, 'Wrong name or password');
    if (account.disabledAt !== null) throw new LoginRefused(ErrorCode.ACCOUNT_DISABLED, 'disabled', account, 'This admin account is disabled: ask an owner');
    if (account.totpSecret === null) return { account, secondFactor: 'none' };
    const code = attempt.code?.trim();
    if (!code) throw new LoginRefused(ErrorCode.TOTP_REQUIRED, 'totp_required', account, 'Enter the 6-digit code from your authenticator app, or a recovery code');
    const secondFactor = await this.spendSecondFactor(account, code);
    if (secondFactor === undefined) throw new LoginRefused(ErrorCode.INVALID_TOTP, 'totp', account, wrongCode(code), secondFactorKind(code));
    return { account, secondFactor };
  }

  /**
   * Checks and spends a second factor of an account with 2FA on: a code of its app (its step then used)
   * or one of its recovery codes (then used). Tried as a code (`tryCode`): only a wrong one spends the
   * budget. Which it was, or undefined when it is neither, or was used already.
   */
  async spendSecondFactor(account: AdminAccount, code: string): Promise<'totp' | 'recovery' | undefined> {
    return this.tryCode(account.id, async () => {
      if (account.totpSecret === null) return undefined;
      if (looksLikeRecoveryCode(code)) return (await this.deps.recoveryCodes.use(account.id, code)) ? 'recovery' : undefined;
      const step = totpStep(account.totpSecret, code, this.deps.clock.now().getTime());
      return step !== undefined && (await this.deps.accounts.useTotpStep(account.id, step)) ? 'totp' : undefined;
    });
  }

  /**
   * Runs `check` of a 2FA code as one code tried for an account, so that only wrong codes use up the
   * limit: an attempt is counted before the check (`RATE_LIMITED`, unchecked, past the limit) and given
   * back when the check answers something. Counting first keeps guesses sent at once bounded: each takes
   * its place in the count before it is checked, so a guess is checked only while fewer than
   * `CODE_ATTEMPTS_MAX` others are counted (the wrong ones stay counted) — counting only failures, after
   * the check, would let every guess sent together through a count read before any of them failed.
   * A check that throws keeps its attempt counted.
   */
  async tryCode<T>(accountId: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
    await this.spendCodeAttempt(accountId);
    const result = await check();
    if (result !== undefined) await this.deps.codeAttempts.giveBack(codeAttemptsKey(accountId));
    return result;
  }

  /** Counts one 2FA code tried for an account; past `CODE_ATTEMPTS_MAX` in the window, `RATE_LIMITED`. */
  async spendCodeAttempt(accountId: number): Promise<void> {
    const spent = await this.deps.codeAttempts.increment(codeAttemptsKey(accountId), CODE_ATTEMPTS_WINDOW_MS);
    if (spent.current > CODE_ATTEMPTS_MAX) {
      throw new AppError(ErrorCode.RATE_LIMITED, { detail: 'Too many 2FA codes tried for this account; retry later', retryAfterMs: spent.ttl });
    }
  }

  /**
   * A logged-in admin's password, asked again before a change of how they log in (2FA, password) or of
   * the team: limited per account like codes (`password:<id>`), checked in the login's queue, and never
   * spending the budget every network shares — a viewer typing wrong passwords here cannot lock the team
   * out. Counted before the check and given back when right (as `tryCode`): an owner confirming it
   * often is never refused, while wrong ones, sent together or not, stay bounded.
   */
  async recheck(account: AdminAccount, password: string): Promise<boolean> {
    const key = `password:${account.id}`;
    const spent = await this.deps.codeAttempts.increment(key, CODE_ATTEMPTS_WINDOW_MS);
    if (spent.current > CODE_ATTEMPTS_MAX) {
      throw new AppError(ErrorCode.RATE_LIMITED, { detail: 'Too many password checks for this account; retry later', retryAfterMs: spent.ttl });
    }
    const right = await this.deps.guard.queued(() => this.checkPassword(account, password));
    if (right) await this.deps.codeAttempts.giveBack(key);
    return right;
  }

  /** Checks an account's password (for a password change): the bootstrap owner's is the configured one. */
  async checkPassword(account: AdminAccount | undefined, password: string): Promise<boolean> {
    if (!account) {
      await verifyPassword(password, await this.decoy);
      return false;
    }
    if (account.bootstrap) return this.deps.bootstrapPassword.verify(password);
    return account.passwordHash !== null && verifyPassword(password, account.passwordHash);
  }
}
