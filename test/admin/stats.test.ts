/**
 * Dashboard figures: totals, active rooms, presence, messages in the last 24 hours and per zone hour over
 * 7 days; computed the same on both engines, shared for 2 s, and kept exact as messages arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardStats } from '../../src/admin/stats-query.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The wire shape is the server's own type. */
type Stats = DashboardStats;

async function seed(admin: BareAdmin, times: Date[], options: { close: boolean }): Promise<void> {
  const room = await admin.repository.createRoom({ user1Id: 'statsuser001', user2Id: 'statsuser002', matchType: 'random', createdAt: new Date('2025-12-01T00:00:00Z') });
  await admin.repository.appendMessages(times.map((createdAt, i) => ({ roomId: room.id, senderId: 'statsuser001', content: `m${i}`, createdAt })));
  if (options.close) await admin.repository.endRoom(room.id, 'left', new Date('2025-12-02T00:00:00Z'));
}

describe.each(ENGINES)('dashboard stats (%s)', (engine) => {
  const now = new Date('2026-01-03T16:14:38+08:00');
  const clock = new ManualClock(now.getTime());
  let admin: BareAdmin;
  let cookie: string;

  const stats = async (): Promise<Stats> => {
    const response = await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await seed(admin, [ago(10 * MINUTE), ago(2 * HOUR), ago(2 * HOUR + MINUTE), ago(23 * HOUR + 30 * MINUTE)], { close: false });
    await seed(admin, [ago(24 * HOUR + 10 * MINUTE), ago(6 * 24 * HOUR), ago(8 * 24 * HOUR)], { close: true });
    admin.live.online = 7;
    admin.live.waiting = 3;
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  it("shows the original's figures, presence, and messages in the last 24 hours", async () => {
    const s = await stats();
    expect(s).toMatchObject({ total_rooms: 2, total_messages: 7, active_rooms: 1, online_now: 7, waiting_now: 3, messages_24h: 4, timezone: 'Asia/Shanghai' });
    expect(s.generated_at).toBe('2026-01-03T16:14:38+08:00');
  });

  it('counts messages per Beijing hour over 7 days, the current hour last', async () => {
    const { messages_per_hour: hours } = await stats();
    expect(hours).toHaveLength(168);
    expect(hours[0]).toEqual({ hour: '2025-12-27 17:00', start: '2025-12-27T17:00:00+08:00', count: 0 });
    expect(hours.at(-1)).toEqual({ hour: '2026-01-03 16:00', start: '2026-01-03T16:00:00+08:00', count: 1 });
    const nonZero = Object.fromEntries(hours.filter((h) => h.count > 0).map((h) => [h.hour, h.count]));
    expect(nonZero).toEqual({
      '2025-12-28 16:00': 1,
      '2026-01-02 16:00': 2,
      '2026-01-03 14:00': 2,
      '2026-01-03 16:00': 1,
    });
  });

  it('serves one result for 2 s, then includes new messages and rooms exactly', async () => {
    const before = await stats();
    await seed(admin, [clock.now()], { close: false });
    expect((await stats()).total_messages).toBe(before.total_messages);
    clock.advance(2_000);
    const after = await stats();
    expect(after).toMatchObject({ total_messages: before.total_messages + 1, total_rooms: before.total_rooms + 1, active_rooms: before.active_rooms + 1, messages_24h: before.messages_24h + 1 });
    expect(after.messages_per_hour.at(-1)!.count).toBe(before.messages_per_hour.at(-1)!.count + 1);
    clock.advance(601_000); // past the full recount: the same figures
    expect((await stats()).total_messages).toBe(after.total_messages);
  });

  it('moves the window when the hour changes', async () => {
    clock.advance(Date.parse('2026-01-03T17:00:05+08:00') - clock.now().getTime());
    cookie = await injectLogin(admin.fastify); // 45 idle minutes ended the session
    const s = await stats();
    expect(s.messages_per_hour.at(-1)).toMatchObject({ hour: '2026-01-03 17:00', count: 0 });
    expect(s.messages_per_hour.at(-2)).toMatchObject({ hour: '2026-01-03 16:00', count: 2 });
    expect(s.messages_per_hour[0]!.hour).toBe('2025-12-27 18:00');
    expect(s.messages_per_hour.filter((h) => h.count > 0).map((h) => h.hour)).toEqual(['2025-12-28 16:00', '2026-01-02 16:00', '2026-01-03 14:00', '2026-01-03 16:00']);
  });

  it('counts a message that committed late into the hour that just ended, a minute later', async () => {
    await seed(admin, [new Date('2026-01-03T16:59:59+08:00')], { close: false });
    clock.advance(3_000);
    expect((await stats()).messages_per_hour.at(-2)).toMatchObject({ hour: '2026-01-03 16:00', count: 2 });
    clock.advance(60_000);
    expect((await stats()).messages_per_hour.at(-2)).toMatchObject({ hour: '2026-01-03 16:00', count: 3 });
  });

  it('reads the whole week again after a gap of several hours', async () => {
    clock.advance(5 * HOUR);
    cookie = await injectLogin(admin.fastify);
    const s = await stats();
    expect(s.messages_per_hour.at(-1)!.hour).toBe('2026-01-03 22:00');
    expect(s.messages_per_hour.find((h) => h.hour === '2026-01-03 16:00')!.count).toBe(3);
    expect(s.messages_per_hour.reduce((sum, h) => sum + h.count, 0)).toBe(s.total_messages - 1); // all but the one 8 days old
  });
});

describe('dashboard stats in a half-hour zone', () => {
  it('labels and cuts buckets at the zone hour (Asia/Kolkata, UTC+05:30)', async () => {
    const clock = new ManualClock(Date.parse('2026-01-03T08:14:38Z')); // 13:44:38 in Kolkata
    const admin = await startBareAdmin({ clock, config: { timezone: 'Asia/Kolkata' } });
    try {
      await seed(admin, [new Date('2026-01-03T07:35:00Z'), new Date('2026-01-03T07:29:00Z')], { close: false });
      const cookie = await injectLogin(admin.fastify);
      const s = (await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } })).json() as Stats;
      expect(s.messages_per_hour.at(-1)).toEqual({ hour: '2026-01-03 13:00', start: '2026-01-03T13:00:00+05:30', count: 1 });
      expect(s.messages_per_hour.at(-2)).toEqual({ hour: '2026-01-03 12:00', start: '2026-01-03T12:00:00+05:30', count: 1 });
    } finally {
      await admin.close();
    }
  });
});

describe.each(ENGINES)('the retention purge on the dashboard (%s)', (engine) => {
  const now = new Date('2026-01-03T16:00:00+08:00');

  it('is null while RETENTION_DAYS is not set', async () => {
    const admin = await startBareAdmin({ engine, clock: new ManualClock(now.getTime()) });
    try {
      const cookie = await injectLogin(admin.fastify);
      const response = await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } });
      expect((response.json() as Stats).retention).toBeNull();
    } finally {
      await admin.close();
    }
  });

  it('shows the setting, the last run with what it removed, the next run, and failing after two intervals without success', async () => {
    const clock = new ManualClock(now.getTime());
    const admin = await startBareAdmin({ engine, clock, retention: { retentionDays: 30, intervalMs: HOUR } });
    try {
      let cookie = await injectLogin(admin.fastify);
      const stats = async (): Promise<Stats> => {
        const response = await admin.fastify.inject({ url: '/admin/api/stats', headers: { cookie } });
        expect(response.statusCode).toBe(200);
        return response.json();
      };
      admin.retention.start();
      expect((await stats()).retention).toEqual({ days: 30, last_run: null, last_success: null, next_run: '2026-01-03T16:01:00+08:00', failing: false });

      const room = await admin.repository.createRoom({ user1Id: 'old000000001', user2Id: 'old000000002', matchType: 'random', createdAt: new Date('2025-11-01T00:00:00Z') });
      await admin.repository.appendMessages([{ roomId: room.id, senderId: 'old000000001', content: 'old', createdAt: new Date('2025-11-01T00:00:00Z') }]);
      await admin.repository.endRoom(room.id, 'left', new Date('2025-11-01T00:10:00Z'));
      await admin.retention.runOnce();
      clock.advance(3_000); // past the 2 s the figures are shared
      const after = (await stats()).retention;
      expect(after).toMatchObject({ days: 30, last_run: { rooms: 1, messages: 1, error: null }, failing: false });
      expect(after?.last_success).toBe('2026-01-03T16:00:00+08:00');

      // Time passes with no successful run (the job was stopped): two intervals later it shows as failing.
      await admin.retention.stop();
      clock.advance(2 * HOUR + MINUTE);
      cookie = await injectLogin(admin.fastify); // the idle session has expired meanwhile
      expect((await stats()).retention?.failing).toBe(true);
    } finally {
      await admin.close();
    }
  });
});
