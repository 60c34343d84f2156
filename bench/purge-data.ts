/**
 * The data of the `purge` scenario: conversations that ended long ago (to be purged) and recent ones (to
 * stay), written straight into a fresh bench database with set-based SQL (one `INSERT … SELECT
 * generate_series` per table and kind) before the server starts, and the check afterwards that the first
 * are gone and the second are all still there.
 *
 * Messages are laid out as a chat service writes them: the rooms of one "generation" are open at the same
 * time and their messages interleave in time order (message 1 of every room, then message 2, …), so the
 * messages of one conversation are spread over many heap pages, as they are in production. Purging them
 * therefore dirties about as many pages as it would there, not one tidy page per room.
 */
import pino from 'pino';
import type { Database } from '../src/storage/database.js';
import { openPostgresDatabase } from '../src/storage/postgres-database.js';
import type { DbTarget } from './database-target.js';
import { nowMs } from './clock.js';
import { round } from './stats.js';

/** What to load. */
export interface PurgeLoad {
  /** Messages in conversations that ended long ago (rounded down to whole rooms). */
  expiredMessages: number;
  messagesPerRoom: number;
  /** Days since the expired conversations ended: spread evenly between these two. */
  expiredDaysAgo: readonly [number, number];
  /** Recent conversations (ended within the retention period), as a share of the expired rooms. */
  recentShare: number;
  /** Days since the recent conversations ended: spread evenly between these two. */
  recentDaysAgo: readonly [number, number];
}

/** Ids and counts of one kind of conversation, for the check afterwards. */
export interface LoadedSet {
  rooms: number;
  messages: number;
  roomIds: readonly [number, number];
  messageIds: readonly [number, number];
}

export interface PurgePreload {
  expired: LoadedSet;
  recent: LoadedSet;
  /** Seconds from the first INSERT to the end of VACUUM ANALYZE and CHECKPOINT. */
  seconds: number;
}

/** Conversations open at the same time, whose messages interleave (at most; a divisor of the room count). */
const MAX_CONCURRENT_ROOMS = 1_000;
const DAY_MS = 86_400_000;
/** Loading a million rows takes longer than the server's 10 s statement timeout. */
const LOAD_STATEMENT_TIMEOUT_MS = 30 * 60_000;

/** Loads both sets into the fresh target (migrating it first), then lets the engine settle. */
export async function preloadPurgeData(target: DbTarget, load: PurgeLoad): Promise<PurgePreload> {
  const url = target.env['DATABASE_URL'];
  const database = url
    ? await openPostgresDatabase({ url, poolMax: 1, queryTimeoutMs: LOAD_STATEMENT_TIMEOUT_MS, logger: pino({ level: 'silent' }) })
    : await target.open();
  if (!database) throw new Error(`purge needs a database (not --db ${target.kind})`);
  try {
    await database.migrate();
    const started = nowMs();
    const expiredRooms = Math.max(1, Math.floor(load.expiredMessages / load.messagesPerRoom));
    const expired = await insertConversations(database, 'old', expiredRooms, load.messagesPerRoom, load.expiredDaysAgo);
    const recentRooms = Math.max(1, Math.round(expiredRooms * load.recentShare));
    const recent = await insertConversations(database, 'new', recentRooms, load.messagesPerRoom, load.recentDaysAgo);
    // As autovacuum would have left month-old data: statistics, visibility map and hint bits set, and no
    // checkpoint of the load's WAL due in the middle of the measurement.
    await database.query('VACUUM ANALYZE');
    await database.query('CHECKPOINT');
    return { expired, recent, seconds: round((nowMs() - started) / 1000, 1) };
  } finally {
    await database.close();
  }
}

/**
 * `rooms` ended conversations of `perRoom` messages each, ending between `daysAgo[1]` and `daysAgo[0]`
 * days ago (oldest first), in generations of rooms open at the same time.
 */
async function insertConversations(
  database: Database,
  prefix: string,
  rooms: number,
  perRoom: number,
  daysAgo: readonly [number, number],
): Promise<LoadedSet> {
  const concurrent = largestDivisorAtMost(rooms, MAX_CONCURRENT_ROOMS);
  const [oldest, newest] = [Math.max(...daysAgo), Math.min(...daysAgo)];
  const firstMs = Date.now() - oldest * DAY_MS;
  // Each generation starts this much after the previous one; a conversation lasts perRoom × 10 s.
  const generationMs = ((oldest - newest) * DAY_MS) / Math.max(1, rooms / concurrent);
  const [roomRange] = await database.query<{ lo: string; hi: string }>(
    `WITH inserted AS (
       INSERT INTO chat_rooms (user1_id, user2_id, created_at, ended_at, is_active, end_reason)
       SELECT $1 || g || 'a', $1 || g || 'b', s.created, s.created + ($3::int + 1) * interval '10 seconds', false, 'left'
       FROM generate_series(0, $2::int - 1) AS g,
            LATERAL (SELECT to_timestamp($4::float8 / 1000) + (g / $5::int) * ($6::float8 * interval '1 millisecond')
                            + (g % $5::int) * interval '1 millisecond' AS created) AS s
       RETURNING id)
     SELECT min(id) AS lo, max(id) AS hi FROM inserted`,
    [prefix, rooms, perRoom, firstMs, concurrent, generationMs],
  );
  const firstRoom = Number(roomRange!.lo);
  if (Number(roomRange!.hi) - firstRoom + 1 !== rooms) throw new Error(`preload: room ids of '${prefix}' are not contiguous`);
  // Message i belongs to generation i / (concurrent × perRoom) and is number m of its room c: time order.
  const [messageRange] = await database.query<{ lo: string; hi: string; n: string }>(
    `WITH inserted AS (
       INSERT INTO messages (room_id, sender_id, content, created_at)
       SELECT $1::bigint + x.c, $2 || x.c || CASE WHEN x.m % 2 = 0 THEN 'a' ELSE 'b' END,
              left('message ' || i || ' hello 你好, how are you today? 今天过得怎么样？ ', 48),
              to_timestamp($6::float8 / 1000) + (x.c / $5::int) * ($7::float8 * interval '1 millisecond')
                + (x.c % $5::int) * interval '1 millisecond' + x.m * interval '10 seconds'
       FROM generate_series(0, $3::int * $4::int - 1) AS i,
            LATERAL (SELECT (i / ($5::int * $4::int)) * $5::int + i % $5::int AS c, (i % ($5::int * $4::int)) / $5::int + 1 AS m) AS x
       RETURNING id)
     SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM inserted`,
    [firstRoom, prefix, rooms, perRoom, concurrent, firstMs, generationMs],
  );
  const messages = Number(messageRange!.n);
  if (messages !== rooms * perRoom) throw new Error(`preload: ${messages} messages of '${prefix}' inserted, expected ${rooms * perRoom}`);
  return { rooms, messages, roomIds: [firstRoom, firstRoom + rooms - 1], messageIds: [Number(messageRange!.lo), Number(messageRange!.hi)] };
}

/** What the database holds of each set after the run. */
export interface RetentionCheck {
  expiredRoomsLeft: number;
  expiredMessagesLeft: number;
  recentRoomsLeft: number;
  recentMessagesLeft: number;
  ok: boolean;
  failures: string[];
}

/** Expired conversations must be gone, every recent one must still be there with all its messages. */
export async function checkRetention(database: Database, loaded: PurgePreload): Promise<RetentionCheck> {
  const count = async (table: string, range: readonly [number, number]) => {
    const [row] = await database.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table} WHERE id BETWEEN $1 AND $2`, [...range]);
    return Number(row!.n);
  };
  const check: RetentionCheck = {
    expiredRoomsLeft: await count('chat_rooms', loaded.expired.roomIds),
    expiredMessagesLeft: await count('messages', loaded.expired.messageIds),
    recentRoomsLeft: await count('chat_rooms', loaded.recent.roomIds),
    recentMessagesLeft: await count('messages', loaded.recent.messageIds),
    ok: true,
    failures: [],
  };
  if (check.expiredRoomsLeft > 0) check.failures.push(`${check.expiredRoomsLeft} expired rooms left`);
  if (check.expiredMessagesLeft > 0) check.failures.push(`${check.expiredMessagesLeft} expired messages left`);
  if (check.recentRoomsLeft !== loaded.recent.rooms) check.failures.push(`${check.recentRoomsLeft} of ${loaded.recent.rooms} recent rooms left`);
  if (check.recentMessagesLeft !== loaded.recent.messages) check.failures.push(`${check.recentMessagesLeft} of ${loaded.recent.messages} recent messages left`);
  check.ok = check.failures.length === 0;
  return check;
}

function largestDivisorAtMost(n: number, max: number): number {
  for (let d = Math.min(n, max); d > 1; d--) if (n % d === 0) return d;
  return 1;
}
