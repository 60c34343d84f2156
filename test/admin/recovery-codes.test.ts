/**
 * 2FA recovery codes: ten shown once when 2FA is turned on, each logging in once in place of the app's
 * code (typed in any case, with or without its dash), counted with the app's codes against guessing,
 * usable to turn 2FA off after a lost phone, made anew with the password and a code, and gone with 2FA.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountLogin } from '../../src/admin/team/account-login.js';
import { RecoveryCodes } from '../../src/admin/team/recovery-codes.js';
import { ENGINES } from './engines.js';
import { ADMIN_PASSWORD, injectLogin, sessionCookie, startBareAdmin, type BareAdmin } from './helpers.js';
import { join, login, totpCode } from './team-helpers.js';

describe.each(ENGINES)('2FA recovery codes (%s)', (engine) => {
  let admin: BareAdmin;
  let owner: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000 } });
    owner = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const me = async (cookie: string) => (await admin.fastify.inject({ url: '/admin/api/me', headers: { cookie } })).json() as { id: number; totp_enabled: boolean; recovery_codes_left: number | null };
  const password = (name: string) => `${name}-password-long`;

  /** A new admin with 2FA on: its cookie, secret and recovery codes. */
  async function withTwoFactor(name: string, role: 'viewer' | 'owner' = 'viewer'): Promise<{ cookie: string; secret: string; codes: string[] }> {
    const cookie = await join(admin.fastify, role, name);
    const { secret } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    const confirmed = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: password(name) } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const { recovery_codes: codes } = confirmed.json() as { recovery_codes: string[] };
    return { cookie, secret, codes };
  }

  const newCodes = (cookie: string, code: string, pass: string) =>
    admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/recovery-codes', headers: { cookie }, payload: { code, password: pass } });
  const stored = async (id: number) =>
    (await admin.database.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_recovery_codes WHERE account_id = $1', [id]))[0]!.n;

  it('turning 2FA on shows ten different codes once; the account counts them', async () => {
    const { cookie, codes } = await withTwoFactor('rita');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await me(cookie)).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    // Only their hashes are kept: the SHA-256 of each code's canonical form, nothing else.
    const rows = await admin.database.query<{ code_hash: string }>('SELECT code_hash FROM admin_recovery_codes WHERE account_id = $1', [(await me(cookie)).id]);
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(rows.map((r) => r.code_hash).sort()).toEqual(codes.map((code) => sha256(code.replace(/-/g, ''))).sort());
  });

  it('a recovery code logs in once, in place of the app’s code, typed in any case with or without its dash; the audit log says so', async () => {
    const { cookie, codes } = await withTwoFactor('sven');
    const typed = codes[0]!.replace(/-/g, ' ').toLowerCase();
    const first = await login(admin.fastify, { name: 'sven', password: password('sven'), code: typed });
    expect(first.statusCode, first.body).toBe(200);
    const again = await login(admin.fastify, { name: 'sven', password: password('sven'), code: codes[0]! });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toBe('INVALID_TOTP');
    expect((await me(sessionCookie(first))).recovery_codes_left).toBe(9);
    // Still 2FA: the password alone is not enough, and a wrong password says nothing about the code.
    expect((await login(admin.fastify, { name: 'sven', password: password('sven') })).json().error).toBe('TOTP_REQUIRED');
    expect((await login(admin.fastify, { name: 'sven', password: 'wrong-password-x', code: codes[1]! })).json().error).toBe('INVALID_PASSWORD');
    expect((await me(cookie)).recovery_codes_left).toBe(9);
    const audit = await admin.database.query<{ detail: unknown }>("SELECT detail FROM admin_audit_log WHERE action = 'login_success' AND admin_name = 'sven'");
    expect(audit.map((row) => (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail))).toEqual([{ recovery_code: true, recovery_codes_left: 9 }]);
  });

  it('one code sent twice at once logs in once; another account’s code logs in nobody', async () => {
    const { codes } = await withTwoFactor('tove');
    const { codes: others } = await withTwoFactor('ulf');
    const [a, b] = await Promise.all([
      login(admin.fastify, { name: 'tove', password: password('tove'), code: codes[2]! }),
      login(admin.fastify, { name: 'tove', password: password('tove'), code: codes[2]! }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 400]);
    const theirs = await login(admin.fastify, { name: 'tove', password: password('tove'), code: others[0]! });
    expect(theirs.json().error).toBe('INVALID_TOTP');
    // Refused for tove, still good for ulf.
    expect((await login(admin.fastify, { name: 'ulf', password: password('ulf'), code: others[0]! })).statusCode).toBe(200);
  });

  it('typed with spaces around its dashes, or full-width as a Chinese input method types it, a code still logs in', async () => {
    const { codes } = await withTwoFactor('petra');
    const spaced = codes[0]!.replace(/-/g, ' - ');
    expect(spaced.length).toBeGreaterThan(16);
    expect((await login(admin.fastify, { name: 'petra', password: password('petra'), code: spaced })).statusCode).toBe(200);
    const fullWidth = [...codes[1]!].map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
    expect((await login(admin.fastify, { name: 'petra', password: password('petra'), code: fullWidth })).statusCode).toBe(200);
  });

  it('a code spent twenty times at once is spent once', async () => {
    const { cookie, codes } = await withTwoFactor('quinn');
    const id = (await me(cookie)).id;
    const store = new RecoveryCodes(admin.database, admin.clock);
    const spent = await Promise.all(Array.from({ length: 20 }, () => store.use(id, codes[0]!)));
    expect(spent.filter(Boolean)).toHaveLength(1);
  });

  it('a tried recovery code is audited as one, and so is what it was spent on', async () => {
    const { cookie, codes } = await withTwoFactor('olga');
    expect((await login(admin.fastify, { name: 'olga', password: password('olga'), code: 'ZZZZ-ZZZZ-ZZZZ' })).statusCode).toBe(400);
    const failed = await admin.database.query<{ detail: unknown }>("SELECT detail FROM admin_audit_log WHERE action = 'login_failure' AND admin_name = 'olga'");
    expect(failed.map((row) => (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail))).toEqual([{ reason: 'totp', second_factor: 'recovery' }]);
    const off = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: codes[0]!, password: password('olga') } });
    expect(off.statusCode, off.body).toBe(200);
    const disabled = await admin.database.query<{ detail: unknown }>("SELECT detail FROM admin_audit_log WHERE action = 'totp_disable' AND admin_name = 'olga'");
    expect(disabled.map((row) => (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail))).toEqual([{ second_factor: 'recovery' }]);
  });

  it('new codes asked while an owner resets the 2FA (after the code was checked) are not made', async () => {
    const { cookie, codes } = await withTwoFactor('nils');
    const id = (await me(cookie)).id;
    const original = AccountLogin.prototype.spendSecondFactor;
    const spy = vi.spyOn(AccountLogin.prototype, 'spendSecondFactor').mockImplementation(async function (this: AccountLogin, account, code) {
      const kind = await original.call(this, account, code);
      // The owner's reset lands between the check of the code and the making of the codes.
      expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/${id}/totp`, headers: { cookie: owner } })).statusCode).toBe(200);
      return kind;
    });
    try {
      const made = await newCodes(cookie, codes[0]!, password('nils'));
      expect(made.statusCode, made.body).toBe(409);
    } finally {
      spy.mockRestore();
    }
    expect(await stored(id)).toBe(0);
    // The reset ended nils's session; logged in again with the password alone, 2FA is off.
    expect(await me(cookie)).toMatchObject({ error: 'UNAUTHORIZED' });
    const again = sessionCookie(await login(admin.fastify, { name: 'nils', password: password('nils') }));
    expect(await me(again)).toMatchObject({ totp_enabled: false, recovery_codes_left: null });
  });

  it('recovery codes count with the app’s codes against guessing: the 11th of the window is refused unchecked', async () => {
    const { codes } = await withTwoFactor('vera');
    // One code tried at set-up; nine made-up recovery codes make ten.
    for (let i = 0; i < 9; i++) {
      const guess = await login(admin.fastify, { name: 'vera', password: password('vera'), code: `ZZZZ-ZZZZ-ZZZ${i}` });
      expect(guess.statusCode).toBe(400);
    }
    const right = await login(admin.fastify, { name: 'vera', password: password('vera'), code: codes[0]! });
    expect(right.statusCode).toBe(429);
    // Not spent by the refusal: it works once the window has passed.
    admin.clock.advance(10 * 60_000 + 1);
    expect((await login(admin.fastify, { name: 'vera', password: password('vera'), code: codes[0]! })).statusCode).toBe(200);
  });

  it('a lost phone: a recovery code and the password turn 2FA off, its codes gone; codes of an earlier 2FA never come back', async () => {
    const { cookie, secret, codes } = await withTwoFactor('wim');
    const id = (await me(cookie)).id;
    const wrongPassword = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: codes[0]!, password: 'wrong-password-x' } });
    expect(wrongPassword.json().error).toBe('CURRENT_PASSWORD_WRONG');
    const off = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: codes[0]!, password: password('wim') } });
    expect(off.statusCode, off.body).toBe(200);
    expect(await me(cookie)).toMatchObject({ totp_enabled: false, recovery_codes_left: null });
    expect(await stored(id)).toBe(0);
    // On again, with the same app: new codes; the old ones are nothing.
    const { secret: again } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    expect(again).not.toBe(secret);
    admin.clock.advance(30_000);
    const confirmed = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(again, admin.clock), password: password('wim') } });
    const fresh = (confirmed.json() as { recovery_codes: string[] }).recovery_codes;
    expect(fresh.some((code) => codes.includes(code))).toBe(false);
    expect((await login(admin.fastify, { name: 'wim', password: password('wim'), code: codes[1]! })).json().error).toBe('INVALID_TOTP');
    expect((await login(admin.fastify, { name: 'wim', password: password('wim'), code: fresh[1]! })).statusCode).toBe(200);
  });

  it('new codes need the password and a code (the app’s or a recovery code); the old ones stop working', async () => {
    const { cookie, secret, codes } = await withTwoFactor('xena');
    expect((await newCodes(cookie, codes[0]!, 'wrong-password-x')).json().error).toBe('CURRENT_PASSWORD_WRONG');
    const badCode = await newCodes(cookie, 'not-a-code', password('xena'));
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error).toBe('INVALID_PAYLOAD');
    admin.clock.advance(30_000);
    const made = await newCodes(cookie, totpCode(secret, admin.clock), password('xena'));
    expect(made.statusCode, made.body).toBe(200);
    expect(made.headers['cache-control']).toBe('no-store');
    const fresh = (made.json() as { recovery_codes: string[] }).recovery_codes;
    expect(fresh).toHaveLength(10);
    expect((await me(cookie)).recovery_codes_left).toBe(10);
    expect((await login(admin.fastify, { name: 'xena', password: password('xena'), code: codes[3]! })).json().error).toBe('INVALID_TOTP');
    // A recovery code makes new ones too (the phone lost, the codes running out); it is spent doing it.
    const byRecovery = await newCodes(cookie, fresh[0]!, password('xena'));
    expect(byRecovery.statusCode, byRecovery.body).toBe(200);
    expect((await newCodes(cookie, fresh[0]!, password('xena'))).json().error).toBe('INVALID_TOTP');
    const audit = await admin.database.query<{ n: number }>("SELECT count(*)::int AS n FROM admin_audit_log WHERE action = 'totp_recovery_codes' AND admin_name = 'xena'");
    expect(audit[0]!.n).toBe(2);
  });

  it('without 2FA there are no codes to make or use', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'yara');
    expect((await me(cookie)).recovery_codes_left).toBeNull();
    const refused = await newCodes(cookie, 'ABCD-EFGH-1234', password('yara'));
    expect(refused.statusCode).toBe(409);
    // A login without 2FA ignores a code, as before.
    expect((await login(admin.fastify, { name: 'yara', password: password('yara'), code: 'ABCD-EFGH-1234' })).statusCode).toBe(200);
  });

  it('an owner cannot reset their own 2FA from the Team list (a session left open would remove it): the Account page asks for a code and the password', async () => {
    const { cookie, codes } = await withTwoFactor('ottilie', 'owner');
    const id = (await me(cookie)).id;
    const own = await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/${id}/totp`, headers: { cookie } });
    expect(own.statusCode, own.body).toBe(409);
    expect(own.json()).toMatchObject({ error: 'CONFLICT' });
    expect(await me(cookie)).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    // The Account page's way still works.
    expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/me/totp`, headers: { cookie }, payload: { code: codes[0]!, password: password('ottilie') } })).statusCode).toBe(200);
  });

  it('an owner’s reset of an admin’s 2FA takes its recovery codes with it', async () => {
    const { cookie, codes } = await withTwoFactor('zeno');
    const id = (await me(cookie)).id;
    // The owner's login is older than ten minutes by now (the clock moved): the password is typed again.
    expect((await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/password-confirmation', headers: { cookie: owner }, payload: { password: ADMIN_PASSWORD } })).statusCode).toBe(200);
    expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/${id}/totp`, headers: { cookie: owner } })).statusCode).toBe(200);
    expect(await stored(id)).toBe(0);
    // The reset ended zeno's session: nothing can be asked with it. Logged in again, there is no 2FA to make codes for.
    expect((await newCodes(cookie, codes[0]!, password('zeno'))).statusCode).toBe(401);
    const again = sessionCookie(await login(admin.fastify, { name: 'zeno', password: password('zeno') }));
    expect((await newCodes(again, codes[0]!, password('zeno'))).statusCode).toBe(409);
  });
});
