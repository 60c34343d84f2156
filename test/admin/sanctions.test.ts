/**
 * Sanctions in the admin API: the list of those in force (newest first, paged; `?all=1` adds lifted and
 * ended ones), a sanction issued directly on a user ID (by identity, or by the network of their latest
 * conversation), lifting — each in force or gone at once and audited — and the dashboard's safety figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SanctionView } from '../../src/admin/safety-views.js';
import type { DashboardStats } from '../../src/admin/stats-query.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { auditOf, fileReport, networkFor, newUserId, seedConversation } from './safety-helpers.js';

interface SanctionPage {
  sanctions: SanctionView[];
  next_cursor: string | null;
}

describe.each(ENGINES)('sanctions (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });
  const create = (payload: unknown) => admin.fastify.inject({ method: 'POST', url: '/admin/api/sanctions', headers: { cookie }, payload: payload as object });
  const lift = (id: number | string) => admin.fastify.inject({ method: 'DELETE', url: `/admin/api/sanctions/${id}`, headers: { cookie, 'sec-fetch-site': 'same-origin' } });
  const inForce = (userId: string, network?: string) => admin.moderation.sanctionCache.strongest(userId, () => network, clock.now());

  /** Someone who has chatted (with their network stored unless `networks: false`). */
  async function chatter(options: { networks?: boolean } = {}): Promise<string> {
    const id = newUserId('chat');
    await seedConversation(admin, id, newUserId('part'), [[id, 'hi']], options);
    return id;
  }

  async function allPages(query: string): Promise<SanctionView[]> {
    const out: SanctionView[] = [];
    let cursor: string | null = null;
    do {
      const response = await get(`/admin/api/sanctions?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json<SanctionPage>();
      out.push(...page.sanctions);
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  it('issues a sanction on a user ID: in force at once, stored, answered 201 and audited', async () => {
    const user = await chatter();
    const response = await create({ user_id: user, kind: 'muted', scope: 'identity', duration_s: 3_600, reason: '刷屏' });
    expect(response.statusCode).toBe(201);
    const { sanction } = response.json<{ sanction: SanctionView }>();
    expect(sanction).toMatchObject({
      user_id: user,
      scope: 'identity',
      network_tag: null,
      kind: 'muted',
      reason: '刷屏',
      starts_at: '2026-01-03T16:00:00+08:00',
      ends_at: '2026-01-03T17:00:00+08:00',
      created_by: 'admin',
      report_id: null,
      active: true,
    });
    expect(inForce(user)).toMatchObject({ id: sanction.id, kind: 'muted' });
    const [row] = await admin.database.query<{ user_id: string; network_hash: string | null; kind: string }>('SELECT user_id, network_hash, kind FROM sanctions WHERE id = $1', [sanction.id]);
    expect(row).toEqual({ user_id: user, network_hash: null, kind: 'muted' });
    expect((await auditOf(admin, 'sanction_create')).at(-1)?.detail).toEqual({
      sanction_id: sanction.id,
      user_id: user,
      kind: 'muted',
      scope: 'identity',
      duration_s: 3_600,
      reason: '刷屏',
    });
  });

  it('a sanction by address takes the network of the person’s latest conversation that has one', async () => {
    const user = newUserId('move');
    await seedConversation(admin, user, newUserId('part'), [], { at: new Date(clock.now().getTime() - 3_600_000) });
    // A newer room stored no network (say, written before networks were kept): the older one's counts.
    await seedConversation(admin, user, newUserId('part'), [], { networks: false });
    const response = await create({ user_id: user, kind: 'banned', scope: 'address', reason: 'ban evasion' });
    expect(response.statusCode).toBe(201);
    const { sanction } = response.json<{ sanction: SanctionView }>();
    expect(sanction).toMatchObject({ user_id: null, scope: 'address', kind: 'banned', ends_at: null, network_tag: networkFor(user).slice(0, 8) });
    // Anyone on that network is banned; the identity alone, elsewhere, is not.
    expect(inForce(newUserId('anyo'), networkFor(user))?.kind).toBe('banned');
    expect(inForce(user)).toBeUndefined();
  });

  it('refuses a sanction for someone who never chatted (404), or by address without a stored network (409)', async () => {
    const unknown = await create({ user_id: 'nobody000001', kind: 'banned', scope: 'identity', reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    // In the language asked for (a page sends its own): Chinese by default.
    expect(unknown.json()).toEqual({ error: 'NOT_FOUND', message: '用户 nobody000001 从未参与过聊天' });
    const inEnglish = await admin.fastify.inject({
      method: 'POST',
      url: '/admin/api/sanctions',
      headers: { cookie, 'sec-fetch-site': 'same-origin', 'accept-language': 'en' },
      payload: { user_id: 'nobody000001', kind: 'banned', scope: 'identity', reason: 'x' },
    });
    expect(inEnglish.json()).toEqual({ error: 'NOT_FOUND', message: 'User nobody000001 has never been in a conversation' });
    const user = await chatter({ networks: false });
    const noNetwork = await create({ user_id: user, kind: 'banned', scope: 'both', reason: 'x' });
    expect(noNetwork.statusCode).toBe(409);
    expect(noNetwork.json().error).toBe('NO_NETWORK');
    expect(inForce(user)).toBeUndefined();
    expect((await auditOf(admin, 'sanction_create')).some((a) => a.detail['user_id'] === user || a.detail['user_id'] === 'nobody000001')).toBe(false);
  });

  it('refuses bad sanctions with 400 saying what is wrong', async () => {
    const user = await chatter();
    const good = { user_id: user, kind: 'banned', scope: 'identity', reason: 'spam' };
    const cases: [unknown, RegExp][] = [
      [{ ...good, user_id: '' }, /^user_id: must not be empty/],
      [{ ...good, user_id: 'x'.repeat(65) }, /^user_id: must be at most 64/],
      [{ ...good, kind: 'ban' }, /^kind: /],
      [{ ...good, scope: undefined }, /^scope: /],
      [{ ...good, scope: 'world' }, /^scope: /],
      [{ ...good, reason: '   ' }, /^reason: must not be empty/],
      [{ ...good, reason: 'r'.repeat(501) }, /^reason: must be at most 500/],
      [{ ...good, reason: 'a\u0000' }, /^reason: must not contain NUL/],
      [{ ...good, duration_s: 0 }, /^duration_s: must be at least 60/],
      [{ ...good, duration_s: 'forever' }, /^duration_s: must be a number/],
      [{ ...good, until: '2027-01-01' }, /^body: .*until/],
    ];
    for (const [payload, message] of cases) {
      const response = await create(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message, JSON.stringify(payload)).toMatch(message);
    }
    expect(inForce(user)).toBeUndefined();
  });

  it('lifts a sanction in force everywhere and audits it; a second lift, an unknown or an ended one is 404', async () => {
    const user = await chatter();
    const { sanction } = (await create({ user_id: user, kind: 'banned', scope: 'both', reason: 'spam' })).json<{ sanction: SanctionView }>();
    expect(inForce(user)?.kind).toBe('banned');
    const response = await lift(sanction.id);
    expect(response.statusCode).toBe(200);
    expect(response.json().sanction).toMatchObject({ id: sanction.id, active: false, lifted_by: 'admin', lifted_at: '2026-01-03T16:00:00+08:00' });
    expect(inForce(user)).toBeUndefined();
    expect(inForce(newUserId('anyo'), networkFor(user))).toBeUndefined();
    expect((await auditOf(admin, 'sanction_lift')).at(-1)?.detail).toEqual({ sanction_id: sanction.id, user_id: user, kind: 'banned', scope: 'both', report_id: null });

    expect((await lift(sanction.id)).statusCode).toBe(404);
    expect((await lift(999_999)).json()).toEqual({ error: 'NOT_FOUND', message: '没有编号为 999999 的生效中的处罚' });
    expect((await lift('x')).statusCode).toBe(400);
    // Ended by itself: nothing to lift.
    const ended = await admin.moderation.issue({ userId: user, networkHash: null, scope: 'identity', kind: 'muted', reason: 'old', durationS: 60, createdBy: 'admin' });
    clock.advance(61_000);
    expect((await lift(ended.id)).statusCode).toBe(404);
    expect((await auditOf(admin, 'sanction_lift')).filter((a) => a.detail['sanction_id'] === ended.id)).toEqual([]);
  });

  it('lists the sanctions in force newest first a page at a time; ?all=1 adds the lifted and ended ones', async () => {
    const user = await chatter();
    const a = await admin.moderation.issue({ userId: user, networkHash: null, scope: 'identity', kind: 'warning', reason: 'a', createdBy: 'admin' });
    const b = await admin.moderation.issue({ userId: user, networkHash: null, scope: 'identity', kind: 'muted', reason: 'b', createdBy: 'admin' });
    const c = await admin.moderation.issue({ userId: user, networkHash: null, scope: 'identity', kind: 'banned', reason: 'c', createdBy: 'admin' });
    await admin.moderation.lift(b.id, 'admin');

    const active = await allPages('');
    const ids = active.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(active.every((s) => s.active)).toBe(true);
    expect(ids).toContain(a.id);
    expect(ids).toContain(c.id);
    expect(ids).not.toContain(b.id);

    const all = await allPages('all=1');
    expect(all.map((s) => s.id)).toContain(b.id);
    expect(all.find((s) => s.id === b.id)).toMatchObject({ active: false, lifted_by: 'admin' });
    expect(all.length).toBeGreaterThan(active.length);

    for (const query of ['all=yes', 'cursor=zzz', 'limit=0']) expect((await get(`/admin/api/sanctions?${query}`)).statusCode, query).toBe(400);
  });

  it('puts open reports (priority ones apart), bans in force and reports per Beijing day on the dashboard', async () => {
    const stats = async () => (await get('/admin/api/stats')).json<DashboardStats>();
    const before = await stats();
    expect(before.reports_per_day.map((d) => d.day)).toEqual(['2025-12-28', '2025-12-29', '2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02', '2026-01-03']);

    // A report filed at 07:30 Beijing time on Jan 3 (23:30 UTC on Jan 2) counts for Jan 3.
    const reporter = newUserId('dash');
    const target = newUserId('dtgt');
    const room = await seedConversation(admin, reporter, target, [[target, 'x']]);
    await fileReport(admin, reporter, room.roomId, 'minor');
    const r2 = newUserId('dash');
    const room2 = await seedConversation(admin, r2, target, [[target, 'y']]);
    await fileReport(admin, r2, room2.roomId, 'spam');
    await admin.database.query("UPDATE reports SET created_at = '2026-01-02T23:30:00Z' WHERE room_id = $1", [room2.roomId]);
    await admin.moderation.issue({ userId: target, networkHash: null, scope: 'identity', kind: 'banned', reason: 'x', createdBy: 'admin' });

    clock.advance(3_000); // past the dashboard's 2 s cache
    const after = await stats();
    expect(after.open_reports - before.open_reports).toBe(2);
    expect(after.open_priority_reports - before.open_priority_reports).toBe(1);
    expect(after.active_bans - before.active_bans).toBe(1);
    expect(after.reports_per_day.at(-1)!.count - before.reports_per_day.at(-1)!.count).toBe(2);
    expect(after.reports_per_day.slice(0, -1)).toEqual(before.reports_per_day.slice(0, -1));
  });
});
