/**
 * A receipt's transcript says when its holder may erase, by the erasure's own checks, so /my can say it
 * before asking for a confirmation: right after the end it is blocked by the partner's report window
 * until the end + the window (and the settling time), exactly, and in how many milliseconds by the
 * server's clock; from then on it is not, and the erasure works; an open report blocks it with no end
 * known, past the window too, until the report is decided. Only the page's JSON view runs that check:
 * downloads neither run it nor carry its moment's answer, and a check that fails is logged and said as
 * unknown rather than failing the conversation. A real server on port 0 with real sockets; time is the
 * test's (a manual clock).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { defaultConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { ConversationErasure } from '../../src/privacy/erasure.js';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { ReceiptBook } from '../../src/privacy/receipts.js';
import type { Transcript } from '../../src/privacy/transcript.js';
import { ENGINES } from '../admin/engines.js';
import { startAdminApp } from '../admin/helpers.js';
import { ManualClock } from '../helpers/clock.js';
import { matchedPair, request, waitFor } from '../helpers/client.js';
import { silentLogger } from '../helpers/database.js';
import { TEST_SECRET } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

const ZONE = 'Asia/Shanghai';
const REPORT_WINDOW_MS = 120_000;
const SETTLE_MS = 30_000;
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
const ERASE_FIELDS = ['erase_blocked', 'erasable_at', 'erasable_in_ms'];

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(ENGINES)('when a receipt’s holder may erase (%s)', (engine) => {
  // 400 ms past a whole second: the time said is rounded up, never earlier than the erasure's.
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00.400Z'));
  const suite = serverSuite({
    engine,
    config: {
      timezone: ZONE,
      receipts: { lookupsPerAddressPerMin: 10_000, reportSettleMs: SETTLE_MS },
      moderation: { ...defaultConfig().moderation, reportWindowMs: REPORT_WINDOW_MS },
    },
    deps: { clock },
  });

  /** A chat with a message of each side that `a` leaves now (the clock's time): `a`'s receipt code. */
  async function endedNow() {
    const p = await matchedPair(suite.url);
    suite.track(p.a, p.b);
    const receipt = waitFor(p.a, 'receipt');
    expect((await request<{ ok: boolean }>(p.a, 'send_message', { content: 'from a' })).ok).toBe(true);
    expect((await request<{ ok: boolean }>(p.b, 'send_message', { content: 'from b' })).ok).toBe(true);
    await request(p.a, 'leave_room_event');
    return { ...p, code: (await receipt).code, endedAt: clock.now() };
  }

  const read = async (code: string): Promise<Transcript> => {
    const res = await fetch(`${suite.url}/api/receipts/${encodeURIComponent(code)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Transcript;
  };
  const erase = (code: string) => fetch(`${suite.url}/api/receipts/${encodeURIComponent(code)}/erase`, { method: 'POST', headers: SAME_ORIGIN });

  it('right after the end it is blocked by the report window until the end + the window; from then on the erasure works', async () => {
    const { code, roomId, endedAt } = await endedNow();
    const [stored] = await suite.server.database.query<{ ended_at: Date }>('SELECT ended_at FROM chat_rooms WHERE id = $1', [roomId]);
    expect(stored?.ended_at.getTime()).toBe(endedAt.getTime());
    // Ended at 16:00:00.400 (+08:00); the erasure waits 150 s: until 16:02:30.400, said as 16:02:31 — in
    // 150.6 s by the server's clock, which a page times from the answer's arrival, not by its own clock.
    const blocked = { erase_blocked: 'report_window', erasable_at: '2026-01-03T16:02:31+08:00' };
    expect(await read(code)).toMatchObject({ ended_at: '2026-01-03T16:00:00+08:00', ...blocked, erasable_in_ms: 150_600 });
    // The field order of the document: the conversation's own fields, then its messages.
    expect(Object.keys(await read(code))).toEqual(['room_id', 'code', 'timezone', 'started_at', 'ended_at', ...ERASE_FIELDS, 'messages']);

    // A moment before the erasure is allowed both say so: the transcript and the erasure's refusal.
    clock.advance(REPORT_WINDOW_MS + SETTLE_MS - 1);
    expect(await read(code)).toMatchObject({ ...blocked, erasable_in_ms: 601 });
    const refused = await erase(code);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'REPORT_WINDOW_OPEN' });

    clock.advance(1);
    expect(await read(code)).toMatchObject({ erase_blocked: null, erasable_at: null, erasable_in_ms: null });
    const erased = await erase(code);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ room_id: roomId, erased: 1 });
  });

  it('an open report blocks it with no time, past the window too, until the report is decided', async () => {
    const { b, code, roomId } = await endedNow();
    const report = await request<{ ok: boolean; report_id: number }>(b, 'report', { reason: 'harassment' });
    expect(report.ok).toBe(true);
    const underReview = { erase_blocked: 'report_open', erasable_at: null, erasable_in_ms: null };
    // Within the window the report comes first: its end is not known, the window's would mislead.
    expect(await read(code)).toMatchObject(underReview);
    clock.advance(REPORT_WINDOW_MS + SETTLE_MS);
    expect(await read(code)).toMatchObject(underReview);
    expect(await (await erase(code)).json()).toMatchObject({ error: 'REPORT_OPEN' });

    await suite.server.app.moderation.resolve(report.report_id, { action: 'dismiss', scope: 'identity' }, 'admin');
    expect(await read(code)).toMatchObject({ erase_blocked: null, erasable_at: null, erasable_in_ms: null });
    expect(await (await erase(code)).json()).toMatchObject({ room_id: roomId, erased: 1 });
  });

  it('downloads neither run the check nor keep its moment’s answer; a check that fails leaves the conversation readable', async () => {
    const { code } = await endedNow();
    const url = (query: string) => `${suite.url}/api/receipts/${encodeURIComponent(code)}${query}`;
    const checks = vi.spyOn(ConversationErasure.prototype, 'ownErasureBlock');
    const view = await read(code);
    expect(view.erase_blocked).toBe('report_window');
    expect(checks).toHaveBeenCalledTimes(1);

    checks.mockRejectedValue(new Error('the check failed'));
    const file = await fetch(url('?download=1'));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="chat-\d{4}-\d\d-\d\d-\d{6}\.json"$/);
    const { erase_blocked: _b, erasable_at: _a, erasable_in_ms: _i, ...lasting } = view;
    // The same document without the erase state (not nulls: a file does not claim that nothing stops an erasure).
    expect(await file.text()).toBe(JSON.stringify(lasting));
    const txt = await fetch(url('?format=txt'));
    expect(txt.status).toBe(200);
    expect(await txt.text()).toContain('from a');
    expect(checks).toHaveBeenCalledTimes(1);

    // The page's view with the check failing: the conversation, its erase state unknown (the erasure checks anyway).
    expect(await read(code)).toEqual({ ...lasting, erase_blocked: null, erasable_at: null, erasable_in_ms: null, messages: view.messages });
    expect(checks).toHaveBeenCalledTimes(2);
  });
});

describe.each(ENGINES)('an erase check that fails at the database (%s)', (engine) => {
  it('is logged as a warning, and the conversation is still read, its erase state null', async () => {
    let output = '';
    const sink = new Writable({ write: (chunk, _encoding, done) => ((output += chunk.toString()), done()) });
    const server = await startAdminApp({ engine, config: { timezone: ZONE }, logger: createLogger('warn', { destination: sink }) });
    const book = new ReceiptBook(server.database, createReceiptCodes(TEST_SECRET), systemClock, silentLogger);
    try {
      const room = await server.repository.createRoom({ user1Id: 'holder0001', user2Id: 'partner001', matchType: 'random', createdAt: new Date(Date.now() - 60_000) });
      await server.repository.appendMessages([{ roomId: room.id, senderId: 'holder0001', content: 'kept words', createdAt: new Date(Date.now() - 50_000) }]);
      await server.repository.endRoom(room.id, 'left', new Date());
      const [code] = (await book.issue(room.id, ['holder0001'])) as [string];
      // The check reads the reports (the conversation does not): without them it fails inside the database.
      await server.database.query('ALTER TABLE reports RENAME TO reports_away');
      let res: Response;
      try {
        res = await fetch(`${server.url}/api/receipts/${encodeURIComponent(code)}`);
      } finally {
        await server.database.query('ALTER TABLE reports_away RENAME TO reports');
      }
      expect(res.status).toBe(200);
      const body = (await res.json()) as Transcript;
      expect(body).toMatchObject({ room_id: room.id, erase_blocked: null, erasable_at: null, erasable_in_ms: null });
      expect(body.messages.map((m) => m.text)).toEqual(['kept words']);
      const warnings = output
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string; roomId?: number; err?: unknown });
      expect(warnings).toContainEqual(expect.objectContaining({ level: 40, roomId: room.id, msg: expect.stringMatching(/could not be checked/), err: expect.anything() }));
    } finally {
      book.stop();
      await server.close();
    }
  });
});
