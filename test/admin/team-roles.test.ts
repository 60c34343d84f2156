/**
 * Roles checked on every admin route: what a viewer, a moderator and an owner may do, disabling an admin,
 * and the team never losing its last owner (also when two owners demote each other at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionOfRoute } from '../../src/admin/team/roles.js';
import { ENGINES } from './engines.js';
import { injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { newUserId, seedConversation } from './safety-helpers.js';
import { join, login, type Role } from './team-helpers.js';

type Permission = 'read' | 'moderate' | 'manage';
/** Every route behind the session check, with the permission it needs. */
const ROUTES: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: object; needs: Permission }[] = [
  { method: 'GET', url: '/admin/api/stats', needs: 'read' },
  { method: 'GET', url: '/admin/api/rooms', needs: 'read' },
  { method: 'GET', url: '/admin/api/rooms/1', needs: 'read' },
  { method: 'GET', url: '/admin/api/reports', needs: 'read' },
  { method: 'GET', url: '/admin/api/reports/1', needs: 'read' },
  { method: 'GET', url: '/admin/api/sanctions', needs: 'read' },
  { method: 'GET', url: '/admin/api/policy', needs: 'read' },
  { method: 'GET', url: '/admin/api/me', needs: 'read' },
  { method: 'POST', url: '/admin/api/me/totp', needs: 'read' },
  { method: 'POST', url: '/admin/api/me/totp/confirm', payload: { code: '123456', password: 'x' }, needs: 'read' },
  { method: 'DELETE', url: '/admin/api/me/totp', payload: { code: '123456', password: 'x' }, needs: 'read' },
  { method: 'POST', url: '/admin/api/me/totp/recovery-codes', payload: { code: 'ABCD-EFGH-1234', password: 'x' }, needs: 'read' },
  { method: 'POST', url: '/admin/api/me/password', payload: { current: 'x', password: 'a-long-enough-password' }, needs: 'read' },
  { method: 'POST', url: '/admin/api/me/password-confirmation', payload: { password: 'x' }, needs: 'read' },
  { method: 'POST', url: '/admin/api/reports/1/resolve', payload: { action: 'dismiss' }, needs: 'moderate' },
  { method: 'POST', url: '/admin/api/sanctions', payload: { user_id: 'nobody', kind: 'warning', scope: 'identity', reason: 'x' }, needs: 'moderate' },
  { method: 'DELETE', url: '/admin/api/sanctions/1', needs: 'moderate' },
  { method: 'PUT', url: '/admin/api/policy', payload: { terms: [], links: 'allow' }, needs: 'manage' },
  { method: 'DELETE', url: '/admin/api/rooms/1', payload: { reason: 'test' }, needs: 'manage' },
  { method: 'DELETE', url: '/admin/api/users/u1/rooms', payload: { reason: 'test' }, needs: 'manage' },
  { method: 'GET', url: '/admin/export.csv', needs: 'manage' },
  { method: 'GET', url: '/admin/export.json', needs: 'manage' },
  { method: 'GET', url: '/admin/api/audit', needs: 'manage' },
  { method: 'GET', url: '/admin/api/team', needs: 'manage' },
  { method: 'POST', url: '/admin/api/team/invitations', payload: { role: 'viewer' }, needs: 'manage' },
  { method: 'DELETE', url: '/admin/api/team/invitations/999', needs: 'manage' },
  { method: 'PATCH', url: '/admin/api/team/999', payload: { role: 'viewer' }, needs: 'manage' },
  { method: 'DELETE', url: '/admin/api/team/999/totp', needs: 'manage' },
];
const ALLOWED: Record<Role, Permission[]> = { owner: ['read', 'moderate', 'manage'], moderator: ['read', 'moderate'], viewer: ['read'] };

describe.each(ENGINES)('admin roles (%s)', (engine) => {
  let admin: BareAdmin;
  const cookies = {} as Record<Role, string>;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000 } });
    cookies.owner = await injectLogin(admin.fastify);
    cookies.moderator = await join(admin.fastify, 'moderator', 'mod1');
    cookies.viewer = await join(admin.fastify, 'viewer', '观察员');
  });
  afterAll(async () => admin?.close());

  it.each(['owner', 'moderator', 'viewer'] as const)('a %s is refused exactly the routes its role does not allow (403 FORBIDDEN)', async (role) => {
    for (const route of ROUTES) {
      // Several routes get a wrong password here ('x'): the third in a row would end the session (checked in
      // recent-password.test.ts). Each route is asked as the first.
      await admin.database.query('UPDATE admin_sessions SET wrong_passwords = 0');
      const response = await admin.fastify.inject({ method: route.method, url: route.url, headers: { cookie: cookies[role] }, ...(route.payload ? { payload: route.payload } : {}) });
      const label = `${role} ${route.method} ${route.url}: ${response.body.slice(0, 120)}`;
      if (ALLOWED[role].includes(route.needs)) {
        expect(response.statusCode, label).not.toBe(403);
        expect(response.statusCode, label).not.toBe(401);
        expect(response.statusCode, label).toBeLessThan(500);
      } else {
        expect(response.statusCode, label).toBe(403);
        expect(response.json().error, label).toBe('FORBIDDEN');
      }
    }
  });

  it('a route that declares no permission is the owners\' alone', () => {
    expect(permissionOfRoute(undefined)).toBe('manage');
    expect(permissionOfRoute({})).toBe('manage');
  });

  it('tells the page who is logged in and what they may do', async () => {
    const me = await admin.fastify.inject({ url: '/admin/api/me', headers: { cookie: cookies.moderator } });
    expect(me.json()).toMatchObject({ name: 'mod1', role: 'moderator', permissions: ['read', 'moderate'], totp_enabled: false, recovery_codes_left: null, password_managed: 'account' });
    const owner = await admin.fastify.inject({ url: '/admin/api/me', headers: { cookie: cookies.owner } });
    expect(owner.json()).toMatchObject({ name: 'admin', role: 'owner', password_managed: 'environment' });
  });

  it('a decision records the moderator who made it, and the audit log names each admin', async () => {
    const userId = newUserId('team');
    await seedConversation(admin, userId, newUserId('part'), [[userId, 'hi']]);
    const sanction = await admin.fastify.inject({
      method: 'POST',
      url: '/admin/api/sanctions',
      headers: { cookie: cookies.moderator },
      payload: { user_id: userId, kind: 'warning', scope: 'identity', reason: 'test' },
    });
    expect(sanction.statusCode, sanction.body).toBe(201);
    const rows = await admin.database.query<{ created_by: string }>('SELECT created_by FROM sanctions WHERE user_id = $1', [userId]);
    expect(rows.map((r) => r.created_by)).toEqual(['mod1']);
    const audit = await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie: cookies.owner } });
    const entries = audit.json().entries as { action: string; admin: string | null }[];
    expect(entries.find((e) => e.action === 'team_join' && e.admin === '观察员')).toBeTruthy();
    expect(entries.find((e) => e.action === 'team_invite' && e.admin === 'admin')).toBeTruthy();
    expect(entries.filter((e) => e.action === 'login_success').every((e) => e.admin !== null)).toBe(true);
  });

  it('a disabled admin is logged out at once and cannot log in again; enabled again, they can', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'leaver');
    const team = await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: cookies.owner } });
    const id = (team.json().admins as { id: number; name: string }[]).find((a) => a.name === 'leaver')!.id;
    const disabled = await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: cookies.owner }, payload: { disabled: true } });
    expect(disabled.json()).toMatchObject({ name: 'leaver', disabled: true });
    expect((await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } })).statusCode).toBe(401);
    const refused = await login(admin.fastify, { name: 'leaver', password: 'leaver-password-long' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('ACCOUNT_DISABLED');
    // The wrong password says nothing about the account being disabled.
    expect((await login(admin.fastify, { name: 'leaver', password: 'not-the-password' })).json().error).toBe('INVALID_PASSWORD');
    await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: cookies.owner }, payload: { disabled: false } });
    expect((await login(admin.fastify, { name: 'LEAVER', password: 'leaver-password-long' })).statusCode).toBe(200);
  });

  it('never leaves the team without an enabled owner', async () => {
    const team = await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: cookies.owner } });
    const bootstrap = (team.json().admins as { id: number; bootstrap: boolean }[]).find((a) => a.bootstrap)!;
    for (const change of [{ role: 'moderator' }, { disabled: true }]) {
      const refused = await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${bootstrap.id}`, headers: { cookie: cookies.owner }, payload: change });
      expect(refused.statusCode, JSON.stringify(change)).toBe(409);
      expect(refused.json().error).toBe('LAST_OWNER');
    }
  });

  it('two owners demoting each other at the same moment: exactly one succeeds', async () => {
    const second = await join(admin.fastify, 'owner', 'owner2');
    const team = (await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: cookies.owner } })).json().admins as { id: number; name: string }[];
    const idOf = (name: string) => team.find((a) => a.name === name)!.id;
    const [a, b] = await Promise.all([
      admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${idOf('owner2')}`, headers: { cookie: cookies.owner }, payload: { role: 'viewer' } }),
      admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${idOf('admin')}`, headers: { cookie: second }, payload: { role: 'viewer' } }),
    ]);
    // The other is refused: 409 LAST_OWNER when both got past the role check, or 403 when the first demotion
    // committed before the second request's role was read (that owner is a viewer by then). Never both.
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes[0]).toBe(200);
    expect([403, 409]).toContain(codes[1]);
    const owners = await admin.database.query<{ n: number }>("SELECT count(*)::int AS n FROM admin_accounts WHERE role = 'owner' AND disabled_at IS NULL");
    expect(owners[0]!.n).toBe(1);
    // Put the bootstrap owner back for any later test.
    const winner = a.statusCode === 200 ? cookies.owner : second;
    await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${idOf('admin')}`, headers: { cookie: winner }, payload: { role: 'owner' } });
  });
});
