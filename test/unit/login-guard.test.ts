/**
 * The guard before the admin password check: the attempt budget of all networks together, and how many
 * scrypt checks run or wait at once.
 */
import { describe, expect, it } from 'vitest';
import type { PasswordVerifier } from '../../src/admin/auth/admin-password.js';
import { LoginGuard, type LoginGuardOptions } from '../../src/admin/auth/login-guard.js';
import { AttemptCounts } from '../../src/admin/auth/login-limit-store.js';
import { AppError, ErrorCode } from '../../src/errors.js';
import { ManualClock } from '../helpers/clock.js';
import { silentLogger } from '../helpers/database.js';

/** A verifier whose checks finish only when the test says, and which records how many ran at once. */
class HeldVerifier implements Pick<PasswordVerifier, 'verify'> {
  readonly source = 'configured';
  running = 0;
  mostAtOnce = 0;
  private readonly held: (() => void)[] = [];

  async verify(candidate: string): Promise<boolean> {
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    await new Promise<void>((resolve) => this.held.push(resolve));
    this.running--;
    return candidate === 'right';
  }

  /** Lets every check started so far finish. */
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }

  get waiting(): number {
    return this.held.length;
  }
}

/** A guard whose check is `verifier`'s check of a candidate (as a login's password check is). */
function guard(verifier: Pick<PasswordVerifier, 'verify'>, overrides: Partial<LoginGuardOptions> = {}, clock = new ManualClock()) {
  const counts = new AttemptCounts({ clock, logger: silentLogger, redisKeyPrefix: 'test:', redisTimeoutMs: 100 });
  const login = new LoginGuard({ counts, allAttemptsMax: 1_000, allWindowMs: 600_000, checksAtOnce: 1, checksQueued: 16, ...overrides });
  return { verify: (candidate: string, device?: string) => login.verify(() => verifier.verify(candidate), device) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the login guard', () => {
  it('runs one password check at a time, the others waiting their turn in order', async () => {
    const verifier = new HeldVerifier();
    const login = guard(verifier);
    const answers = ['wrong', 'right', 'wrong'].map((candidate) => login.verify(candidate));
    await settle();
    expect(verifier.running).toBe(1);
    for (let i = 0; i < 3; i++) {
      verifier.release();
      await settle();
    }
    expect(await Promise.all(answers)).toEqual([false, true, false]);
    expect(verifier.mostAtOnce).toBe(1);
  });

  it('answers SERVER_BUSY at once, without checking, when the queue is full', async () => {
    const verifier = new HeldVerifier();
    const login = guard(verifier, { checksAtOnce: 1, checksQueued: 2 });
    const admitted = [login.verify('right'), login.verify('wrong'), login.verify('wrong')];
    await settle();
    const busy = await refusal(login.verify('right'));
    expect(busy.code).toBe(ErrorCode.SERVER_BUSY);
    expect(busy.retryAfterMs).toBeGreaterThan(0);
    // The refused one never reached the verifier.
    while (verifier.waiting > 0 || verifier.running > 0) {
      verifier.release();
      await settle();
    }
    expect(await Promise.all(admitted)).toEqual([true, false, false]);
    // Room again once the queue has drained.
    const later = login.verify('right');
    await settle();
    verifier.release();
    expect(await later).toBe(true);
  });

  it('refuses every network once the budget of all of them is spent, even the right password, until the window ends', async () => {
    const clock = new ManualClock();
    const spentAfter: number[] = [];
    const verifier = { source: 'configured' as const, verify: async (candidate: string) => candidate === 'right' };
    const login = guard(verifier, { allAttemptsMax: 3, allWindowMs: 60_000, onBudgetSpent: (ms) => spentAfter.push(ms) }, clock);
    expect(await login.verify('wrong')).toBe(false);
    expect(await login.verify('wrong')).toBe(false);
    expect(await login.verify('right')).toBe(true);
    const limited = await refusal(login.verify('right'));
    expect(limited.code).toBe(ErrorCode.RATE_LIMITED);
    expect(limited.retryAfterMs).toBe(60_000);
    await refusal(login.verify('right'));
    // Told once per window, not once per refusal.
    expect(spentAfter).toEqual([60_000]);
    clock.advance(60_001);
    expect(await login.verify('right')).toBe(true);
  });

  it('counts parallel attempts before any check ends, so a burst cannot all pass the budget', async () => {
    const verifier = new HeldVerifier();
    const login = guard(verifier, { allAttemptsMax: 2, checksQueued: 100 });
    const burst = Array.from({ length: 10 }, () => login.verify('wrong').then(() => 'checked', (e: AppError) => e.code));
    await settle();
    while (verifier.waiting > 0) {
      verifier.release();
      await settle();
    }
    const outcomes = await Promise.all(burst);
    expect(outcomes.filter((o) => o === 'checked')).toHaveLength(2);
    expect(outcomes.filter((o) => o === ErrorCode.RATE_LIMITED)).toHaveLength(8);
  });
});
