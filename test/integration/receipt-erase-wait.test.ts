/**
 * A receipt's transcript says when its holder may erase, by the erasure's own checks, so /my can say it
 * before asking for a confirmation: right after the end it is blocked by the partner's report window
 * until the end + the window (and the settling time), exactly; from then on it is not, and the erasure
 * works; an open report blocks it with no end known, past the window too, until the report is decided.
 * A real server on port 0 with real sockets; time is the test's (a manual clock).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import type { Transcript } from '../../src/privacy/transcript.js';
import { ENGINES } from '../admin/engines.js';
import { ManualClock } from '../helpers/clock.js';
import { matchedPair, request, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const ZONE = 'Asia/Shanghai';
const REPORT_WINDOW_MS = 120_000;
const SETTLE_MS = 30_000;
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

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
    // Ended at 16:00:00.400 (+08:00); the erasure waits 150 s: until 16:02:30.400, said as 16:02:31.
    const blocked = { erase_blocked: 'report_window', erasable_at: '2026-01-03T16:02:31+08:00' };
    expect(await read(code)).toMatchObject({ ended_at: '2026-01-03T16:00:00+08:00', ...blocked });
    // The field order of the document: the conversation's own fields, then its messages.
    expect(Object.keys(await read(code))).toEqual(['room_id', 'code', 'timezone', 'started_at', 'ended_at', 'erase_blocked', 'erasable_at', 'messages']);

    // A moment before the erasure is allowed both say so: the transcript and the erasure's refusal.
    clock.advance(REPORT_WINDOW_MS + SETTLE_MS - 1);
    expect(await read(code)).toMatchObject(blocked);
    const refused = await erase(code);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'REPORT_WINDOW_OPEN' });

    clock.advance(1);
    expect(await read(code)).toMatchObject({ erase_blocked: null, erasable_at: null });
    const erased = await erase(code);
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ room_id: roomId, erased: 1 });
  });

  it('an open report blocks it with no time, past the window too, until the report is decided', async () => {
    const { b, code, roomId } = await endedNow();
    const report = await request<{ ok: boolean; report_id: number }>(b, 'report', { reason: 'harassment' });
    expect(report.ok).toBe(true);
    const underReview = { erase_blocked: 'report_open', erasable_at: null };
    // Within the window the report comes first: its end is not known, the window's would mislead.
    expect(await read(code)).toMatchObject(underReview);
    clock.advance(REPORT_WINDOW_MS + SETTLE_MS);
    expect(await read(code)).toMatchObject(underReview);
    expect(await (await erase(code)).json()).toMatchObject({ error: 'REPORT_OPEN' });

    await suite.server.app.moderation.resolve(report.report_id, { action: 'dismiss', scope: 'identity' }, 'admin');
    expect(await read(code)).toMatchObject({ erase_blocked: null, erasable_at: null });
    expect(await (await erase(code)).json()).toMatchObject({ room_id: roomId, erased: 1 });
  });
});
