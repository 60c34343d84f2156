/**
 * The team's changes, erasures and the content policy's replacement ask for the password again when the
 * session's last proof of it is older than ten minutes (src/admin/auth/recent-password.ts): an owner's
 * session left open on an unattended screen cannot invite a new owner, change a role, reset someone's 2FA,
 * erase conversations or replace the policy until the password is typed again
 * (`POST /admin/api/me/password-confirmation`), which counts for that session only, for ten minutes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_POLICY } from '../../src/admin/auth/session-store.js';
import { ENGINES } from './engines.js';
import { ADMIN_PASSWORD, injectLogin, sessionCookie, startBareAdmin, type BareAdmin } from './helpers.js';
import { newUserId, seedConversation } from './safety-helpers.js';
import { join, login } from './team-helpers.js';

const RECENT_MS = DEFAULT_SESSION_POLICY.recentPasswordMs;
/** Past the window, well inside the idle timeout (30 min): the session is alive, its password not recent. */
const PAST_WINDOW_MS = RECENT_MS + 1_000;

describe.each(ENGINES)('a recent password for the team changes (%s)', (engine) => {
  let admin: BareAdmin;
  let owner: string;
  let viewerId: number;

  beforeAll(async () => {
    expect(RECENT_MS).toBe(10 * 60_000);
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000 } });
    await join(admin.fastify, 'viewer', 'vera');
    const [row] = await admin.database.query<{ id: number }>("SELECT id FROM admin_accounts WHERE name = 'vera'");
    viewerId = row!.id;
  });
  afterAll(async () => admin?.close());
  beforeEach(async () => {
    // Each test from a fresh login; the counts of password checks left by another test do not carry over.
    admin.clock.advance(CODE_WINDOW_MS);
    owner = await injectLogin(admin.fastify);
  });

  const CODE_WINDOW_MS = 11 * 60_000;
  const send = (cookie: string, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    admin.fastify.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  const invite = (cookie: string, role = 'owner') => send(cookie, 'POST', '/admin/api/team/invitations', { role });
  const confirm = (cookie: string, password = ADMIN_PASSWORD) => send(cookie, 'POST', '/admin/api/me/password-confirmation', { password });
  /** Keeps the session alive (a read every 5 minutes) while time passes, as an admin's open page would. */
  const idle = async (cookie: string, ms: number) => {
    for (let left = ms; left > 0; left -= 5 * 60_000) {
      admin.clock.advance(Math.min(left, 5 * 60_000));
      const alive = await admin.fastify.inject({ method: 'GET', url: '/admin/api/me', headers: { cookie } });
      expect(alive.statusCode, alive.body).toBe(200);
    }
  };
  const auditOf = (action: string) =>
    admin.database.query<{ admin_name: string | null; detail: Record<string, unknown> | null }>('SELECT admin_name, detail FROM admin_audit_log WHERE action = $1 ORDER BY id', [action]);

  it('a login is a recent password: the team changes go through for ten minutes after it', async () => {
    expect((await invite(owner)).statusCode).toBe(201);
    await idle(owner, RECENT_MS - 60_000);
    expect((await invite(owner, 'viewer')).statusCode).toBe(201);
  });

  it('an owner session idle past ten minutes can neither invite, change a role or a state, nor reset 2FA, and nothing is changed', async () => {
    const open = await invite(owner, 'viewer');
    await idle(owner, PAST_WINDOW_MS);
    const invitesBefore = (await auditOf('team_invite')).length;
    const refused = [
      await invite(owner),
      await send(owner, 'PATCH', `/admin/api/team/${viewerId}`, { role: 'owner' }),
      await send(owner, 'PATCH', `/admin/api/team/${viewerId}`, { disabled: true }),
      await send(owner, 'DELETE', `/admin/api/team/${viewerId}/totp`),
    ];
    for (const response of refused) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error).toBe('PASSWORD_CONFIRMATION_REQUIRED');
    }
    const [vera] = await admin.database.query<{ role: string; disabled_at: Date | null }>('SELECT role, disabled_at FROM admin_accounts WHERE id = $1', [viewerId]);
    expect(vera).toEqual({ role: 'viewer', disabled_at: null });
    expect((await auditOf('team_invite')).length).toBe(invitesBefore);
    // What protects or only reads still works without it: the list, revoking an invitation.
    expect((await admin.fastify.inject({ method: 'GET', url: '/admin/api/team', headers: { cookie: owner } })).statusCode).toBe(200);
    expect((await send(owner, 'DELETE', `/admin/api/team/invitations/${open.json().id}`)).statusCode).toBe(200);
  });

  it('erasures and replacing the content policy ask too (they cannot be undone, or turn every protection off), and nothing is erased or replaced', async () => {
    const [a, b] = [newUserId('rpa'), newUserId('rpb')];
    const room = await seedConversation(admin, a, b, [[a, 'kept'], [b, 'also kept']]);
    await admin.repository.endRoom(room.roomId, 'left', admin.clock.now());
    const policyBefore = await admin.fastify.inject({ url: '/admin/api/policy', headers: { cookie: owner } });
    await idle(owner, PAST_WINDOW_MS);
    const refused = [
      await send(owner, 'DELETE', `/admin/api/rooms/${room.roomId}`, { reason: 'asked' }),
      await send(owner, 'DELETE', `/admin/api/users/${a}/rooms`, { reason: 'asked' }),
      await send(owner, 'PUT', '/admin/api/policy', { links: 'allow', terms: [] }),
    ];
    for (const response of refused) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error).toBe('PASSWORD_CONFIRMATION_REQUIRED');
    }
    const contents = async () => (await admin.database.query<{ content: string }>('SELECT content FROM messages WHERE room_id = $1 ORDER BY id', [room.roomId])).map((r) => r.content);
    expect(await contents()).toEqual(['kept', 'also kept']);
    const policyAfter = await admin.fastify.inject({ url: '/admin/api/policy', headers: { cookie: owner } });
    expect(policyAfter.json()).toEqual(policyBefore.json());
    expect(policyAfter.headers['etag']).toBe(policyBefore.headers['etag']);

    expect((await confirm(owner)).statusCode).toBe(200);
    const erased = await send(owner, 'DELETE', `/admin/api/rooms/${room.roomId}`, { reason: 'asked' });
    expect(erased.statusCode, erased.body).toBe(200);
    expect(await contents()).toEqual(['', '']);
    const saved = await send(owner, 'PUT', '/admin/api/policy', policyBefore.json());
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('the password typed again lets the change through, for ten more minutes, and is audited', async () => {
    await idle(owner, PAST_WINDOW_MS);
    expect((await invite(owner)).statusCode).toBe(403);
    const confirmed = await confirm(owner);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await invite(owner)).statusCode).toBe(201);
    const changed = await send(owner, 'PATCH', `/admin/api/team/${viewerId}`, { role: 'moderator' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().role).toBe('moderator');
    expect((await send(owner, 'PATCH', `/admin/api/team/${viewerId}`, { role: 'viewer' })).statusCode).toBe(200);
    expect((await auditOf('password_confirm')).at(-1)).toEqual({ admin_name: 'admin', detail: {} });

    await idle(owner, PAST_WINDOW_MS);
    expect((await invite(owner)).json().error).toBe('PASSWORD_CONFIRMATION_REQUIRED');
  });

  it('a wrong password is refused (400 CURRENT_PASSWORD_WRONG), audited, and lets nothing through', async () => {
    await idle(owner, PAST_WINDOW_MS);
    const wrong = await confirm(owner, 'not the password');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe('CURRENT_PASSWORD_WRONG');
    expect((await auditOf('password_confirm')).at(-1)).toEqual({ admin_name: 'admin', detail: { wrong_password: true } });
    expect((await invite(owner)).statusCode).toBe(403);
    // The session is not ended by it: the admin may type it again.
    expect((await confirm(owner)).statusCode).toBe(200);
    expect((await invite(owner)).statusCode).toBe(201);
  });

  /** Ten wrong passwords for the account, two per session (a third in a row would end it): five fresh logins. */
  const tenWrong = async () => {
    for (let session = 0; session < 5; session++) {
      const cookie = await injectLogin(admin.fastify);
      for (let i = 0; i < 2; i++) expect((await confirm(cookie, `wrong-${session}-${i}`)).statusCode).toBe(400);
    }
  };

  it('password checks are limited per account: the 11th in ten minutes is refused unchecked (429), the right one too', async () => {
    await idle(owner, PAST_WINDOW_MS);
    await tenWrong();
    const limited = await confirm(owner);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('RATE_LIMITED');
    expect((await invite(owner)).statusCode).toBe(403);
  });

  it('a right password is given back: an owner confirming it often is never refused, wrong ones are still limited', async () => {
    await idle(owner, PAST_WINDOW_MS);
    for (let i = 0; i < 12; i++) expect((await confirm(owner)).statusCode, `confirmation ${i + 1}`).toBe(200);
    await tenWrong();
    expect((await confirm(owner, 'wrong-again')).statusCode).toBe(429);
  });

  it('the third wrong password in a row ends the session (401, audited): a stolen cookie cannot spend the owner\'s checks', async () => {
    const name = `s${Date.now() % 100_000}`;
    const stolen = await join(admin.fastify, 'owner', name);
    const own = sessionCookie(await login(admin.fastify, { name, password: `${name}-password-long` }));
    await idle(stolen, PAST_WINDOW_MS);
    await idle(own, 0);
    expect((await confirm(stolen, 'guess-1')).statusCode).toBe(400);
    // Counted across the routes that ask for it: a wrong current password on a password change is one.
    const change = await send(stolen, 'POST', '/admin/api/me/password', { current: 'guess-2', password: 'a-new-long-password' });
    expect(change.json().error).toBe('CURRENT_PASSWORD_WRONG');
    const third = await confirm(stolen, 'guess-3');
    expect(third.statusCode).toBe(401);
    expect(third.json().error).toBe('SESSION_ENDED_WRONG_PASSWORDS');
    expect((await admin.fastify.inject({ url: '/admin/api/me', headers: { cookie: stolen } })).statusCode).toBe(401);
    expect((await auditOf('session_end')).at(-1)).toEqual({ admin_name: name, detail: { wrong_passwords: 3 } });
    // The owner's own session goes on, and the account's checks left (10 − 3) let the owner confirm.
    expect((await confirm(own, `${name}-password-long`)).statusCode).toBe(200);
    expect((await invite(own, 'viewer')).statusCode).toBe(201);
  });

  it('a right password between wrong ones starts the session\'s count again', async () => {
    await idle(owner, PAST_WINDOW_MS);
    for (let round = 0; round < 2; round++) {
      expect((await confirm(owner, 'typo-1')).statusCode).toBe(400);
      expect((await confirm(owner, 'typo-2')).statusCode).toBe(400);
      expect((await confirm(owner)).statusCode).toBe(200);
    }
    expect((await invite(owner)).statusCode).toBe(201);
  });

  it('wrong passwords sent at once: at most three are checked, the session ends, and the owner can still confirm', async () => {
    const name = `b${Date.now() % 100_000}`;
    const stolen = await join(admin.fastify, 'owner', name);
    const own = sessionCookie(await login(admin.fastify, { name, password: `${name}-password-long` }));
    const wrongBefore = (await auditOf('password_confirm')).filter((e) => e.admin_name === name && e.detail?.['wrong_password'] === true).length;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => confirm(stolen, `burst-${i}`)));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200)).toEqual([]);
    expect(codes.filter((c) => c !== 400 && c !== 401)).toEqual([]);
    // Exactly three were checked (each audited as wrong); the rest were refused unchecked.
    const wrongAfter = (await auditOf('password_confirm')).filter((e) => e.admin_name === name && e.detail?.['wrong_password'] === true).length;
    expect(wrongAfter - wrongBefore).toBe(3);
    expect((await auditOf('session_end')).filter((e) => e.admin_name === name)).toHaveLength(1);
    expect((await admin.fastify.inject({ url: '/admin/api/me', headers: { cookie: stolen } })).statusCode).toBe(401);
    // Seven of the account's ten checks are left: the owner's own session confirms.
    expect((await confirm(own, `${name}-password-long`)).statusCode).toBe(200);
  });

  it('a right password on a 2FA change starts the count again too, and a check refused unchecked (429) is not counted against the session', async () => {
    const name = `t${Date.now() % 100_000}`;
    const cookie = await join(admin.fastify, 'owner', name);
    // Its one session so far: the one whose count is read.
    const [mine] = await admin.database.query<{ token_hash: string }>('SELECT token_hash FROM admin_sessions WHERE account_id = (SELECT id FROM admin_accounts WHERE name = $1)', [name]);
    const countOf = async () => (await admin.database.query<{ n: number }>('SELECT wrong_passwords AS n FROM admin_sessions WHERE token_hash = $1', [mine!.token_hash]))[0]?.n;
    expect((await confirm(cookie, 'typo-1')).statusCode).toBe(400);
    expect((await confirm(cookie, 'typo-2')).statusCode).toBe(400);
    expect(await countOf()).toBe(2);
    // The right password with a wrong code (2FA set-up): the password was right, so the count starts again.
    await send(cookie, 'POST', '/admin/api/me/totp');
    const setUp = await send(cookie, 'POST', '/admin/api/me/totp/confirm', { code: '000000', password: `${name}-password-long` });
    expect(setUp.json().error).toBe('INVALID_TOTP');
    expect(await countOf()).toBe(0);
    // The account's checks spent from other sessions: this one's next check is refused unchecked, and not held against it.
    for (let s = 0; s < 5; s++) {
      const other = sessionCookie(await login(admin.fastify, { name, password: `${name}-password-long` }));
      for (let i = 0; i < 2; i++) await confirm(other, `spent-${s}-${i}`);
    }
    for (let i = 0; i < 4; i++) expect((await confirm(cookie, `late-${i}`)).statusCode).toBe(429);
    expect(await countOf()).toBe(0);
  });

  it("one session's confirmation is not another's: a second open session of the same owner still asks", async () => {
    const other = await injectLogin(admin.fastify);
    await idle(owner, PAST_WINDOW_MS);
    await idle(other, 0);
    expect((await confirm(owner)).statusCode).toBe(200);
    expect((await invite(owner)).statusCode).toBe(201);
    const refused = await invite(other);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('PASSWORD_CONFIRMATION_REQUIRED');
  });

  it('the role is checked first: a viewer gets FORBIDDEN, and may confirm its own password (nothing more follows)', async () => {
    const name = `v${Date.now() % 100_000}`;
    const viewer = await join(admin.fastify, 'viewer', name);
    await idle(viewer, PAST_WINDOW_MS);
    expect((await invite(viewer)).json().error).toBe('FORBIDDEN');
    expect((await confirm(viewer, 'not the password')).statusCode).toBe(400);
    expect((await confirm(viewer, `${name}-password-long`)).statusCode).toBe(200);
    expect((await invite(viewer)).json().error).toBe('FORBIDDEN');
  });

  it('an invited owner (a password of its own, not ADMIN_PASSWORD) confirms with that password', async () => {
    const name = `o${Date.now() % 100_000}`;
    const second = await join(admin.fastify, 'owner', name);
    await idle(second, PAST_WINDOW_MS);
    expect((await confirm(second, ADMIN_PASSWORD)).statusCode).toBe(400);
    expect((await confirm(second, `${name}-password-long`)).statusCode).toBe(200);
    expect((await invite(second, 'viewer')).statusCode).toBe(201);
  });

  it("an admin's own password change is a recent password: a team change right after does not ask", async () => {
    const name = `p${Date.now() % 100_000}`;
    const second = await join(admin.fastify, 'owner', name);
    await idle(second, PAST_WINDOW_MS);
    expect((await invite(second, 'viewer')).statusCode).toBe(403);
    const changed = await send(second, 'POST', '/admin/api/me/password', { current: `${name}-password-long`, password: `${name}-new-password-long` });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await invite(second, 'viewer')).statusCode).toBe(201);
  });

  it('a session from before the column (password_at null) counts its login as the proof', async () => {
    await admin.database.query('UPDATE admin_sessions SET password_at = NULL');
    expect((await invite(owner)).statusCode).toBe(201);
    await idle(owner, PAST_WINDOW_MS);
    expect((await invite(owner)).statusCode).toBe(403);
  });

  it('an ended session cannot confirm (401 UNAUTHORIZED)', async () => {
    await send(owner, 'POST', '/admin/logout');
    const after = await confirm(owner);
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toBe('UNAUTHORIZED');
  });
});
