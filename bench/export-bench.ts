/**
 * Export benchmark: seeds N messages (default 1,000,000) into a fresh database with one
 * `INSERT … SELECT generate_series`, starts the real app in this process (createApp, as main.ts does) on a
 * loopback port, logs in and downloads `/admin/export.csv` (or JSON/NDJSON) over HTTP, counting bytes as
 * they arrive. Reports total time, rows/s, time to first byte, and peak RSS and heap sampled every 100 ms.
 *
 *   npx tsx bench/export-bench.ts [--db postgres|pglite] [--messages N] [--per-room N] [--format csv|json|ndjson]
 *                                 [--database-url URL] [--keep-db] [--live-heap] [--out FILE]
 *
 * `runExportBench()` and `exportTable()` are exported so `bench/cli.ts` can offer it as `npm run bench -- export`.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { buildSeams } from '../src/composition.js';
import { defaultConfig } from '../src/config/config.js';
import type { Database } from '../src/storage/database.js';
import { openPgliteDatabase } from '../src/storage/pglite-database.js';
import { openPostgresDatabase } from '../src/storage/postgres-database.js';
import { createDbTarget, DEFAULT_POSTGRES_URL } from './database-target.js';
import { CpuWindow, machineInfo, postgresPids, type MachineInfo } from './proc.js';
import { mb, resultsDir, table, writeJson } from './report.js';

export interface ExportBenchOptions {
  db: 'postgres' | 'pglite';
  /** Messages to seed. Default 1,000,000. */
  messages: number;
  /** Messages per room (rooms = messages / perRoom). Default 20. */
  perRoom: number;
  format: 'csv' | 'json' | 'ndjson';
  databaseUrl: string;
  keepDb: boolean;
  /** Also force a collection every second and record the live heap (slows the run a little). */
  liveHeap: boolean;
}

export interface ExportBenchResult {
  options: ExportBenchOptions;
  machine: MachineInfo;
  engineVersion: string | undefined;
  seedS: number;
  rooms: number;
  messages: number;
  bytes: number;
  firstByteMs: number;
  totalS: number;
  messagesPerS: number;
  mbPerS: number;
  /** Process memory before the download and its peak during it (MiB). */
  rssBeforeMiB: number;
  rssPeakMiB: number;
  heapBeforeMiB: number;
  heapPeakMiB: number;
  rssPeakFirstHalfMiB: number;
  rssPeakSecondHalfMiB: number;
  /** With `liveHeap`: the largest heap still in use right after a forced collection (MiB). */
  liveHeapPeakMiB: number | undefined;
  /** CPU seconds used during the download by this process (app + HTTP client) and by PostgreSQL. */
  appCpuS: number;
  postgresCpuS: number | undefined;
  /** CPU used meanwhile by everything else on the machine, in percent of one core: contention. */
  otherCpuPercent: number;
}

const PASSWORD = 'bench-admin-password';
const SAMPLE_MS = 100;

/** Rooms over the past year, `perRoom` messages each: ordinary chat lines, some with commas, quotes and formula-like starts. */
async function seed(database: Database, messages: number, perRoom: number): Promise<number> {
  const rooms = Math.ceil(messages / perRoom);
  await database.query(
    `INSERT INTO chat_rooms (user1_id, user2_id, created_at, ended_at, is_active, end_reason)
     SELECT substr(md5(g::text), 1, 12), substr(md5((g + 7)::text), 1, 12),
            now() - interval '365 days' + g * (interval '365 days' / $1), now() - interval '365 days' + g * (interval '365 days' / $1) + interval '10 minutes',
            false, 'left'
     FROM generate_series(1, $1::int) AS g`,
    [rooms],
  );
  await database.query(
    `INSERT INTO messages (room_id, sender_id, content, created_at)
     SELECT r.id, CASE WHEN m % 2 = 0 THEN r.user1_id ELSE r.user2_id END,
            CASE WHEN m % 10 = 0 THEN '她说: "好的, 明天见" =)' WHEN m % 17 = 0 THEN '=SUM(A1:A9)' ELSE '消息 ' || m || ' 你好 hello ' || repeat('聊', (r.id::int + m) % 40) END,
            r.created_at + m * interval '5 seconds'
     FROM chat_rooms r CROSS JOIN generate_series(1, $1::int) AS m
     WHERE (r.id - 1) * $1 + m <= $2`,
    [perRoom, messages],
  );
  return rooms;
}

/** `gc()` without restarting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Every second, a full collection then the heap in use: what really stays alive during the download. */
function liveHeapSampler(): { stop(): number } {
  const gc = collector();
  let peak = 0;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 1_000);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

interface MemoryPeaks {
  rssPeak: number;
  heapPeak: number;
  /** Peaks of the first and the second half of the download: equal when memory is flat. */
  rssPeakFirstHalf: number;
  rssPeakSecondHalf: number;
}

/** Samples this process's memory every 100 ms until stopped. */
function sampler(): { stop(): MemoryPeaks } {
  const samples: { rss: number; heap: number }[] = [];
  const take = () => {
    const usage = process.memoryUsage();
    samples.push({ rss: usage.rss, heap: usage.heapUsed });
  };
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      const half = Math.floor(samples.length / 2);
      const peak = (from: number, to: number, key: 'rss' | 'heap') => Math.max(...samples.slice(from, to).map((s) => s[key]));
      return {
        rssPeak: peak(0, samples.length, 'rss'),
        heapPeak: peak(0, samples.length, 'heap'),
        rssPeakFirstHalf: peak(0, Math.max(half, 1), 'rss'),
        rssPeakSecondHalf: peak(half, samples.length, 'rss'),
      };
    },
  };
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
  const cookie = /admin_sid=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  if (response.status !== 200 || !cookie) throw new Error(`login failed: ${response.status}`);
  return cookie;
}

/** Downloads the export, counting bytes; nothing is kept. */
async function download(url: string, cookie: string): Promise<{ bytes: number; firstByteMs: number; totalMs: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  if (response.status !== 200 || !response.body) throw new Error(`export failed: ${response.status}`);
  let bytes = 0;
  let firstByteMs = -1;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
    bytes += value.byteLength;
  }
  return { bytes, firstByteMs, totalMs: performance.now() - started };
}

export async function runExportBench(options: ExportBenchOptions): Promise<ExportBenchResult> {
  // Taken first, so the load average shows what else was running, not this run.
  const machine = machineInfo();
  const logger = pino({ level: 'warn' });
  const target = await createDbTarget(options.db, options.databaseUrl, options.keepDb);
  const database =
    options.db === 'postgres'
      ? await openPostgresDatabase({ url: target.env['DATABASE_URL']!, poolMax: 10, logger })
      : await openPgliteDatabase(target.env['DATA_DIR']!);
  try {
    await database.migrate();
    const seedStarted = performance.now();
    const rooms = await seed(database, options.messages, options.perRoom);
    await database.query('ANALYZE');
    const seedS = (performance.now() - seedStarted) / 1000;
    const config = defaultConfig({ port: 0, host: '127.0.0.1', secretKey: 'bench-secret-key-long-enough', adminPassword: PASSWORD, logLevel: 'warn' });
    const { seams } = await buildSeams({ config, database, logger });
    const app = await createApp(config, { database, seams, logger });
    try {
      await app.fastify.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const cookie = await login(base);
      const path = options.format === 'csv' ? '/admin/export.csv' : `/admin/export.json${options.format === 'ndjson' ? '?format=ndjson' : ''}`;
      if (options.liveHeap) collector()();
      const before = process.memoryUsage();
      const memory = sampler();
      const live = options.liveHeap ? liveHeapSampler() : undefined;
      const cpu = new CpuWindow({ app: () => [process.pid], ...(options.db === 'postgres' ? { postgres: postgresPids } : {}) });
      const result = await download(base + path, cookie);
      const cpuUse = cpu.end();
      const peaks = memory.stop();
      const liveHeapPeak = live?.stop();
      return {
        options,
        machine,
        engineVersion: await target.version(),
        seedS,
        rooms,
        messages: options.messages,
        bytes: result.bytes,
        firstByteMs: result.firstByteMs,
        totalS: result.totalMs / 1000,
        messagesPerS: options.messages / (result.totalMs / 1000),
        mbPerS: mb(result.bytes) / (result.totalMs / 1000),
        rssBeforeMiB: mb(before.rss),
        rssPeakMiB: mb(peaks.rssPeak),
        heapBeforeMiB: mb(before.heapUsed),
        heapPeakMiB: mb(peaks.heapPeak),
        rssPeakFirstHalfMiB: mb(peaks.rssPeakFirstHalf),
        rssPeakSecondHalfMiB: mb(peaks.rssPeakSecondHalf),
        liveHeapPeakMiB: liveHeapPeak === undefined ? undefined : mb(liveHeapPeak),
        appCpuS: ((cpuUse.groups['app'] ?? 0) / 100) * (result.totalMs / 1000),
        postgresCpuS: cpuUse.groups['postgres'] === undefined ? undefined : (cpuUse.groups['postgres'] / 100) * (result.totalMs / 1000),
        otherCpuPercent: cpuUse.other,
      };
    } finally {
      await app.close(); // closes the database too
    }
  } finally {
    await database.close();
    await target.cleanup();
  }
}

/** One Markdown row per run, ready for BENCHMARKS.md. */
export function exportTable(results: readonly ExportBenchResult[]): string {
  return table(
    ['engine', 'format', 'messages', 'rooms', 'size MiB', 'first byte ms', 'total s', 'messages/s', 'RSS before→peak MiB', 'RSS peak 1st/2nd half MiB', 'heap before→peak MiB', 'live heap peak MiB', 'CPU s app / PostgreSQL', 'other CPU %'],
    results.map((r) => [
      r.engineVersion ?? r.options.db,
      r.options.format,
      r.messages,
      r.rooms,
      mb(r.bytes),
      Math.round(r.firstByteMs),
      Math.round(r.totalS * 10) / 10,
      Math.round(r.messagesPerS),
      `${r.rssBeforeMiB} → ${r.rssPeakMiB}`,
      `${r.rssPeakFirstHalfMiB} / ${r.rssPeakSecondHalfMiB}`,
      `${r.heapBeforeMiB} → ${r.heapPeakMiB}`,
      r.liveHeapPeakMiB === undefined ? '-' : String(r.liveHeapPeakMiB),
      `${r.appCpuS.toFixed(1)} / ${r.postgresCpuS === undefined ? '-' : r.postgresCpuS.toFixed(1)}`,
      Math.round(r.otherCpuPercent),
    ]),
  );
}

/** Command-line options (see the header); `out` is where the JSON result goes. */
export function parseExportArgs(argv: string[]): { options: ExportBenchOptions; out: string | undefined } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string', default: 'postgres' },
      messages: { type: 'string', default: '1000000' },
      'per-room': { type: 'string', default: '20' },
      format: { type: 'string', default: 'csv' },
      'database-url': { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      'live-heap': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const db = values.db === 'pglite' ? 'pglite' : 'postgres';
  const format = values.format === 'json' || values.format === 'ndjson' ? values.format : 'csv';
  const options: ExportBenchOptions = {
    db,
    messages: Number(values.messages),
    perRoom: Number(values['per-room']),
    format,
    databaseUrl: values['database-url'] ?? process.env['BENCH_DATABASE_URL'] ?? DEFAULT_POSTGRES_URL,
    keepDb: values['keep-db'] ?? false,
    liveHeap: values['live-heap'] ?? false,
  };
  if (!Number.isSafeInteger(options.messages) || options.messages < 1) throw new Error('--messages must be a positive integer');
  if (!Number.isSafeInteger(options.perRoom) || options.perRoom < 1) throw new Error('--per-room must be a positive integer');
  return { options, out: values.out };
}

async function main(): Promise<void> {
  const { options, out } = parseExportArgs(process.argv.slice(2));
  const result = await runExportBench(options);
  console.log(exportTable([result]));
  const file = out ?? join(resultsDir, `export-${options.db}-${options.format}-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeJson(file, result);
  console.log(`seeded in ${result.seedS.toFixed(1)} s; results in ${file}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
