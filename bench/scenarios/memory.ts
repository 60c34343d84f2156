/**
 * `memory`: the server's resident memory at rest, as an operator meets it — started on an empty data
 * directory (or database), left idle, stopped with SIGTERM, started again on the same data and left idle.
 * RSS is read from /proc; the idle figure is the median of one sample a second over a window taken after
 * the server has been idle for a while (V8 gives start-up memory back some seconds after the last work).
 *
 * By default the server is what `npm start` runs, `node dist/server/main.js` (built first when the sources
 * changed), as in the other scenarios; `--entry source` runs the sources through tsx, whose loader holds
 * tens of MB of its own.
 */
import { nowMs, sleep } from '../clock.js';
import { createDbTarget, type DbKind } from '../database-target.js';
import { RssSampler, rssBytes } from '../proc.js';
import { table } from '../report.js';
import { BENCH_SERVER_ENV } from '../server-target.js';
import { startServer } from '../server-process.js';
import { round } from '../stats.js';

/** `dist`: `node dist/server/main.js` (npm start); `source`: `node --import tsx src/main.ts`. */
export type MemoryEntry = 'dist' | 'source';

export interface MemoryOptions {
  dbs: DbKind[];
  entry: MemoryEntry;
  /** Seconds of idleness before the idle window. */
  settleS: number;
  /** Seconds the idle RSS is sampled over (one sample a second). */
  windowS: number;
  adminUrl: string;
  keepDb: boolean;
  serverEnv: Record<string, string>;
}

export interface MemoryStart {
  start: 'first' | 'restart';
  /** From spawning the process to Fastify's "Server listening" line. */
  startUpS: number;
  /** RSS when the server started listening. */
  readyRssMB: number;
  /** Median RSS over the idle window. */
  idleRssMB: number;
  idlePeakMB: number;
  /** Exit code after SIGTERM (0 = clean shutdown). */
  exitCode: number | null;
}

export interface MemoryRun {
  db: DbKind;
  starts: MemoryStart[];
  error: string | undefined;
}

export async function runMemory(options: MemoryOptions, log: (line: string) => void): Promise<MemoryRun[]> {
  const runs: MemoryRun[] = [];
  for (const db of options.dbs) {
    log(`\n== memory on ${db} (${options.entry}): first start on empty data, then a restart; idle ${options.settleS} s, sampled ${options.windowS} s`);
    const run: MemoryRun = { db, starts: [], error: undefined };
    const target = await createDbTarget(db, options.adminUrl, options.keepDb);
    try {
      for (const start of ['first', 'restart'] as const) {
        const measured = await measureStart(start, { ...BENCH_SERVER_ENV, ...target.env, ...options.serverEnv }, options);
        log(`   ${start}: up in ${measured.startUpS} s, RSS at ready ${measured.readyRssMB} MB, idle ${measured.idleRssMB} MB (peak ${measured.idlePeakMB}), exit ${measured.exitCode}`);
        run.starts.push(measured);
      }
    } catch (error) {
      run.error = error instanceof Error ? error.message : String(error);
      log(`   ERROR ${run.error}`);
    } finally {
      await target.cleanup();
    }
    runs.push(run);
  }
  return runs;
}

async function measureStart(start: MemoryStart['start'], env: Record<string, string>, options: MemoryOptions): Promise<MemoryStart> {
  const spawnedAt = nowMs();
  const server = await startServer({ env, ...(options.entry === 'source' ? { entry: 'src/main.ts' } : {}) });
  try {
    const startUpS = round((nowMs() - spawnedAt) / 1000);
    const readyRssMB = round((rssBytes(server.pid) ?? 0) / 2 ** 20);
    await sleep(options.settleS * 1000);
    const sampler = new RssSampler(server.pid);
    await sleep(options.windowS * 1000);
    const idle = sampler.stop();
    const exitCode = await server.stop();
    return { start, startUpS, readyRssMB, idleRssMB: round(idle.medianBytes / 2 ** 20), idlePeakMB: round(idle.peakBytes / 2 ** 20), exitCode };
  } finally {
    await server.stop();
  }
}

export function memoryTable(runs: MemoryRun[]): string {
  const rows = runs.flatMap((r) => r.starts.map((s) => [r.db, s.start, s.startUpS, s.readyRssMB, s.idleRssMB, s.idlePeakMB, s.exitCode === 0 ? 'clean' : `exit ${s.exitCode}`]));
  const errors = runs.filter((r) => r.error).map((r) => `${r.db}: ERROR ${r.error}`);
  return [table(['db', 'start', 'start-up s', 'RSS at ready MB', 'idle RSS MB (median)', 'idle peak MB', 'SIGTERM'], rows), ...errors].join('\n');
}
