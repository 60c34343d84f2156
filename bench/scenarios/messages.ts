/**
 * `messages`: the throughput/latency ladder. Pairs chat open-loop at each offered rate; per step we report
 * delivery, latency (send → partner receipt), errors, and CPU/RSS; after the run every message is checked
 * against the database. Several `--db` values run one after another, for the cost-of-durability comparison.
 */
import { nowMs, sleep } from '../clock.js';
import type { DbKind } from '../database-target.js';
import { CpuWindow, RssSampler, postgresPids, processTree, reniceAll, waitForQuiet, type CpuUse } from '../proc.js';
import type { DbTarget } from '../database-target.js';
import { preloadModeration, preloadPolicy, type ModerationLoad } from '../moderation-preload.js';
import { BENCH_METRICS_TOKEN, allocationProfile, mainThreadProfile, startTarget } from '../server-target.js';
import { scrapeMetrics, serverStages, stagesLine, type ServerStages } from '../server-stages.js';
import { Histogram, round, type Summary } from '../stats.js';
import { verifyMessages, type StepRecord, type Verification } from '../verify.js';
import { shares, WorkerPool } from '../worker-pool.js';
import type { SendResult } from '../worker-protocol.js';

/** What the ladder runs against: our server on a storage (`DbKind`), or the bare Socket.IO relay, the ceiling. */
export type MessagesTarget = DbKind | 'bare';
export const MESSAGES_TARGETS: readonly MessagesTarget[] = ['pglite', 'postgres', 'none', 'bare'];
const BARE_RELAY_ENTRY = 'bench/bare-relay.ts';

export interface MessagesOptions {
  dbs: MessagesTarget[];
  /** Offered messages per second, one per step. */
  steps: number[];
  pairs: number;
  durationS: number;
  drainS: number;
  workers: number;
  contentChars: number;
  tickMs: number;
  adminUrl: string;
  keepDb: boolean;
  cpuProfDir: string | undefined;
  /** Directory for an allocation profile of the server over the steps (`--alloc-prof`). */
  allocProfDir?: string | undefined;
  serverEnv: Record<string, string>;
  /** Extra flags for the server's node (`--node-arg`). */
  serverNodeArgs?: string[];
  /** Before each step, wait up to this long for the machine to go quiet (other jobs share it). */
  waitQuietS: number;
  /** Repeat a step this many times at most when other processes used much CPU during it. */
  noisyRetries: number;
  /** Nice value for the server, its database backends and the generator; undefined leaves priorities alone. */
  nice: number | undefined;
  /**
   * Runs per database: each a label and what to load before the server starts. Default one plain run;
   * `--compare moderation` adds a run with sanctions and blocks loaded (same steps, right after).
   */
  variants?: MessagesVariant[];
}

/** One of the runs of a `--compare`: a label, data to load before the server starts, extra server environment. */
export interface MessagesVariant {
  label: string;
  moderation?: ModerationLoad;
  policyTerms?: number;
  env?: Record<string, string>;
}

export interface MessagesStep {
  step: number;
  offered: number;
  durationS: number;
  sent: number;
  /** Distinct partner receipts within the send window, per second. */
  deliveredPerS: number;
  delivered: number;
  ackOk: number;
  ackErrors: Record<string, number>;
  unanswered: number;
  undelivered: number;
  deliveredTwice: number;
  deliveredWithoutOk: number;
  late: number;
  disconnects: number;
  latency: Summary;
  ackLatency: Summary;
  /** p99 of how late the generator sent compared with its schedule. */
  sendLagP99Ms: number;
  cpu: CpuUse;
  serverRssMB: { peak: number; last: number };
  pass: boolean;
  failures: string[];
  /** Filled in after the server stopped. */
  lost?: number;
  /** The server's own stage timings over the step (not for the bare relay, which has no metrics). */
  server?: ServerStages;
}

export interface MessagesRun {
  db: MessagesTarget;
  /** Which variant of the run (`--compare`), e.g. `baseline` or `moderation`. */
  label?: string;
  version: string | undefined;
  pairs: number;
  pairingMs: number;
  steps: MessagesStep[];
  /** Steps repeated because other work on the machine used too much CPU during them. */
  discarded: MessagesStep[];
  verification: Verification | undefined;
  profile: string | undefined;
  /** The allocation profile over the steps, and the messages sent while it sampled. */
  allocations?: { file: string; messages: number } | undefined;
  /** Sockets that needed a second connect attempt (a first one timed out). */
  connectRetries?: number;
  /** From the first step's start to the last step's end (shared monotonic clock, ms): for the profile. */
  loadWindow: { fromMs: number; toMs: number } | undefined;
  error: string | undefined;
}

/** A step fails when less than this share of the offered rate is delivered. */
const MIN_DELIVERED_SHARE = 0.9;
const MAX_P99_MS = 1_000;
const PAUSE_BETWEEN_STEPS_MS = 1_000;
/** CPU (% of one core) used by processes outside the bench above which a step counts as disturbed. */
const NOISY_OTHER_CPU_PERCENT = 35;
export async function runMessages(options: MessagesOptions, log: (line: string) => void): Promise<MessagesRun[]> {
  const runs: MessagesRun[] = [];
  const variants = options.variants ?? [{ label: '' }];
  // The bare relay is the same whatever our server's variant: it runs once.
  for (const db of options.dbs) for (const variant of db === 'bare' ? [{ label: '' }] : variants) runs.push(await runOnDb(db, options, log, variant));
  return runs;
}

async function runOnDb(db: MessagesTarget, options: MessagesOptions, log: (line: string) => void, variant: MessagesVariant): Promise<MessagesRun> {
  const run: MessagesRun = { db, ...(variant.label ? { label: variant.label } : {}), version: undefined, pairs: 0, pairingMs: 0, steps: [], discarded: [], verification: undefined, profile: undefined, loadWindow: undefined, error: undefined };
  const records: StepRecord[] = [];
  log(`\n== messages on ${db}${variant.label ? ` (${variant.label})` : ''}: ${options.pairs} pairs, ${options.workers} workers, steps ${options.steps.join(', ')} msg/s × ${options.durationS} s`);
  const { moderation: load, policyTerms } = variant;
  const prepare = async (t: DbTarget) => {
    if (load) await preloadModeration(t, load);
    if (policyTerms !== undefined) await preloadPolicy(t, policyTerms);
  };
  if (db === 'bare' && (load || policyTerms !== undefined)) throw new Error('--compare loads data into our server: not with the bare relay');
  const { server, target, version } = await startTarget({
    db: db === 'bare' ? 'none' : db,
    ...(db === 'bare' ? { entry: BARE_RELAY_ENTRY } : {}),
    adminUrl: options.adminUrl,
    keepDb: options.keepDb,
    cpuProfDir: options.cpuProfDir,
    allocProfDir: options.allocProfDir,
    env: { ...options.serverEnv, ...variant.env },
    nodeArgs: options.serverNodeArgs ?? [],
    prepare,
  });
  run.version = db === 'bare' ? `bare Socket.IO relay (${BARE_RELAY_ENTRY})` : version;
  const pool = await WorkerPool.start(options.workers);
  try {
    const pairShares = shares(options.pairs, options.workers);
    const connected = await pool.all((i) => ({ type: 'connect', urls: [server.url], count: 2 * pairShares[i]!, concurrency: 50, timeoutMs: 20_000 }), 120_000);
    const failed = connected.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} sockets failed to connect: ${connected.flatMap((r) => r.errors).join('; ')}`);
    run.connectRetries = connected.reduce((n, r) => n + r.retried, 0);
    if (run.connectRetries > 0) log(`   ${run.connectRetries} sockets connected only at a second attempt (first: ${connected.flatMap((r) => r.errors).join('; ')})`);
    // One worker at a time joins, so FIFO matching pairs sockets of the same worker.
    const pairStart = nowMs();
    const pairCounts: number[] = [];
    for (let i = 0; i < pool.size; i++) {
      const result = await pool.call(i, { type: 'pair', timeoutMs: 60_000 }, 90_000);
      if (result.unpaired > 0) throw new Error(`worker ${i}: ${result.unpaired} sockets without a partner in the same worker`);
      pairCounts.push(result.pairs);
    }
    run.pairs = pairCounts.reduce((a, b) => a + b, 0);
    run.pairingMs = round(nowMs() - pairStart);
    log(`   ${run.pairs} pairs matched in ${run.pairingMs} ms`);

    let attemptId = 0;
    for (const offered of options.steps) {
      let step: Awaited<ReturnType<typeof runStep>>;
      for (let attempt = 0; ; attempt++) {
        if (!server.alive()) throw new Error(`server died:\n${server.output().slice(-2000)}`);
        if (!(await waitForQuiet(options.waitQuietS * 1000))) log(`   the machine stays busy with other work: running the step anyway`);
        if (options.nice !== undefined) reniceAll([server.pid, ...pool.pids, process.pid], await target.backendPids(), options.nice);
        const stepStart = nowMs();
        // The allocation sampler starts with the first step (pairing and start-up stay out of it).
        if (options.allocProfDir && run.loadWindow === undefined) process.kill(server.pid, 'SIGUSR2');
        // Every attempt gets its own id: it is part of each message's cid, so a repeat never collides.
        step = await runStep(attemptId++, offered, pairCounts, run.pairs, pool, server, db, options);
        run.loadWindow = { fromMs: run.loadWindow?.fromMs ?? stepStart, toMs: nowMs() };
        records.push(...step.results.map((r, worker) => ({ step: step.summary.step, worker, ack: r.ack, received: r.received })));
        const noisy = step.summary.cpu.other > NOISY_OTHER_CPU_PERCENT;
        if (!noisy || attempt >= options.noisyRetries) break;
        log(`${stepLine(step.summary)}\n   other processes used ${step.summary.cpu.other}% CPU during the step: repeating it`);
        run.discarded.push(step.summary);
      }
      run.steps.push(step.summary);
      log(stepLine(step.summary));
      if (!step.summary.pass) {
        log(`   step failed (${step.summary.failures.join('; ')}): not climbing further`);
        break;
      }
      await sleep(PAUSE_BETWEEN_STEPS_MS);
    }
  } catch (error) {
    run.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    const status = await pool.all({ type: 'status' }, 10_000).catch(() => []);
    const reasons = status.map((s) => JSON.stringify(s.reasons)).join(' ');
    run.error += `; client disconnect reasons: ${reasons || 'unknown'}`;
    if (!server.alive()) run.error += `; the server had exited:\n${server.output().slice(-3000)}`;
    log(`   error: ${run.error}`);
  } finally {
    await pool.stop();
    const code = await server.stop();
    if (code !== 0) log(`   server exited with ${code}`);
  }
  if (options.cpuProfDir) run.profile = mainThreadProfile(options.cpuProfDir, server.pid);
  const allocations = options.allocProfDir ? allocationProfile(options.allocProfDir, server.pid) : undefined;
  if (allocations) run.allocations = { file: allocations, messages: [...run.discarded, ...run.steps].reduce((n, s) => n + s.sent, 0) };
  try {
    const database = await target.open();
    if (database) {
      try {
        run.verification = await verifyMessages(database, records);
      } finally {
        await database.close();
      }
      for (const v of run.verification.steps) {
        const step = run.steps.find((x) => x.step === v.step) ?? run.discarded.find((x) => x.step === v.step);
        if (!step) continue;
        step.lost = v.lost;
        if (v.lost > 0 || v.storedTwice > 0 || v.deliveredNotStored > 0 || v.refusedButStored > 0) {
          step.pass = false;
          step.failures.push('database check failed');
        }
      }
    }
  } finally {
    await target.cleanup();
  }
  return run;
}

async function runStep(
  index: number,
  offered: number,
  pairCounts: number[],
  pairs: number,
  pool: WorkerPool,
  server: { pid: number; url: string },
  db: MessagesTarget,
  options: MessagesOptions,
): Promise<{ summary: MessagesStep; results: SendResult[] }> {
  const serverPid = server.pid;
  const scrape = () => (db === 'bare' ? Promise.resolve(undefined) : scrapeMetrics(server.url, BENCH_METRICS_TOKEN));
  const before = await scrape();
  const durationMs = options.durationS * 1000;
  const startAtMs = nowMs() + 300;
  const groups = {
    // The primary and, with WEB_CONCURRENCY, its workers.
    server: () => processTree(serverPid),
    postgres: () => (db === 'postgres' ? postgresPids() : []),
    generator: () => pool.pids,
    bench: () => [process.pid],
  };
  // CPU is measured over the send window only, not the drain.
  const cpuPromise = (async () => {
    await sleep(startAtMs - nowMs());
    const window = new CpuWindow(groups);
    await sleep(durationMs);
    return window.end();
  })();
  const rss = new RssSampler(() => processTree(serverPid));
  const results = await pool.all(
    (i) => ({
      type: 'send',
      step: index,
      rate: (offered * pairCounts[i]!) / pairs,
      startAtMs,
      durationMs,
      drainMs: options.drainS * 1000,
      contentChars: options.contentChars,
      tickMs: options.tickMs,
    }),
    durationMs + options.drainS * 1000 + 60_000,
  );
  const cpu = await cpuPromise;
  const memory = rss.stop();
  const after = await scrape();
  const summary = summarise(index, offered, options.durationS, results, cpu, memory);
  if (before && after) summary.server = serverStages(before, after);
  return { summary, results };
}

function summarise(
  index: number,
  offered: number,
  durationS: number,
  results: SendResult[],
  cpu: CpuUse,
  memory: { peakBytes: number; lastBytes: number },
): MessagesStep {
  const latency = new Histogram();
  const ackLatency = new Histogram();
  const lag = new Histogram();
  const ackErrors: Record<string, number> = {};
  const sum = (pick: (r: SendResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  for (const r of results) {
    latency.merge(r.latency);
    ackLatency.merge(r.ackLatency);
    lag.merge(r.sendLag);
    for (const [code, n] of Object.entries(r.ackErrors)) ackErrors[code] = (ackErrors[code] ?? 0) + n;
  }
  const step: MessagesStep = {
    step: index,
    offered,
    durationS,
    sent: sum((r) => r.sent),
    deliveredPerS: round(sum((r) => r.deliveredInWindow) / durationS),
    delivered: sum((r) => r.delivered),
    ackOk: sum((r) => r.ackOk),
    ackErrors,
    unanswered: sum((r) => r.unanswered),
    undelivered: sum((r) => r.undelivered),
    deliveredTwice: sum((r) => r.deliveredTwice),
    deliveredWithoutOk: sum((r) => r.deliveredWithoutOk),
    late: sum((r) => r.late),
    disconnects: sum((r) => r.disconnects),
    latency: roundSummary(latency.summary()),
    ackLatency: roundSummary(ackLatency.summary()),
    sendLagP99Ms: round(lag.percentile(0.99), 2),
    cpu: { groups: mapValues(cpu.groups, (v) => round(v)), machine: round(cpu.machine), other: round(cpu.other) },
    serverRssMB: { peak: round(memory.peakBytes / 2 ** 20), last: round(memory.lastBytes / 2 ** 20) },
    pass: true,
    failures: [],
  };
  if (step.deliveredPerS < MIN_DELIVERED_SHARE * offered) step.failures.push(`delivered ${step.deliveredPerS}/s < 90% of ${offered}/s`);
  if (step.latency.p99Ms > MAX_P99_MS) step.failures.push(`p99 ${step.latency.p99Ms} ms > ${MAX_P99_MS} ms`);
  if (step.undelivered > 0) step.failures.push(`${step.undelivered} acked but not delivered`);
  if (step.deliveredTwice > 0) step.failures.push(`${step.deliveredTwice} delivered twice`);
  if (step.unanswered > 0) step.failures.push(`${step.unanswered} never acked`);
  if (step.disconnects > 0) step.failures.push(`${step.disconnects} disconnects`);
  step.pass = step.failures.length === 0;
  return step;
}

function stepLine(s: MessagesStep): string {
  const errors = Object.values(s.ackErrors).reduce((a, b) => a + b, 0);
  const stages = s.server ? `\n${stagesLine(s.server)}` : '';
  return (
    `   ${s.offered} msg/s → delivered ${s.deliveredPerS}/s, errors ${errors}, p50 ${s.latency.p50Ms} p99 ${s.latency.p99Ms} max ${s.latency.maxMs} ms, gen lag p99 ${s.sendLagP99Ms} ms, ` +
    `CPU server ${s.cpu.groups.server}% pg ${s.cpu.groups.postgres}% gen ${s.cpu.groups.generator}% (machine ${s.cpu.machine}%, other ${s.cpu.other}%), RSS ${s.serverRssMB.peak} MB ${s.pass ? 'ok' : 'FAIL'}` +
    stages
  );
}

function roundSummary(s: Summary): Summary {
  return { count: s.count, meanMs: round(s.meanMs, 2), p50Ms: round(s.p50Ms, 2), p95Ms: round(s.p95Ms, 2), p99Ms: round(s.p99Ms, 2), maxMs: round(s.maxMs, 2) };
}

function mapValues(record: Record<string, number>, f: (v: number) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
