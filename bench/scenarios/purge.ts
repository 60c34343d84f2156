/**
 * `purge`: what the retention purge (src/privacy/retention.ts) costs the chat. A fresh database is loaded
 * with a million messages in conversations that ended 35–45 days ago and a tenth as many recent ones; the
 * real server starts with RETENTION_DAYS=30 and PURGE_INTERVAL_MS set so its first purge fires a known
 * time after start (`--purge-after`); pairs chat at the offered rate from before it until it is over.
 *
 * Chat runs as back-to-back one-second chunks, each sent by one worker in turn while the other drains
 * the previous one, so sending never pauses; afterwards each chunk is put in a window from the purge's
 * own record (`purge_runs`): the baseline (the last `--baseline` seconds before the purge began), the
 * purge, and `--after` seconds after it. Same server, same sockets, same run: the windows can be compared
 * directly (on a shared machine the after window is a second reference, taken under the neighbours' load
 * of that moment). Then the server is stopped and the database checked: expired conversations gone,
 * recent ones all there, every acked chat message stored once.
 */
import type { Database } from '../../src/storage/database.js';
import { nowMs, sleep } from '../clock.js';
import type { DbKind } from '../database-target.js';
import { CpuWindow, postgresPids, reniceAll, waitForQuiet, type CpuUse, type PidGroups } from '../proc.js';
import { checkRetention, preloadPurgeData, type PurgeLoad, type PurgePreload, type RetentionCheck } from '../purge-data.js';
import { assignWindows, summariseWindow, type ChatChunk, type WindowSummary } from '../purge-windows.js';
import { startTarget } from '../server-target.js';
import { Histogram, round } from '../stats.js';
import { verifyMessages, type Verification } from '../verify.js';
import { shares, WorkerPool } from '../worker-pool.js';

export interface PurgeOptions {
  dbs: DbKind[];
  /** Runs per database (each on a fresh database), for medians. */
  repeat: number;
  /** Before the server starts, wait up to this long for the machine to be nearly idle. */
  waitQuietS: number;
  load: PurgeLoad;
  retentionDays: number;
  /** Offered chat messages per second, throughout. */
  rate: number;
  pairs: number;
  workers: number;
  /** Seconds after the server's start at which its first purge fires (PURGE_INTERVAL_MS). */
  purgeAfterS: number;
  /** Seconds of chat before the purge that make the baseline window. */
  baselineS: number;
  /** Seconds of chat after the purge's end (the `after` window: a second reference, from after it). */
  afterS: number;
  /** Give up when the purge has not finished this long after it was due. */
  maxPurgeS: number;
  chunkS: number;
  drainS: number;
  contentChars: number;
  tickMs: number;
  adminUrl: string;
  keepDb: boolean;
  serverEnv: Record<string, string>;
  nice: number | undefined;
  /** The target: chat p99 while purging. */
  targetP99Ms: number;
}

/** One second of chat (one chunk), for the JSON: how latency moved as the purge went on. */
export interface TimelinePoint {
  fromPurgeStartS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/** The purge as `purge_runs` recorded it. */
export interface PurgeRecord {
  seconds: number;
  rooms: number;
  messages: number;
  messagesPerS: number;
  roomsPerS: number;
  error: string | null;
}

/**
 * `held`: the purge window's p99 is within the target. `not held`: it is not, while the baseline's was —
 * the purge made the difference. `busy machine`: the baseline was already over the target, so the run
 * cannot say whether the purge would have kept it (the ratio to the baseline still can).
 */
export type TargetVerdict = 'held' | 'not held' | 'busy machine';

export interface PurgeRun {
  db: DbKind;
  /** 1-based number of this run on this database (`--repeat`). */
  attempt: number;
  version: string | undefined;
  preload: PurgePreload | undefined;
  pairs: number;
  windows: WindowSummary[];
  /** Every chunk of chat in time order: start relative to the purge's start, latency, refusals. */
  timeline: TimelinePoint[];
  purge: PurgeRecord | undefined;
  retention: RetentionCheck | undefined;
  verification: Verification | undefined;
  /** Purge window p99 ≤ the target. */
  targetHeld: boolean | undefined;
  target: TargetVerdict | undefined;
  /** The server's log lines about the purge (its own account: counts, failures). */
  serverLog: string[];
  error: string | undefined;
}

const PURGE_LOG = /retention purge (done|failed|could not start)/;
const LOG_POLL_MS = 200;
const RENICE_EVERY_MS = 2_000;
/** At least this much chat before the baseline window (connections and JIT warm up). */
const WARM_UP_MS = 2_000;

export async function runPurge(options: PurgeOptions, log: (line: string) => void): Promise<PurgeRun[]> {
  const runs: PurgeRun[] = [];
  for (const db of options.dbs) for (let attempt = 1; attempt <= options.repeat; attempt++) runs.push(await runOnDb(db, attempt, options, log));
  return runs;
}

async function runOnDb(db: DbKind, attempt: number, options: PurgeOptions, log: (line: string) => void): Promise<PurgeRun> {
  const run: PurgeRun = {
    db,
    attempt,
    version: undefined,
    preload: undefined,
    pairs: 0,
    windows: [],
    timeline: [],
    purge: undefined,
    retention: undefined,
    verification: undefined,
    targetHeld: undefined,
    target: undefined,
    serverLog: [],
    error: undefined,
  };
  if (db === 'none') return { ...run, error: 'purge needs a database (--db pglite or postgres)' };
  const { load } = options;
  const of = options.repeat > 1 ? ` (run ${attempt} of ${options.repeat})` : '';
  log(`\n== purge on ${db}${of}: ${load.expiredMessages.toLocaleString('en-US')} expired messages, chat ${options.rate} msg/s, purge ${options.purgeAfterS} s after start`);
  const { server, target, version } = await startTarget({
    db,
    adminUrl: options.adminUrl,
    keepDb: options.keepDb,
    cpuProfDir: undefined,
    env: { ...options.serverEnv, RETENTION_DAYS: String(options.retentionDays), PURGE_INTERVAL_MS: String(options.purgeAfterS * 1000) },
    prepare: async (t) => {
      run.preload = await preloadPurgeData(t, load);
      const { expired, recent, seconds } = run.preload;
      log(`   preloaded ${expired.messages.toLocaleString('en-US')} expired messages in ${expired.rooms} rooms and ${recent.messages.toLocaleString('en-US')} recent in ${recent.rooms} rooms in ${seconds} s`);
      // The purge comes a fixed time after the server starts: the only moment to wait for a quiet machine.
      if (!(await waitForQuiet(options.waitQuietS * 1000))) log('   the machine stays busy with other work: running anyway');
    },
  });
  const serverStartMs = nowMs();
  // purge_runs holds wall-clock times; the chat is timed on the monotonic clock.
  const wallMinusMonotonicMs = Date.now() - nowMs();
  run.version = version;
  const chunks: ChatChunk[] = [];
  // The server's lines about the purge, collected while they are in its output's tail (the sockets' goodbyes
  // at the end would push them out).
  const purgeLines: string[] = [];
  const pool = await WorkerPool.start(options.workers);
  try {
    run.pairs = await connectPairs(pool, server.url, options.pairs);
    const chatStartMs = nowMs() + 300;
    // The server's first purge comes min(60 s, PURGE_INTERVAL_MS) after it started.
    const purgeDueMs = serverStartMs + Math.min(60, options.purgeAfterS) * 1000;
    log(`   ${run.pairs} pairs connected and matched in ${round((chatStartMs - serverStartMs) / 1000, 1)} s; chat starts ${round((purgeDueMs - chatStartMs) / 1000, 1)} s before the purge is due`);
    if (purgeDueMs - chatStartMs < WARM_UP_MS + options.baselineS * 1000) {
      throw new Error(`the purge is due too soon after the chat starts for ${WARM_UP_MS / 1000} s of warm-up and a ${options.baselineS} s baseline: raise --purge-after (at most 60) or lower --pairs`);
    }
    const renice = async () => {
      if (options.nice !== undefined) reniceAll([server.pid, ...pool.pids, process.pid], await target.backendPids(), options.nice);
    };
    await renice();
    const cpuGroups: PidGroups = { server: () => [server.pid], postgres: () => (db === 'postgres' ? postgresPids() : []), generator: () => pool.pids, bench: () => [process.pid] };
    const plan = { ...options, chatStartMs, giveUpMs: purgeDueMs + options.maxPurgeS * 1000, cpuGroups, output: () => server.output(), alive: () => server.alive(), purgeLines, renice };
    await chat(pool, chunks, plan, log);
  } catch (error) {
    run.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (!server.alive()) run.error += `; the server had exited:\n${server.output().slice(-3000)}`;
    log(`   error: ${run.error}`);
  } finally {
    await pool.stop();
    const code = await server.stop();
    if (code !== 0) log(`   server exited with ${code}`);
    run.serverLog = [...new Set([...purgeLines, ...server.output().split('\n').filter((line) => /purge/i.test(line))])];
  }
  try {
    const database = await target.open();
    if (database && run.preload) {
      try {
        const record = await firstPurge(database);
        run.retention = await checkRetention(database, run.preload);
        run.verification = await verifyMessages(database, chunks.map((c) => ({ step: c.index, worker: c.worker, ack: c.result.ack, received: c.result.received })));
        if (record && !run.error) summarise(run, record, chunks, wallMinusMonotonicMs, options);
        else run.error ??= 'no purge was recorded';
      } finally {
        await database.close();
      }
    }
  } finally {
    await target.cleanup();
  }
  return run;
}

async function connectPairs(pool: WorkerPool, url: string, pairs: number): Promise<number> {
  const pairShares = shares(pairs, pool.size);
  const connected = await pool.all((i) => ({ type: 'connect', urls: [url], count: 2 * pairShares[i]!, concurrency: 50, timeoutMs: 20_000 }), 120_000);
  const failed = connected.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) throw new Error(`${failed} sockets failed to connect: ${connected.flatMap((r) => r.errors).join('; ')}`);
  // One worker at a time joins, so FIFO matching pairs sockets of the same worker.
  let total = 0;
  for (let i = 0; i < pool.size; i++) {
    const result = await pool.call(i, { type: 'pair', timeoutMs: 60_000 }, 90_000);
    if (result.unpaired > 0) throw new Error(`worker ${i}: ${result.unpaired} sockets without a partner in the same worker`);
    total += result.pairs;
  }
  return total;
}

interface ChatPlan extends PurgeOptions {
  chatStartMs: number;
  giveUpMs: number;
  cpuGroups: PidGroups;
  output: () => string;
  alive: () => boolean;
  /** Filled with the server's log lines that mention the purge. */
  purgeLines: string[];
  /**
   * Gives `--nice` to our processes and the database's backends again: the purge opens a connection of its
   * own when it starts, and it must run at the same priority as the chat's (not favoured, not starved).
   */
  renice: () => Promise<void>;
}

/**
 * Chunk k is sent by worker k mod K from chatStart + k × chunk: each worker sends every K-th second and
 * drains in between, so the offered rate never pauses. Stops once the server logged the purge's end.
 */
async function chat(pool: WorkerPool, chunks: ChatChunk[], plan: ChatPlan, log: (line: string) => void): Promise<void> {
  const chunkMs = plan.chunkS * 1000;
  let stopAtMs = plan.giveUpMs;
  let outcome: string | undefined;
  const watcher = setInterval(() => {
    if (outcome) return;
    const output = plan.output();
    // Complete lines only: the last one may still be being written.
    for (const line of output.split('\n').slice(0, -1)) if (/purge/i.test(line) && !plan.purgeLines.includes(line)) plan.purgeLines.push(line);
    outcome = PURGE_LOG.exec(output)?.[1];
    if (outcome) stopAtMs = nowMs() + plan.afterS * 1000;
    else if (!plan.alive()) stopAtMs = 0;
  }, LOG_POLL_MS);
  const reniceTimer = plan.nice === undefined ? undefined : setInterval(() => void plan.renice().catch(() => undefined), RENICE_EVERY_MS);
  const cpu = sampleCpuPerChunk(plan, () => stopAtMs);
  try {
    await Promise.all(
      Array.from({ length: pool.size }, async (_, worker) => {
        for (let k = worker; plan.chatStartMs + k * chunkMs < stopAtMs; k += pool.size) {
          const startMs = plan.chatStartMs + k * chunkMs;
          const command = { type: 'send', step: k, rate: plan.rate, startAtMs: startMs, durationMs: chunkMs, drainMs: plan.drainS * 1000, contentChars: plan.contentChars, tickMs: plan.tickMs } as const;
          const result = await pool.call(worker, command, chunkMs + plan.drainS * 1000 + 60_000);
          chunks.push({ index: k, worker, startMs, durationMs: chunkMs, result, cpu: undefined });
        }
      }),
    );
  } finally {
    clearInterval(watcher);
    clearInterval(reniceTimer);
  }
  const perChunk = await cpu;
  for (const chunk of chunks) chunk.cpu = perChunk[chunk.index];
  if (!plan.alive()) throw new Error('the server exited during the chat');
  if (outcome !== 'done') throw new Error(outcome ? `the purge ${outcome}` : `the purge did not finish within ${plan.maxPurgeS} s of being due`);
  log(`   purge finished; ${chunks.length} chunks of chat`);
}

/** CPU of the server, PostgreSQL, the generator and the rest of the machine over each chunk's second. */
async function sampleCpuPerChunk(plan: ChatPlan, stopAtMs: () => number): Promise<CpuUse[]> {
  const chunkMs = plan.chunkS * 1000;
  const samples: CpuUse[] = [];
  await sleep(plan.chatStartMs - nowMs());
  for (let k = 0; plan.chatStartMs + k * chunkMs < stopAtMs(); k++) {
    const window = new CpuWindow(plan.cpuGroups);
    await sleep(plan.chatStartMs + (k + 1) * chunkMs - nowMs());
    samples[k] = window.end();
  }
  return samples;
}

interface PurgeRow {
  startedAt: Date;
  finishedAt: Date;
  rooms: number;
  messages: number;
  error: string | null;
}

/** The first run in `purge_runs` (the one the bench waited for); a later one would have found nothing to do. */
async function firstPurge(database: Database): Promise<PurgeRow | undefined> {
  const [row] = await database.query<{ started_at: Date; finished_at: Date; rooms: number; messages: number; error: string | null }>(
    'SELECT started_at, finished_at, rooms, messages, error FROM purge_runs ORDER BY id LIMIT 1',
  );
  return row && { startedAt: new Date(row.started_at), finishedAt: new Date(row.finished_at), rooms: Number(row.rooms), messages: Number(row.messages), error: row.error };
}

/** Windows from the purge's recorded start and end; the purge's rate; whether the target held; what failed. */
function summarise(run: PurgeRun, row: PurgeRow, chunks: readonly ChatChunk[], wallMinusMonotonicMs: number, options: PurgeOptions): void {
  const seconds = (row.finishedAt.getTime() - row.startedAt.getTime()) / 1000;
  run.purge = {
    seconds: round(seconds, 2),
    rooms: row.rooms,
    messages: row.messages,
    messagesPerS: round(row.messages / Math.max(seconds, 1e-3)),
    roomsPerS: round(row.rooms / Math.max(seconds, 1e-3)),
    error: row.error,
  };
  const purge = { startMs: row.startedAt.getTime() - wallMinusMonotonicMs, endMs: row.finishedAt.getTime() - wallMinusMonotonicMs };
  const windows = assignWindows(chunks, purge, options.baselineS * 1000);
  run.timeline = [...chunks]
    .sort((a, b) => a.startMs - b.startMs)
    .map((c) => {
      const latency = Histogram.from(c.result.latency);
      const errors = Object.values(c.result.ackErrors).reduce((a, b) => a + b, 0);
      return { fromPurgeStartS: round((c.startMs - purge.startMs) / 1000, 2), p50Ms: round(latency.percentile(0.5), 2), p99Ms: round(latency.percentile(0.99), 2), maxMs: round(latency.summary().maxMs, 2), errors };
    });
  run.windows = [...windows].filter(([name]) => name !== 'warm-up').map(([name, list]) => summariseWindow(name, list));
  const baseline = run.windows.find((w) => w.name === 'baseline');
  const during = run.windows.find((w) => w.name === 'purge');
  run.targetHeld = during !== undefined && during.chunks > 0 && during.latency.p99Ms <= options.targetP99Ms;
  run.target = run.targetHeld ? 'held' : baseline && baseline.latency.p99Ms > options.targetP99Ms ? 'busy machine' : 'not held';
  const failures: string[] = [];
  if (row.error) failures.push(`the purge failed: ${row.error}`);
  if (run.preload && (row.messages !== run.preload.expired.messages || row.rooms !== run.preload.expired.rooms)) {
    failures.push(`the purge removed ${row.rooms} rooms and ${row.messages} messages, expected ${run.preload.expired.rooms} and ${run.preload.expired.messages}`);
  }
  if (!baseline || baseline.seconds < options.baselineS) failures.push(`only ${baseline?.seconds ?? 0} s of chat before the purge began`);
  if (run.retention && !run.retention.ok) failures.push(`retention check: ${run.retention.failures.join('; ')}`);
  if (run.verification && !run.verification.ok) failures.push('chat messages lost or stored twice (see verification)');
  for (const w of run.windows) {
    if (w.undelivered || w.deliveredTwice || w.unanswered || w.disconnects) failures.push(`${w.name}: ${w.undelivered} undelivered, ${w.deliveredTwice} delivered twice, ${w.unanswered} unanswered, ${w.disconnects} disconnects`);
  }
  if (failures.length) run.error = failures.join('; ');
}
