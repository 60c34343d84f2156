/**
 * The supportive decision on a report (`support`), with a real server, the admin API and real sockets: the
 * report is closed with no sanction and no strike, the decision is audited, and every connection the
 * reported person has open is shown the crisis help card (`notice {kind: 'crisis'}`) in its own language —
 * also when the content policy, not a person, raised the report for crisis words. Nobody else is told;
 * a person not connected is shown nothing then (their next connection is: support-offer-kept.test.ts), and
 * the decision is recorded all the same.
 */
import { describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src/admin/reports-query.js';
import { DEFAULT_HOTLINES } from '../../src/policy/crisis.js';
import { SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { noticeText } from '../../src/shared/codes.js';
import type { NoticePayload } from '../../src/shared/protocol.js';
import { ADMIN_PASSWORD, injectLogin, stubWebDir } from '../admin/helpers.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';
import { setLang } from '../../web/shared/translator.js';
import { reportNoteText } from '../../web/admin/src/system-texts.js';

const suite = serverSuite({
  config: {
    policy: { enabled: true, hotlinesFile: undefined, spamRepeatRooms: 3, spamWindowMs: 600_000 },
    adminPassword: ADMIN_PASSWORD,
    webDir: stubWebDir(),
  },
});

type Ack = { ok: boolean; code?: string; report_id?: number };

/** Two people in a chat; the second is also connected in a second tab (its token), in English. */
async function chatWithSecondTab() {
  const a = await connect(suite.url);
  const b = await connect(suite.url, { lang: 'zh-CN' });
  const bAgain = await connect(suite.url, { token: b.session.token!, lang: 'en' });
  suite.track(a.socket, b.socket, bAgain.socket);
  expect(bAgain.session.user_id).toBe(b.session.user_id);
  const matched = waitFor(a.socket, 'matched');
  await request(a.socket, 'join_queue');
  await request(b.socket, 'join_queue');
  const roomId = (await matched).room_id;
  return { a: a.socket, b: b.socket, bAgain: bAgain.socket, aId: a.session.user_id, bId: b.session.user_id, roomId };
}

async function admin() {
  const fastify = suite.server.app.fastify;
  const cookie = await injectLogin(fastify);
  return {
    get: (url: string) => fastify.inject({ url, headers: { cookie } }),
    resolve: (id: number, payload: object) =>
      fastify.inject({ method: 'POST', url: `/admin/api/reports/${id}/resolve`, headers: { cookie, 'sec-fetch-site': 'same-origin' }, payload }),
  };
}

const db = () => suite.server.database;
const count = async (sql: string, params: unknown[]) => Number((await db().query<{ n: string | number }>(sql, params))[0]?.n);
const sanctionsOf = (userId: string) => count('SELECT count(*) AS n FROM sanctions WHERE user_id = $1', [userId]);
const strikesOf = (userId: string) => count('SELECT count(*) AS n FROM strikes WHERE user_id = $1', [userId]);
const auditOf = async (reportId: number) =>
  (await db().query<{ detail: Record<string, unknown> | string }>("SELECT detail FROM admin_audit_log WHERE action = 'report_resolve' ORDER BY id", []))
    .map((r) => (typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail))
    .filter((d) => d['report_id'] === reportId);
const crisisNotices = (socket: TestSocket) => received(socket, 'notice').filter((n) => n.kind === 'crisis');

function expectHelpCard(notice: NoticePayload | undefined, lang: 'zh-CN' | 'en'): void {
  expect(notice).toEqual({ kind: 'crisis', message: noticeText[lang].crisis, hotlines: DEFAULT_HOTLINES[lang], hotlines_by_lang: DEFAULT_HOTLINES });
  expect(notice!.hotlines!.length).toBeGreaterThan(0);
}

describe('offering support on a report', () => {
  it('closes a self-harm report with no sanction or strike, audits it, and shows every connection of the reported person the help card in its language', async () => {
    const { a, b, bAgain, aId, bId, roomId } = await chatWithSecondTab();
    const filed = await request<Ack>(a, 'report', { reason: 'self_harm', note: 'said goodbye for ever' });
    expect(filed.ok).toBe(true);
    const api = await admin();

    const onFirstTab = waitFor(b, 'notice');
    const onSecondTab = waitFor(bAgain, 'notice');
    const response = await api.resolve(filed.report_id!, { action: 'support', note: 'offered the lines' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      report: { id: filed.report_id, status: 'actioned', resolution: 'support', resolution_note: 'offered the lines', resolved_by: 'admin' },
      sanction: null,
      automatic: null,
    });
    expectHelpCard(await onFirstTab, 'zh-CN');
    expectHelpCard(await onSecondTab, 'en');

    expect(await sanctionsOf(bId)).toBe(0);
    expect(await strikesOf(bId)).toBe(0);
    expect(suite.server.app.moderation.sanctionOf(bId, '')).toBeUndefined();
    expect(await auditOf(filed.report_id!)).toEqual([
      { report_id: filed.report_id, room_id: roomId, reported_id: bId, action: 'support', note: 'offered the lines', sanction_id: null },
    ]);
    // The person still chats: nothing was restricted.
    expect(await request(b, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    // The reporter is told nothing, and the card is shown once per connection.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crisisNotices(a)).toEqual([]);
    expect(crisisNotices(b)).toHaveLength(1);
    expect(crisisNotices(bAgain)).toHaveLength(1);
    expect(aId).not.toBe(bId);
  });

  it('reaches the sender of crisis words the content policy reported, whose note the admin page names in its language', async () => {
    const { b, bAgain, bId, roomId } = await chatWithSecondTab();
    expect(await request(b, 'send_message', { content: '我真的不想活了' })).toMatchObject({ ok: true });
    // The sender's own message already brought the card once (to the sending tab).
    await eventually(() => expect(crisisNotices(b)).toHaveLength(1));
    const reportId = await eventually(async () => {
      const rows = await db().query<{ id: string | number }>("SELECT id FROM reports WHERE room_id = $1 AND reporter_id = $2 AND status = 'open'", [roomId, SYSTEM_REPORTER]);
      expect(rows).toHaveLength(1);
      return Number(rows[0]!.id);
    });
    const api = await admin();
    const detail = (await api.get(`/admin/api/reports/${reportId}`)).json<ReportDetail>();
    expect(detail.report).toMatchObject({ reason: 'self_harm', reported_id: bId, reporter_id: SYSTEM_REPORTER, note: 'policy: crisis' });
    // The stored note is a code the page says in the admin's language, not the server's English.
    setLang('zh-CN');
    expect(reportNoteText(detail.report.note!, detail.report.reporter_id)).toBe('内容策略标记：轻生相关');
    setLang('en');
    expect(reportNoteText(detail.report.note!, detail.report.reporter_id)).toBe('Flagged by the content policy: self-harm');

    const response = await api.resolve(reportId, { action: 'support' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: { status: 'actioned', resolution: 'support', resolution_note: null }, sanction: null, automatic: null });
    await eventually(() => expect(crisisNotices(b)).toHaveLength(2));
    await eventually(() => expect(crisisNotices(bAgain)).toHaveLength(1));
    expectHelpCard(crisisNotices(bAgain)[0], 'en');
    expect(await sanctionsOf(bId)).toBe(0);
    expect(await strikesOf(bId)).toBe(0);
  });

  it('is recorded for a person who is no longer connected, and nobody else is shown anything', async () => {
    const { a, b, bAgain, bId } = await chatWithSecondTab();
    const filed = await request<Ack>(a, 'report', { reason: 'self_harm' });
    b.close();
    bAgain.close();
    const bystander = await connect(suite.url);
    suite.track(bystander.socket);
    const api = await admin();
    const response = await api.resolve(filed.report_id!, { action: 'support' });
    expect(response.statusCode).toBe(200);
    expect(response.json().report).toMatchObject({ status: 'actioned', resolution: 'support' });
    expect(await auditOf(filed.report_id!)).toHaveLength(1);
    expect(await sanctionsOf(bId)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crisisNotices(a)).toEqual([]);
    expect(crisisNotices(bystander.socket)).toEqual([]);
    // Decided once.
    expect((await api.resolve(filed.report_id!, { action: 'support' })).statusCode).toBe(409);
  });

  it('leaves the other decisions as they were: a warning still sanctions and strikes, and shows no help card', async () => {
    const { a, b, bId } = await chatWithSecondTab();
    const filed = await request<Ack>(a, 'report', { reason: 'self_harm' });
    const api = await admin();
    const told = waitFor(b, 'sanction');
    const response = await api.resolve(filed.report_id!, { action: 'warn' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ report: { status: 'actioned', resolution: 'warn' }, sanction: { kind: 'warning', user_id: bId } });
    expect(await told).toMatchObject({ kind: 'warning', reason: 'self_harm' });
    expect(await strikesOf(bId)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crisisNotices(b)).toEqual([]);
  });
});
