/**
 * The Team list says how many 2FA recovery codes each admin has left, so an owner sees a colleague down
 * to none (one lost phone from needing a 2FA reset): null without 2FA, ten once it is on, one fewer for
 * each code spent at login, null again after an owner's reset — read for the whole team in one query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecoveryCodes } from '../../src/admin/team/recovery-codes.js';
import { ENGINES } from './engines.js';
import { injectLogin, type BareAdmin, startBareAdmin } from './helpers.js';
import { join, login, totpCode } from './team-helpers.js';

interface TeamRow {
  id: number;
  name: string;
  totp_enabled: boolean;
  recovery_codes_left: number | null;
}

describe.each(ENGINES)('recovery codes left in the Team list (%s)', (engine) => {
  let admin: BareAdmin;
  let owner: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, tuning: { loginAttemptsMax: 1_000 } });
    owner = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const password = (name: string) => `${name}-password-long`;

  async function team(): Promise<TeamRow[]> {
    const response = await admin.fastify.inject({ url: '/admin/api/team', headers: { cookie: owner } });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { admins: TeamRow[] }).admins;
  }

  const row = async (name: string): Promise<TeamRow> => {
    const found = (await team()).find((admin) => admin.name === name);
    if (!found) throw new Error(`${name} is not in the team list`);
    return found;
  };

  /** 2FA turned on for the admin of `cookie`: the recovery codes shown. */
  async function turnOn(cookie: string, name: string): Promise<string[]> {
    const { secret } = (await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp', headers: { cookie } })).json() as { secret: string };
    const confirmed = await admin.fastify.inject({ method: 'POST', url: '/admin/api/me/totp/confirm', headers: { cookie }, payload: { code: totpCode(secret, admin.clock), password: password(name) } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    return (confirmed.json() as { recovery_codes: string[] }).recovery_codes;
  }

  it('null without 2FA, 10 once it is on, 9 after a login with one, null again after an owner resets the 2FA', async () => {
    const cookie = await join(admin.fastify, 'moderator', 'hana');
    expect(await row('hana')).toMatchObject({ totp_enabled: false, recovery_codes_left: null });

    const codes = await turnOn(cookie, 'hana');
    expect(await row('hana')).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });

    const spent = await login(admin.fastify, { name: 'hana', password: password('hana'), code: codes[0]! });
    expect(spent.statusCode, spent.body).toBe(200);
    expect((await row('hana')).recovery_codes_left).toBe(9);

    const { id } = await row('hana');
    const reset = await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/team/${id}/totp`, headers: { cookie: owner } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await row('hana')).toMatchObject({ totp_enabled: false, recovery_codes_left: null });
  });

  it('each admin has their own count; an admin with 2FA on and every code spent has 0, not null', async () => {
    const ivoCodes = await turnOn(await join(admin.fastify, 'viewer', 'ivo'), 'ivo');
    await turnOn(await join(admin.fastify, 'viewer', 'jun'), 'jun');
    // Spent through the store: ten logins in a row would meet the limit of codes tried per account.
    const store = new RecoveryCodes(admin.database, admin.clock);
    const { id: ivo } = await row('ivo');
    for (const code of ivoCodes) expect(await store.use(ivo, code)).toBe(true);
    const rows = await team();
    expect(rows.find((r) => r.name === 'ivo')).toMatchObject({ totp_enabled: true, recovery_codes_left: 0 });
    expect(rows.find((r) => r.name === 'jun')).toMatchObject({ totp_enabled: true, recovery_codes_left: 10 });
    // The bootstrap owner never turned 2FA on.
    expect(rows.find((r) => r.name === 'admin')).toMatchObject({ totp_enabled: false, recovery_codes_left: null });
  });

  it('the whole team’s counts are read in one query, however many admins have 2FA on', async () => {
    await turnOn(await join(admin.fastify, 'viewer', 'kai'), 'kai');
    const withTwoFactor = (await team()).filter((r) => r.totp_enabled).length;
    expect(withTwoFactor).toBeGreaterThanOrEqual(3);
    const before = admin.queries.count(/admin_recovery_codes/);
    await team();
    expect(admin.queries.count(/admin_recovery_codes/) - before).toBe(1);
  });

  it('a change of an admin (PATCH) answers with their codes left too', async () => {
    const cookie = await join(admin.fastify, 'viewer', 'lena');
    const codes = await turnOn(cookie, 'lena');
    expect((await login(admin.fastify, { name: 'lena', password: password('lena'), code: codes[3]! })).statusCode).toBe(200);
    const { id } = await row('lena');
    const changed = await admin.fastify.inject({ method: 'PATCH', url: `/admin/api/team/${id}`, headers: { cookie: owner }, payload: { role: 'moderator' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'lena', role: 'moderator', totp_enabled: true, recovery_codes_left: 9 });
  });
});
