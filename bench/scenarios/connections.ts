/**
 * `connections`: idle connections climbing a ladder (1k → 18k by default), each level held for a while.
 * Reports the server's RSS growth per connection, its idle CPU, and whether every socket stayed open.
 * Client sockets are spread over the workers so no generator process nears its open-files limit.
 */
import { nowMs, sleep } from '../clock.js';
import type { DbKind } from '../database-target.js';
import { CpuWindow, RssSampler, openFiles, openFilesLimit, reniceAll, settledRss, type CpuUse } from '../proc.js';
import { startTarget } from '../server-target.js';
import { Histogram, round } from '../stats.js';
import { shares, WorkerPool } from '../worker-pool.js';

export interface ConnectionsOptions {
  db: DbKind;
  steps: number[];
  durationS: number;
  /** Hold of the last step (the target is 18,000 held for 60 s). */
  holdLastS: number;
  /** Least idle time before the baseline RSS is taken (V8 returns start-up memory after ~15 s idle). */
  settleS: number;
  workers: number;
  adminUrl: string;
  keepDb: boolean;
  serverEnv: Record<string, string>;
  /** Nice value for the server, its database backends and the generator; undefined leaves priorities alone. */
  nice: number | undefined;
}

export interface ConnectionsStep {
  connections: number;
  /** Seconds to open this step's new sockets. */
  openS: number;
  connectP99Ms: number;
  failed: number;
  errors: string[];
  holdS: number;
  /** Sockets that closed during the hold, and why (socket.io-client's reasons, all steps so far). */
  dropped: number;
  dropReasons: Record<string, number>;
  /** Median of the RSS samples (one a second) over the hold: the steady level of the saw-tooth. */
  serverRssMB: number;
  serverRssPeakMB: number;
  /** RSS at the end of the hold. */
  serverRssLastMB: number;
  /** (median RSS over the hold − RSS before any connection) / connections. */
  rssPerConnectionKB: number;
  /** As above with the peak RSS of the hold: the worst moment. */
  rssPerConnectionPeakKB: number;
  /** (median RSS − median RSS at the previous step) / (connections added): the cost of one more connection. */
  marginalKB: number;
  serverOpenFiles: number | undefined;
  cpu: CpuUse;
  pass: boolean;
}

export interface ConnectionsRun {
  db: DbKind;
  baselineRssMB: number;
  serverOpenFilesLimit: number | undefined;
  steps: ConnectionsStep[];
  /** RSS growth per connection from the first to the last step: insensitive to the idle baseline. */
  slopeKB: number | undefined;
  error: string | undefined;
}

/** Handshakes in flight per worker: well below the listen backlog (somaxconn). */
const CONNECT_CONCURRENCY = 100;

export async function runConnections(options: ConnectionsOptions, log: (line: string) => void): Promise<ConnectionsRun> {
  log(`\n== connections on ${options.db}: ${options.steps.join(', ')}; ${options.workers} workers; hold ${options.durationS} s (last ${options.holdLastS} s)`);
  const { server, target } = await startTarget({ db: options.db, adminUrl: options.adminUrl, keepDb: options.keepDb, cpuProfDir: undefined, env: options.serverEnv });
  const pool = await WorkerPool.start(options.workers);
  const baseline = await settledRss(server.pid, options.settleS * 1000, Math.max(options.settleS * 3, 5) * 1000);
  const run: ConnectionsRun = { db: options.db, baselineRssMB: round(baseline / 2 ** 20), serverOpenFilesLimit: openFilesLimit(server.pid), steps: [], slopeKB: undefined, error: undefined };
  log(`   server RSS before connections ${run.baselineRssMB} MB, open-files limit ${run.serverOpenFilesLimit}`);
  let open = 0;
  let disconnectsBefore = 0;
  let previous = { rss: baseline, open: 0 };
  try {
    for (const [index, wanted] of options.steps.entries()) {
      if (!server.alive()) throw new Error(`server died:\n${server.output().slice(-2000)}`);
      if (options.nice !== undefined) reniceAll([server.pid, ...pool.pids, process.pid], [], options.nice);
      const started = nowMs();
      const results = await pool.all(
        (i) => ({ type: 'connect', urls: [server.url], count: shares(Math.max(0, wanted - open), pool.size)[i]!, concurrency: CONNECT_CONCURRENCY, timeoutMs: 30_000 }),
        600_000,
      );
      const openS = round((nowMs() - started) / 1000, 2);
      const latency = new Histogram();
      for (const r of results) latency.merge(r.connectLatency);
      const failed = results.reduce((n, r) => n + r.failed, 0);
      open = results.reduce((n, r) => n + r.total, 0);

      const holdS = index === options.steps.length - 1 ? options.holdLastS : options.durationS;
      if (options.nice !== undefined) reniceAll([server.pid, ...pool.pids, process.pid], await target.backendPids(), options.nice);
      const cpuWindow = new CpuWindow({ server: () => [server.pid], generator: () => pool.pids });
      const rss = new RssSampler(server.pid);
      await sleep(holdS * 1000);
      const cpu = cpuWindow.end();
      const memory = rss.stop();
      const status = await pool.all({ type: 'status' }, 30_000);
      const stillOpen = status.reduce((n, s) => n + s.open, 0);
      const disconnects = status.reduce((n, s) => n + s.disconnects, 0);
      const step: ConnectionsStep = {
        connections: open,
        openS,
        connectP99Ms: round(latency.percentile(0.99)),
        failed,
        errors: results.flatMap((r) => r.errors).slice(0, 5),
        holdS,
        dropped: disconnects - disconnectsBefore,
        dropReasons: mergeCounts(status.map((x) => x.reasons)),
        serverRssMB: round(memory.medianBytes / 2 ** 20),
        serverRssPeakMB: round(memory.peakBytes / 2 ** 20),
        serverRssLastMB: round(memory.lastBytes / 2 ** 20),
        rssPerConnectionKB: open > 0 ? round((memory.medianBytes - baseline) / open / 1024, 2) : 0,
        rssPerConnectionPeakKB: open > 0 ? round((memory.peakBytes - baseline) / open / 1024, 2) : 0,
        marginalKB: open > previous.open ? round((memory.medianBytes - previous.rss) / (open - previous.open) / 1024, 2) : 0,
        serverOpenFiles: openFiles(server.pid),
        cpu: { groups: { server: round(cpu.groups.server ?? 0), generator: round(cpu.groups.generator ?? 0) }, machine: round(cpu.machine), other: round(cpu.other) },
        pass: failed === 0 && stillOpen === wanted && disconnects === disconnectsBefore,
      };
      disconnectsBefore = disconnects;
      previous = { rss: memory.medianBytes, open };
      open = stillOpen;
      run.steps.push(step);
      log(
        `   ${step.connections} open (${step.openS} s, p99 ${step.connectP99Ms} ms, ${failed} failed), held ${holdS} s: ${step.dropped} dropped, ` +
          `RSS median ${step.serverRssMB} MB → ${step.rssPerConnectionKB} KB/conn (peak ${step.rssPerConnectionPeakKB}, marginal ${step.marginalKB}), idle CPU ${step.cpu.groups.server}% ${step.pass ? 'ok' : 'FAIL'}`,
      );
      if (!step.pass) {
        const reasons = Object.entries(step.dropReasons).map(([r, n]) => `${r} ${n}`).join(', ');
        log(`   step failed${step.errors.length ? `: ${step.errors.join('; ')}` : ''}${reasons ? ` (disconnects: ${reasons})` : ''}: not climbing further`);
        break;
      }
    }
    const first = run.steps[0];
    const last = run.steps[run.steps.length - 1];
    if (first && last && last.connections > first.connections) {
      run.slopeKB = round(((last.serverRssMB - first.serverRssMB) * 1024) / (last.connections - first.connections), 2);
    }
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    log(`   error: ${run.error}`);
  } finally {
    await pool.stop();
    await server.stop();
    await target.cleanup();
  }
  return run;
}

function mergeCounts(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of list) for (const [key, n] of Object.entries(counts)) out[key] = (out[key] ?? 0) + n;
  return out;
}
