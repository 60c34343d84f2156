/**
 * `matching`: N connected clients all press start at once. Reports the time until everyone is matched
 * and match latency (join emit → `matched`), and checks the pairing from the clients' side: every room
 * has exactly two distinct users, every user is in exactly one room, nobody was matched twice.
 * `--urls a,b` spreads clients over servers already running (cluster mode); otherwise one is started.
 * `--interests`: every client joins with 1–3 interests drawn from a Zipf-like distribution over 200 tags
 * (seeded, so every run draws the same); the run then also reports how long after its fallback deadline
 * (join + INTEREST_WAIT_MS) the last client was matched, the share of interest matches, and checks that
 * every `common_interests` is non-empty and held by both partners.
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
  /** Join with interests; undefined → `join_queue` without payload. */
  interests?: InterestsOptions;
}

export interface InterestsOptions {
  /** Distinct tags drawn from. */
  tags: number;
  /** Zipf exponent: tag k (1-based) is drawn with weight 1 / k^s. */
  zipfS: number;
  seed: number;
  /** The servers' INTEREST_WAIT_MS: the fallback deadline is join + this. */
  waitMs: number;
}

export interface InterestsCheck {
  waitMs: number;
  /** Rooms whose partners both got `match_type: 'interests'`, and the share of all rooms. */
  interestRooms: number;
  interestShare: number;
  /** Rooms where the partners share at least one tag (whatever the match type). */
  roomsSharingATag: number;
  /** Interest matches whose `common_interests` is empty, not held by both, or differs between the partners. */
  commonWrong: number;
  /** Rooms whose partners were told different match types. */
  typeMismatch: number;
  /** Latest (matched − own join − waitMs): how long after its own fallback deadline the last client was matched. */
  maxAfterDeadlineMs: number;
  /** Match latency by type. */
  interestLatency: { p50Ms: number; p99Ms: number; maxMs: number };
  randomLatency: { p50Ms: number; p99Ms: number; maxMs: number };
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
  /** With `--interests`. */
  interests?: InterestsCheck;
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
    const split = shares(options.clients, pool.size);
    const drawn = options.interests ? drawInterests(options.clients, options.interests) : undefined;
    const offsets = split.map((_, i) => split.slice(0, i).reduce((a, b) => a + b, 0));
    const results = await pool.all(
      (i) => ({
        type: 'join-all',
        timeoutMs: options.timeoutS * 1000,
        ...(drawn ? { interests: drawn.slice(offsets[i]!, offsets[i]! + split[i]!) } : {}),
      }),
      options.timeoutS * 1000 + 60_000,
    );
    run.cpu = cpuWindow.end();
    analyse(run, results);
    if (drawn && options.interests) run.interests = checkInterests(results, drawn, offsets, options.interests.waitMs);
    run.pass =
      run.check.unmatched === 0 && run.check.oddRooms === 0 && run.check.selfMatches === 0 && run.check.doubleMatches === 0 && run.check.duplicateIdentities === 0 &&
      (run.interests === undefined || (run.interests.commonWrong === 0 && run.interests.typeMismatch === 0));
    log(
      `   all matched in ${run.allMatchedMs ?? 'n/a (not all matched)'} ms; latency p50 ${run.latency.p50Ms} p99 ${run.latency.p99Ms} max ${run.latency.maxMs} ms; ` +
        `${run.check.rooms} rooms, unmatched ${run.check.unmatched}, odd rooms ${run.check.oddRooms}, self ${run.check.selfMatches}, double ${run.check.doubleMatches} ${run.pass ? 'ok' : 'FAIL'}`,
    );
    const i = run.interests;
    if (i) {
      log(
        `   interests: wait ${i.waitMs} ms; last matched ${i.maxAfterDeadlineMs} ms after its fallback deadline; ` +
          `${i.interestRooms} of ${run.check.rooms} rooms by interests (${round(i.interestShare * 100, 1)} %), ${i.roomsSharingATag} rooms share a tag; ` +
          `latency interests p50 ${i.interestLatency.p50Ms} p99 ${i.interestLatency.p99Ms} max ${i.interestLatency.maxMs}, ` +
          `random p50 ${i.randomLatency.p50Ms} p99 ${i.randomLatency.p99Ms} max ${i.randomLatency.maxMs} ms; ` +
          `common_interests wrong ${i.commonWrong}, match type mismatch ${i.typeMismatch}`,
      );
    }
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

/** A small seeded PRNG (mulberry32): the same seed draws the same interests in every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tag names: `tag001` … (already normalised, so the server compares them as sent). */
function tagName(k: number): string {
  return `tag${String(k).padStart(3, '0')}`;
}

/** 1–3 distinct tags per client, tag k drawn with weight 1 / k^s. */
export function drawInterests(clients: number, o: InterestsOptions): string[][] {
  const random = mulberry32(o.seed);
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= o.tags; k++) cumulative.push((total += 1 / k ** o.zipfS));
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return tagName(lo + 1);
  };
  return Array.from({ length: clients }, () => {
    const count = 1 + Math.floor(random() * 3);
    const tags = new Set<string>();
    while (tags.size < count) tags.add(draw());
    return [...tags];
  });
}

function checkInterests(results: JoinAllResult[], drawn: string[][], offsets: number[], waitMs: number): InterestsCheck {
  interface Seen { user: string; interests: string[]; type: string; common: string[]; latencyMs: number }
  const byRoom = new Map<number, Seen[]>();
  let maxAfterDeadlineMs = -Infinity;
  const interestLatencies: number[] = [];
  const randomLatencies: number[] = [];
  results.forEach((r, w) => {
    r.userIds.forEach((user, i) => {
      const room = r.roomIds[i]!;
      if (room === 0) return;
      const latencyMs = r.matchedAtMs[i]! - r.joinAtMs[i]!;
      maxAfterDeadlineMs = Math.max(maxAfterDeadlineMs, latencyMs - waitMs);
      const type = r.matchTypes[i] ?? '';
      (type === 'interests' ? interestLatencies : randomLatencies).push(latencyMs);
      const list = byRoom.get(room) ?? [];
      list.push({ user, interests: drawn[offsets[w]! + i] ?? [], type, common: r.commonInterests[i] ?? [], latencyMs });
      byRoom.set(room, list);
    });
  });
  let interestRooms = 0;
  let roomsSharingATag = 0;
  let commonWrong = 0;
  let typeMismatch = 0;
  for (const members of byRoom.values()) {
    if (members.length !== 2) continue;
    const [a, b] = members as [Seen, Seen];
    const shared = a.interests.filter((t) => b.interests.includes(t));
    if (shared.length > 0) roomsSharingATag++;
    if (a.type !== b.type) typeMismatch++;
    if (a.type !== 'interests' || b.type !== 'interests') continue;
    interestRooms++;
    const same = (x: string[], y: string[]) => x.length === y.length && x.every((t) => y.includes(t));
    const held = (c: string[]) => c.length > 0 && c.every((t) => a.interests.includes(t) && b.interests.includes(t));
    if (!held(a.common) || !held(b.common) || !same(a.common, b.common)) commonWrong++;
  }
  const rooms = [...byRoom.values()].filter((m) => m.length === 2).length;
  const lat = (xs: number[]) => ({ p50Ms: round(percentileOf(xs, 0.5)), p99Ms: round(percentileOf(xs, 0.99)), maxMs: round(percentileOf(xs, 1)) });
  return {
    waitMs,
    interestRooms,
    interestShare: rooms > 0 ? interestRooms / rooms : 0,
    roomsSharingATag,
    commonWrong,
    typeMismatch,
    maxAfterDeadlineMs: round(Number.isFinite(maxAfterDeadlineMs) ? maxAfterDeadlineMs : 0),
    interestLatency: lat(interestLatencies),
    randomLatency: lat(randomLatencies),
  };
}
