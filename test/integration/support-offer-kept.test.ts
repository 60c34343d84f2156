/**
 * An offer of support (the `support` decision) made while the reported person has no connection open — a
 * page inside its reconnect grace, a tab closed — is kept and shown once, on their next connection, with a
 * real server and real sockets on each database engine: not to anyone else, not twice (two connections at
 * once: one shows it), not when it was shown live, not after SUPPORT_OFFER_KEEP_MS. An offer whose bus event
 * this instance missed is found at its next reload of the moderation caches.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORT_OFFER_KEEP_MS, SupportOffers } from '../../src/moderation/support-offers.js';
import { noticeText } from '../../src/shared/codes.js';
import { ENGINES } from '../admin/engines.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

describe.each(ENGINES)('an offer of support nobody could be shown (%s)', (engine) => {
  const suite = serverSuite({ engine, config: { reconnectGraceMs: 20_000 } });

  /** Our page's handshake: a clean close without `leaving` is a lost connection (the whole reconnect grace). */
  const PAGE = { leave_notice: true };

  const crisisNotices = (socket: TestSocket) => received(socket, 'notice').filter((n) => n.kind === 'crisis');
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
  const shownAt = async (reportId: number) =>
    (await suite.server.database.query<{ at: Date | null }>('SELECT support_shown_at AS at FROM reports WHERE id = $1', [reportId]))[0]?.at ?? null;

  /** A chat whose first person reports the second for self-harm: the report's id. */
  async function reportedChat() {
    const a = await connect(suite.url);
    const b = await connect(suite.url, { auth: PAGE });
    suite.track(a.socket, b.socket);
    const matched = waitFor(a.socket, 'matched');
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    await matched;
    const filed = await request<{ ok: boolean; report_id: number }>(a.socket, 'report', { reason: 'self_harm' });
    expect(filed.ok).toBe(true);
    return { a: a.socket, b: b.socket, token: b.session.token!, reportId: filed.report_id };
  }

  /** `b` closes its page for good (a deliberate disconnect); the server has taken it once `a` is told. */
  async function closed(a: TestSocket, b: TestSocket): Promise<void> {
    const left = waitFor(a, 'partner_left');
    b.close();
    await left;
  }

  const offerSupport = async (reportId: number) =>
    expect(await suite.server.app.moderation.resolve(reportId, { action: 'support', scope: 'identity' }, 'admin')).toMatchObject({
      report: { status: 'actioned', resolution: 'support' },
    });

  async function connectAs(token: string, options: { lang?: 'zh-CN' | 'en'; resume?: boolean } = {}) {
    const again = await connect(suite.url, { token, auth: PAGE, ...options });
    suite.track(again.socket);
    return again;
  }

  describe('kept for the next connection', () => {
    it('made while the person’s connection was lost (their grace period) is shown once they are back, and the chat goes on', async () => {
      const { a, b, token, reportId } = await reportedChat();
      const away = waitFor(a, 'partner_disconnected');
      b.io.engine.close(); // a network change: the page said nothing, so the whole grace
      expect(await away).toMatchObject({ grace_ms: 20_000 });
      await offerSupport(reportId);
      await settle();
      expect(await shownAt(reportId)).toBeNull();

      const back = await connectAs(token, { resume: true, lang: 'en' });
      expect(back.session.status).toBe('chatting');
      await eventually(() => expect(crisisNotices(back.socket)).toHaveLength(1));
      expect(crisisNotices(back.socket)[0]).toMatchObject({ message: noticeText.en.crisis });
      expect(await shownAt(reportId)).not.toBeNull();
      const atA = waitFor(a, 'new_message');
      expect(await request(back.socket, 'send_message', { content: 'back' })).toMatchObject({ ok: true });
      expect(await atA).toMatchObject({ content: 'back' });
      expect(crisisNotices(a)).toEqual([]);
    });

    it('made after the person closed the page is shown on their next visit, and only then', async () => {
      const { a, b, token, reportId } = await reportedChat();
      await closed(a, b);
      await offerSupport(reportId);
      const bystander = await connect(suite.url);
      suite.track(bystander.socket);

      const next = await connectAs(token);
      await eventually(() => expect(crisisNotices(next.socket)).toHaveLength(1));
      expect(crisisNotices(next.socket)[0]).toMatchObject({ message: noticeText['zh-CN'].crisis });
      const later = await connectAs(token);
      await settle();
      expect(crisisNotices(later.socket)).toEqual([]);
      expect(crisisNotices(bystander.socket)).toEqual([]);
      expect(crisisNotices(a)).toEqual([]);
    });

    it('is shown by one of two connections opened at the same moment', async () => {
      const { a, b, token, reportId } = await reportedChat();
      await closed(a, b);
      await offerSupport(reportId);
      const [first, second] = await Promise.all([connectAs(token), connectAs(token)]);
      await eventually(() => expect(crisisNotices(first.socket).length + crisisNotices(second.socket).length).toBe(1));
      await settle();
      expect(crisisNotices(first.socket).length + crisisNotices(second.socket).length).toBe(1);
    });

    it('shown live is not shown again on the next connection', async () => {
      const { b, token, reportId } = await reportedChat();
      const live = waitFor(b, 'notice');
      await offerSupport(reportId);
      expect(await live).toMatchObject({ kind: 'crisis' });
      await eventually(async () => expect(await shownAt(reportId)).not.toBeNull());
      const again = await connectAs(token);
      await settle();
      expect(crisisNotices(again.socket)).toEqual([]);
    });

    it('is not shown once SUPPORT_OFFER_KEEP_MS has passed', async () => {
      const { a, b, token, reportId } = await reportedChat();
      await closed(a, b);
      await offerSupport(reportId);
      // No reload: this instance still believes it waits; taking it finds it too old.
      await suite.server.database.query('UPDATE reports SET resolved_at = $2 WHERE id = $1', [reportId, new Date(Date.now() - SUPPORT_OFFER_KEEP_MS - 60_000)]);
      const late = await connectAs(token);
      await settle();
      expect(crisisNotices(late.socket)).toEqual([]);
      expect(await shownAt(reportId)).toBeNull();
    });

    it('taken by a connection that closed meanwhile waits again for the next one', async () => {
      const { a, b, token, reportId } = await reportedChat();
      await closed(a, b);
      await offerSupport(reportId);
      // The take is held until the connection that asked is gone (as a phone that connects and drops at once).
      const desk = suite.server.app.moderation.support;
      const take = desk.take.bind(desk);
      const putBack = desk.putBack.bind(desk);
      let gone: () => void = () => undefined;
      const closedMeanwhile = new Promise<void>((resolve) => (gone = resolve));
      let putBackDone: () => void = () => undefined;
      const waitsAgain = new Promise<void>((resolve) => (putBackDone = resolve));
      desk.take = async (userId) => {
        await closedMeanwhile;
        return take(userId);
      };
      desk.putBack = async (offer) => {
        await putBack(offer);
        putBackDone();
      };
      try {
        const brief = await connectAs(token);
        brief.socket.close();
        await eventually(() => expect(suite.server.app.io.of('/').sockets.size).toBeLessThanOrEqual(1));
        gone();
        await waitsAgain;
        expect(await shownAt(reportId)).toBeNull();
        expect(crisisNotices(brief.socket)).toEqual([]);
      } finally {
        desk.take = take;
        desk.putBack = putBack;
      }
      const next = await connectAs(token);
      await eventually(() => expect(crisisNotices(next.socket)).toHaveLength(1));
    });

    it('two instances taking it at the same moment: the database gives it to one', async () => {
      const { a, b, reportId } = await reportedChat();
      const userId = (await suite.server.database.query<{ reported_id: string }>('SELECT reported_id FROM reports WHERE id = $1', [reportId]))[0]!.reported_id;
      await closed(a, b);
      await offerSupport(reportId);
      const clock = { now: () => new Date() };
      const [one, other] = [new SupportOffers({ database: suite.server.database, clock }), new SupportOffers({ database: suite.server.database, clock })];
      await Promise.all([one.load(), other.load()]);
      expect([one.has(userId), other.has(userId)]).toEqual([true, true]);
      const taken = await Promise.all([one.take(userId), other.take(userId)]);
      expect(taken.flat()).toEqual([reportId]);
    });

    it('two offers for one person are taken together, and put back together', async () => {
      const first = await reportedChat();
      const second = await reportedChat();
      const reportedOf = async (id: number) =>
        (await suite.server.database.query<{ reported_id: string }>('SELECT reported_id FROM reports WHERE id = $1', [id]))[0]!.reported_id;
      const userId = await reportedOf(first.reportId);
      await closed(first.a, first.b);
      await closed(second.a, second.b);
      await offerSupport(first.reportId);
      await offerSupport(second.reportId);
      // Two chats of the same person's, each reported and answered with an offer of support.
      await suite.server.database.query('UPDATE reports SET reported_id = $2 WHERE id = $1', [second.reportId, userId]);
      const offers = new SupportOffers({ database: suite.server.database, clock: { now: () => new Date() } });
      await offers.load();
      const taken = await offers.take(userId);
      expect(taken.sort((x, y) => x - y)).toEqual([first.reportId, second.reportId]);
      expect(await shownAt(first.reportId)).not.toBeNull();
      await offers.putBack(userId, taken);
      expect([await shownAt(first.reportId), await shownAt(second.reportId)]).toEqual([null, null]);
      expect(offers.has(userId)).toBe(true);
    });

    it('decided where this instance never heard of it (its bus event lost) is found at the next reload', async () => {
      const { a, b, token, reportId } = await reportedChat();
      await closed(a, b);
      // As another instance decides it, its event lost on the way here.
      await suite.server.database.query(
        "UPDATE reports SET status = 'actioned', resolution = 'support', resolved_by = 'admin', resolved_at = $2, updated_at = $2 WHERE id = $1",
        [reportId, new Date()],
      );
      const before = await connectAs(token);
      await settle();
      expect(crisisNotices(before.socket)).toEqual([]);
      before.socket.close();

      await suite.server.app.moderation.reload();
      const after = await connectAs(token);
      await eventually(() => expect(crisisNotices(after.socket)).toHaveLength(1));
    });
  });
});
