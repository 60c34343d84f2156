/**
 * The moderation queue in the admin API: behind the session and the cross-site check; priority reports
 * first, then newest, a keyset page at a time; one report with its conversation (reported messages
 * marked) and both people's other reports and sanctions, audited as a view; decisions that really
 * sanction (in the enforcement cache and the table), record a strike and are audited, an offer of support
 * that sanctions nobody and is told on the moderation bus — or are refused
 * (400 bad input, 404 unknown, 409 already decided, made more urgent since it was opened (`If-Match`) or no
 * network for an address ban).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReportDetail, ReportQueuePage } from '../../src/admin/reports-query.js';
import { ReviewQueue, SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { CROSS_SITE_HEADERS, auditOf, fileReport, networkFor, newUserId, seedConversation } from './safety-helpers.js';

const SAFETY_ROUTES: { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object }[] = [
  { method: 'GET', url: '/admin/api/reports' },
  { method: 'GET', url: '/admin/api/reports/1' },
  { method: 'POST', url: '/admin/api/reports/1/resolve', payload: { action: 'dismiss' } },
  { method: 'GET', url: '/admin/api/sanctions' },
  { method: 'POST', url: '/admin/api/sanctions', payload: { user_id: 'someone00001', kind: 'banned', scope: 'identity', reason: 'spam' } },
  { method: 'DELETE', url: '/admin/api/sanctions/1' },
];

describe.each(ENGINES)('reports queue and decisions (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });
  const resolve = (id: number | string, payload: unknown) =>
    admin.fastify.inject({ method: 'POST', url: `/admin/api/reports/${id}/resolve`, headers: { cookie, 'sec-fetch-site': 'same-origin' }, payload: payload as object });
  const strikesOf = async (userId: string) =>
    Number((await admin.database.query<{ n: string | number }>('SELECT count(*) AS n FROM strikes WHERE user_id = $1', [userId]))[0]?.n);
  const reportStatus = async (id: number) => (await admin.database.query<{ status: string }>('SELECT status FROM reports WHERE id = $1', [id]))[0]?.status;

  /** A conversation of two new people in which the first reports the second. */
  async function reported(reason: Parameters<typeof fileReport>[3] = 'harassment', options: { networks?: boolean } = {}) {
    const reporter = newUserId('rptr');
    const target = newUserId('trgt');
    const room = await seedConversation(admin, reporter, target, [[target, '滚开'], [reporter, '别这样']], options);
    const id = await fileReport(admin, reporter, room.roomId, reason, { messageIds: [room.messageIds[0]!] });
    return { id, reporter, target, room };
  }

  it('answers 401 on every safety route without a session, and changes nothing', async () => {
    const { id } = await reported();
    for (const route of SAFETY_ROUTES) {
      const url = route.url.replace('/reports/1', `/reports/${id}`);
      const response = await admin.fastify.inject({ method: route.method, url, ...(route.payload ? { payload: route.payload } : {}) });
      expect(response.statusCode, `${route.method} ${url}`).toBe(401);
      expect(response.json()).toEqual({ error: 'UNAUTHORIZED', message: 'Admin login required' });
    }
    expect(await reportStatus(id)).toBe('open');
    expect(await auditOf(admin, 'view_report')).toEqual([]);
  });

  it('refuses every safety route asked by another site with 403, before the session, the data or the audit', async () => {
    const { id, target } = await reported();
    const before = (await admin.database.query('SELECT id FROM admin_audit_log')).length;
    for (const route of SAFETY_ROUTES) {
      const url = route.url.replace('/reports/1', `/reports/${id}`);
      for (const headers of CROSS_SITE_HEADERS) {
        const response = await admin.fastify.inject({
          method: route.method,
          url,
          headers: { host: 'admin.example', cookie, ...headers },
          ...(route.payload ? { payload: route.payload } : {}),
        });
        expect(response.statusCode, `${route.method} ${url} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'CROSS_SITE_REQUEST' });
      }
    }
    expect(await reportStatus(id)).toBe('open');
    expect(admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now())).toBeUndefined();
    expect((await admin.database.query('SELECT id FROM admin_audit_log')).length).toBe(before);
    // The same request from the admin's own page passes.
    const own = await admin.fastify.inject({ url: `/admin/api/reports/${id}`, headers: { host: 'admin.example', cookie, 'sec-fetch-site': 'same-origin' } });
    expect(own.statusCode).toBe(200);
  });

  it('lists priority reports (a minor, self-harm) first, then newest first, a keyset page at a time', async () => {
    const older = await reported('spam');
    const minor = await reported('minor');
    const newer = await reported('harassment');
    const selfHarm = await reported('self_harm');
    const seen: ReportQueuePage['reports'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/admin/api/reports?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const page = response.json<ReportQueuePage>();
      expect(page.reports.length).toBeLessThanOrEqual(2);
      seen.push(...page.reports);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    // Every open report once, in (priority, id) descending order.
    const keys = seen.map((r) => [r.priority, r.id] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    expect(keys).toEqual(sorted);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    expect(seen.every((r) => r.status === 'open')).toBe(true);
    const order = seen.map((r) => r.id);
    expect(order.indexOf(selfHarm.id)).toBeLessThan(order.indexOf(minor.id));
    expect(order.indexOf(minor.id)).toBeLessThan(order.indexOf(newer.id));
    expect(order.indexOf(newer.id)).toBeLessThan(order.indexOf(older.id));
    expect(seen.filter((r) => r.priority > 0).map((r) => r.id)).toEqual(order.slice(0, seen.filter((r) => r.priority > 0).length));
  });

  it('shows each queue item with its reason, times, room, both people, a note excerpt, priority and counts', async () => {
    const reporter = newUserId('note');
    const target = newUserId('trgt');
    const room = await seedConversation(admin, reporter, target, [[target, 'a'], [target, 'b'], [reporter, 'c']]);
    const note = '他说他才十四岁，'.repeat(20);
    const id = await fileReport(admin, reporter, room.roomId, 'minor', { note, messageIds: room.messageIds.slice(0, 2) });
    const page = (await get('/admin/api/reports?limit=200')).json<ReportQueuePage>();
    const item = page.reports.find((r) => r.id === id);
    expect(item).toEqual({
      id,
      room_id: room.roomId,
      reporter_id: reporter,
      reported_id: target,
      reason: 'minor',
      note_excerpt: `${[...note].slice(0, 120).join('')}…`,
      priority: 1,
      status: 'open',
      created_at: '2026-01-03T16:00:00+08:00',
      updated_at: '2026-01-03T16:00:00+08:00',
      resolved_at: null,
      resolved_by: null,
      resolution: null,
      reported_message_count: 2,
      counts: { messages: 3, reports_about_reported: 1, reports_by_reporter: 1 },
    });
  });

  it('shows the actioned and dismissed tabs apart from the open queue', async () => {
    const upheld = await reported();
    const dismissed = await reported();
    expect((await resolve(upheld.id, { action: 'warn' })).statusCode).toBe(200);
    expect((await resolve(dismissed.id, { action: 'dismiss' })).statusCode).toBe(200);
    const ids = async (status: string) => (await get(`/admin/api/reports?status=${status}&limit=200`)).json<ReportQueuePage>().reports.map((r) => r.id);
    expect(await ids('actioned')).toContain(upheld.id);
    expect(await ids('actioned')).not.toContain(dismissed.id);
    expect(await ids('dismissed')).toContain(dismissed.id);
    expect(await ids('open')).not.toContain(upheld.id);
    expect(await ids('open')).not.toContain(dismissed.id);
    const item = (await get('/admin/api/reports?status=actioned&limit=200')).json<ReportQueuePage>().reports.find((r) => r.id === upheld.id);
    expect(item).toMatchObject({ status: 'actioned', resolution: 'warn', resolved_by: 'admin', resolved_at: '2026-01-03T16:00:00+08:00' });
  });

  it('refuses bad queue parameters with 400 naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['status=closed', /^status: /],
      ['cursor=not-a-cursor', /^cursor: is not a cursor/],
      [`cursor=${Buffer.from('k1:5').toString('base64url')}`, /^cursor: /],
      ['limit=0', /^limit: /],
      ['limit=201', /^limit: /],
      ['status=open%00', /^status: must not contain NUL/],
    ];
    for (const [query, message] of cases) {
      const response = await get(`/admin/api/reports?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error).toBe('INVALID_PAYLOAD');
      expect(response.json().message, query).toMatch(message);
    }
  });

  it('shows what the content policy refused in the conversation, with what it found, beside the system report', async () => {
    const sender = newUserId('hldr');
    const other = newUserId('othr');
    const room = await seedConversation(admin, sender, other, [[sender, '你好']]);
    // As the message screen does with a refused message: held, and the system's report on the chat.
    const review = new ReviewQueue(admin.database);
    const at = new Date('2026-01-03T08:00:05Z');
    const heldId = await review.hold({ roomId: room.roomId, senderId: sender, content: '加微信 看片 100元', reasons: ['term'], at });
    await review.flag({ roomId: room.roomId, senderId: sender, reason: 'sexual', messageId: null, note: `refused message held (#${heldId})`, priority: 0, at });
    const [report] = await admin.database.query<{ id: string | number }>('SELECT id FROM reports WHERE room_id = $1 AND reporter_id = $2', [room.roomId, SYSTEM_REPORTER]);

    const detail = (await get(`/admin/api/reports/${report!.id}`)).json<ReportDetail>();
    expect(detail.held_messages).toEqual([{ id: heldId, sender_id: sender, content: '加微信 看片 100元', reasons: ['term'], timestamp: '2026-01-03T16:00:05+08:00' }]);
    // Not part of the conversation itself: it was never stored as a message nor delivered.
    expect(detail.messages.map((m) => m.content)).toEqual(['你好']);
  });

  it('opens a report with its whole conversation, the reported messages marked, and both people’s history; the view is audited', async () => {
    const reporter = newUserId('rptr');
    const target = newUserId('trgt');
    // Earlier: the target was reported by someone else and warned; the reporter reported someone else.
    const bystander = newUserId('byst');
    const earlierRoom = await seedConversation(admin, bystander, target, [[target, '早']]);
    const earlier = await fileReport(admin, bystander, earlierRoom.roomId, 'spam');
    expect((await resolve(earlier, { action: 'warn', note: '广告' })).statusCode).toBe(200);
    const otherRoom = await seedConversation(admin, reporter, newUserId('othr'), []);
    const filedBefore = await fileReport(admin, reporter, otherRoom.roomId, 'other');
    // A ban of the target's network (by address, from some other case) shows through the room's network.
    await admin.moderation.issue({ userId: 'somebody0001', networkHash: networkFor(target), scope: 'address', kind: 'banned', reason: 'network', createdBy: 'admin' });

    const room = await seedConversation(admin, reporter, target, [
      [reporter, '你好'],
      [target, '<b>markup</b> 加我微信'],
      [target, '快点'],
    ]);
    const id = await fileReport(admin, reporter, room.roomId, 'sexual', { note: '发不雅内容', messageIds: [room.messageIds[1]!] });

    const response = await get(`/admin/api/reports/${id}`);
    expect(response.statusCode).toBe(200);
    const detail = response.json<ReportDetail>();
    expect(detail.report).toMatchObject({ id, room_id: room.roomId, reporter_id: reporter, reported_id: target, reason: 'sexual', other_reasons: [], note: '发不雅内容', message_ids: [room.messageIds[1]], status: 'open' });
    expect(detail.room).toMatchObject({ id: room.roomId, user1_id: reporter, user2_id: target, message_count: 3 });
    expect(detail.messages.map((m) => [m.content, m.reported])).toEqual([
      ['你好', false],
      ['<b>markup</b> 加我微信', true],
      ['快点', false],
    ]);
    expect(detail.next_cursor).toBeNull();
    expect(detail.reported_messages.map((m) => m.content)).toEqual(['<b>markup</b> 加我微信']);

    const { reporter: a, reported: b } = detail.people;
    expect(a).toMatchObject({ user_id: reporter, network_known: true, counts: { reports_filed: 1, reports_received: 0, sanctions: 0, active_sanctions: 0 } });
    expect(a.reports_filed.map((r) => r.id)).toEqual([filedBefore]);
    expect(b.user_id).toBe(target);
    expect(b.reports_received.map((r) => [r.id, r.status, r.resolution])).toEqual([[earlier, 'actioned', 'warn']]);
    expect(b.counts).toEqual({ reports_filed: 0, reports_received: 1, sanctions: 2, active_sanctions: 2 });
    expect(b.sanctions.map((s) => [s.kind, s.scope, s.matched_by, s.reason, s.active])).toEqual([
      ['banned', 'address', 'address', 'network', true],
      ['warning', 'identity', 'identity', '广告', true],
    ]);
    // A network is never shown as its hash.
    expect(JSON.stringify(detail)).not.toContain(networkFor(target));

    const audit = (await auditOf(admin, 'view_report')).at(-1);
    expect(audit?.detail).toEqual({ report_id: id, room_id: room.roomId });
  });

  it('answers 404 for an unknown report and 400 for an id that is not one, without auditing a view', async () => {
    const views = (await auditOf(admin, 'view_report')).length;
    expect((await get('/admin/api/reports/999999')).statusCode).toBe(404);
    expect((await get('/admin/api/reports/999999')).json()).toEqual({ error: 'NOT_FOUND', message: '没有编号为 999999 的举报' });
    for (const bad of ['abc', '0', '-1', '1.5']) expect((await get(`/admin/api/reports/${bad}`)).statusCode, bad).toBe(400);
    expect((await resolve(999999, { action: 'ban' })).statusCode).toBe(404);
    expect((await resolve('abc', { action: 'ban' })).statusCode).toBe(400);
    expect((await auditOf(admin, 'view_report')).length).toBe(views);
  });

  it('a ban decided on a report is in force at once (cache and table), counts a strike, closes the report and is audited', async () => {
    const { id, target, room } = await reported('harassment');
    const response = await resolve(id, { action: 'ban', duration_s: 7 * 86_400, note: '辱骂' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.report).toMatchObject({ id, status: 'actioned', resolution: 'ban', resolution_note: '辱骂', resolved_by: 'admin' });
    expect(body.sanction).toMatchObject({ user_id: target, scope: 'identity', kind: 'banned', reason: '辱骂', report_id: id, created_by: 'admin', active: true });
    expect(body.sanction.ends_at).toBe('2026-01-10T16:00:00+08:00');

    const inForce = admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now());
    expect(inForce).toMatchObject({ id: body.sanction.id, kind: 'banned', userId: target, reportId: id });
    const rows = await admin.database.query<{ kind: string; user_id: string; report_id: string | number; lifted_at: Date | null }>(
      'SELECT kind, user_id, report_id, lifted_at FROM sanctions WHERE id = $1',
      [body.sanction.id],
    );
    expect(rows.map((r) => ({ ...r, report_id: Number(r.report_id) }))).toEqual([{ kind: 'banned', user_id: target, report_id: id, lifted_at: null }]);
    expect(await strikesOf(target)).toBe(1);
    expect(await reportStatus(id)).toBe('actioned');

    const audit = (await auditOf(admin, 'report_resolve')).at(-1);
    expect(audit?.detail).toEqual({
      report_id: id,
      room_id: room.roomId,
      reported_id: target,
      action: 'ban',
      scope: 'identity',
      duration_s: 604_800,
      note: '辱骂',
      sanction_id: body.sanction.id,
    });

    // Decided once: a second decision is refused and changes nothing.
    const again = await resolve(id, { action: 'dismiss' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: 'CONFLICT', message: `举报 ${id} 已被处理` });
    expect(await reportStatus(id)).toBe('actioned');
    expect(await strikesOf(target)).toBe(1);
  });

  it('with If-Match, refuses (409) a decision on a report made more urgent since it was opened, and decides on the report as shown again', async () => {
    const { id, reporter, target, room } = await reported('spam');
    const opened = await get(`/admin/api/reports/${id}`);
    const etag = opened.headers['etag'] as string;
    expect(etag).toMatch(/^"r[0-9a-f]{16}"$/);
    const decide = (ifMatch: string) =>
      admin.fastify.inject({ method: 'POST', url: `/admin/api/reports/${id}/resolve`, headers: { cookie, 'sec-fetch-site': 'same-origin', 'if-match': ifMatch }, payload: { action: 'dismiss' } });
    // The reporter reports again: a minor, with the other message. The admin has not seen it.
    await fileReport(admin, reporter, room.roomId, 'minor', { messageIds: [room.messageIds[1]!], note: 'said 14' });
    const stale = await decide(etag);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toEqual({ error: 'CONFLICT', message: `举报 ${id} 在你打开后变得更紧急了：请重新查看` });
    expect(await reportStatus(id)).toBe('open');
    const again = await get(`/admin/api/reports/${id}`);
    expect(again.json<ReportDetail>().report).toMatchObject({ reason: 'minor', other_reasons: ['spam'], priority: 1 });
    // What a compressing proxy makes of the tag still names it.
    const current = again.headers['etag'] as string;
    expect((await decide(`W/${current.replace(/"$/, '-gzip"')}`)).statusCode).toBe(200);
    expect(await reportStatus(id)).toBe('dismissed');
    expect(admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now())).toBeUndefined();
  });

  it('with If-Match, decides a report added to with more of the same — messages, notes, the policy’s flags — and ignores a tag not of ours', async () => {
    const { id, reporter, room } = await reported('harassment');
    const etag = (await get(`/admin/api/reports/${id}`)).headers['etag'] as string;
    // The same reporter again with another message and a note, the same reason: not a reason to refuse the
    // decision (a reporter doing so every few seconds must not keep an admin from dismissing a false report).
    await fileReport(admin, reporter, room.roomId, 'harassment', { messageIds: [room.messageIds[1]!], note: 'again' });
    const decide = (ifMatch: string, reportId = id) =>
      admin.fastify.inject({ method: 'POST', url: `/admin/api/reports/${reportId}/resolve`, headers: { cookie, 'sec-fetch-site': 'same-origin', 'if-match': ifMatch }, payload: { action: 'dismiss' } });
    expect((await decide(etag)).statusCode).toBe(200);
    const other = await reported('spam');
    expect((await decide('"p12"', other.id)).statusCode).toBe(200);
  });

  it('a dismissal closes the report without a sanction or a strike, and is audited', async () => {
    const { id, target } = await reported('spam');
    const response = await resolve(id, { action: 'dismiss', note: '误报' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: { status: 'dismissed', resolution: 'dismiss', resolution_note: '误报' }, sanction: null, automatic: null });
    expect(admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now())).toBeUndefined();
    expect(await strikesOf(target)).toBe(0);
    expect((await auditOf(admin, 'report_resolve')).at(-1)?.detail).toMatchObject({ report_id: id, action: 'dismiss', note: '误报', sanction_id: null });
    expect((await auditOf(admin, 'report_resolve')).at(-1)?.detail).not.toHaveProperty('scope');
  });

  it('an offer of support closes the report with no sanction or strike, is audited, and is told to every instance for the reported person', async () => {
    const offers: { userId: string; reportId: number; zh: unknown; en: unknown }[] = [];
    admin.moderation.support.onOffer((offer) => offers.push({ userId: offer.userId, reportId: offer.reportId, zh: offer.notice('zh-CN'), en: offer.notice('en') }));
    // Scope is not used by an offer of support: one without a network stored is not refused for it.
    const { id, target, room } = await reported('self_harm', { networks: false });
    const response = await resolve(id, { action: 'support', scope: 'both', note: '给了热线' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ report: expect.objectContaining({ id, status: 'actioned', resolution: 'support', resolution_note: '给了热线', resolved_by: 'admin' }), sanction: null, automatic: null });
    expect(await reportStatus(id)).toBe('actioned');
    expect(admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now())).toBeUndefined();
    expect(await admin.database.query('SELECT id FROM sanctions WHERE user_id = $1 OR report_id = $2', [target, id])).toEqual([]);
    expect(await strikesOf(target)).toBe(0);
    expect((await auditOf(admin, 'report_resolve')).at(-1)?.detail).toEqual({ report_id: id, room_id: room.roomId, reported_id: target, action: 'support', note: '给了热线', sanction_id: null });
    // Through the moderation bus (every instance hears it, this one too): the help card in each language.
    await vi.waitFor(() => expect(offers.filter((o) => o.reportId === id)).toHaveLength(1));
    expect(offers.find((o) => o.reportId === id)).toMatchObject({
      userId: target,
      zh: { kind: 'crisis', hotlines: [expect.objectContaining({ phone: '12356' }), expect.anything(), expect.anything()] },
      en: { kind: 'crisis', hotlines: [expect.objectContaining({ url: 'https://findahelpline.com' }), expect.anything(), expect.anything()] },
    });
    // Listed with the actioned reports, decided once.
    const actioned = (await get('/admin/api/reports?status=actioned&limit=200')).json<ReportQueuePage>().reports.find((r) => r.id === id);
    expect(actioned).toMatchObject({ status: 'actioned', resolution: 'support' });
    expect((await resolve(id, { action: 'support' })).statusCode).toBe(409);
    expect(offers.filter((o) => o.reportId === id)).toHaveLength(1);
  });

  it('a ban by address and identity uses the network stored for the reported person in that room', async () => {
    const { id, target } = await reported('scam');
    const response = await resolve(id, { action: 'ban', scope: 'both' });
    expect(response.statusCode).toBe(200);
    expect(response.json().sanction).toMatchObject({ scope: 'both', user_id: target, ends_at: null, network_tag: networkFor(target).slice(0, 8) });
    const [row] = await admin.database.query<{ network_hash: string }>('SELECT network_hash FROM sanctions WHERE id = $1', [response.json().sanction.id]);
    expect(row?.network_hash).toBe(networkFor(target));
    // Someone else on that network is banned too.
    expect(admin.moderation.sanctionCache.strongest(newUserId('cous'), () => networkFor(target), clock.now())?.kind).toBe('banned');
  });

  it('refuses a decision by address when the room holds no network for the person (409), and the report stays open', async () => {
    const { id, target } = await reported('hate', { networks: false });
    for (const scope of ['address', 'both']) {
      const response = await resolve(id, { action: 'mute', scope });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toBe('NO_NETWORK');
    }
    expect(await reportStatus(id)).toBe('open');
    expect(await strikesOf(target)).toBe(0);
    // By identity it works.
    expect((await resolve(id, { action: 'mute', duration_s: 3_600 })).json().sanction).toMatchObject({ kind: 'muted', scope: 'identity', ends_at: '2026-01-03T17:00:00+08:00' });
  });

  it('refuses bad decisions with 400 saying what is wrong, before deciding anything', async () => {
    const { id, target } = await reported('other');
    const cases: [unknown, RegExp][] = [
      [{}, /^action: /],
      [{ action: 'delete' }, /^action: /],
      [{ action: 'ban', scope: 'everyone' }, /^scope: /],
      [{ action: 'ban', duration_s: '3600' }, /^duration_s: must be a number of seconds/],
      [{ action: 'ban', duration_s: 1.5 }, /^duration_s: must be a whole number/],
      [{ action: 'ban', duration_s: 10 }, /^duration_s: must be at least 60/],
      [{ action: 'ban', duration_s: 10 ** 12 }, /^duration_s: must be at most/],
      [{ action: 'dismiss', duration_s: 3600 }, /^duration_s: a dismissal has no duration/],
      [{ action: 'support', duration_s: 3600 }, /^duration_s: an offer of support has no duration/],
      [{ action: 'Support' }, /^action: /],
      [{ action: 'warn', note: 'x'.repeat(501) }, /^note: must be at most 500/],
      [{ action: 'warn', note: 'a\u0000b' }, /^note: must not contain NUL/],
      [{ action: 'warn', duration: 3600 }, /^body: .*duration/],
      [[], /^body: /],
    ];
    for (const [payload, message] of cases) {
      const response = await resolve(id, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error).toBe('INVALID_PAYLOAD');
      expect(response.json().message, JSON.stringify(payload)).toMatch(message);
    }
    const notJson = await admin.fastify.inject({
      method: 'POST',
      url: `/admin/api/reports/${id}/resolve`,
      headers: { cookie, 'content-type': 'application/json' },
      payload: '{"action": "ban"',
    });
    expect(notJson.statusCode).toBe(400);
    expect(await reportStatus(id)).toBe('open');
    expect(admin.moderation.sanctionCache.strongest(target, () => undefined, clock.now())).toBeUndefined();
    expect((await auditOf(admin, 'report_resolve')).some((a) => a.detail['report_id'] === id)).toBe(false);
  });

  it('an upheld report that reaches the strike threshold also brings the automatic sanction, audited apart', async () => {
    const target = newUserId('rpt3');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const reporter = newUserId('many');
      const room = await seedConversation(admin, reporter, target, [[target, `spam ${i}`]]);
      ids.push(await fileReport(admin, reporter, room.roomId, 'spam'));
    }
    const outcomes = [];
    for (const id of ids) outcomes.push((await resolve(id, { action: 'warn' })).json());
    expect(await strikesOf(target)).toBe(3);
    const automatic = outcomes.map((o) => o.automatic).filter(Boolean);
    expect(automatic.length).toBeGreaterThan(0);
    expect(automatic.at(-1)).toMatchObject({ user_id: target, created_by: 'automatic' });
    // The automatic sanction's own audit row names the report whose strike brought it.
    const recorded = (await auditOf(admin, 'sanction_automatic')).filter((a) => a.detail['user_id'] === target);
    expect(recorded.map((a) => a.detail['sanction_id'])).toEqual(automatic.map((a) => a.id));
    const lastAutomatic = outcomes.findLastIndex((o) => o.automatic);
    expect(recorded.at(-1)?.detail['report_id']).toBe(ids[lastAutomatic]);
  });
});
