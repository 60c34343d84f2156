/**
 * Retention: conversations that ended more than RETENTION_DAYS ago go, recent and live ones stay, one
 * with an open report stays until it is decided; every run is recorded and a purge that has not
 * succeeded for two intervals shows as failing; only one purger runs at a time (the advisory lock, across
 * two PostgreSQL connection pools as across two instances); and the real process does it on its timer.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/privacy/retention.js';
import type { Database } from '../../src/storage/database.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger, tempDir, type Engine } from '../helpers/database.js';
import { intercept } from '../helpers/interleave.js';
import { startServerProcess } from '../helpers/process.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A conversation that ended `endedDaysAgo` days before `now` (undefined: still open), with `messages` messages. */
async function seedRoom(
  database: Database,
  now: Date,
  options: { endedDaysAgo?: number; messages: number; user?: string },
): Promise<number> {
  const ended = options.endedDaysAgo === undefined ? null : new Date(now.getTime() - options.endedDaysAgo * DAY);
  const created = new Date((ended ?? now).getTime() - HOUR);
  const [room] = await database.query<{ id: string }>(
    `INSERT INTO chat_rooms (user1_id, user2_id, created_at, ended_at, is_active, end_reason)
     VALUES ($1, 'partner', $2, $3, $4, $5) RETURNING id`,
    [options.user ?? 'someone', created, ended, ended === null, ended === null ? null : 'left'],
  );
  const id = Number(room!.id);
  if (options.messages > 0) {
    await database.query(
      `INSERT INTO messages (room_id, sender_id, content, created_at)
       SELECT $1, CASE WHEN i % 2 = 0 THEN 'someone' ELSE 'partner' END, 'message ' || i, $2 FROM generate_series(1, $3) AS i`,
      [id, created, options.messages],
    );
  }
  return id;
}

async function count(database: Database, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await database.query<{ n: string | number }>(sql, params);
  return Number(row!.n);
}

describe.each(engines)('retention on %s', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  let database: Database;
  beforeAll(async () => {
    opened = await openTestDatabase(engine);
    database = opened.database;
  }, 120_000);
  afterAll(async () => {
    await opened?.drop();
  });
  afterEach(async () => {
    await database.query('TRUNCATE purge_runs, receipts, strikes, sanctions, reports, held_messages, messages, chat_rooms RESTART IDENTITY CASCADE');
  });

  const job = (clock: ManualClock, db = database, intervalMs = HOUR) =>
    new RetentionJob({ database: db, clock, logger: silentLogger, settings: { retentionDays: 30, intervalMs }, pauseMs: 0 });

  it('removes conversations that ended before the cutoff, keeps recent, live and reported ones', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const now = clock.now();
    // Old enough to go: many messages (more than one statement's worth), none, and one just past the cutoff.
    const old = await seedRoom(database, now, { endedDaysAgo: 45, messages: 12_000 });
    const oldEmpty = await seedRoom(database, now, { endedDaysAgo: 31, messages: 0 });
    const justPast = await seedRoom(database, now, { endedDaysAgo: 30.01, messages: 3 });
    // Staying: just inside the window, recent, still open (started long ago), reported and undecided.
    const justInside = await seedRoom(database, now, { endedDaysAgo: 29.99, messages: 3 });
    const recent = await seedRoom(database, now, { endedDaysAgo: 1, messages: 5 });
    const live = await seedRoom(database, now, { messages: 4 });
    await database.query('UPDATE chat_rooms SET created_at = $2 WHERE id = $1', [live, new Date(now.getTime() - 90 * DAY)]);
    const reported = await seedRoom(database, now, { endedDaysAgo: 60, messages: 6 });
    await database.query(
      `INSERT INTO reports (room_id, reporter_id, reported_id, reason, created_at, updated_at) VALUES ($1, 'someone', 'partner', 'spam', $2, $2)`,
      [reported, now],
    );
    // A decided report on an old conversation goes with it; the sanction it led to stays, unlinked.
    const decided = await seedRoom(database, now, { endedDaysAgo: 50, messages: 2 });
    const anHourAgo = new Date(now.getTime() - 3_600_000);
    const [report] = await database.query<{ id: string }>(
      `INSERT INTO reports (room_id, reporter_id, reported_id, reason, status, created_at, updated_at, resolved_at, resolution)
       VALUES ($1, 'someone', 'partner', 'abuse', 'actioned', $2, $2, $3, 'ban') RETURNING id`,
      [decided, now, anHourAgo],
    );
    await database.query(
      `INSERT INTO sanctions (user_id, kind, reason, starts_at, created_by, report_id) VALUES ('partner', 'banned', 'abuse', $1, 'admin', $2)`,
      [now, report!.id],
    );
    await database.query(`INSERT INTO strikes (user_id, source, report_id, created_at) VALUES ('partner', 'report', $1, $2)`, [report!.id, now]);
    await database.query(`INSERT INTO receipts (code_hash, room_id, user_id, created_at) VALUES ('h1', $1, 'someone', $2)`, [old, now]);
    await database.query(`INSERT INTO held_messages (room_id, sender_id, content, reasons, created_at) VALUES ($1, 'partner', 'held', '{term}', $2)`, [
      old,
      now,
    ]);

    const run = await job(clock).runOnce();

    expect(run).toMatchObject({ rooms: 4, messages: 12_000 + 3 + 2, error: null });
    const left = (await database.query<{ id: string }>('SELECT id FROM chat_rooms ORDER BY id')).map((r) => Number(r.id));
    expect(left).toEqual([justInside, recent, live, reported]);
    expect(left).not.toContain(old);
    expect(left).not.toContain(oldEmpty);
    expect(left).not.toContain(justPast);
    expect(await count(database, 'SELECT count(*) AS n FROM messages')).toBe(3 + 5 + 4 + 6);
    expect(await count(database, 'SELECT count(*) AS n FROM receipts')).toBe(0);
    expect(await count(database, 'SELECT count(*) AS n FROM held_messages')).toBe(0);
    expect(await count(database, 'SELECT count(*) AS n FROM reports')).toBe(1);
    expect(await database.query('SELECT report_id FROM sanctions')).toEqual([{ report_id: null }]);
    expect(await database.query('SELECT report_id FROM strikes')).toEqual([{ report_id: null }]);
    const runs = await database.query<{ rooms: number; messages: number; error: string | null }>('SELECT rooms, messages, error FROM purge_runs');
    expect(runs).toEqual([{ rooms: 4, messages: 12_005, error: null }]);

    // Nothing more is due. Once the report is decided, the reported conversation stays while the decision may
    // still be storing what names the report (its sanction, its strike), and goes at a run 10 minutes later.
    expect(await job(clock).runOnce()).toMatchObject({ rooms: 0, messages: 0 });
    await database.query(`UPDATE reports SET status = 'dismissed', resolved_at = $1, resolution = 'dismiss'`, [now]);
    expect(await job(clock).runOnce()).toMatchObject({ rooms: 0, messages: 0 });
    expect(await count(database, 'SELECT count(*) AS n FROM reports')).toBe(1);
    clock.advance(10 * 60_000 + 1);
    expect(await job(clock).runOnce()).toMatchObject({ rooms: 1, messages: 6 });
    expect(await count(database, 'SELECT count(*) AS n FROM reports')).toBe(0);
    expect(await count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(4);
  }, 120_000);

  it('removes sanctions over and strikes no longer counting from before the cutoff, and what old audit rows say about people', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const daysAgo = (days: number) => new Date(clock.now().getTime() - days * DAY);
    const sanction = (user: string, endsDaysAgo: number | null, liftedDaysAgo: number | null = null) =>
      database.query(
        `INSERT INTO sanctions (user_id, network_hash, kind, reason, starts_at, ends_at, lifted_at, created_by) VALUES ($1, 'net', 'banned', 'abuse', $2, $3, $4, 'admin')`,
        [user, daysAgo(400), endsDaysAgo === null ? null : daysAgo(endsDaysAgo), liftedDaysAgo === null ? null : daysAgo(liftedDaysAgo)],
      );
    await sanction('expired-long-ago', 40);
    await sanction('lifted-long-ago', null, 40); // a permanent ban lifted
    await sanction('expired-lately', 10);
    await sanction('permanent', null);
    const strike = (user: string, days: number) => database.query(`INSERT INTO strikes (user_id, source, created_at) VALUES ($1, 'policy', $2)`, [user, daysAgo(days)]);
    await strike('old-striker', 40);
    await strike('recent-striker', 10);
    const audit = (days: number, action: string, detail: object) =>
      database.query(`INSERT INTO admin_audit_log (created_at, action, client_address, detail) VALUES ($1, $2, 'adminnet', $3)`, [daysAgo(days), action, JSON.stringify(detail)]);
    await audit(40, 'erase_own', { room_id: 7, who: 'holder-id', why: 'self', messages: 3 });
    await audit(40, 'search_rooms', { filters: { q: '13800138000', user: 'someone', status: 'ended' } });
    await audit(40, 'report_resolve', { report_id: 1, reported_id: 'bad-id', action: 'ban', note: 'said X' });
    await audit(10, 'erase_own', { room_id: 8, who: 'recent-holder', messages: 1 });

    expect(await job(clock).runOnce()).toMatchObject({ error: null });

    const users = await database.query<{ user_id: string }>('SELECT user_id FROM sanctions ORDER BY user_id');
    expect(users.map((r) => r.user_id)).toEqual(['expired-lately', 'permanent']);
    const strikers = await database.query<{ user_id: string }>('SELECT user_id FROM strikes');
    expect(strikers.map((r) => r.user_id)).toEqual(['recent-striker']);
    const rows = await database.query<{ action: string; detail: Record<string, unknown> }>('SELECT action, detail FROM admin_audit_log ORDER BY id');
    expect(rows).toEqual([
      { action: 'erase_own', detail: { room_id: 7, messages: 3, redacted: true } },
      { action: 'search_rooms', detail: { filters: { status: 'ended' }, redacted: true } },
      { action: 'report_resolve', detail: { report_id: 1, action: 'ban', redacted: true } },
      { action: 'erase_own', detail: { room_id: 8, who: 'recent-holder', messages: 1 } },
    ]);
    // A strike still counting (STRIKE_WINDOW_DAYS longer than the period) stays however old.
    await strike('counting-striker', 40);
    const longWindow = new RetentionJob({ database, clock, logger: silentLogger, settings: { retentionDays: 30, intervalMs: HOUR, strikeWindowDays: 60 }, pauseMs: 0 });
    await longWindow.runOnce();
    expect((await database.query<{ user_id: string }>('SELECT user_id FROM strikes ORDER BY user_id')).map((r) => r.user_id)).toEqual(['counting-striker', 'recent-striker']);
    // More old rows than one statement redacts (1,000), some redacted already: every one is walked.
    await database.query(
      `INSERT INTO admin_audit_log (created_at, action, detail)
       SELECT $1, 'view_room', CASE WHEN i % 3 = 0 THEN '{"room_id": 1, "redacted": true}'::jsonb ELSE jsonb_build_object('room_id', i, 'user_id', 'u' || i) END
       FROM generate_series(1, 2500) AS i`,
      [daysAgo(50)],
    );
    await job(clock).runOnce();
    expect(await count(database, `SELECT count(*) AS n FROM admin_audit_log WHERE created_at < $1 AND (detail ? 'user_id' OR NOT detail ? 'redacted')`, [daysAgo(30)])).toBe(0);
    await database.query('TRUNCATE admin_audit_log');
  });

  it('records a failed run, and shows failing after two intervals without success', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    await seedRoom(database, clock.now(), { endedDaysAgo: 40, messages: 2 });
    const db = intercept(database);
    const purger = job(clock, db.proxy);
    purger.start();
    expect((await purger.status()).nextRunAt?.getTime()).toBe(clock.now().getTime() + 60_000);
    expect((await purger.status()).failing).toBe(false);

    db.failNext('query', new Error('disk full'), { when: (sql: string) => sql.startsWith('DELETE FROM messages') });
    const failed = await purger.runOnce();
    expect(failed).toMatchObject({ rooms: 0, error: 'disk full' });
    let status = await purger.status();
    expect(status.lastRun).toMatchObject({ error: 'disk full' });
    expect(status.lastSuccessAt).toBeNull();
    expect(status.failing).toBe(false);

    clock.advance(2 * HOUR + 1);
    status = await purger.status();
    expect(status.failing).toBe(true);

    const ok = await purger.runOnce();
    expect(ok).toMatchObject({ rooms: 1, messages: 2, error: null });
    status = await purger.status();
    expect(status.failing).toBe(false);
    expect(status.lastSuccessAt).not.toBeNull();
    await purger.stop();
  }, 60_000);

  it('counts a run in the metrics when its record cannot be written, and a run that could not start as a failure', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    await seedRoom(database, clock.now(), { endedDaysAgo: 40, messages: 1 });
    const counted: { error: string | null }[] = [];
    const db = intercept(database);
    const purger = new RetentionJob({
      database: db.proxy,
      clock,
      logger: silentLogger,
      settings: { retentionDays: 30, intervalMs: HOUR },
      pauseMs: 0,
      events: { purged: (run) => counted.push(run) },
    });
    db.failNext('query', new Error('connection lost'), { when: (sql: string) => sql.startsWith('INSERT INTO purge_runs') });
    expect(await purger.runOnce()).toMatchObject({ rooms: 1, error: null });
    expect(counted).toEqual([expect.objectContaining({ rooms: 1, error: null })]);
    db.failNext('exclusive', new Error('connect ECONNREFUSED'));
    expect(await purger.runOnce()).toBeUndefined();
    expect(counted).toHaveLength(2);
    expect(counted[1]).toMatchObject({ error: 'connect ECONNREFUSED' });
    await purger.stop();
  }, 60_000);

  it('runs on its schedule: shortly after start, then every interval', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    await seedRoom(database, clock.now(), { endedDaysAgo: 40, messages: 1 });
    const purger = job(clock);
    purger.start();
    clock.advance(60_000);
    await expect.poll(async () => count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(1);
    expect(await count(database, 'SELECT count(*) AS n FROM chat_rooms')).toBe(0);
    await expect.poll(async () => (await purger.status()).nextRunAt?.getTime()).toBe(clock.now().getTime() + HOUR);
    await seedRoom(database, clock.now(), { endedDaysAgo: 40, messages: 1 });
    clock.advance(HOUR);
    await expect.poll(async () => count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(2);
    expect(await count(database, 'SELECT count(*) AS n FROM chat_rooms')).toBe(0);
    await purger.stop();
    clock.advance(HOUR);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(2);
  }, 60_000);

  it('does nothing when RETENTION_DAYS is not set', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    await seedRoom(database, clock.now(), { endedDaysAgo: 4_000, messages: 1 });
    const keeper = new RetentionJob({ database, clock, logger: silentLogger, settings: { retentionDays: undefined, intervalMs: HOUR } });
    expect(keeper.enabled).toBe(false);
    keeper.start();
    expect(await keeper.runOnce()).toBeUndefined();
    expect(await count(database, 'SELECT count(*) AS n FROM chat_rooms')).toBe(1);
    expect((await keeper.status()).failing).toBe(false);
  });

  it('lets one purger run at a time: a second one skips the round while the first holds the lock', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    for (let i = 0; i < 3; i++) await seedRoom(database, clock.now(), { endedDaysAgo: 40, messages: 10 });
    // The second purger is another instance: on PostgreSQL its own connection pool.
    const other =
      engine === 'postgres' ? await openPostgresDatabase({ url: opened.url!, poolMax: 3, logger: silentLogger }) : database;
    try {
      const first = intercept(database);
      const hold = first.hold('query', { when: (sql: string) => sql.startsWith('DELETE FROM messages') });
      const running = job(clock, first.proxy).runOnce();
      await hold.reached;
      // While the first is inside its purge, the other finds the lock taken and skips.
      expect(await job(clock, other).runOnce()).toBeUndefined();
      hold.release();
      expect(await running).toMatchObject({ rooms: 3, messages: 30 });
      // The lock is free again afterwards.
      expect(await job(clock, other).runOnce()).toMatchObject({ rooms: 0 });
      expect(await count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(2);
    } finally {
      if (other !== database) await other.close();
    }
  }, 60_000);

  it('stops a purge under way at shutdown, after its current round', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    // 250 old conversations: more than one round (200).
    const ended = new Date(clock.now().getTime() - 40 * DAY);
    await database.query(
      `WITH rooms AS (
         INSERT INTO chat_rooms (user1_id, user2_id, created_at, ended_at, is_active) SELECT 'a', 'b', $1, $1, false FROM generate_series(1, 250) RETURNING id)
       INSERT INTO messages (room_id, sender_id, content, created_at) SELECT id, 'a', 'hi', $1 FROM rooms`,
      [ended],
    );
    const db = intercept(database);
    const hold = db.hold('query', { when: (sql: string) => sql.startsWith('DELETE FROM messages') });
    const purger = job(clock, db.proxy);
    const running = purger.runOnce();
    await hold.reached;
    const stopped = purger.stop();
    hold.release();
    await stopped;
    expect(await running).toMatchObject({ rooms: 200, messages: 200, error: null });
    expect(await count(database, 'SELECT count(*) AS n FROM chat_rooms')).toBe(50);
    expect(await count(database, 'SELECT count(*) AS n FROM purge_runs')).toBe(1);
  }, 60_000);
});

describe.each(engines)('the real process on %s', (engine) => {
  it('purges old conversations on its timer and says so at start; recent ones and reported ones stay', async () => {
    const opened = await openTestDatabase(engine);
    let closed = false;
    try {
      const now = new Date();
      const old = await seedRoom(opened.database, now, { endedDaysAgo: 31, messages: 20 });
      const recent = await seedRoom(opened.database, now, { endedDaysAgo: 29, messages: 5 });
      const reported = await seedRoom(opened.database, now, { endedDaysAgo: 90, messages: 3 });
      await opened.database.query(
        `INSERT INTO reports (room_id, reporter_id, reported_id, reason, created_at, updated_at) VALUES ($1, 'someone', 'partner', 'spam', $2, $2)`,
        [reported, now],
      );
      // PGlite has one owner at a time: the process opens the directory after the test let go of it.
      if (engine === 'pglite') {
        await opened.database.close();
        closed = true;
      }
      const where: Record<string, string> = engine === 'pglite' ? { DATA_DIR: opened.dataDir! } : { DATABASE_URL: opened.url! };
      const server = await startServerProcess({ ...where, RETENTION_DAYS: '30', PURGE_INTERVAL_MS: '1000' });
      try {
        expect(server.output()).toContain('conversations are removed 30 days after they end');
        await expect.poll(() => server.output(), { timeout: 20_000, interval: 100 }).toMatch(/retention purge done/);
        expect(server.output()).toMatch(/"rooms":1,"messages":20/);
      } finally {
        expect(await server.stop('SIGTERM')).toBe(0);
      }
      const after = engine === 'pglite' ? await openTestDatabase('pglite', { dataDir: opened.dataDir! }) : opened;
      const rooms = (await after.database.query<{ id: string }>('SELECT id FROM chat_rooms ORDER BY id')).map((r) => Number(r.id));
      expect(rooms).toEqual([recent, reported]);
      expect(rooms).not.toContain(old);
      expect(await count(after.database, 'SELECT count(*) AS n FROM messages')).toBe(8);
      expect(await count(after.database, 'SELECT count(*) AS n FROM purge_runs WHERE error IS NULL')).toBeGreaterThanOrEqual(1);
      if (after !== opened) await after.database.close();
    } finally {
      if (closed) rmSync(opened.dataDir!, { recursive: true, force: true });
      else await opened.drop();
    }
  }, 90_000);

});

describe('the real process without RETENTION_DAYS', () => {
  it('says at start that conversations are kept forever', async () => {
    const dir = tempDir();
    try {
      const server = await startServerProcess({ DATA_DIR: dir.path });
      expect(server.output()).toContain('RETENTION_DAYS not set: conversations are kept forever');
      expect(await server.stop('SIGTERM')).toBe(0);
    } finally {
      dir.remove();
    }
  }, 60_000);
});
