/**
 * The admin's report view says whether an offer of support reached the person (`support_offer`): shown
 * (when), waiting for their next connection (until when), or lapsed after SUPPORT_OFFER_KEEP_MS — on each
 * database engine, through the API the admin page reads. Any other decision has none.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReportDetail } from '../../src/admin/reports-query.js';
import { SUPPORT_OFFER_KEEP_MS } from '../../src/moderation/support-offers.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { fileReport, newUserId, seedConversation } from './safety-helpers.js';

describe.each(ENGINES)('an offer of support’s state in the report view (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-03-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
  });
  afterAll(async () => admin?.close());
  // The clock moves on by hours and days here: a session of its own for each test.
  beforeEach(async () => {
    cookie = await injectLogin(admin.fastify);
  });

  const detail = async (id: number) => (await admin.fastify.inject({ url: `/admin/api/reports/${id}`, headers: { cookie } })).json<ReportDetail>().report;
  const decide = (id: number, action: 'support' | 'dismiss') =>
    admin.fastify.inject({ method: 'POST', url: `/admin/api/reports/${id}/resolve`, headers: { cookie, 'sec-fetch-site': 'same-origin' }, payload: { action } });

  async function reported() {
    const reporter = newUserId('rptr');
    const target = newUserId('trgt');
    const room = await seedConversation(admin, reporter, target, [[target, '不想活了']]);
    return { id: await fileReport(admin, reporter, room.roomId, 'self_harm'), target };
  }

  it('nobody connected at the decision: waiting until seven days after it, then shown when their next connection takes it', async () => {
    const { id, target } = await reported();
    const response = await decide(id, 'support');
    expect(response.statusCode).toBe(200);
    const decidedAt = clock.now().getTime();
    const waiting = { state: 'waiting', shown_at: null, waits_until: expect.any(String) };
    expect(response.json().report.support_offer).toEqual(waiting);
    expect(Date.parse(response.json().report.support_offer.waits_until)).toBe(decidedAt + SUPPORT_OFFER_KEEP_MS);
    // The decision's bus event found no page of theirs on this instance (the decision waited for it): it
    // waits, and their next connection, an hour later, takes it.
    clock.advance(3_600_000);
    cookie = await injectLogin(admin.fastify);
    expect(await admin.moderation.support.take(target)).toMatchObject({ reportId: id });
    const shown = (await detail(id)).support_offer;
    expect(shown).toMatchObject({ state: 'shown' });
    expect(Date.parse(shown!.shown_at!)).toBe(decidedAt + 3_600_000);
  });

  it('shown on a page open at the decision: the decision’s answer says so, and the view from then on', async () => {
    const { id, target } = await reported();
    const off = onOfferShownTo(target);
    try {
      const response = await decide(id, 'support');
      expect(response.statusCode).toBe(200);
      expect(response.json().report.support_offer).toMatchObject({ state: 'shown' });
      expect((await detail(id)).support_offer).toMatchObject({ state: 'shown' });
      expect(Date.parse((await detail(id)).support_offer!.shown_at!)).toBe(clock.now().getTime());
    } finally {
      off();
    }
  });

  it('not shown within seven days: lapsed', async () => {
    const { id } = await reported();
    expect((await decide(id, 'support')).statusCode).toBe(200);
    clock.advance(SUPPORT_OFFER_KEEP_MS - 1_000);
    cookie = await injectLogin(admin.fastify);
    expect((await detail(id)).support_offer).toMatchObject({ state: 'waiting', shown_at: null });
    clock.advance(2_000);
    cookie = await injectLogin(admin.fastify);
    expect((await detail(id)).support_offer).toMatchObject({ state: 'lapsed', shown_at: null });
  });

  it('any other decision, and an open report, have none', async () => {
    const { id } = await reported();
    expect((await detail(id)).support_offer).toBeNull();
    expect((await decide(id, 'dismiss')).statusCode).toBe(200);
    expect((await detail(id)).support_offer).toBeNull();
  });

  /** A page of `userId`'s open on this instance: it shows the card (the listener says it did). */
  function onOfferShownTo(userId: string): () => void {
    let on = true;
    admin.moderation.support.onOffer((offer) => (on && offer.userId === userId ? 1 : 0));
    return () => (on = false);
  }
});
