/**
 * `matching`: N connected clients all press start at once. Reports the time until everyone is matched
 * and match latency (join emit → `matched`), and checks the pairing from the clients' side: every room
 * has exactly two distinct users, every user is in exactly one room, nobody was matched twice.
 * `--urls a,b` spreads clients over servers already running (cluster mode); otherwise one is started.
 */
import { nowMs, sleep } from '../clock.js';
import type { DbKind } from '../database-target.js';
import { CpuWindow, postgresPids, reniceAll, type CpuUse } from '../proc.js';
import { startTarget, type RunningTarget } from '../server-target.js';
import { percentileOf, round } from '../stats.js';
import { shares, WorkerPool } from '../worker-pool.js';
import type { JoinAllResult } from '../worker-protocol.js';

export interface MatchingOptions {
  db: DbKind;
  clients: number;
  workers: number;
  /** Servers already running; empty → start one. */
  urls: string[];
  timeoutS: number;
  adminUrl: string;
  keepDb: boolean;
  serverEnv: Record<string, string>;
  /** Nice value for the server, its database backends and the generator; undefined leaves priorities alone. */
  nice: number | undefined;
}

export interface PairingCheck {
  rooms: number;
  matchedUsers: number;
  unmatched: number;
  /** Rooms with one member or more than two. */
  oddRooms: number;
  selfMatches: number;
  /** Users in more than one room, or told `matched` more than once. */
  doubleMatches: number;
  duplicateIdentities: number;
}

export interface MatchingRun {
  db: DbKind | 'external';
  urls: string[];
  clients: number;
  connectS: number;
  /** First join emit → last `matched` received, when everyone was matched. */
  allMatchedMs: number | undefined;
  latency: { p50Ms: number; p99Ms: number; maxMs: number };
  joinErrors: Record<string, number>;
  check: PairingCheck;
  cpu: CpuUse | undefined;
  pass: boolean;
  error: string | undefined;
}

export async function runMatching(options: MatchingOptions, log: (line: string) => void): Promise<MatchingRun> {
  const external = options.urls.length > 0;
  log(`\n== matching: ${options.clients} clients at once over ${external ? options.urls.join(', ') : `one server on ${options.db}`}, ${options.workers} workers`);
  const running: RunningTarget | undefined = external
    ? undefined
    : await startTarget({ db: options.db, adminUrl: options.adminUrl, keepDb: options.keepDb, cpuProfDir: undefined, env: options.serverEnv });
  const urls = running ? [running.server.url] : options.urls;
  const run: MatchingRun = {
    db: external ? 'external' : options.db,
    urls,
    clients: options.clients,
    connectS: 0,
    allMatchedMs: undefined,
    latency: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    joinErrors: {},
    check: { rooms: 0, matchedUsers: 0, unmatched: options.clients, oddRooms: 0, selfMatches: 0, doubleMatches: 0, duplicateIdentities: 0 },
    cpu: undefined,
    pass: false,
    error: undefined,
  };
  const pool = await WorkerPool.start(options.workers);
  try {
    if (options.nice !== undefined) reniceAll([...(running ? [running.server.pid] : []), ...pool.pids, process.pid], [], options.nice);
    const started = nowMs();
    const connected = await pool.all((i) => ({ type: 'connect', urls, count: shares(options.clients, pool.size)[i]!, concurrency: 100, timeoutMs: 30_000 }), 600_000);
    run.connectS = round((nowMs() - started) / 1000, 2);
    const failed = connected.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} sockets failed to connect: ${connected.flatMap((r) => r.errors).join('; ')}`);
    log(`   ${options.clients} connected in ${run.connectS} s`);
    await sleep(1_000);

    const pids = () => (running ? [running.server.pid] : []);
    if (options.nice !== undefined) reniceAll([...pids(), ...pool.pids, process.pid], (await running?.target.backendPids()) ?? [], options.nice);
    const cpuWindow = new CpuWindow({ server: pids, postgres: () => (options.db === 'postgres' ? postgresPids() : []), generator: () => pool.pids });
    const results = await pool.all({ type: 'join-all', timeoutMs: options.timeoutS * 1000 }, options.timeoutS * 1000 + 60_000);
    run.cpu = cpuWindow.end();
    analyse(run, results);
    run.pass =
      run.check.unmatched === 0 && run.check.oddRooms === 0 && run.check.selfMatches === 0 && run.check.doubleMatches === 0 && run.check.duplicateIdentities === 0;
    log(
      `   all matched in ${run.allMatchedMs ?? 'n/a (not all matched)'} ms; latency p50 ${run.latency.p50Ms} p99 ${run.latency.p99Ms} max ${run.latency.maxMs} ms; ` +
        `${run.check.rooms} rooms, unmatched ${run.check.unmatched}, odd rooms ${run.check.oddRooms}, self ${run.check.selfMatches}, double ${run.check.doubleMatches} ${run.pass ? 'ok' : 'FAIL'}`,
    );
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    log(`   error: ${run.error}`);
  } finally {
    await pool.stop();
    if (running) {
      await running.server.stop();
      await running.target.cleanup();
    }
  }
  return run;
}

function analyse(run: MatchingRun, results: JoinAllResult[]): void {
  const members = new Map<number, string[]>();
  const roomOfUser = new Map<string, number>();
  const latencies: number[] = [];
  let firstJoin = Infinity;
  let lastMatch = 0;
  let unmatched = 0;
  let doubleMatches = 0;
  let duplicateIdentities = 0;
  for (const r of results) {
    doubleMatches += r.matchedTwice;
    for (const [code, n] of Object.entries(r.errors)) run.joinErrors[code] = (run.joinErrors[code] ?? 0) + n;
    r.userIds.forEach((user, i) => {
      const room = r.roomIds[i]!;
      firstJoin = Math.min(firstJoin, r.joinAtMs[i]!);
      if (roomOfUser.has(user)) duplicateIdentities++;
      if (room === 0) {
        unmatched++;
        return;
      }
      roomOfUser.set(user, room);
      lastMatch = Math.max(lastMatch, r.matchedAtMs[i]!);
      latencies.push(r.matchedAtMs[i]! - r.joinAtMs[i]!);
      const list = members.get(room) ?? [];
      list.push(user);
      members.set(room, list);
    });
  }
  let oddRooms = 0;
  let selfMatches = 0;
  for (const users of members.values()) {
    if (users.length !== 2) oddRooms++;
    if (new Set(users).size < users.length) selfMatches++;
  }
  run.check = { rooms: members.size, matchedUsers: roomOfUser.size, unmatched, oddRooms, selfMatches, doubleMatches, duplicateIdentities };
  run.allMatchedMs = unmatched === 0 && latencies.length > 0 ? round(lastMatch - firstJoin) : undefined;
  run.latency = { p50Ms: round(percentileOf(latencies, 0.5)), p99Ms: round(percentileOf(latencies, 0.99)), maxMs: round(percentileOf(latencies, 1)) };
}
