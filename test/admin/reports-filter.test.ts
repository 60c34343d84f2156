/**
 * Filtering the moderation queue: by reason (also one of the reasons a report gathered) and by a person on
 * either side, on every status, with how many reports the filters let through across the pages; the
 * filters and the keyset paging together; bad filters refused with a readable 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportQueuePage } from '../../src/admin/reports-query.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { fileReport, newUserId, seedConversation } from './safety-helpers.js';

describe.each(ENGINES)('reports queue filters (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const get = (url: string) => admin.fastify.inject({ url, headers: { cookie } });
  const page = async (query: string): Promise<ReportQueuePage> => {
    const response = await get(`/admin/api/reports?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<ReportQueuePage>();
  };

  async function report(reporter: string, target: string, ...reasons: Parameters<typeof fileReport>[3][]): Promise<number> {
    const room = await seedConversation(admin, reporter, target, [[target, '加我']]);
    let id = 0;
    for (const reason of reasons) id = await fileReport(admin, reporter, room.roomId, reason);
    return id;
  }

  it('lets through the reports with that reason, or with that person as reporter or reported, and counts them', async () => {
    const person = newUserId('flt');
    const other = newUserId('oth');
    const byPerson = await report(person, newUserId('tgt'), 'scam');
    const aboutPerson = await report(other, person, 'hate');
    const unrelated = await report(newUserId('unr'), newUserId('unr'), 'scam');

    const ofPerson = await page(`user=${person}`);
    expect(ofPerson.reports.map((r) => r.id)).toEqual([aboutPerson, byPerson]);
    expect(ofPerson.total).toBe(2);

    const scams = await page('reason=scam');
    expect(scams.reports.map((r) => r.id)).toEqual([unrelated, byPerson]);
    expect(scams.total).toBe(2);

    const both = await page(`reason=scam&user=${encodeURIComponent(` ${person} `)}`);
    expect(both.reports.map((r) => r.id)).toEqual([byPerson]);
    expect(both.total).toBe(1);

    // Blank fields are no filter; an unknown person is an empty queue, not an error.
    expect((await page('reason=&user=')).total).toBeGreaterThanOrEqual(3);
    expect(await page(`user=${newUserId('nobody')}`)).toEqual({ reports: [], next_cursor: null, total: 0 });
  });

  it('finds a report by any of the reasons it gathered, and filters the decided tabs too', async () => {
    const reporter = newUserId('mul');
    const gathered = await report(reporter, newUserId('mlt'), 'spam', 'sexual');
    const sexual = await page(`reason=sexual&user=${reporter}`);
    expect(sexual.reports.map((r) => r.id)).toEqual([gathered]);
    expect((await page(`reason=spam&user=${reporter}`)).reports.map((r) => r.id)).toEqual([gathered]);
    expect((await page(`reason=hate&user=${reporter}`)).total).toBe(0);

    const resolved = await admin.fastify.inject({
      method: 'POST',
      url: `/admin/api/reports/${gathered}/resolve`,
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: { action: 'dismiss' },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await page(`user=${reporter}`)).total).toBe(0);
    const dismissed = await page(`status=dismissed&user=${reporter}&reason=sexual`);
    expect(dismissed.reports.map((r) => r.id)).toEqual([gathered]);
    expect(dismissed.total).toBe(1);
  });

  it('pages through what the filters let through, the count the same on every page', async () => {
    const target = newUserId('pgd');
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await report(newUserId('pgr'), target, 'harassment'));
    const first = await page(`user=${target}&limit=2`);
    expect(first.reports.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const second = await page(`user=${target}&limit=2&cursor=${first.next_cursor}`);
    expect(second.reports.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const third = await page(`user=${target}&limit=2&cursor=${second.next_cursor}`);
    expect(third.reports.map((r) => r.id)).toEqual([ids[0]]);
    expect(third.next_cursor).toBeNull();
    expect([first.total, second.total, third.total]).toEqual([5, 5, 5]);
  });

  it('refuses an unknown reason and a user ID too long with 400, saying which', async () => {
    const reason = await get('/admin/api/reports?reason=rude');
    expect(reason.statusCode).toBe(400);
    expect(reason.json<{ error: string; message: string }>().message).toMatch(/reason/);
    const user = await get(`/admin/api/reports?user=${'u'.repeat(65)}`);
    expect(user.statusCode).toBe(400);
    expect(user.json<{ error: string; message: string }>().message).toMatch(/user/);
  });
});
