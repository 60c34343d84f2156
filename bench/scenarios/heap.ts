/**
 * `heap`: the server's live heap per idle Socket.IO connection. The real app runs in this process, built
 * as main.ts builds it (buildSeams + createApp on a migrated database); a forked process
 * (bench/idle-clients.ts) opens the connections over loopback, so the heap measured holds the server's
 * objects only. Each run starts a fresh app, opens 100 connections to warm it up (code compiled for the
 * first connections is not theirs), takes the heap after three forced collections, opens the step's
 * connections, takes it again and divides. Prints every run and the median per step.
 *
 * It was a test (test/integration/connection-memory.test.ts, < 13 KB) until Node 24 measured 13.9 KB in
 * CI: a figure that moves with the Node version is reported here, not judged. The exit code is non-zero
 * only when a run failed.
 *
 *   npm run bench -- heap [--db pglite|postgres|none] [--clients N | --steps a,b,c] [--repeat R]
 *                         [--redis] [--database-url URL] [--keep-db] [--out FILE]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino, { type Logger } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { buildSeams, endStaleChats } from '../../src/composition.js';
import { defaultConfig } from '../../src/config/config.js';
import type { Database } from '../../src/storage/database.js';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { numbers } from '../args.js';
import { withTimeout } from '../clock.js';
import { createDbTarget, DB_KINDS, DEFAULT_POSTGRES_URL, type DbKind, type DbTarget } from '../database-target.js';
import { machineInfo } from '../proc.js';
import { benchRedisUrl, removeRedisKeys } from '../redis-keys.js';
import { formatNumber, saveResults, table, type Cell } from '../report.js';

/** Key prefix of the `--redis` runs' instances (their keys are removed after each run). */
const HEAP_PREFIX = 'bench-heap:';

/** Connections opened before the first measurement. */
const WARM_UP = 100;
/** The guard the removed test enforced, printed beside the median for reference. */
const FORMER_GUARD_KB = 13;

const USAGE = `npm run bench -- heap [options]

options:
  --db pglite|postgres|none   storage: PGlite in memory, a fresh PostgreSQL database, or chats in memory
                              (CHAT_STORAGE=memory) beside an in-memory PGlite                  [pglite]
  --database-url URL          PostgreSQL server for --db postgres    [$BENCH_DATABASE_URL or ${DEFAULT_POSTGRES_URL}]
  --clients N                 idle connections measured, after ${WARM_UP} warm-up ones              [1000]
  --steps a,b,c               a ladder instead: open up to each count in turn, measure at each
  --repeat R                  runs, each on a fresh app; the table gives each and the median    [3]
  --redis                     the app as one instance of a cluster: its seams on $REDIS_URL (Socket.IO's
                              streams adapter, presence, Redis matching), keys of its own removed afterwards
  --keep-db                   keep the PostgreSQL database
  --out FILE                  JSON output path                        [bench/results/heap-<db>-<time>.json]
`;

export interface HeapOptions {
  db: DbKind;
  /** Idle connections (not counting the warm-up) at each measurement, ascending. */
  steps: number[];
  repeat: number;
  /** Cluster seams on $REDIS_URL instead of the single-process ones. */
  redis: boolean;
  adminUrl: string;
  keepDb: boolean;
}

export interface HeapStep {
  connections: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  perConnectionKB: number;
}

export interface HeapRun {
  run: number;
  steps: HeapStep[];
  error: string | undefined;
}

/** Parses the options, runs, prints the table and writes the JSON; returns the exit code. */
export async function heapCommand(argv: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      db: { type: 'string' },
      'database-url': { type: 'string' },
      clients: { type: 'string' },
      steps: { type: 'string' },
      repeat: { type: 'string' },
      redis: { type: 'boolean' },
      'keep-db': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log(USAGE);
    return 0;
  }
  const db = (values.db ?? 'pglite') as DbKind;
  if (!DB_KINDS.includes(db)) throw new Error(`--db must be one of ${DB_KINDS.join(', ')} (got '${values.db}')`);
  if (values.clients && values.steps) throw new Error('--clients or --steps, not both');
  const steps = values.steps ? wholeSteps(values.steps) : [positiveInt(values.clients ?? '1000', '--clients')];
  const options: HeapOptions = {
    db,
    steps: [...new Set(steps)].sort((a, b) => a - b),
    repeat: positiveInt(values.repeat ?? '3', '--repeat'),
    redis: Boolean(values.redis),
    adminUrl: values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_POSTGRES_URL,
    keepDb: Boolean(values['keep-db']),
  };
  // Taken first, so the load average shows what else was running, not this run.
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const runs = await runHeap(options, log);
  const path = saveResults(`heap-${db}`, { kind: 'heap', startedAt, machine, options, runs }, { out: values.out, quick: false });
  log(`\n${heapTable(runs)}\n\n${medianLine(runs)}\nNode ${process.version}, --db ${db}, load average ${machine.loadAverage1m} on ${machine.cpus} cores at the start\nresults: ${path}`);
  return runs.some((r) => r.error !== undefined) ? 1 : 0;
}

export async function runHeap(options: HeapOptions, log: (line: string) => void): Promise<HeapRun[]> {
  const gc = collector();
  const runs: HeapRun[] = [];
  log(`== heap per idle connection, --db ${options.db}${options.redis ? ', cluster seams on Redis' : ''}: ${WARM_UP} warm-up connections, then ${options.steps.join(', ')}; ${options.repeat} run(s), Node ${process.version}`);
  for (let run = 1; run <= options.repeat; run++) {
    const result: HeapRun = { run, steps: [], error: undefined };
    const target = await createDbTarget(options.db, options.adminUrl, options.keepDb);
    let server: InProcessServer | undefined;
    let clients: IdleClients | undefined;
    try {
      server = await startServer(target, options.redis ? `${HEAP_PREFIX}${process.pid}:${run}:` : undefined);
      clients = await IdleClients.start(server.url);
      await clients.open(WARM_UP);
      const before = heapAfterGc(gc);
      let open = 0;
      for (const step of options.steps) {
        const total = await clients.open(step - open);
        open = step;
        const held = server.app.io.engine.clientsCount;
        if (total !== WARM_UP + step || held !== total) throw new Error(`expected ${WARM_UP + step} connections, clients hold ${total}, the server ${held}`);
        const after = heapAfterGc(gc);
        const measured = { connections: step, heapBeforeMiB: mib(before), heapAfterMiB: mib(after), perConnectionKB: round2((after - before) / step / 1024) };
        result.steps.push(measured);
        log(`   run ${run}: ${step} connections, heap ${measured.heapBeforeMiB} → ${measured.heapAfterMiB} MiB, ${measured.perConnectionKB} KB each`);
      }
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      log(`   run ${run}: ERROR ${result.error}`);
    } finally {
      await clients?.close();
      await server?.close();
      await target.cleanup();
      if (options.redis) await removeRedisKeys(`${HEAP_PREFIX}${process.pid}:${run}:`);
    }
    runs.push(result);
  }
  return runs;
}

export function heapTable(runs: readonly HeapRun[]): string {
  const rows: Cell[][] = runs.flatMap((r) => r.steps.map((s) => [String(r.run), s.connections, s.heapBeforeMiB, s.heapAfterMiB, s.perConnectionKB]));
  for (const connections of stepsOf(runs)) {
    const at = (key: keyof HeapStep) => median(runs.flatMap((r) => r.steps.filter((s) => s.connections === connections).map((s) => s[key])));
    rows.push(['**median**', connections, at('heapBeforeMiB'), at('heapAfterMiB'), at('perConnectionKB')]);
  }
  const errors = runs.filter((r) => r.error).map((r) => `run ${r.run}: ERROR ${r.error}`);
  return [table(['run', 'idle connections', 'heap before MiB', 'heap after MiB', 'KB per connection'], rows), ...errors].join('\n');
}

function medianLine(runs: readonly HeapRun[]): string {
  const steps = stepsOf(runs);
  if (steps.length === 0) return 'no run measured anything';
  const medians = steps.map((n) => `${medianAt(runs, n)} KB at ${formatNumber(n)}`).join(', ');
  return `median heap per idle connection: ${medians} (the removed test's guard was < ${FORMER_GUARD_KB} KB)`;
}

function stepsOf(runs: readonly HeapRun[]): number[] {
  return [...new Set(runs.flatMap((r) => r.steps.map((s) => s.connections)))];
}

function medianAt(runs: readonly HeapRun[], connections: number): number {
  return median(runs.flatMap((r) => r.steps.filter((s) => s.connections === connections).map((s) => s.perConnectionKB)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : round2((sorted[mid - 1]! + sorted[mid]!) / 2);
}

interface InProcessServer {
  url: string;
  app: App;
  close(): Promise<void>;
}

/**
 * The app as main.ts starts it (one instance of a cluster when given a Redis key prefix), limits per address lifted as in every scenario (BENCH_SERVER_ENV: all
 * connections come from 127.0.0.1), no bot challenge, no rules gate, no logs.
 */
async function startServer(target: DbTarget, redisPrefix: string | undefined): Promise<InProcessServer> {
  const logger = pino({ level: 'silent' });
  const database = await openDatabase(target, logger);
  const defaults = defaultConfig();
  const config = defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir: target.env.DATA_DIR!,
    secretKey: 'bench-secret-key-0123456789abcdef',
    logLevel: 'silent',
    chatStorage: target.kind === 'none' ? 'memory' : 'database',
    rateLimits: { ...defaults.rateLimits, maxConnectionsPerAddress: 1_000_000, identitiesPerAddressPerMin: 100_000_000, joinsPerAddressPerMin: 100_000_000, messagesPerAddressPerS: 10_000_000 },
    challenge: { ...defaults.challenge, mode: 'off' },
    rules: { ...defaults.rules, enabled: false },
    ...(redisPrefix ? { redisUrl: benchRedisUrl(), redisPrefix } : {}),
  });
  try {
    const built = await buildSeams({ config, database, logger });
    await endStaleChats(built.seams, database, new Date());
    const app = await createApp(config, { database, seams: built.seams, logger });
    await built.started(app);
    await app.fastify.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      app,
      async close() {
        await app.close(); // closes the database too
        await built.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** A fresh, migrated database: the target's PostgreSQL database, or PGlite in memory (nothing to keep). */
async function openDatabase(target: DbTarget, logger: Logger): Promise<Database> {
  const database =
    target.kind === 'postgres'
      ? await openPostgresDatabase({ url: target.env.DATABASE_URL!, poolMax: 10, logger })
      : await openPgliteDatabase('memory://heap-bench');
  await database.migrate();
  return database;
}

/** The forked bench/idle-clients.ts process. */
class IdleClients {
  private constructor(private readonly child: ChildProcess) {}

  static async start(url: string): Promise<IdleClients> {
    const file = fileURLToPath(new URL('../idle-clients.ts', import.meta.url));
    const child = fork(file, [url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    process.once('exit', () => child.kill('SIGKILL'));
    await withTimeout(once(child, 'message'), 60_000, 'idle clients start');
    return new IdleClients(child);
  }

  /** Opens `count` more connections; resolves with how many are open in all. */
  async open(count: number): Promise<number> {
    this.child.send({ open: count });
    const [answer] = (await withTimeout(once(this.child, 'message'), 300_000, `opening ${count} connections`)) as [{ opened?: number; error?: string }];
    if (answer.error) throw new Error(answer.error);
    return answer.opened!;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ close: true });
    await exited;
  }
}

/** `gc()` without restarting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap in use once everything unreachable is collected (three passes: weak references and finalizers). */
function heapAfterGc(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** `--steps`: whole numbers of connections ("5k" is 5,000). */
function wholeSteps(value: string): number[] {
  const steps = numbers(value)!;
  for (const n of steps) if (!Number.isInteger(n)) throw new Error(`--steps needs whole numbers of connections (got '${value}')`);
  return steps;
}

function positiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} needs positive whole numbers (got '${value}')`);
  return n;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
