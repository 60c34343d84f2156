/**
 * Joining the team and logging in: invitations (single use, expiring, revocable, one account however
 * often the link is sent at once), names unique whatever their case, TOTP 2FA (set up with a confirmed
 * code, asked at login only after the right password, a code used once), password changes, and the
 * operator's reset of the bootstrap owner through ADMIN_PASSWORD.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAdminPassword } from '../../src/admin/auth/admin-password.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { SessionStore } from '../../src/admin/auth/session-store.js';
import { AdminAccounts } from '../../src/admin/team/admin-accounts.js';
import { Invitations } from '../../src/admin/team/invitations.js';
import { silentLogger } from '../helpers/database.js';
import { heldAfterReading } from '../helpers/interleave.js';
import { ENGINES } from './engines.js';
import { injectLogin, sessionCookie, startBareAdmin, stubWebDir, type BareAdmin } from './helpers.js';
import { accept, invite, join, login, totpCode } from './team-helpers.js';

describe.each(ENGINES)('admin team login (%s)', (engine) => {
  let admin: BareAdmin;
  let owner: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000 } });
    owner = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const me = (cookie: string) => admin.fastify.inject({ url: '/admin/api/me', headers: { cookie } });

  it('an invitation makes one account, logged in, with the invited role; used, it is gone', async () => {
    const { token } = await invite(admin.fastify, owner, 'moderator');
    const joined = await accept(admin.fastify, token, 'alice');
    expect(joined.statusCode, joined.body).toBe(200);
    expect((await me(sessionCookie(joined))).json()).toMatchObject({ name: 'alice', role: 'moderator' });
    const again = await accept(admin.fastify, token, 'alice2');
    expect(again.statusCode).toBe(404);
    expect(again.json().error).toBe('NOT_FOUND');
    expect((await login(admin.fastify, { name: 'Alice', password: 'alice-password-long' })).statusCode).toBe(200);
  });

  it('a link can be checked before its page asks for anything: its role while open, 404 once used', async () => {
    const { token } = await invite(admin.fastify, owner, 'moderator');
    const check = () => admin.fastify.inject({ method: 'POST', url: '/admin/invitations/check', payload: { token } });
    const open = await check();
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ ok: true, role: 'moderator' });
    expect((await accept(admin.fastify, token, 'nora')).statusCode).toBe(200);
    expect((await check()).statusCode).toBe(404);
    const made = await admin.fastify.inject({ method: 'POST', url: '/admin/invitations/check', payload: { token: 'made-up' } });
    expect(made.statusCode).toBe(404);
  });

  it('the same link sent several times at once makes exactly one account', async () => {
    const { token } = await invite(admin.fastify, owner, 'viewer');
    const answers = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => accept(admin.fastify, token, name)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 404, 404, 404]);
    const made = await admin.database.query<{ n: number }>("SELECT count(*)::int AS n FROM admin_accounts WHERE name IN ('r1', 'r2', 'r3', 'r4')");
    expect(made[0]!.n).toBe(1);
  });

  it('two accepts of one invitation whose transactions overlap (held after reading it) make one account', async () => {
    // The window between reading the invitation and marking it used is made wide: each transaction waits
    // there until both have read it (PGlite runs one transaction at a time, so there it simply serializes).
    const { token } = await invite(admin.fastify, owner, 'viewer');
    const slow = heldAfterReading(admin.database, /FROM admin_invitations WHERE token_hash/);
    const accounts = new AdminAccounts(slow, admin.clock);
    const invitations = new Invitations(slow, accounts, admin.clock);
    const hash = await hashPassword('a-password-long-enough');
    const outcomes = await Promise.allSettled([invitations.accept(token, { name: 'race1', passwordHash: hash }), invitations.accept(token, { name: 'race2', passwordHash: hash })]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const made = await admin.database.query<{ n: number }>("SELECT count(*)::int AS n FROM admin_accounts WHERE name IN ('race1', 'race2')");
    expect(made[0]!.n).toBe(1);
  });

  it('a taken name (whatever its case) is refused and leaves the invitation usable', async () => {
    await join(admin.fastify, 'viewer', 'zoe');
    const { token } = await invite(admin.fastify, owner, 'viewer');
    const taken = await accept(admin.fastify, token, 'ZOE');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toBe('NAME_TAKEN');
    expect((await accept(admin.fastify, token, 'bob')).statusCode).toBe(200);
  });

  it('a name that reads as a taken one (look-alike letters, full-width forms) is taken; two sent at once, one is made', async () => {
    await join(admin.fastify, 'viewer', 'paul');
    const { token } = await invite(admin.fastify, owner, 'viewer');
    // A Cyrillic а, full-width letters: in the audit log they would read as "paul".
    for (const name of ['p\u0430ul', 'ｐａｕｌ', 'PAUL']) {
      const taken = await accept(admin.fastify, token, name);
      expect(taken.statusCode, name).toBe(409);
      expect(taken.json().error, name).toBe('NAME_TAKEN');
    }
    // Other scripts are mapped only where Unicode lists a real look-alike: these are all different names.
    for (const name of ['保罗', '丁一', '下一', 'Лена', 'Пена']) expect((await accept(admin.fastify, (await invite(admin.fastify, owner, 'viewer')).token, name)).statusCode, name).toBe(200);
    // A capital I reads as l.
    await join(admin.fastify, 'viewer', 'lily');
    expect((await accept(admin.fastify, token, 'Iily')).json().error).toBe('NAME_TAKEN');
  });

  it('two look-alike names whose accounts are made at once (each held after reading the names): one is made', async () => {
    // Each transaction waits after reading the team's names until both have read them, or 300 ms: under
    // the lock new accounts are made under, the second cannot read before the first has committed.
    const [first, second] = [await invite(admin.fastify, owner, 'viewer'), await invite(admin.fastify, owner, 'viewer')];
    const slow = heldAfterReading(admin.database, /SELECT name FROM admin_accounts$/);
    const accounts = new AdminAccounts(slow, admin.clock);
    const invitations = new Invitations(slow, accounts, admin.clock);
    const hash = await hashPassword('a-password-long-enough');
    const outcomes = await Promise.allSettled([
      invitations.accept(first.token, { name: 'vic', passwordHash: hash }),
      invitations.accept(second.token, { name: 'v\u0456c', passwordHash: hash }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('names that mean something else where names are recorded are reserved', async () => {
    const { token } = await invite(admin.fastify, owner, 'viewer');
    // As read, not as typed: a Cyrillic а, a Greek Α, full-width letters.
    for (const name of ['Automatic', 'system', 'ADMIN', '\u0430dmin', '\u0391DMIN', 'ｓｙｓｔｅｍ']) {
      const refused = await accept(admin.fastify, token, name);
      expect(refused.statusCode, name).toBe(400);
      expect(refused.json().message, name).toContain('reserved');
    }
  });

  it('an invitation is worth what its owner is now: one demoted or disabled since cannot bring anyone in', async () => {
    const second = await join(admin.fastify, 'owner', 'ivan');
    const kept = await invite(admin.fastify, second, 'owner');
    const id = ((await me(second)).json() as { id: number }).id;
    expect((await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: owner }, payload: { role: 'viewer' } })).statusCode).toBe(200);
    const refused = await accept(admin.fastify, kept.token, 'ivan2');
    expect(refused.statusCode).toBe(404);
    const [entry] = await admin.database.query<{ detail: Record<string, unknown> }>("SELECT detail FROM admin_audit_log WHERE action = 'team_update' ORDER BY id DESC LIMIT 1");
    expect(entry!.detail).toMatchObject({ name: 'ivan', role: 'viewer', was_role: 'owner', disabled: false, was_disabled: false, invitations_withdrawn: 1 });
    const listed = (await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: owner } })).json().invitations as { id: number }[];
    expect(listed.map((i) => i.id)).not.toContain(kept.id);
    // Promoted again, the invitation made before stays withdrawn.
    await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: owner }, payload: { role: 'owner' } });
    expect((await accept(admin.fastify, kept.token, 'ivan3')).statusCode).toBe(404);
  });

  it('a team change whose audit row cannot be written is not made', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'judy');
    const id = ((await me(cookie)).json() as { id: number }).id;
    await admin.database.query("ALTER TABLE admin_audit_log ADD CONSTRAINT test_no_team_update CHECK (action <> 'team_update') NOT VALID");
    try {
      const failed = await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: owner }, payload: { role: 'owner' } });
      expect(failed.statusCode).toBe(500);
    } finally {
      await admin.database.query('ALTER TABLE admin_audit_log DROP CONSTRAINT test_no_team_update');
    }
    expect((await me(cookie)).json().role).toBe('viewer');
  });

  it('a session is made only with the password hash the login checked (a change meanwhile wins)', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'kim');
    const id = ((await me(cookie)).json() as { id: number }).id;
    const [row] = await admin.database.query<{ password_hash: string }>('SELECT password_hash FROM admin_accounts WHERE id = $1', [id]);
    await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/password', headers: { cookie }, payload: { current: 'kim-password-long', password: 'kim-new-password-long' } });
    const sessions = new SessionStore(admin.database, admin.clock);
    expect(await sessions.create(id, row!.password_hash)).toBeUndefined();
  });

  it('refuses bad names and short passwords, saying why', async () => {
    const { token } = await invite(admin.fastify, owner, 'viewer');
    const spaced = await accept(admin.fastify, token, 'two words');
    expect(spaced.statusCode).toBe(400);
    expect(spaced.json().message).toContain('letters, digits');
    const short = await admin.fastify.inject({ method: 'POST', url: '/admin/invitations/accept', payload: { token, name: 'carol', password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('at least 12');
  });

  it('a revoked or expired invitation no longer works', async () => {
    const revoked = await invite(admin.fastify, owner, 'viewer');
    const listed = await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: owner } });
    expect((listed.json().invitations as { id: number }[]).map((i) => i.id)).toContain(revoked.id);
    expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/invitations/${revoked.id}`, headers: { cookie: owner } })).statusCode).toBe(200);
    expect((await accept(admin.fastify, revoked.token, 'dave')).statusCode).toBe(404);
    const expiring = await invite(admin.fastify, owner, 'viewer');
    admin.clock.advance(7 * 24 * 3600_000);
    owner = await injectLogin(admin.fastify);
    expect((await accept(admin.fastify, expiring.token, 'erin')).statusCode).toBe(404);
  });

  it('2FA: set up with a confirmed code, then asked at login after the right password only; a code works once', async () => {
    const cookie = await join(admin.fastify, 'moderator', 'frank');
    const setup = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } });
    const { secret, uri } = setup.json() as { secret: string; uri: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*frank.*secret=/);
    // Not on until a code of the secret is confirmed.
    expect((await login(admin.fastify, { name: 'frank', password: 'frank-password-long' })).statusCode).toBe(200);
    const wrong = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: '000000' === totpCode(secret, admin.clock) ? '111111' : '000000', password: 'frank-password-long' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('INVALID_TOTP');
    const noPassword = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'not-his-password' } });
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json().error).toBe('CURRENT_PASSWORD_WRONG');
    const confirmed = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'frank-password-long' } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await me(cookie)).json().totp_enabled).toBe(true);

    const wrongPassword = await login(admin.fastify, { name: 'frank', password: 'not-his-password' });
    expect(wrongPassword.json().error).toBe('INVALID_PASSWORD');
    const noCode = await login(admin.fastify, { name: 'frank', password: 'frank-password-long' });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error).toBe('TOTP_REQUIRED');
    // The code confirmed at set-up was spent there; the next step's code logs in, once.
    const sameStep = await login(admin.fastify, { name: 'frank', password: 'frank-password-long', code: totpCode(secret, admin.clock) });
    expect(sameStep.json().error).toBe('INVALID_TOTP');
    admin.clock.advance(30_000);
    const code = totpCode(secret, admin.clock);
    const [first, replay] = await Promise.all([
      login(admin.fastify, { name: 'frank', password: 'frank-password-long', code }),
      login(admin.fastify, { name: 'frank', password: 'frank-password-long', code }),
    ]);
    expect([first.statusCode, replay.statusCode].sort()).toEqual([200, 400]);
    const loggedIn = sessionCookie(first.statusCode === 200 ? first : replay);

    // An owner resets it (a lost phone, perhaps stolen): frank's open sessions end with it (audited with
    // their number), the owner's goes on, and the password alone logs in again.
    const id = (await me(loggedIn)).json().id as number;
    expect((await me(cookie)).statusCode).toBe(200);
    const open = await admin.database.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions WHERE account_id = $1', [id]);
    expect(open[0]!.n).toBeGreaterThanOrEqual(2);
    expect((await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/${id}/totp`, headers: { cookie: owner } })).statusCode).toBe(200);
    expect((await me(loggedIn)).statusCode).toBe(401);
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await me(owner)).statusCode).toBe(200);
    const [audited] = await admin.database.query<{ detail: Record<string, unknown> }>("SELECT detail FROM admin_audit_log WHERE action = 'team_reset_totp' ORDER BY id DESC LIMIT 1");
    expect(audited?.detail).toEqual({ admin_id: id, name: 'frank', sessions_ended: open[0]!.n });
    expect((await login(admin.fastify, { name: 'frank', password: 'frank-password-long' })).statusCode).toBe(200);
  });

  it('2FA codes are limited per account, wherever they are tried (login, turning it off)', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'leo');
    const { secret } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    // One code tried here (the right one).
    await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'leo-password-long' } });
    const wrong = totpCode(secret, admin.clock, 5);
    const answers: number[] = [];
    for (let i = 0; i < 9; i++) answers.push((await login(admin.fastify, { name: 'leo', password: 'leo-password-long', code: wrong })).statusCode);
    expect(answers).toEqual(Array(9).fill(400));
    // The 11th code of the window, tried where 2FA is turned off with the right password: refused unchecked.
    admin.clock.advance(30_000);
    const off = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'leo-password-long' } });
    expect(off.statusCode).toBe(429);
    expect(off.json().message).toContain('2FA codes');
  });

  it('a wrong password typed in My account is limited per account and never spends the budget every network shares', async () => {
    const small = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000, loginAllAttemptsMax: 4 } });
    try {
      const { token } = await invite(small.fastify, await injectLogin(small.fastify), 'viewer');
      const cookie = sessionCookie(await accept(small.fastify, token, 'mia'));
      const answers: number[] = [];
      for (let i = 0; i < 11; i++) {
        // The account's count alone: the session's own (the third wrong one in a row ends it) is set aside
        // here, and checked in recent-password.test.ts.
        await small.database.query('UPDATE admin_sessions SET wrong_passwords = 0');
        const response = await small.fastify.inject({ method: 'POST', url: '/admin/api/me/password', headers: { cookie }, payload: { current: `wrong-${i}`, password: 'mia-new-password-long' } });
        answers.push(response.statusCode);
      }
      expect(answers.slice(0, 10)).toEqual(Array(10).fill(400));
      expect(answers[10]).toBe(429);
      // The budget of 4 logins for every network: 1 spent by the owner's login above, none by the checks.
      for (let i = 0; i < 3; i++) expect((await login(small.fastify, { password: 'wrong-password-x' })).statusCode).toBe(401);
      expect((await login(small.fastify, { password: 'wrong-password-x' })).statusCode).toBe(429);
    } finally {
      await small.close();
    }
  });

  it('turning 2FA off needs a current code and the password', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'gina');
    const { secret } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'gina-password-long' } });
    const again = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } });
    expect(again.statusCode).toBe(409);
    const refused = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'gina-password-long' } });
    expect(refused.json().error).toBe('INVALID_TOTP');
    admin.clock.advance(30_000);
    const noPassword = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'wrong-password-x' } });
    expect(noPassword.json().error).toBe('CURRENT_PASSWORD_WRONG');
    const off = await admin.fastify.inject({ method: 'DELETE', url: '/admin/api/me/totp', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: 'gina-password-long' } });
    expect(off.statusCode, off.body).toBe(200);
    expect((await me(cookie)).json().totp_enabled).toBe(false);
  });

  it('a password change checks the current one and ends the other sessions of that admin only', async () => {
    const here = await join(admin.fastify, 'viewer', 'hana');
    const elsewhere = sessionCookie(await login(admin.fastify, { name: 'hana', password: 'hana-password-long' }));
    const change = (current: string) =>
      admin.fastify.inject({ method: 'POST', url: '/admin/api/me/password', headers: { cookie: here }, payload: { current, password: 'a-brand-new-password' } });
    const wrong = await change('not-the-password');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('CURRENT_PASSWORD_WRONG');
    const same = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/password', headers: { cookie: here }, payload: { current: 'hana-password-long', password: 'hana-password-long' } });
    expect(same.statusCode).toBe(400);
    expect(same.json().message).toContain('must differ');
    expect((await me(elsewhere)).statusCode).toBe(200);
    expect((await change('hana-password-long')).statusCode).toBe(200);
    expect((await me(here)).statusCode).toBe(200);
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await me(owner)).statusCode).toBe(200);
    expect((await login(admin.fastify, { name: 'hana', password: 'hana-password-long' })).statusCode).toBe(401);
    expect((await login(admin.fastify, { name: 'hana', password: 'a-brand-new-password' })).statusCode).toBe(200);
    const bootstrap = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/password', headers: { cookie: owner }, payload: { current: 'x', password: 'a-brand-new-password' } });
    expect(bootstrap.statusCode).toBe(409);
  });

  it('an unknown name answers as a wrong password and is not written to the audit log', async () => {
    const response = await login(admin.fastify, { name: 'nobody-here', password: 'whatever-it-is' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('INVALID_PASSWORD');
    const rows = await admin.database.query<{ admin_name: string | null; detail: unknown }>("SELECT admin_name, detail FROM admin_audit_log WHERE action = 'login_failure' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toEqual({ admin_name: null, detail: { reason: 'password' } });
    expect(JSON.stringify(rows)).not.toContain('nobody-here');
  });

  it('a new ADMIN_PASSWORD gives the operator the bootstrap owner back: 2FA off (its recovery codes gone), enabled, owner', async () => {
    await admin.database.query("UPDATE admin_accounts SET totp_secret = 'JBSWY3DPEHPK3PXP', role = 'viewer', disabled_at = now() WHERE bootstrap");
    await admin.database.query("INSERT INTO admin_recovery_codes (account_id, code_hash, created_at) SELECT id, 'a-hash', now() FROM admin_accounts WHERE bootstrap");
    await resolveAdminPassword({ configuredPassword: 'a new operator password', database: admin.database, dataDir: stubWebDir(), logger: silentLogger });
    const rows = await admin.database.query<{ totp_secret: string | null; role: string; disabled_at: Date | null }>('SELECT totp_secret, role, disabled_at FROM admin_accounts WHERE bootstrap');
    expect(rows).toEqual([{ totp_secret: null, role: 'owner', disabled_at: null }]);
    expect(await admin.database.query('SELECT 1 FROM admin_recovery_codes WHERE account_id IN (SELECT id FROM admin_accounts WHERE bootstrap)')).toEqual([]);
  });
});
