/**
 * The limit on 2FA codes tried per account spends only wrong codes: an admin logging in again and again
 * with right codes (the app's or recovery codes) is never refused, while wrong codes are limited as
 * before — ten in the window, then every code is refused unchecked — even when sent all at once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttemptCounts } from '../../src/admin/auth/login-limit-store.js';
import { CODE_ATTEMPTS_MAX, CODE_ATTEMPTS_WINDOW_MS } from '../../src/admin/team/account-login.js';
import { RecoveryCodes } from '../../src/admin/team/recovery-codes.js';
import { ManualClock } from '../helpers/clock.js';
import { silentLogger } from '../helpers/database.js';
import { hasRedis, testRedisUrl } from '../helpers/services.js';
import { ENGINES } from './engines.js';
import { startBareAdmin, type BareAdmin } from './helpers.js';
import { join, totpCode } from './team-helpers.js';

describe.each(ENGINES)('2FA code limit (%s)', (engine) => {
  let admin: BareAdmin;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000, loginAllAttemptsMax: 1_000, passwordChecksQueued: 32 } });
  });
  afterAll(async () => admin?.close());

  const password = (name: string) => `${name}-password-long`;
  let addresses = 0;
  /** A login from an address of its own, as the tester's were (no per-address limit in the way). */
  const loginFrom = (name: string, code: string) =>
    admin.fastify.inject({ method: 'POST', url: '/admin/login', remoteAddress: `10.0.${Math.floor(++addresses / 250)}.${addresses % 250}`, payload: { name, password: password(name), code } });

  /** A new moderator with 2FA on, in a window of its own (the set-up's code no longer counted): secret and recovery codes. */
  async function withTwoFactor(name: string): Promise<{ secret: string; codes: string[] }> {
    const cookie = await join(admin.fastify, 'moderator', name);
    const { secret } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    const confirmed = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: password(name) } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    admin.clock.advance(CODE_ATTEMPTS_WINDOW_MS + 1);
    return { secret, codes: (confirmed.json() as { recovery_codes: string[] }).recovery_codes };
  }

  /** The app's code of the next 30-second step (each step's code works once). */
  const nextCode = (secret: string) => {
    admin.clock.advance(30_000);
    return totpCode(secret, admin.clock);
  };
  /** A code of the app five steps ahead: wrong now. */
  const wrongCode = (secret: string) => totpCode(secret, admin.clock, 5);

  it('twelve logins in a row with right codes, the app’s and recovery codes, all succeed; wrong codes still have their ten', async () => {
    const { secret, codes } = await withTwoFactor('kira');
    const answers: number[] = [];
    for (let i = 0; i < 12; i++) {
      const code = i % 2 === 0 ? nextCode(secret) : codes[(i - 1) / 2]!;
      answers.push((await loginFrom('kira', code)).statusCode);
    }
    expect(answers).toEqual(Array(12).fill(200));
    // The successes spent nothing: ten wrong codes are still checked, and the eleventh is refused.
    const wrong: number[] = [];
    for (let i = 0; i < CODE_ATTEMPTS_MAX; i++) wrong.push((await loginFrom('kira', i % 2 === 0 ? wrongCode(secret) : `ZZZZ-ZZZZ-ZZZ${i}`)).statusCode);
    expect(wrong).toEqual(Array(CODE_ATTEMPTS_MAX).fill(400));
    const refused = await loginFrom('kira', codes[6]!);
    expect(refused.statusCode).toBe(429);
  });

  it('ten wrong codes in the window, then the eleventh is refused unchecked, a right one too, until the window ends', async () => {
    const { secret, codes } = await withTwoFactor('lars');
    const answers: number[] = [];
    for (let i = 0; i < CODE_ATTEMPTS_MAX; i++) answers.push((await loginFrom('lars', i % 2 === 0 ? wrongCode(secret) : `ZZZZ-ZZZZ-ZZZ${i}`)).statusCode);
    expect(answers).toEqual(Array(CODE_ATTEMPTS_MAX).fill(400));
    const right = await loginFrom('lars', nextCode(secret));
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ error: 'RATE_LIMITED' });
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect((await loginFrom('lars', codes[0]!)).statusCode).toBe(429);
    // Refused unchecked: the recovery code was not spent, and works once the window has passed.
    admin.clock.advance(CODE_ATTEMPTS_WINDOW_MS + 1);
    expect((await loginFrom('lars', codes[0]!)).statusCode).toBe(200);
  });

  it('guesses sent at once are checked no more than ten times, whatever else is in flight', async () => {
    const { codes } = await withTwoFactor('mona');
    const sent = 15;
    // Every check of a recovery code waits until all the logins are either being checked or answered,
    // so no check finishes (and gives anything back) before the last guess has been counted.
    const gates: (() => void)[] = [];
    const original = RecoveryCodes.prototype.use;
    const spy = vi.spyOn(RecoveryCodes.prototype, 'use').mockImplementation(async function (this: RecoveryCodes, ...args) {
      await new Promise<void>((resolve) => gates.push(resolve));
      return original.apply(this, args);
    });
    try {
      let answered = 0;
      const attempts = Array.from({ length: sent }, (_, i) => loginFrom('mona', i === 7 ? codes[0]! : `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}`));
      const answers = attempts.map((attempt) => attempt.finally(() => answered++));
      await vi.waitFor(() => expect(gates.length + answered).toBe(sent), { timeout: 20_000, interval: 20 });
      for (const release of gates) release();
      const statuses = (await Promise.all(answers)).map((r) => r.statusCode);
      const count = (status: number) => statuses.filter((s) => s === status).length;
      expect(gates.length).toBe(CODE_ATTEMPTS_MAX);
      expect(count(400)).toBeLessThanOrEqual(CODE_ATTEMPTS_MAX);
      expect(count(400) + count(200)).toBe(CODE_ATTEMPTS_MAX);
      expect(count(429)).toBe(sent - CODE_ATTEMPTS_MAX);
    } finally {
      spy.mockRestore();
    }
    // The window is spent on guesses: the next code, right or not, is refused.
    expect((await loginFrom('mona', codes[1]!)).statusCode).toBe(429);
  }, 60_000);
});

describe.skipIf(!hasRedis())('2FA code attempts given back, shared through Redis', () => {
  const redis = hasRedis() ? new Redis(testRedisUrl!) : undefined;
  redis?.on('error', () => undefined);
  afterAll(() => redis?.disconnect());
  const prefix = `test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const counts = () => new AttemptCounts({ clock: new ManualClock(), logger: silentLogger, redis, redisKeyPrefix: prefix, redisTimeoutMs: 1_000 });

  it('an attempt given back on one instance is no longer counted on another; never below zero, never for a window gone', async () => {
    const [one, two] = [counts(), counts()];
    await one.increment('totp:1', 60_000);
    await one.increment('totp:1', 60_000);
    await one.giveBack('totp:1');
    expect((await two.increment('totp:1', 60_000)).current).toBe(2);
    for (let i = 0; i < 3; i++) await two.giveBack('totp:1');
    expect(await redis!.get(`${prefix}totp:1`)).toBe('0');
    await two.giveBack('totp:2');
    expect(await redis!.exists(`${prefix}totp:2`)).toBe(0);
  });
});
