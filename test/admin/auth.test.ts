/**
 * Access to the back office: sessions, password checks, rate limiting, CSRF, the session cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '../helpers/services.js';
import { ENGINES } from './engines.js';
import { ADMIN_PASSWORD, clientKey, ManualClock, httpLogin, injectLogin, sessionCookie, startAdminApp, startBareAdmin, type BareAdmin } from './helpers.js';

const PROTECTED_GETS = [
  '/admin/api/stats',
  '/admin/api/rooms',
  '/admin/api/rooms/1',
  '/admin/api/audit',
  '/admin/export.csv',
  '/admin/export.json',
  '/admin/export.json?format=ndjson',
];

interface AuditRow {
  action: string;
  client_address: string | null;
  detail: unknown;
}

async function auditRows(admin: BareAdmin): Promise<AuditRow[]> {
  return admin.database.query<AuditRow>('SELECT action, client_address, detail FROM admin_audit_log ORDER BY id');
}

describe.each(ENGINES)('admin access (%s)', (engine) => {
  let admin: BareAdmin;
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock, trustProxy: true, tuning: { loginAttemptsMax: 5 } });
  });
  afterAll(async () => admin?.close());

  // Each test gets its own client address, so the per-address login limit of one never affects another.
  let nextAddress = 1;
  const address = () => `10.0.0.${nextAddress++}`;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const loginFrom = async (ip: string) =>
    sessionCookie(await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: from(ip), payload: { password: ADMIN_PASSWORD } }));

  it('answers 401 JSON and no data on every API and export without a session', async () => {
    for (const url of PROTECTED_GETS) {
      const response = await admin.fastify.inject({ url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toEqual({ error: 'UNAUTHORIZED', message: 'Admin login required' });
    }
    const forged = await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie: 'admin_sid=made-up' } });
    expect(forged.statusCode).toBe(401);
  });

  it('shows the login page without a session and the dashboard with one', async () => {
    const anonymous = await admin.fastify.inject({ url: '/admin' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toContain('admin login');
    expect(anonymous.headers['cache-control']).toBe('no-store');
    const cookie = await injectLogin(admin.fastify);
    const signedIn = await admin.fastify.inject({ url: '/admin/', headers: { cookie } });
    expect(signedIn.body).toContain('admin dashboard');
    for (const url of ['/admin/index.html', '/admin/login.html', '/admin/login']) {
      const direct = await admin.fastify.inject({ url });
      expect(direct.statusCode, url).toBe(303);
      expect(direct.headers.location).toBe('/admin');
    }
  });

  it('refuses a wrong password with 401 and audits the failure without the password', async () => {
    const ip = address();
    const response = await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: from(ip), payload: { password: 'admin123' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'INVALID_PASSWORD' });
    expect(response.cookies.find((c) => c.name === 'admin_sid')).toBeUndefined();
    const rows = await auditRows(admin);
    // The address itself is never kept: its network's HMAC is.
    expect(rows.filter((r) => r.action === 'login_failure' && r.client_address === clientKey(ip))).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(ip);
    expect(JSON.stringify(rows)).not.toContain('admin123');
  });

  it('accepts the password as JSON or as a form field, and audits the success', async () => {
    const ip = address();
    const json = await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: from(ip), payload: { password: ADMIN_PASSWORD } });
    expect(json.statusCode).toBe(200);
    const form = await admin.fastify.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { ...from(ip), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `password=${encodeURIComponent(ADMIN_PASSWORD)}`,
    });
    expect(form.statusCode).toBe(200);
    const stats = await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie: sessionCookie(form) } });
    expect(stats.statusCode).toBe(200);
    const rows = await auditRows(admin);
    expect(rows.filter((r) => r.action === 'login_success' && r.client_address === clientKey(ip))).toHaveLength(2);
  });

  it('sets an HttpOnly, SameSite=Strict cookie scoped to /admin, Secure only over HTTPS', async () => {
    const overHttp = await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: from(address()), payload: { password: ADMIN_PASSWORD } });
    const cookie = overHttp.cookies.find((c) => c.name === 'admin_sid')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(cookie.secure).toBeUndefined();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const overHttps = await admin.fastify.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { ...from(address()), 'x-forwarded-proto': 'https' },
      payload: { password: ADMIN_PASSWORD },
    });
    expect(overHttps.cookies.find((c) => c.name === 'admin_sid')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
    // Only a hash of the token is stored.
    const stored = await admin.database.query<{ token_hash: string }>('SELECT token_hash FROM admin_sessions');
    expect(stored.map((r) => r.token_hash)).not.toContain(cookie.value);
  });

  it('never accepts a password in the query string, even the right one', async () => {
    const post = await admin.fastify.inject({
      method: 'POST',
      url: `/admin/login?password=${encodeURIComponent(ADMIN_PASSWORD)}`,
      headers: from(address()),
      payload: { password: ADMIN_PASSWORD },
    });
    expect(post.statusCode).toBe(400);
    expect(post.json()).toMatchObject({ error: 'PASSWORD_IN_URL' });
    expect(post.cookies.find((c) => c.name === 'admin_sid')).toBeUndefined();
    const originalStyle = await admin.fastify.inject({ url: '/admin?password=admin123' });
    expect(originalStyle.statusCode).toBe(400);
  });

  it('a password longer than any admin password is refused saying so, not as a missing one', async () => {
    const post = await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: from(address()), payload: { password: 'x'.repeat(1_025) } });
    expect(post.statusCode).toBe(400);
    expect(post.json()).toMatchObject({ error: 'INVALID_PAYLOAD', message: expect.stringContaining('at most 1024 characters') });
  });

  it('rate-limits login attempts per client address with 429 and Retry-After', async () => {
    const ip = address();
    const attempt = (from: string, password = 'wrong') =>
      admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: { 'x-forwarded-for': from }, payload: { password } });
    for (let i = 0; i < 5; i++) expect((await attempt(ip)).statusCode).toBe(401);
    const limited = await attempt(ip, ADMIN_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
    expect((await attempt(address(), ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses cross-site POSTs with 403 and lets same-origin ones through', async () => {
    const post = (headers: Record<string, string>) =>
      admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: { host: 'admin.example', ...from(address()), ...headers }, payload: { password: ADMIN_PASSWORD } });
    expect((await post({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site', origin: 'http://admin.example' })).statusCode).toBe(403);
    expect((await post({ origin: 'http://admin.example', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    expect((await post({ origin: 'https://admin.example' })).statusCode).toBe(200);
    const cookie = await injectLogin(admin.fastify);
    const logout = await admin.fastify.inject({ method: 'POST', url: '/admin/logout', headers: { cookie, origin: 'https://evil.example' } });
    expect(logout.statusCode).toBe(403);
    expect((await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } })).statusCode).toBe(200);
  });

  it('refuses data reads and exports asked by another site (cross-site or same-site) with 403, before anything is read', async () => {
    const cookie = await loginFrom(address());
    const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
      admin.fastify.inject({ method, url, headers: { host: 'admin.example', cookie, ...headers } });
    const exportsBefore = (await auditRows(admin)).filter((r) => r.action === 'export').length;
    for (const url of PROTECTED_GETS) {
      // A sibling subdomain's page is same-site: the SameSite=Strict cookie goes along, so it must be refused too.
      for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }] as Record<string, string>[]) {
        const response = await get(url, headers);
        expect(response.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'CROSS_SITE_REQUEST' });
        expect(response.headers['content-disposition']).toBeUndefined();
      }
    }
    expect((await get('/admin/api/stats', { 'sec-fetch-site': 'cross-site' }, 'HEAD')).statusCode).toBe(403);
    expect((await auditRows(admin)).filter((r) => r.action === 'export').length).toBe(exportsBefore);
  });

  it('serves data to its own pages, typed URLs and bookmarks, and scripts without Sec-Fetch-Site', async () => {
    const cookie = await loginFrom(address());
    const get = (url: string, headers: Record<string, string> = {}) => admin.fastify.inject({ url, headers: { host: 'admin.example', cookie, ...headers } });
    for (const url of PROTECTED_GETS) {
      const expected = url === '/admin/api/rooms/1' ? 404 : 200;
      for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}, { 'sec-fetch-site': 'same-origin', origin: 'http://admin.example' }] as Record<string, string>[]) {
        expect((await get(url, headers)).statusCode, `${url} ${JSON.stringify(headers)}`).toBe(expected);
      }
    }
    // The pages hold no data: a link from another site still opens them.
    expect((await get('/admin', { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(200);
  });

  it('replaces the session a browser still carries when it logs in again', async () => {
    const first = await injectLogin(admin.fastify);
    const again = await admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: { ...from(address()), cookie: first }, payload: { password: ADMIN_PASSWORD } });
    const second = sessionCookie(again);
    expect(second).not.toBe(first);
    expect((await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie: first } })).statusCode).toBe(401);
    expect((await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie: second } })).statusCode).toBe(200);
  });

  it('ends the session on logout: the old cookie no longer works', async () => {
    const cookie = await injectLogin(admin.fastify);
    expect((await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie } })).statusCode).toBe(200);
    const logout = await admin.fastify.inject({ method: 'POST', url: '/admin/logout', headers: { cookie } });
    expect(logout.statusCode).toBe(200);
    expect(logout.cookies.find((c) => c.name === 'admin_sid')).toMatchObject({ value: '', path: '/admin' });
    expect((await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie } })).statusCode).toBe(401);
    expect((await auditRows(admin)).at(-1)?.action).toBe('logout');
  });

  it('ends a session after 30 minutes without requests, but not while it is used', async () => {
    const cookie = await injectLogin(admin.fastify);
    const stats = () => admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie } }).then((r) => r.statusCode);
    for (let i = 0; i < 4; i++) {
      clock.advance(20 * 60_000);
      expect(await stats()).toBe(200);
    }
    clock.advance(30 * 60_000);
    expect(await stats()).toBe(401);
  });

  it('a page refreshing itself (the dashboard\'s figures) does not keep an idle session alive', async () => {
    const cookie = await injectLogin(admin.fastify);
    const poll = () => admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie, 'x-admin-background': '1' } }).then((r) => r.statusCode);
    for (let i = 0; i < 5; i++) {
      clock.advance(5 * 60_000);
      expect(await poll()).toBe(200);
    }
    // 30 minutes after the admin's last own request, however often the page refreshed meanwhile.
    clock.advance(5 * 60_000);
    expect(await poll()).toBe(401);
  });

  it('ends a session 12 hours after login even while it is used all along', async () => {
    const cookie = await injectLogin(admin.fastify);
    const audit = () => admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie } }).then((r) => r.statusCode);
    // A request every 20 minutes (well inside the 30-minute idle limit) up to 11 h 40 min, then one at 11 h 59 min.
    for (let i = 0; i < 35; i++) {
      clock.advance(20 * 60_000);
      expect(await audit(), `after ${(i + 1) * 20} min`).toBe(200);
    }
    clock.advance(19 * 60_000);
    expect(await audit()).toBe(200);
    clock.advance(60_000);
    expect(await audit()).toBe(401);
    // A new login starts a new 12 hours.
    const again = await injectLogin(admin.fastify);
    expect((await admin.fastify.inject({ url: '/admin/api/audit', headers: { cookie: again } })).statusCode).toBe(200);
  });
});

describe.skipIf(!hasPostgres())('admin sessions with several instances (postgres)', () => {
  it('a login on one instance is valid on another, and a logout on either ends it everywhere', async () => {
    const a = await startAdminApp({ engine: 'postgres' });
    const b = await startAdminApp({ engine: 'postgres', databaseName: a.databaseName });
    try {
      const cookie = await httpLogin(a.url);
      const onB = await fetch(`${b.url}/admin/api/stats`, { headers: { cookie } });
      expect(onB.status).toBe(200);
      const logout = await fetch(`${b.url}/admin/logout`, { method: 'POST', headers: { cookie } });
      expect(logout.status).toBe(200);
      expect((await fetch(`${a.url}/admin/api/stats`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await b.close({ keepData: true });
      await a.close();
    }
  });
});
