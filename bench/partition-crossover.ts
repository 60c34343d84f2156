/**
 * `npx tsx bench/partition-crossover.ts`: what removing N expired messages costs the database, done the
 * way the retention job does it today (DELETE in batches from one `messages` table) against a
 * partitioned `messages` table whose expired partition is detached and dropped. Standalone: it does not
 * start the chat server, it measures the storage engine alone (see docs/SCALING.md for what it says).
 *
 * For each size N: a fresh database gets two copies of the same data — N expired messages (50 per
 * conversation) plus 100,000 recent ones — once in a plain table with the indexes of `messages`, once in a
 * table partitioned by RANGE (room_id) with the same columns and indexes (a conversation's messages stay
 * in one partition; the unique (room_id, sender_id, cid) index is allowed because it contains the key).
 * Then, with single-row INSERTs arriving at `--rate` per second into the same table (standing in for chat),
 *   1. DELETE: rounds of 200 conversations, at most 5,000 messages per statement, 10 ms pauses (the job's
 *      constants; options below), then the VACUUM that autovacuum would run afterwards;
 *   2. DROP: DETACH PARTITION (CONCURRENTLY on PostgreSQL) and DROP TABLE of the expired partition.
 * Reported: wall time, rows/s, time inside statements, WAL written, and the INSERT latency (completion −
 * due time, so waiting counts) before and during each operation.
 *
 * Options: --db postgres|pglite  --sizes 100000,1000000,5000000  --rate 1000  --batch 5000
 *          --rooms-per-round 200  --pause-ms 10  --database-url URL  --out FILE
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPgliteDatabase } from '../src/storage/pglite-database.js';
import { nowMs, sleep } from './clock.js';
import { DEFAULT_POSTGRES_URL } from './database-target.js';
import { machineInfo } from './proc.js';
import { formatNumber, resultsDir, table, writeJson } from './report.js';
import { Histogram, round } from './stats.js';

const MESSAGES_PER_ROOM = 50;
const RECENT_MESSAGES = 100_000;
const BASELINE_MS = 5_000;
/** The "during" window of an operation lasts at least this long, so a fast DROP still has samples. */
const MIN_WINDOW_MS = 1_000;
const INSERT_CONNECTIONS = 4;
const TICK_MS = 5;

interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

interface Options {
  db: 'postgres' | 'pglite';
  sizes: number[];
  rate: number;
  batch: number;
  roomsPerRound: number;
  pauseMs: number;
  adminUrl: string;
  out: string | undefined;
}

interface Latency {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface Operation {
  method: 'delete' | 'vacuum' | 'drop';
  seconds: number;
  /** Time spent inside the operation's statements (the rest is pauses). */
  statementSeconds: number;
  statements: number;
  /** Longest single statement: how long one statement holds the engine (PGlite: the server's thread). */
  longestStatementMs: number;
  rows: number;
  rowsPerS: number;
  walMB: number | undefined;
  insertBaseline: Latency;
  insertDuring: Latency;
}

interface SizeResult {
  n: number;
  loadSeconds: number;
  tableMB: { plain: number; partitioned: number };
  /** WAL written when the expired rows were inserted (one INSERT … SELECT into the plain table). */
  insertWalMB: number | undefined;
  operations: Operation[];
  /** Rows left where none should be (expired) and rows kept (recent), both tables. */
  check: { plainExpiredLeft: number; plainRecent: number; partExpiredLeft: number; partRecent: number; ok: boolean };
}

async function main(): Promise<void> {
  const options = parse();
  const results: SizeResult[] = [];
  for (const n of options.sizes) {
    console.log(`\n== ${options.db}: ${formatNumber(n)} expired messages`);
    results.push(await runSize(n, options));
  }
  const path = options.out ?? join(resultsDir, `partition-crossover-${options.db}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeJson(path, { kind: 'partition-crossover', startedAt: new Date().toISOString(), machine: machineInfo(), options, results });
  console.log(`\n${crossoverTable(results)}\n\nresults: ${path}`);
  if (results.some((r) => !r.check.ok)) process.exitCode = 1;
}

function parse(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      db: { type: 'string' },
      sizes: { type: 'string' },
      rate: { type: 'string' },
      batch: { type: 'string' },
      'rooms-per-round': { type: 'string' },
      'pause-ms': { type: 'string' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const db = values.db ?? 'postgres';
  if (db !== 'postgres' && db !== 'pglite') throw new Error(`--db postgres or pglite, not '${db}'`);
  const n = (v: string | undefined, d: number) => {
    const value = v === undefined ? d : Number(v);
    if (!(value >= 0)) throw new Error(`expected a number, got '${v}'`);
    return value;
  };
  return {
    db,
    sizes: (values.sizes ?? (db === 'pglite' ? '100000,1000000' : '100000,1000000,5000000')).split(',').map((s) => n(s.trim(), 0)),
    rate: n(values.rate, 1000),
    batch: n(values.batch, 5000),
    roomsPerRound: n(values['rooms-per-round'], 200),
    pauseMs: n(values['pause-ms'], 10),
    adminUrl: values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_POSTGRES_URL,
    out: values.out,
  };
}

async function runSize(n: number, options: Options): Promise<SizeResult> {
  const engine = await openEngine(options);
  try {
    const expiredRooms = Math.ceil(n / MESSAGES_PER_ROOM);
    const recentRooms = Math.ceil(RECENT_MESSAGES / MESSAGES_PER_ROOM);
    const loadStart = nowMs();
    await createTables(engine.sql, expiredRooms);
    const walBeforeLoad = await walLsn(engine.sql);
    await load(engine.sql, 'messages_plain', 1, expiredRooms, 40);
    const walAfterLoad = await walLsn(engine.sql);
    await load(engine.sql, 'messages_plain', expiredRooms + 1, recentRooms, 2);
    await load(engine.sql, 'messages_part', 1, expiredRooms, 40);
    await load(engine.sql, 'messages_part', expiredRooms + 1, recentRooms, 2);
    await engine.sql.query('VACUUM ANALYZE');
    await engine.sql.query('CHECKPOINT');
    const loadSeconds = round((nowMs() - loadStart) / 1000, 1);
    const tableMB = {
      plain: await sizeMB(engine.sql, `pg_total_relation_size('messages_plain')`),
      partitioned: await sizeMB(engine.sql, `(SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'messages_part'::regclass)`),
    };
    // WAL written by inserting the expired rows (one INSERT … SELECT): the write volume the purge is compared with.
    const insertWalMB = walBeforeLoad !== undefined && walAfterLoad !== undefined ? round((walAfterLoad - walBeforeLoad) / 2 ** 20, 1) : undefined;
    console.log(`   loaded both tables in ${loadSeconds} s (plain ${tableMB.plain} MB, partitioned ${tableMB.partitioned} MB; inserting the expired rows wrote ${insertWalMB ?? '?'} MB of WAL)`);

    const operations: Operation[] = [];
    const firstRecentRoom = expiredRooms + 1;
    // 1. DELETE in batches, as the retention job does; then the VACUUM that must follow it.
    operations.push(
      await measured(engine, 'messages_plain', firstRecentRoom, recentRooms, options, 'delete', () => deleteInBatches(engine.sql, expiredRooms, options)),
    );
    operations.push(
      await measured(engine, 'messages_plain', firstRecentRoom, recentRooms, options, 'vacuum', async () => timedStatements(engine.sql, ['VACUUM messages_plain'])),
    );
    // 2. DETACH and DROP the expired partition.
    const detach = options.db === 'postgres' ? 'ALTER TABLE messages_part DETACH PARTITION messages_part_old CONCURRENTLY' : 'ALTER TABLE messages_part DETACH PARTITION messages_part_old';
    operations.push(
      await measured(engine, 'messages_part', firstRecentRoom, recentRooms, options, 'drop', async () => ({
        ...(await timedStatements(engine.sql, [detach, 'DROP TABLE messages_part_old'])),
        rows: n,
      })),
    );
    for (const op of operations) {
      console.log(
        `   ${op.method}: ${op.seconds} s (${formatNumber(op.rowsPerS)} rows/s), ${op.statements} statements, longest ${op.longestStatementMs} ms, WAL ${op.walMB ?? '?'} MB; insert p99 ${op.insertBaseline.p99Ms} → ${op.insertDuring.p99Ms} ms, max ${op.insertBaseline.maxMs} → ${op.insertDuring.maxMs} ms`,
      );
    }
    const check = await checkRows(engine.sql, expiredRooms);
    return { n, loadSeconds, tableMB, insertWalMB, operations, check };
  } finally {
    await engine.close();
  }
}

async function createTables(sql: Sql, expiredRooms: number): Promise<void> {
  const columns = `id bigserial, room_id bigint NOT NULL, sender_id varchar(64) NOT NULL, content text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), cid varchar(64), flags varchar(16)[], erased_at timestamptz, erased_by varchar(16)`;
  await sql.query(`CREATE TABLE messages_plain (${columns}, PRIMARY KEY (id))`);
  await sql.query('CREATE INDEX ON messages_plain (room_id, id)');
  await sql.query('CREATE INDEX ON messages_plain (created_at)');
  await sql.query('CREATE UNIQUE INDEX ON messages_plain (room_id, sender_id, cid)');
  // Partitioned by conversation: a unique index must contain the partition key, and room_id is in both.
  await sql.query(`CREATE TABLE messages_part (${columns}, PRIMARY KEY (id, room_id)) PARTITION BY RANGE (room_id)`);
  await sql.query('CREATE INDEX ON messages_part (room_id, id)');
  await sql.query('CREATE INDEX ON messages_part (created_at)');
  await sql.query('CREATE UNIQUE INDEX ON messages_part (room_id, sender_id, cid)');
  await sql.query(`CREATE TABLE messages_part_old PARTITION OF messages_part FOR VALUES FROM (MINVALUE) TO (${expiredRooms + 1})`);
  await sql.query(`CREATE TABLE messages_part_new PARTITION OF messages_part FOR VALUES FROM (${expiredRooms + 1}) TO (MAXVALUE)`);
}

/** `rooms` conversations from `firstRoom` on, 50 messages each, about `daysAgo` days old. */
async function load(sql: Sql, table: string, firstRoom: number, rooms: number, daysAgo: number): Promise<void> {
  await sql.query(
    `INSERT INTO ${table} (room_id, sender_id, content, created_at)
     SELECT $1::bigint + i / $3::int, 'u' || (i / $3::int) || CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END,
            left('message ' || i || ' hello 你好, how are you today? 今天过得怎么样？ ', 48),
            now() - $4::int * interval '1 day' + i * interval '10 milliseconds'
     FROM generate_series(0, $2::int * $3::int - 1) AS i`,
    [firstRoom, rooms, MESSAGES_PER_ROOM, daysAgo],
  );
}

/** The retention job's loop on messages alone: rounds of conversations, bounded statements, pauses. */
async function deleteInBatches(sql: Sql, expiredRooms: number, options: Options): Promise<StatementRun> {
  const run: StatementRun = { statementMs: [], rows: 0 };
  for (let first = 1; first <= expiredRooms; first += options.roomsPerRound) {
    const ids = Array.from({ length: Math.min(options.roomsPerRound, expiredRooms - first + 1) }, (_, i) => first + i);
    for (;;) {
      const started = nowMs();
      const deleted = await sql.query(
        'DELETE FROM messages_plain WHERE id IN (SELECT id FROM messages_plain WHERE room_id = ANY($1::bigint[]) LIMIT $2) RETURNING id',
        [ids, options.batch],
      );
      run.statementMs.push(nowMs() - started);
      run.rows += deleted.length;
      await sleep(options.pauseMs);
      if (deleted.length < options.batch) break;
    }
  }
  return run;
}

interface StatementRun {
  statementMs: number[];
  rows: number;
}

async function timedStatements(sql: Sql, statements: string[]): Promise<StatementRun> {
  const run: StatementRun = { statementMs: [], rows: 0 };
  for (const statement of statements) {
    const started = nowMs();
    await sql.query(statement);
    run.statementMs.push(nowMs() - started);
  }
  return run;
}

/** Runs `work` while inserts arrive at the offered rate; measures it, and the inserts before and during it. */
async function measured(
  engine: Engine,
  table: string,
  firstRecentRoom: number,
  recentRooms: number,
  options: Options,
  method: Operation['method'],
  work: () => Promise<StatementRun>,
): Promise<Operation> {
  await engine.sql.query('CHECKPOINT');
  const inserter = startInserter(engine, table, firstRecentRoom, recentRooms, options.rate);
  await sleep(BASELINE_MS);
  const walBefore = await walLsn(engine.sql);
  const startMs = nowMs();
  const result = await work();
  const endMs = nowMs();
  const walAfter = await walLsn(engine.sql);
  await sleep(Math.max(0, startMs + MIN_WINDOW_MS - nowMs()) + 200);
  const samples = await inserter.stop();
  const windowEnd = Math.max(endMs, startMs + MIN_WINDOW_MS);
  const seconds = (endMs - startMs) / 1000;
  return {
    method,
    seconds: round(seconds, 3),
    statementSeconds: round(result.statementMs.reduce((a, b) => a + b, 0) / 1000, 3),
    statements: result.statementMs.length,
    longestStatementMs: round(Math.max(0, ...result.statementMs), 1),
    rows: result.rows,
    rowsPerS: round(result.rows / Math.max(seconds, 1e-3)),
    walMB: walBefore !== undefined && walAfter !== undefined ? round((walAfter - walBefore) / 2 ** 20, 1) : undefined,
    insertBaseline: latency(samples.filter((s) => s.dueMs >= startMs - BASELINE_MS && s.dueMs < startMs)),
    insertDuring: latency(samples.filter((s) => s.dueMs >= startMs && s.dueMs < windowEnd)),
  };
}

interface Sample {
  dueMs: number;
  latencyMs: number;
}

/**
 * Open loop, like the server's group commit: every 5 ms the messages that are due join a queue, and up to
 * INSERT_CONNECTIONS multi-row INSERTs take what is queued; latency counts from when each message was due,
 * so time spent waiting for the database (or for the one PGlite connection) counts.
 */
function startInserter(engine: Engine, table: string, firstRoom: number, rooms: number, rate: number): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const queue: number[] = [];
  const writers = new Set<Promise<void>>();
  const startMs = nowMs();
  let due = 0;
  let stopped = false;
  const write = async (batch: number[]) => {
    const values = batch.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`).join(', ');
    const params = batch.flatMap((n) => {
      const room = firstRoom + (n % rooms);
      return [room, `u${room}a`, 'a chat message of ordinary length, 你好', `c${n}-${Math.round(startMs)}`];
    });
    await engine.insert.query(`INSERT INTO ${table} (room_id, sender_id, content, cid) VALUES ${values}`, params);
    const done = nowMs();
    for (const n of batch) samples.push({ dueMs: startMs + (n * 1000) / rate, latencyMs: done - (startMs + (n * 1000) / rate) });
  };
  const pump = () => {
    while (queue.length > 0 && writers.size < INSERT_CONNECTIONS) {
      const p: Promise<void> = write(queue.splice(0, queue.length)).finally(() => {
        writers.delete(p);
        pump();
      });
      writers.add(p);
    }
  };
  const tick = setInterval(() => {
    if (stopped) return;
    for (const until = Math.floor(((nowMs() - startMs) / 1000) * rate); due < until; due++) queue.push(due);
    pump();
  }, TICK_MS);
  return {
    async stop() {
      stopped = true;
      clearInterval(tick);
      while (writers.size > 0) await Promise.all(writers);
      return samples;
    },
  };
}

function latency(samples: readonly Sample[]): Latency {
  const h = new Histogram();
  for (const s of samples) h.record(s.latencyMs);
  const summary = h.summary();
  return { count: samples.length, p50Ms: round(summary.p50Ms, 2), p99Ms: round(summary.p99Ms, 2), maxMs: round(summary.maxMs, 2) };
}

async function walLsn(sql: Sql): Promise<number | undefined> {
  try {
    const [row] = await sql.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS b`);
    return Number(row!.b);
  } catch {
    return undefined;
  }
}

async function sizeMB(sql: Sql, expression: string): Promise<number> {
  const [row] = await sql.query<{ b: string }>(`SELECT (${expression})::text AS b`);
  return round(Number(row!.b) / 2 ** 20, 1);
}

async function checkRows(sql: Sql, expiredRooms: number): Promise<SizeResult['check']> {
  const count = async (q: string) => Number((await sql.query<{ n: string }>(q, [expiredRooms]))[0]!.n);
  const check = {
    plainExpiredLeft: await count('SELECT count(*)::text AS n FROM messages_plain WHERE room_id <= $1'),
    plainRecent: await count(`SELECT count(*)::text AS n FROM messages_plain WHERE room_id > $1 AND cid IS NULL`),
    partExpiredLeft: await count('SELECT count(*)::text AS n FROM messages_part WHERE room_id <= $1'),
    partRecent: await count(`SELECT count(*)::text AS n FROM messages_part WHERE room_id > $1 AND cid IS NULL`),
    ok: false,
  };
  check.ok = check.plainExpiredLeft === 0 && check.partExpiredLeft === 0 && check.plainRecent === RECENT_MESSAGES && check.partRecent === RECENT_MESSAGES;
  return check;
}

interface Engine {
  /** The connection the operations run on. */
  sql: Sql;
  /** The connections the chat-like inserts run on (PGlite: the same single connection). */
  insert: Sql;
  close(): Promise<void>;
}

async function openEngine(options: Options): Promise<Engine> {
  if (options.db === 'pglite') {
    // The server's own PGlite setup (its buffer size, fsync on): what the retention job runs against.
    const dir = mkdtempSync(join(tmpdir(), 'chat-partition-'));
    const db = await openPgliteDatabase(dir);
    const sql: Sql = { query: <T>(text: string, params?: unknown[]) => db.query<T>(text, params) };
    return {
      sql,
      insert: sql,
      close: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `chat_bench_partition_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  await onServer(options.adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  const pool = (max: number) => new pg.Pool({ connectionString: url.toString(), max, statement_timeout: 0 });
  const ops = pool(1);
  const inserts = pool(INSERT_CONNECTIONS);
  const wrap = (p: pg.Pool): Sql => ({ query: async <T>(text: string, params?: unknown[]) => (await p.query(text, params)).rows as T[] });
  return {
    sql: wrap(ops),
    insert: wrap(inserts),
    close: async () => {
      await ops.end();
      await inserts.end();
      await onServer(options.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function onServer(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function crossoverTable(results: readonly SizeResult[]): string {
  return table(
    ['expired messages', 'method', 'seconds', 'rows/s', 'in statements s', 'statements', 'longest statement ms', 'WAL MB', 'insert p50 ms base → during', 'insert p99 ms base → during', 'insert max ms base → during', 'check'],
    results.flatMap((r) =>
      r.operations.map((op) => [
        r.n,
        op.method === 'delete' ? 'DELETE in batches' : op.method === 'vacuum' ? '+ VACUUM after it' : 'DETACH + DROP partition',
        op.seconds,
        op.method === 'vacuum' ? '–' : formatNumber(op.rowsPerS),
        op.statementSeconds,
        op.statements,
        op.longestStatementMs,
        op.walMB ?? '?',
        `${formatNumber(op.insertBaseline.p50Ms)} → ${formatNumber(op.insertDuring.p50Ms)}`,
        `${formatNumber(op.insertBaseline.p99Ms)} → ${formatNumber(op.insertDuring.p99Ms)}`,
        `${formatNumber(op.insertBaseline.maxMs)} → ${formatNumber(op.insertDuring.maxMs)}`,
        r.check.ok ? 'ok' : 'FAIL',
      ]),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
