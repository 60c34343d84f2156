/**
 * `connections`: idle connections climbing a ladder (1k → 18k by default), each level held for a while.
 * Reports the server's RSS growth per connection, its idle CPU, and whether every socket stayed open.
 * Client sockets are spread over the workers so no generator process nears its open-files limit, and
 * over several loopback source addresses (127.0.0.1, 127.0.0.2, …) so ephemeral ports never run out.
 * A step above what the server's (or a worker's) open-files limit can hold is capped to what fits, or
 * refused when nothing more fits, with a line saying so.
 *
 * A server started with `WEB_CONCURRENCY` > 1 (`--env WEB_CONCURRENCY=2`; the command gives it Redis) is
 * measured as all its processes: RSS and CPU summed over the primary and its workers, the open-files cap
 * per worker (the primary hands each accepted connection to the worker with the fewest: @socket.io/sticky's least-connection).
 */
import { connect } from 'node:net';
import { nowMs, sleep, withTimeout } from '../clock.js';
import type { DbKind } from '../database-target.js';
import { CpuWindow, RssSampler, localPortRange, openFiles, openFilesLimits, processTree, reniceAll, settledRss, type CpuUse } from '../proc.js';
import { scrapeMetrics } from '../server-stages.js';
import { BENCH_METRICS_TOKEN, startTarget } from '../server-target.js';
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
  /** Extra flags for the server's node (`--node-arg`). */
  serverNodeArgs?: string[];
  /** Nice value for the server, its database backends and the generator; undefined leaves priorities alone. */
  nice: number | undefined;
}

export interface ConnectionsStep {
  connections: number;
  /** The step asked for; above `connections` when the open-files limits capped it (see the run's `notes`). */
  requested: number;
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
  /**
   * As `rssPerConnectionKB`, less the young generation's growth since the idle server (its /metrics):
   * a fixed cost of the process (at most 32 MB on Node 20) that an idle server has sometimes given back and
   * sometimes not — runs of one commit measured 85 and 125 MB idle for that reason alone.
   */
  rssPerConnectionLessYoungKB: number | undefined;
  /** (median RSS − median RSS at the previous step) / (connections added): the cost of one more connection. */
  marginalKB: number;
  serverOpenFiles: number | undefined;
  /** The server's V8 heap at the end of the hold (its /metrics), to tell what the RSS holds. */
  heapAtEnd: HeapSpaces | undefined;
  cpu: CpuUse;
  pass: boolean;
}

/**
 * Two parts of the server's heap that RSS per connection lumps in: the young generation, which V8 grows
 * from 1 MB to its ceiling (32 MB on Node 20) while the connections arrive, whatever their number; and the
 * old space in use, live objects and the heartbeat garbage that waits there for the next major GC.
 */
export interface HeapSpaces {
  youngMB: number;
  oldUsedMB: number;
}

export interface ConnectionsRun {
  db: DbKind;
  baselineRssMB: number;
  /** The server's V8 heap before any connection. */
  heapBefore: HeapSpaces | undefined;
  /** The server's processes: 1, or the primary and its `WEB_CONCURRENCY` workers. */
  serverProcesses: number;
  serverOpenFilesLimit: number | undefined;
  /** The server's hard open-files limit: the soft one cannot be raised above it without CAP_SYS_RESOURCE. */
  serverOpenFilesHardLimit: number | undefined;
  /** Descriptors the idle server holds before any connection (listener, database, logs, runtime), all its processes. */
  serverIdleOpenFiles: number | undefined;
  /** Most connections the open-files limits allow (server's, and the workers' together); steps above are capped. */
  connectionCap: number;
  /** Loopback source addresses the generator's sockets are spread over. */
  sourceAddresses: string[];
  /** Capped or refused steps, and why. */
  notes: string[];
  steps: ConnectionsStep[];
  /** RSS growth per connection from the first to the last step: insensitive to the idle baseline. */
  slopeKB: number | undefined;
  error: string | undefined;
}

/** Handshakes in flight per worker: well below the listen backlog (somaxconn). */
const CONNECT_CONCURRENCY = 100;
/** Descriptors a process keeps spare beyond its idle ones and its sockets (a request, a log file, a database reconnect). */
const FD_HEADROOM = 100;
/**
 * Sockets per loopback source address: a socket bound to an address before connecting (which a given
 * source address needs) takes a port of its own on that address, so every address offers the ephemeral
 * range (28,232 ports by default) at most, less ports still in TIME_WAIT from a previous run: use a third.
 */
const SOCKETS_PER_SOURCE_ADDRESS_SHARE = 1 / 3;
/** 127.0.0.1 … 127.0.0.254: plenty (254 × ~9,400 sockets). */
const MAX_SOURCE_ADDRESSES = 254;

export async function runConnections(options: ConnectionsOptions, log: (line: string) => void): Promise<ConnectionsRun> {
  log(`\n== connections on ${options.db}: ${options.steps.join(', ')}; ${options.workers} workers; hold ${options.durationS} s (last ${options.holdLastS} s)`);
  const { server, target } = await startTarget({ db: options.db, adminUrl: options.adminUrl, keepDb: options.keepDb, cpuProfDir: undefined, env: options.serverEnv, nodeArgs: options.serverNodeArgs ?? [] });
  const pool = await WorkerPool.start(options.workers);
  const serverPids = () => processTree(server.pid);
  const baseline = await settledRss(serverPids, options.settleS * 1000, Math.max(options.settleS * 3, 5) * 1000);
  const limits = openFilesLimits(server.pid);
  const idleFds = sumOpenFiles(serverPids());
  const processes = serverPids().length;
  const cap = connectionCap(connectionHolders(server.pid).map(fdBudget), pool.pids.map(fdBudget));
  // One /metrics scrape is answered by one worker: its heap is not the server's.
  const heapOf = (url: string) => (processes > 1 ? Promise.resolve(undefined) : heapSpaces(url));
  const sources = await usableSourceAddresses(server.url, sourceAddressesFor(Math.min(Math.max(...options.steps), cap.connections)), log);
  const run: ConnectionsRun = {
    db: options.db,
    baselineRssMB: round(baseline / 2 ** 20),
    heapBefore: await heapOf(server.url),
    serverProcesses: processes,
    serverOpenFilesLimit: limits?.soft,
    serverOpenFilesHardLimit: limits?.hard,
    serverIdleOpenFiles: idleFds,
    connectionCap: cap.connections,
    sourceAddresses: sources,
    notes: [],
    steps: [],
    slopeKB: undefined,
    error: undefined,
  };
  if (processes > 1) log(`   server: a primary and ${processes - 1} workers (RSS, CPU and descriptors summed over all; V8 heap figures n/a: /metrics answers from one worker)`);
  log(`   server RSS before connections ${run.baselineRssMB} MB, open-files limit ${limits?.soft} (hard ${limits?.hard}), ${idleFds ?? '?'} descriptors open while idle`);
  log(`   at most ${fmt(cap.connections)} connections fit: ${cap.why}`);
  log(`   client sockets from ${sources.join(', ')} (${fmt(Math.floor(localPortRange().count * SOCKETS_PER_SOURCE_ADDRESS_SHARE))} sockets per source address at most)`);
  let open = 0;
  let disconnectsBefore = 0;
  let previous = { rss: baseline, open: 0 };
  try {
    for (const [index, wanted] of options.steps.entries()) {
      if (!server.alive()) throw new Error(`server died:\n${server.output().slice(-2000)}`);
      const goal = Math.min(wanted, cap.connections);
      if (goal < wanted) {
        if (goal <= open) {
          const note = `step ${fmt(wanted)} refused: ${fmt(open)} connections are open, the most that fit (${fmt(cap.connections)}): ${cap.why}; the ladder stops here`;
          run.notes.push(note);
          log(`   ${note}`);
          break;
        }
        const note = `step ${fmt(wanted)} capped to ${fmt(goal)}: ${cap.why}`;
        run.notes.push(note);
        log(`   ${note}`);
      }
      if (options.nice !== undefined) reniceAll([...serverPids(), ...pool.pids, process.pid], [], options.nice);
      const started = nowMs();
      const results = await pool.all(
        (i) => ({
          type: 'connect',
          urls: [server.url],
          count: shares(Math.max(0, goal - open), pool.size)[i]!,
          concurrency: CONNECT_CONCURRENCY,
          timeoutMs: 30_000,
          localAddresses: sources,
        }),
        600_000,
      );
      const openS = round((nowMs() - started) / 1000, 2);
      const latency = new Histogram();
      for (const r of results) latency.merge(r.connectLatency);
      const failed = results.reduce((n, r) => n + r.failed, 0);
      open = results.reduce((n, r) => n + r.total, 0);

      // The last step, or the last one the open-files limits let through (any step after it is refused), is held longest.
      const holdS = index === options.steps.length - 1 || goal >= cap.connections ? options.holdLastS : options.durationS;
      if (options.nice !== undefined) reniceAll([...serverPids(), ...pool.pids, process.pid], await target.backendPids(), options.nice);
      const cpuWindow = new CpuWindow({ server: serverPids, generator: () => pool.pids });
      const rss = new RssSampler(serverPids);
      await sleep(holdS * 1000);
      const cpu = cpuWindow.end();
      const memory = rss.stop();
      const heapAtEnd = await heapOf(server.url);
      const status = await pool.all({ type: 'status' }, 30_000);
      const stillOpen = status.reduce((n, s) => n + s.open, 0);
      const disconnects = status.reduce((n, s) => n + s.disconnects, 0);
      const step: ConnectionsStep = {
        connections: open,
        requested: wanted,
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
        rssPerConnectionLessYoungKB:
          open > 0 && heapAtEnd && run.heapBefore ? round((memory.medianBytes - baseline - (heapAtEnd.youngMB - run.heapBefore.youngMB) * 2 ** 20) / open / 1024, 2) : undefined,
        marginalKB: open > previous.open ? round((memory.medianBytes - previous.rss) / (open - previous.open) / 1024, 2) : 0,
        serverOpenFiles: sumOpenFiles(serverPids()),
        heapAtEnd,
        cpu: { groups: { server: round(cpu.groups.server ?? 0), generator: round(cpu.groups.generator ?? 0) }, machine: round(cpu.machine), other: round(cpu.other) },
        pass: failed === 0 && stillOpen === goal && disconnects === disconnectsBefore,
      };
      disconnectsBefore = disconnects;
      previous = { rss: memory.medianBytes, open };
      open = stillOpen;
      run.steps.push(step);
      log(
        `   ${step.connections} open (${step.openS} s, p99 ${step.connectP99Ms} ms, ${failed} failed), held ${holdS} s: ${step.dropped} dropped, ` +
          `RSS median ${step.serverRssMB} MB → ${step.rssPerConnectionKB} KB/conn (peak ${step.rssPerConnectionPeakKB}, marginal ${step.marginalKB}, young generation's growth left out ${step.rssPerConnectionLessYoungKB ?? 'n/a'})${heapAtEnd ? `, V8 young generation ${heapAtEnd.youngMB} MB and old space ${heapAtEnd.oldUsedMB} MB in use at the end` : ''}, idle CPU ${step.cpu.groups.server}% ${step.pass ? 'ok' : 'FAIL'}`,
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

/** One process's room for descriptors: its open-files limits and what it holds now. */
export interface FdBudget {
  soft: number;
  hard: number;
  open: number;
}

function fdBudget(pid: number): FdBudget {
  const limits = openFilesLimits(pid);
  return { soft: limits?.soft ?? Infinity, hard: limits?.hard ?? Infinity, open: openFiles(pid) ?? 0 };
}

/** The server's processes that hold connections: its workers when it has any (the primary hands connections over), else itself. */
function connectionHolders(serverPid: number): number[] {
  const tree = processTree(serverPid);
  return tree.length > 1 ? tree.filter((pid) => pid !== serverPid) : tree;
}

function sumOpenFiles(pids: number[]): number | undefined {
  const each = pids.map(openFiles).filter((n) => n !== undefined);
  return each.length > 0 ? each.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * Most connections the open-files limits allow: each is one descriptor in the server process that holds it
 * and one in a generator process, beside what each holds already and `FD_HEADROOM` spare. Both sides share
 * connections out near-equally (the cluster's least-connection hand-over, the generator's shares), so on each side the
 * tightest process decides for all of them.
 */
export function connectionCap(servers: readonly FdBudget[], generators: readonly FdBudget[]): { connections: number; why: string } {
  let connections = Infinity;
  let why = 'no open-files limit';
  const room = (p: FdBudget) => (Number.isFinite(p.soft) ? Math.max(0, p.soft - p.open - FD_HEADROOM) : Infinity);
  const tightest = (list: readonly FdBudget[]) => list.reduce<FdBudget | undefined>((best, p) => (best === undefined || room(p) < room(best) ? p : best), undefined);
  const server = tightest(servers);
  if (server && Number.isFinite(room(server))) {
    connections = room(server) * servers.length;
    const limit = `${fmt(server.soft)}${server.soft < server.hard ? ` (below its hard limit ${fmt(server.hard)}: raising the soft limit failed)` : ` (= its hard limit; raising that needs root with CAP_SYS_RESOURCE)`}`;
    why =
      servers.length === 1
        ? `the server's open-files limit is ${limit}, it holds ${server.open} descriptors idle and keeps ${FD_HEADROOM} spare, one per connection`
        : `each of the server's ${servers.length} workers has an open-files limit of ${limit}, holds up to ${server.open} descriptors idle and keeps ${FD_HEADROOM} spare, one per connection`;
  }
  const generator = tightest(generators);
  if (generator && room(generator) * generators.length < connections) {
    connections = room(generator) * generators.length;
    why = `each of the ${generators.length} generator processes can hold ${fmt(room(generator))} sockets under its open-files limit (use more --workers)`;
  }
  return { connections, why };
}

/** The server's young generation and old space in use, from its /metrics; undefined when it does not answer. */
async function heapSpaces(url: string): Promise<HeapSpaces | undefined> {
  const scrape = await scrapeMetrics(url, BENCH_METRICS_TOKEN);
  const young = scrape?.get('nodejs_heap_space_size_total_bytes{space="new"}');
  const old = scrape?.get('nodejs_heap_space_size_used_bytes{space="old"}');
  return young === undefined || old === undefined ? undefined : { youngMB: round(young / 2 ** 20, 1), oldUsedMB: round(old / 2 ** 20, 1) };
}

/** 127.0.0.1, 127.0.0.2, …: enough that no address uses more than its share of the ephemeral ports. */
function sourceAddressesFor(sockets: number): string[] {
  const perAddress = Math.max(1, Math.floor(localPortRange().count * SOCKETS_PER_SOURCE_ADDRESS_SHARE));
  const count = Math.min(MAX_SOURCE_ADDRESSES, Math.max(1, Math.ceil(sockets / perAddress)));
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 1}`);
}

/** The addresses a TCP connection to the server can start from (127.0.0.2 and up work on Linux, not on every system). */
async function usableSourceAddresses(url: string, candidates: string[], log: (line: string) => void): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const usable: string[] = [];
  for (const localAddress of candidates) {
    const ok = await withTimeout(
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: hostname, port: Number(port), localAddress });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
      5_000,
      'source address check',
    ).catch(() => false);
    if (ok) usable.push(localAddress);
    else log(`   cannot connect from ${localAddress}: not used`);
  }
  return usable.length > 0 ? usable : ['127.0.0.1'];
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : String(n);
}

function mergeCounts(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of list) for (const [key, n] of Object.entries(counts)) out[key] = (out[key] ?? 0) + n;
  return out;
}
