/**
 * Starts the server under test on a database target, with the profiler if asked, and stops it again.
 * Shared by every scenario.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDbTarget, type DbKind, type DbTarget } from './database-target.js';
import { startServer, type ServerProcess } from './server-process.js';

const ALLOC_SAMPLER = join(dirname(fileURLToPath(import.meta.url)), 'alloc-sampler.mjs');

export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/**
 * Every simulated user connects from 127.0.0.1, where real users come from many addresses: the per-address
 * limits (connections, messages, joins) are lifted so they measure the server, not one address's quota.
 * Per-identity limits (messages per user per second, joins per user) stay at the server's defaults.
 * `--env` overrides any of these.
 */
export const BENCH_SERVER_ENV: Readonly<Record<string, string>> = {
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  RATE_MESSAGES_PER_ADDRESS_PER_S: '10000000',
  RATE_JOINS_PER_ADDRESS_PER_MIN: '100000000',
  RATE_IDENTITIES_PER_ADDRESS_PER_MIN: '100000000',
  // Every simulated person comes from 127.0.0.1: the bot challenge would take them all for one bot.
  CHALLENGE: 'off',
  // Load generators do not read rules: the gate is off in benchmarks (as DESIGN §4b says).
  RULES_GATE: 'off',
  // The bench reads the server's own stage timings from /metrics around each step (server-stages.ts).
  METRICS_TOKEN: BENCH_METRICS_TOKEN,
};

export interface TargetOptions {
  db: DbKind;
  /** Another server than ours (`bench/bare-relay.ts`), on the same machine and generator. */
  entry?: string;
  adminUrl: string;
  keepDb: boolean;
  /** Directory for a `.cpuprofile` of the server, or undefined for no profiling. */
  cpuProfDir: string | undefined;
  /** Directory for an allocation profile (`bench/alloc-sampler.mjs`; sampling starts at SIGUSR2). */
  allocProfDir?: string | undefined;
  /** Extra server environment, e.g. WRITE_QUEUE_MAX. */
  env?: Record<string, string>;
  /** Extra flags for the server's node (`--node-arg`), e.g. V8 flags that NODE_OPTIONS refuses. */
  nodeArgs?: string[];
  /** Runs on the fresh target before the server starts (e.g. to preload data). */
  prepare?: (target: DbTarget) => Promise<void>;
}

export interface RunningTarget {
  server: ServerProcess;
  target: DbTarget;
  version: string | undefined;
}

export async function startTarget(options: TargetOptions): Promise<RunningTarget> {
  const target = await createDbTarget(options.db, options.adminUrl, options.keepDb);
  try {
    const version = await target.version().catch(() => undefined);
    const nodeArgs = [...(options.nodeArgs ?? []), ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [])];
    if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });
    const allocEnv: Record<string, string> = {};
    if (options.allocProfDir) {
      mkdirSync(options.allocProfDir, { recursive: true });
      nodeArgs.push('--import', pathToFileURL(ALLOC_SAMPLER).href);
      allocEnv.BENCH_ALLOC_PROF_DIR = options.allocProfDir;
    }
    await options.prepare?.(target);
    const server = await startServer({ env: { ...BENCH_SERVER_ENV, ...target.env, ...options.env, ...allocEnv }, nodeArgs, ...(options.entry ? { entry: options.entry } : {}) });
    if (options.db === 'none' && !options.entry && !/CHAT_STORAGE=memory/.test(server.output())) {
      await server.stop();
      throw new Error('--db none: the server did not confirm CHAT_STORAGE=memory at start (it would store as usual)');
    }
    return { server, target, version };
  } catch (error) {
    await target.cleanup().catch(() => undefined);
    throw error;
  }
}

/** The allocation profile `bench/alloc-sampler.mjs` wrote for process `pid`, if any. */
export function allocationProfile(dir: string, pid: number): string | undefined {
  const path = join(dir, `ALLOC.${pid}.heapprofile`);
  return existsSync(path) ? path : undefined;
}

/**
 * The main thread's `.cpuprofile` of process `pid` (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`;
 * the tsx loader runs in a second thread with its own profile).
 */
export function mainThreadProfile(dir: string, pid: number): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.cpuprofile') || !name.includes(`.${pid}.0.`)) continue;
    const path = join(dir, name);
    const mtime = statSync(path).mtimeMs;
    if (!best || mtime > best.mtime) best = { path, mtime };
  }
  return best?.path;
}
