/**
 * The admin login's limits as a client meets them: per network (an IPv6 /48), with attempts that proved
 * not to be guesses given back, the budget of all networks together, and a bounded queue of password
 * checks (real scrypt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminTuning } from '../../src/admin/context.js';
import { ADMIN_PASSWORD, injectLogin, ManualClock, startBareAdmin, type BareAdmin } from './helpers.js';
import { REFUNDS_PER_ACCOUNT } from '../../src/admin/auth/login-limit.js';
import { invite, join, totpCode } from './team-helpers.js';

const started: BareAdmin[] = [];
afterAll(async () => {
  for (const admin of started.splice(0)) await admin.close();
});

async function admin(tuning: Partial<AdminTuning>, clock = new ManualClock()): Promise<BareAdmin> {
  const bare = await startBareAdmin({ clock, trustProxy: true, tuning });
  started.push(bare);
  return bare;
}

const attempt = (bare: BareAdmin, ip: string, password = 'wrong') =>
  bare.fastify.inject({ method: 'POST', url: '/admin/login', headers: { 'x-forwarded-for': ip }, payload: { password } });

describe('admin login limits', () => {
  let perNetwork: BareAdmin;
  let budget: BareAdmin;
  const budgetClock = new ManualClock();

  beforeAll(async () => {
    [perNetwork, budget] = await Promise.all([
      admin({ loginAttemptsMax: 5 }),
      admin({ loginAttemptsMax: 5, loginAllAttemptsMax: 6, loginAllWindowMs: 600_000 }, budgetClock),
    ]);
  }, 60_000);

  it('counts every /64 of one IPv6 /48 as one network', async () => {
    for (let i = 1; i <= 5; i++) expect((await attempt(perNetwork, `2001:db8:77:${i.toString(16)}::1`)).statusCode).toBe(401);
    const sixth = await attempt(perNetwork, '2001:db8:77:ffff::9', ADMIN_PASSWORD);
    expect(sixth.statusCode).toBe(429);
    // Another /48 has its own count.
    expect((await attempt(perNetwork, '2001:db8:78:1::1', ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses every network once the budget of all of them is spent, and logs in again when its window ends', async () => {
    for (let i = 1; i <= 6; i++) expect((await attempt(budget, `10.9.0.${i}`)).statusCode).toBe(401);
    const fresh = await attempt(budget, '10.9.1.1', ADMIN_PASSWORD);
    expect(fresh.statusCode).toBe(429);
    expect(fresh.json()).toMatchObject({ error: 'RATE_LIMITED' });
    expect(Number(fresh.headers['retry-after'])).toBe(600);
    budgetClock.advance(600_001);
    expect((await attempt(budget, '10.9.1.1', ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('lets a browser that logged in before past a spent budget (its device cookie), not a new one nor a forged or old cookie', async () => {
    const clock = new ManualClock();
    const bare = await admin({ loginAttemptsMax: 5, loginAllAttemptsMax: 3, loginAllWindowMs: 600_000 }, clock);
    const known = await attempt(bare, '10.7.0.1', ADMIN_PASSWORD);
    expect(known.statusCode).toBe(200);
    const setCookie = ([] as string[]).concat(known.headers['set-cookie'] ?? []).find((c) => c.startsWith('admin_device='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/admin\/login/);
    expect(setCookie).toMatch(/Max-Age=7776000/);
    const device = setCookie.split(';')[0]!;
    const withCookie = (ip: string, cookie: string, password = ADMIN_PASSWORD) =>
      bare.fastify.inject({ method: 'POST', url: '/admin/login', headers: { 'x-forwarded-for': ip, cookie }, payload: { password } });
    // Somebody spends the budget of all networks from other addresses.
    for (let i = 2; i <= 4; i++) await attempt(bare, `10.7.0.${i}`);
    expect((await attempt(bare, '10.7.1.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    // The team's browser still gets in (from another network too), and its wrong password is still wrong.
    expect((await withCookie('10.7.2.1', device)).statusCode).toBe(200);
    expect((await withCookie('10.7.2.2', device, 'wrong')).statusCode).toBe(401);
    // A forged token, or one made for another purpose, is no device.
    const [name, value] = device.split('=') as [string, string];
    const forged = `${name}=${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await withCookie('10.7.2.3', forged)).statusCode).toBe(429);
    // A copied device cookie is no licence to guess: 10 attempts per window past the budget (2 made above), then it
    // counts as any browser (the budget is spent: refused).
    for (let i = 0; i < 8; i++) expect((await withCookie(`10.7.3.${i}`, device, 'wrong')).statusCode).toBe(401);
    expect((await withCookie('10.7.3.99', device, 'wrong')).statusCode).toBe(429);
    // After 90 days it is forgotten.
    clock.advance(91 * 86_400_000);
    for (let i = 5; i <= 8; i++) await attempt(bare, `10.7.0.${i}`);
    expect((await withCookie('10.7.2.4', device)).statusCode).toBe(429);
  });

  it('answers 503 SERVER_BUSY at once to a flood of logins beyond the queue of password checks', async () => {
    const flooded = await admin({ loginAttemptsMax: 100, loginAllAttemptsMax: 1_000, passwordChecksAtOnce: 1, passwordChecksQueued: 2 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(flooded, `10.8.0.${i + 1}`)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = answers.filter((a) => a.statusCode === 503);
    expect(busy.length).toBeGreaterThanOrEqual(10);
    expect(busy[0]!.json()).toMatchObject({ error: 'SERVER_BUSY' });
    expect(busy[0]!.headers['retry-after']).toBe('1');
    // Once the queue drains, the right password works.
    expect((await attempt(flooded, '10.8.1.1', ADMIN_PASSWORD)).statusCode).toBe(200);
  });
});

describe('admin login limit gives back what was no guess', () => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('six colleagues logging in from one network within the window all pass, and wrong passwords are still refused past the limit', async () => {
    const office = await admin({ loginAttemptsMax: 5 });
    const names = ['amy', 'ben', 'cai', 'dov', 'eli', 'fen'];
    for (const name of names) await join(office.fastify, 'viewer', name);
    // Six colleagues behind one NAT, within a minute.
    for (const name of names) {
      const loggedIn = await office.fastify.inject({ method: 'POST', url: '/admin/login', headers: from('10.10.0.1'), payload: { name, password: `${name}-password-long` } });
      expect(loggedIn.statusCode, loggedIn.body).toBe(200);
    }
    // The logins took nothing from the limit: five wrong passwords are checked, the sixth attempt is not.
    for (let i = 0; i < 5; i++) expect((await attempt(office, '10.10.0.1')).statusCode).toBe(401);
    const limited = await attempt(office, '10.10.0.1', ADMIN_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
  });

  it(`one account's logins are given back ${REFUNDS_PER_ACCOUNT} times a window from one network, then count: one password cannot log in without end`, async () => {
    const holder = await admin({ loginAttemptsMax: 5 });
    // Four given back, five counted: nine pass, the tenth is refused unchecked.
    for (let i = 0; i < REFUNDS_PER_ACCOUNT + 5; i++) expect((await attempt(holder, '10.14.0.1', ADMIN_PASSWORD)).statusCode, `login ${i + 1}`).toBe(200);
    expect((await attempt(holder, '10.14.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
  });

  it('wrong passwords sent at once, beside right ones, are checked no more than the limit allows', async () => {
    // One password check at a time: the first guesses are still waiting their turn when the next ones come.
    const burst = await admin({ loginAttemptsMax: 5, loginAllAttemptsMax: 1_000, passwordChecksAtOnce: 1, passwordChecksQueued: 64 });
    const send = (passwords: string[]) => passwords.map((password) => attempt(burst, '10.11.0.1', password));
    const first = send(Array.from({ length: 5 }, () => 'wrong'));
    // Once one is answered, four are still being checked: each still holds its place in the count.
    await Promise.race(first);
    const second = send([...Array.from({ length: 10 }, () => 'wrong'), ADMIN_PASSWORD, ADMIN_PASSWORD, ...Array.from({ length: 10 }, () => 'wrong')]);
    const answers = await Promise.all([...first, ...second]);
    expect(answers.every((a) => [200, 401, 429].includes(a.statusCode))).toBe(true);
    // Then more wrong ones, one by one: altogether exactly five are checked in the window, however the
    // requests met — the right ones that got a place gave it back, the wrong ones did not.
    const later: number[] = [];
    for (let i = 0; i < 6; i++) later.push((await attempt(burst, '10.11.0.1')).statusCode);
    const checkedWrong = [...answers.map((a) => a.statusCode), ...later].filter((status) => status === 401);
    expect(checkedWrong).toHaveLength(5);
    expect(later.at(-1)).toBe(429);
  });

  it('a login with 2FA (the password, then the code) costs nothing when it succeeds; wrong codes count', async () => {
    const clock = new ManualClock();
    const team = await admin({ loginAttemptsMax: 2, loginWindowMs: 600_000 }, clock);
    const cookie = await join(team.fastify, 'moderator', 'frank');
    const { secret } = (await team.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    const confirm = { code: totpCode(secret, clock), password: 'frank-password-long' };
    expect((await team.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: confirm })).statusCode).toBe(200);
    const login = (payload: { code?: string }) =>
      team.fastify.inject({ method: 'POST', url: '/admin/login', headers: from('10.12.0.1'), payload: { name: 'frank', password: 'frank-password-long', ...payload } });
    // Two 2FA logins, four requests, against a limit of two.
    for (let i = 0; i < 2; i++) {
      clock.advance(30_000);
      const asked = await login({});
      expect(asked.json()).toMatchObject({ error: 'TOTP_REQUIRED' });
      const loggedIn = await login({ code: totpCode(secret, clock) });
      expect(loggedIn.statusCode, loggedIn.body).toBe(200);
    }
    const wrong = totpCode(secret, clock, 5);
    for (let i = 0; i < 2; i++) expect((await login({ code: wrong })).json()).toMatchObject({ error: 'INVALID_TOTP' });
    expect((await login({})).statusCode).toBe(429);
  });

  it('an accepted invitation gives its attempt back; a check of one does not', async () => {
    const team = await admin({ loginAttemptsMax: 2 });
    const owner = await injectLogin(team.fastify);
    const tokens = await Promise.all(['viewer', 'viewer', 'viewer'].map(async (role) => (await invite(team.fastify, owner, role as 'viewer')).token));
    const post = (url: string, payload: object) => team.fastify.inject({ method: 'POST', url, headers: from('10.13.0.1'), payload });
    // Three people joining from one office against a limit of two.
    for (const [i, token] of tokens.entries()) {
      const joined = await post('/admin/invitations/accept', { token, name: `joiner${i}`, password: `joiner${i}-password-long` });
      expect(joined.statusCode, joined.body).toBe(200);
    }
    // A check proves nothing but reveals whether a token works, and spends nothing: it stays counted.
    const { token } = await invite(team.fastify, owner, 'viewer');
    const checks: number[] = [];
    for (let i = 0; i < 3; i++) checks.push((await post('/admin/invitations/check', { token })).statusCode);
    expect(checks).toEqual([200, 200, 429]);
  });
});
