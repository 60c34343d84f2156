/**
 * `npm run bench -- pg-ceiling`: the group-commit ceiling of the storage engine alone, with the real
 * schema (a fresh database migrated by the server's own migrations) and the real statement
 * (`SqlChatRepository.appendMessages`, the one `MessageWriter` runs): rows/s and statement latency for
 * batches of 1 … 1,000 messages, with one statement in flight at a time (what `GroupCommit` does today)
 * and with 2 and 4 writers in flight at once, each writing its own share of the rooms (what "several
 * writers by room id" would be). No chat server, no sockets: the messages are built in this process.
 *
 * Each cell: `--duration` seconds (after a short warm-up) of writers that each loop
 * "build a batch → appendMessages → next", closed-loop, so rows/s is the most that shape of writing
 * achieves. 48-character messages, each with a unique cid (as clients send them), over 1,000 active
 * rooms created first. Reported per cell: rows/s, statements/s, statement latency p50/p99/max, WAL
 * written per row (PostgreSQL: the server's LSN, so it includes whatever else the server wrote), CPU of
 * this process (building batches and parsing results, the server's part of the work) and of the
 * database's backends.
 *
 * `statements`: how the append reaches PostgreSQL — `prepared` as the server sends it (a named statement,
 * parsed and planned once per connection), `unnamed` as it did before (parsed and planned on every run).
 * With both, every cell is measured both ways, one after the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { SqlChatRepository, type NewMessage } from '../../src/storage/chat-repository.js';
import type { Database, QueryOptions } from '../../src/storage/database.js';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { nowMs, sleep } from '../clock.js';
import { processTicks } from '../proc.js';
import { table, type Cell } from '../report.js';
import { Histogram, round } from '../stats.js';

export interface PgCeilingOptions {
  db: 'postgres' | 'pglite';
  adminUrl: string;
  batchSizes: number[];
  writers: number[];
  durationS: number;
  warmupS: number;
  rooms: number;
  contentChars: number;
  keepDb: boolean;
  statements: StatementKind[];
}

export type StatementKind = 'prepared' | 'unnamed';

export interface PgCeilingCell {
  statement: StatementKind;
  writers: number;
  batch: number;
  seconds: number;
  rows: number;
  statements: number;
  rowsPerS: number;
  statementsPerS: number;
  latency: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  /** WAL bytes written per row (PostgreSQL only: pg_current_wal_lsn before and after; server-wide). */
  walBytesPerRow: number | undefined;
  /** WAL syncs (fsync/fdatasync) the server made during the cell, per statement (pg_stat_wal; server-wide). */
  walSyncsPerStatement: number | undefined;
  /** CPU of this process (building batches, pg/PGlite client work), % of one core. */
  benchCpuPct: number;
  /** CPU of the backends serving this database (PostgreSQL only), % of one core. */
  backendCpuPct: number | undefined;
  /** The backends' CPU per statement, µs (PostgreSQL only). */
  backendUsPerStatement: number | undefined;
  /** Rows the statements did not store (should be 0: every room stays active, every cid is new). */
  notStored: number;
  loadAverage1m: number;
}

export interface PgCeilingRun {
  db: 'postgres' | 'pglite';
  version: string | undefined;
  settings: Record<string, string>;
  rooms: number;
  rowsAtEnd: number;
  tableMBAtEnd: number | undefined;
  cells: PgCeilingCell[];
}

const CLOCK_TICKS_PER_S = 100;

export async function runPgCeiling(options: PgCeilingOptions, log: (line: string) => void): Promise<PgCeilingRun> {
  const target = await openTarget(options);
  try {
    const database = target.database;
    await database.migrate();
    const repository = new SqlChatRepository(database);
    const repositories: Record<StatementKind, SqlChatRepository> = { prepared: repository, unnamed: new SqlChatRepository(unnamed(database)) };
    const version = (await database.query<{ v: string }>('SELECT version() AS v'))[0]?.v.split(' on ')[0];
    const settings: Record<string, string> = {};
    for (const name of ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'max_wal_size', 'wal_level']) {
      const rows = await database.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = Object.values(rows[0] ?? {})[0] ?? '?';
    }
    log(`${options.db}: ${version}; ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);

    // The rooms, created as matching creates them (createRooms, in batches).
    const roomIds: number[] = [];
    for (let i = 0; i < options.rooms; i += 500) {
      const batch = Array.from({ length: Math.min(500, options.rooms - i) }, (_, j) => ({
        user1Id: `u${i + j}a`,
        user2Id: `u${i + j}b`,
        matchType: 'random',
        createdAt: new Date(),
      }));
      roomIds.push(...(await repository.createRooms(batch)).map((r) => r.id));
    }
    log(`${roomIds.length} active rooms created`);

    const contents = makeContents(options.contentChars);
    let sequence = 0;
    const cells: PgCeilingCell[] = [];
    for (const writers of options.writers) {
      for (const batch of options.batchSizes) {
        // Each writer its own rooms (room index modulo writers), as writers sharded by room id would have.
        const shares = Array.from({ length: writers }, (_, w) => roomIds.filter((_, i) => i % writers === w));
        const makeBatch = (w: number): NewMessage[] => {
          const rooms = shares[w]!;
          const now = new Date();
          return Array.from({ length: batch }, () => {
            const n = sequence++;
            const roomIndex = n % rooms.length;
            return {
              roomId: rooms[roomIndex]!,
              senderId: `u${roomIndex}${n % 2 ? 'a' : 'b'}`,
              content: contents[n % contents.length]!,
              createdAt: now,
              cid: `c${n.toString(36)}`,
            };
          });
        };
        for (const statement of options.statements) {
        const cell = await runCell(options, target, statement, writers, batch, makeBatch, (b) => repositories[statement].appendMessages(b));
        cells.push(cell);
        log(
          `${statement}, writers ${writers}, batch ${batch}: ${Math.round(cell.rowsPerS).toLocaleString('en-US')} rows/s, ` +
            `${Math.round(cell.statementsPerS).toLocaleString('en-US')} statements/s, p50 ${cell.latency.p50Ms} ms, p99 ${cell.latency.p99Ms} ms, ` +
            `max ${cell.latency.maxMs} ms, bench CPU ${cell.benchCpuPct}%` +
            (cell.backendCpuPct !== undefined ? `, backends ${cell.backendCpuPct}% (${cell.backendUsPerStatement} µs/statement)` : '') +
            (cell.walBytesPerRow !== undefined ? `, WAL ${cell.walBytesPerRow} B/row` : '') +
            ` (load ${cell.loadAverage1m})`,
        );
        }
      }
    }
    const rowsAtEnd = (await database.query<{ n: number }>('SELECT count(*)::bigint AS n FROM messages'))[0]?.n ?? 0;
    const size = await database.query<{ b: number }>(`SELECT pg_total_relation_size('messages')::bigint AS b`);
    return {
      db: options.db,
      version,
      settings,
      rooms: roomIds.length,
      rowsAtEnd,
      tableMBAtEnd: size[0] ? round(size[0].b / 2 ** 20, 1) : undefined,
      cells,
    };
  } finally {
    await target.close();
  }
}

/** The same database, every statement sent unnamed (parsed and planned on each run), as before `prepare`. */
function unnamed(database: Database): Database {
  return {
    engine: database.engine,
    query: <T>(text: string, params?: readonly unknown[], _options?: QueryOptions) => database.query<T>(text, params),
    transaction: (work) => database.transaction(work),
    migrate: () => database.migrate(),
    exclusive: (key, work) => database.exclusive(key, work),
    holdShared: (key) => database.holdShared(key),
    ping: () => database.ping(),
    close: () => database.close(),
  };
}

async function runCell(
  options: PgCeilingOptions,
  target: Target,
  statement: StatementKind,
  writers: number,
  batch: number,
  makeBatch: (writer: number) => NewMessage[],
  append: (batch: NewMessage[]) => Promise<{ status: string }[]>,
): Promise<PgCeilingCell> {
  const histogram = new Histogram();
  let rows = 0;
  let statements = 0;
  let notStored = 0;
  let measuring = false;
  let stop = false;
  const writer = async (w: number) => {
    while (!stop) {
      const items = makeBatch(w);
      const started = nowMs();
      const outcomes = await append(items);
      const ms = nowMs() - started;
      // PGlite answers through promises alone (its file I/O is synchronous): without a turn of the event
      // loop here the writers would starve the timers that end the cell. A turn is what the server's group
      // commit takes between statements too (setImmediate); against PostgreSQL it changes nothing measurable.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!measuring) continue;
      histogram.record(ms);
      statements++;
      rows += items.length;
      notStored += outcomes.filter((o) => o.status !== 'stored').length;
    }
  };
  const running = Array.from({ length: writers }, (_, w) => writer(w));
  await sleep(options.warmupS * 1000);
  // The window starts here: statements that started during the warm-up but end inside it are counted,
  // and those under way at the end are counted too — at most one per writer each side, a wash.
  const before = await target.sample();
  const cpuBefore = process.cpuUsage();
  const startedMs = nowMs();
  measuring = true;
  await sleep(options.durationS * 1000);
  measuring = false;
  const seconds = (nowMs() - startedMs) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = await target.sample();
  stop = true;
  await Promise.all(running);
  const summary = histogram.summary();
  const walBytes = before.walLsn !== undefined && after.walLsn !== undefined ? after.walLsn - before.walLsn : undefined;
  const walSyncs = before.walSyncs !== undefined && after.walSyncs !== undefined ? after.walSyncs - before.walSyncs : undefined;
  const backendTicks = before.backendTicks !== undefined && after.backendTicks !== undefined ? after.backendTicks - before.backendTicks : undefined;
  const backendCpuPct = backendTicks !== undefined ? round((backendTicks / CLOCK_TICKS_PER_S / seconds) * 100, 0) : undefined;
  return {
    statement,
    writers,
    batch,
    seconds: round(seconds, 2),
    rows,
    statements,
    rowsPerS: round(rows / seconds, 0),
    statementsPerS: round(statements / seconds, 1),
    latency: { p50Ms: round(summary.p50Ms, 2), p95Ms: round(summary.p95Ms, 2), p99Ms: round(summary.p99Ms, 2), maxMs: round(summary.maxMs, 2), meanMs: round(summary.meanMs, 2) },
    walBytesPerRow: walBytes !== undefined && rows > 0 ? Math.round(walBytes / rows) : undefined,
    walSyncsPerStatement: walSyncs !== undefined && statements > 0 ? round(walSyncs / statements, 2) : undefined,
    benchCpuPct: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100, 0),
    backendCpuPct,
    backendUsPerStatement: backendTicks !== undefined && statements > 0 ? Math.round((backendTicks / CLOCK_TICKS_PER_S / statements) * 1e6) : undefined,
    notStored,
    loadAverage1m: round(os.loadavg()[0]!, 2),
  };
}

interface Sample {
  walLsn: number | undefined;
  walSyncs: number | undefined;
  backendTicks: number | undefined;
}

interface Target {
  database: Database;
  sample(): Promise<Sample>;
  close(): Promise<void>;
}

async function openTarget(options: PgCeilingOptions): Promise<Target> {
  const logger = pino({ level: 'silent' });
  if (options.db === 'pglite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'chat-pg-ceiling-'));
    const database = await openPgliteDatabase(dir);
    return {
      database,
      // PGlite runs inside this process: its CPU is the bench's; it has no WAL statistics worth reading here.
      sample: async () => ({ walLsn: undefined, walSyncs: undefined, backendTicks: undefined }),
      async close() {
        await database.close();
        if (options.keepDb) console.log(`kept PGlite data in ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `chat_ceiling_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  await onServer(options.adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  const maxWriters = Math.max(...options.writers);
  let database: Database;
  try {
    database = await openPostgresDatabase({ url: url.toString(), poolMax: maxWriters + 1, logger, queryTimeoutMs: 60_000 });
  } catch (error) {
    await onServer(options.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  // A connection of its own for the statistics, so it never waits behind a writer.
  const stats = new pg.Client({ connectionString: url.toString() });
  await stats.connect();
  const hasStatWal = (await stats.query(`SELECT to_regclass('pg_catalog.pg_stat_wal') IS NOT NULL AS ok`)).rows[0]?.ok === true;
  return {
    database,
    async sample() {
      const lsn = (await stats.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS b`)).rows[0]?.b;
      const syncs = hasStatWal ? (await stats.query<{ n: string }>('SELECT wal_sync::text AS n FROM pg_stat_wal')).rows[0]?.n : undefined;
      const pids = (await stats.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows;
      let ticks = 0;
      for (const { pid } of pids) ticks += processTicks(pid) ?? 0;
      return { walLsn: lsn !== undefined ? Number(lsn) : undefined, walSyncs: syncs !== undefined ? Number(syncs) : undefined, backendTicks: ticks };
    },
    async close() {
      await stats.end().catch(() => undefined);
      await database.close();
      if (options.keepDb) console.log(`kept database ${name}`);
      else await onServer(options.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function onServer(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A few 48-character (by default) lines, ASCII and Chinese, as the messages bench sends. */
function makeContents(chars: number): string[] {
  const seeds = ['hello there, how is your day going so far? ', '你好，今天过得怎么样？我在听音乐，你呢？', 'did you see the match last night, it was wild! ', '周末有什么计划吗？我想去爬山或者看电影。'];
  return Array.from({ length: 64 }, (_, i) => {
    const seed = seeds[i % seeds.length]!;
    let text = `${i} `;
    while ([...text].length < chars) text += seed;
    return [...text].slice(0, chars).join('');
  });
}

/** Rows/s by batch size (rows) and writers (columns), then the full table. */
export function pgCeilingTables(run: PgCeilingRun): string {
  const writers = [...new Set(run.cells.map((c) => c.writers))];
  const batches = [...new Set(run.cells.map((c) => c.batch))];
  const kinds = [...new Set(run.cells.map((c) => c.statement))];
  const cellOf = (k: StatementKind, w: number, b: number) => run.cells.find((c) => c.statement === k && c.writers === w && c.batch === b);
  const summary = table(
    ['batch rows', ...kinds.flatMap((k) => writers.map((w) => `rows/s, ${w} writer${w > 1 ? 's' : ''}${kinds.length > 1 ? `, ${k}` : ''}`))],
    batches.map((b) => [b, ...kinds.flatMap((k) => writers.map((w): Cell => cellOf(k, w, b)?.rowsPerS ?? '–'))]),
  );
  const full = table(
    ['statement', 'writers', 'batch', 'rows/s', 'statements/s', 'p50 ms', 'p99 ms', 'max ms', 'WAL B/row', 'WAL syncs/stmt', 'bench CPU %', 'backends CPU %', 'backend µs/stmt', 'not stored', 'load 1m'],
    run.cells.map((c) => [
      c.statement,
      c.writers,
      c.batch,
      c.rowsPerS,
      c.statementsPerS,
      c.latency.p50Ms,
      c.latency.p99Ms,
      c.latency.maxMs,
      c.walBytesPerRow ?? '–',
      c.walSyncsPerStatement ?? '–',
      c.benchCpuPct,
      c.backendCpuPct ?? '–',
      c.backendUsPerStatement ?? '–',
      c.notStored,
      c.loadAverage1m,
    ]),
  );
  return `${run.db} (${run.version ?? '?'}), ${run.rooms} active rooms, ${run.rowsAtEnd.toLocaleString('en-US')} messages at the end` +
    (run.tableMBAtEnd !== undefined ? ` (${run.tableMBAtEnd} MB with indexes)` : '') +
    `\n\n${summary}\n\n${full}`;
}
