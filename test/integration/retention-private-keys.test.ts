/**
 * Retention of private keys: a key links two identities, so it is not kept longer than what they said.
 * A key whose conversations all ended before the cutoff goes, as does one made before the cutoff and
 * never used for a conversation; a key with a recent or live conversation stays, and so does a fresh one
 * nobody has entered yet. On both engines, and past one statement's batch of keys.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/privacy/retention.js';
import type { Database } from '../../src/storage/database.js';
import { ENGINES } from '../admin/engines.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase, silentLogger } from '../helpers/database.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(ENGINES)('retention of private keys on %s', (engine) => {
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
    await database.query('TRUNCATE purge_runs, private_key_rooms, private_keys, messages, chat_rooms RESTART IDENTITY CASCADE');
  });

  const job = (clock: ManualClock) =>
    new RetentionJob({ database, clock, logger: silentLogger, settings: { retentionDays: 30, intervalMs: HOUR }, pauseMs: 0 });

  /** A key made `createdDaysAgo` days before `now`, by 'maker' (and bound to 'friend' when `bound`). */
  async function seedKey(now: Date, hash: string, createdDaysAgo: number, bound = true): Promise<void> {
    await database.query(`INSERT INTO private_keys (key_hash, user1_id, user2_id, origin, created_at) VALUES ($1, 'maker', $2, 'created', $3)`, [
      hash,
      bound ? 'friend' : null,
      new Date(now.getTime() - createdDaysAgo * DAY),
    ]);
  }

  /** A private conversation under `hash` that ended `endedDaysAgo` days before `now` (undefined: still going on). */
  async function seedRoom(now: Date, hash: string, endedDaysAgo?: number): Promise<number> {
    const ended = endedDaysAgo === undefined ? null : new Date(now.getTime() - endedDaysAgo * DAY);
    const [room] = await database.query<{ id: string }>(
      `INSERT INTO chat_rooms (user1_id, user2_id, match_type, created_at, ended_at, is_active, end_reason)
       VALUES ('maker', 'friend', 'private', $1, $2, $3, $4) RETURNING id`,
      [new Date((ended ?? now).getTime() - HOUR), ended, ended === null, ended === null ? null : 'left'],
    );
    const id = Number(room!.id);
    await database.query(`INSERT INTO messages (room_id, sender_id, content, created_at) VALUES ($1, 'maker', 'hello', $2)`, [id, ended ?? now]);
    await database.query('INSERT INTO private_key_rooms (key_hash, room_id) VALUES ($1, $2)', [hash, id]);
    return id;
  }

  const keys = async () => (await database.query<{ key_hash: string }>('SELECT key_hash FROM private_keys ORDER BY key_hash')).map((r) => r.key_hash);

  it('removes keys whose conversations all ended before the cutoff and unused old keys; keeps keys with a recent or live conversation and fresh ones', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const now = clock.now();
    // Going: every conversation ended before the cutoff; never used and made 40 days ago (bound or not).
    await seedKey(now, 'old-used', 60);
    await seedRoom(now, 'old-used', 45);
    await seedRoom(now, 'old-used', 31);
    await seedKey(now, 'old-unused', 40, false);
    await seedKey(now, 'old-unused-bound', 30.01);
    // Staying: an old conversation and a recent one; one going on (started long ago); a fresh key nobody
    // entered yet; an unused key just inside the window.
    await seedKey(now, 'recent-room', 90);
    await seedRoom(now, 'recent-room', 50);
    const recentRoom = await seedRoom(now, 'recent-room', 2);
    await seedKey(now, 'live-room', 60);
    const liveRoom = await seedRoom(now, 'live-room');
    await database.query('UPDATE chat_rooms SET created_at = $2 WHERE id = $1', [liveRoom, new Date(now.getTime() - 60 * DAY)]);
    await seedKey(now, 'fresh', 1, false);
    await seedKey(now, 'just-inside', 29.99, false);

    const run = await job(clock).runOnce();

    expect(run).toMatchObject({ rooms: 3, error: null });
    expect(await keys()).toEqual(['fresh', 'just-inside', 'live-room', 'recent-room']);
    const links = await database.query<{ key_hash: string; room_id: string }>('SELECT key_hash, room_id FROM private_key_rooms ORDER BY key_hash');
    expect(links.map((l) => [l.key_hash, Number(l.room_id)])).toEqual([
      ['live-room', liveRoom],
      ['recent-room', recentRoom],
    ]);
    // Nothing more is due; the unused key just inside the window goes once it is past it.
    expect(await job(clock).runOnce()).toMatchObject({ rooms: 0, error: null });
    expect(await keys()).toEqual(['fresh', 'just-inside', 'live-room', 'recent-room']);
    clock.advance(0.02 * DAY);
    await job(clock).runOnce();
    expect(await keys()).toEqual(['fresh', 'live-room', 'recent-room']);
  }, 60_000);

  it('keeps an old key that somebody entered within the period (waiting in it now, say), and lets it go once unused for the period', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const now = clock.now();
    await seedKey(now, 'entered-today', 90);
    await seedRoom(now, 'entered-today', 60);
    await database.query('UPDATE private_keys SET last_used_at = $2 WHERE key_hash = $1', ['entered-today', now]);
    await seedKey(now, 'entered-long-ago', 90);
    await seedRoom(now, 'entered-long-ago', 60);
    await database.query('UPDATE private_keys SET last_used_at = $2 WHERE key_hash = $1', ['entered-long-ago', new Date(now.getTime() - 45 * DAY)]);
    await job(clock).runOnce();
    expect(await keys()).toEqual(['entered-today']);
    clock.advance(31 * DAY);
    await job(clock).runOnce();
    expect(await keys()).toEqual([]);
  });

  it('removes more old keys than one statement holds, and none of the fresh ones among them', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const now = clock.now();
    await database.query(
      `INSERT INTO private_keys (key_hash, user1_id, user2_id, origin, created_at)
       SELECT md5(i::text), 'maker', NULL, 'created', CASE WHEN i % 100 = 0 THEN $1::timestamptz ELSE $2::timestamptz END
       FROM generate_series(1, 1300) AS i`,
      [new Date(now.getTime() - DAY), new Date(now.getTime() - 40 * DAY)],
    );

    expect(await job(clock).runOnce()).toMatchObject({ error: null });

    const left = await keys();
    expect(left).toHaveLength(13);
    const fresh = await database.query<{ key_hash: string }>(
      'SELECT md5(i::text) AS key_hash FROM generate_series(1, 1300) AS i WHERE i % 100 = 0 ORDER BY 1',
    );
    expect(left).toEqual(fresh.map((r) => r.key_hash));
  }, 60_000);
});
