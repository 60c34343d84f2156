/**
 * `npm run bench -- redis-ops`: what each user action costs Redis in cluster mode, counted, not estimated.
 * Three real server processes (the built server, as the bench starts it: `bench/server-process.ts`) share a fresh
 * PostgreSQL database and the Redis at `REDIS_URL` under a key prefix of their own — the pairs on two of
 * them, the third a bystander holding nobody, whose CPU shows what every other instance of a cluster pays
 * for the others' traffic. A separate ioredis
 * connection runs MONITOR and tallies every command by name and key family while a known number of
 * connections, joins, matches, messages, leaves and disconnects happen, phase by phase.
 *
 * Phases are delimited by ECHO markers (MONITOR lists commands in the order Redis ran them), with a short
 * settle before each marker so that work done just after an ack (a notification, a registry update) falls
 * in its phase. Joins and leaves run pair by pair, each split in two: the first person's join (who waits)
 * and the second's (who is matched) are counted apart. Pairs come in two kinds: both people on different
 * instances (a message then crosses the Socket.IO adapter's Redis stream) and both on one instance (the
 * notifier delivers locally: no stream). Background work (presence heartbeats, the adapter's heartbeat
 * entries, stream trimming) is recognised by its keys and reported per second and instance from an idle
 * phase; the adapter's blocking XREAD is woken by every stream entry, heartbeats included, so XREAD per
 * operation is given net of its idle rate, and each server's CPU (from /proc) net of its idle rate too.
 * MONITOR slows Redis about twofold, so Redis's own time (`INFO commandstats`) for messages and for a whole
 * conversation (leave, two joins, match) is measured again with MONITOR off. Messages go one at a time per
 * pair (ack and delivery awaited), so per-message CPU is a low-rate figure, without a busy server's batching.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/shared/protocol.js';
import { nowMs, sleep, withTimeout } from '../clock.js';
import { createDbTarget } from '../database-target.js';
import { formatNumber, table, type Cell } from '../report.js';
import { startServer, type ServerProcess } from '../server-process.js';
import { BENCH_SERVER_ENV } from '../server-target.js';
import { processTicks } from '../proc.js';
import { round } from '../stats.js';
import { addStats, commandStats, diffStats, sum, tally, type Line, type PhaseCount, type Stats } from './redis-tally.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RedisOpsOptions {
  redisUrl: string;
  adminUrl: string;
  /** Pairs of each kind (cross-instance and same-instance). */
  pairs: number;
  messagesPerPair: number;
  keepDb: boolean;
  serverEnv: Record<string, string>;
}

export interface RedisOpsRun {
  redisVersion: string | undefined;
  instances: number;
  pairs: number;
  messagesPerPair: number;
  idle: PhaseCount | undefined;
  phases: PhaseCount[];
  error?: string;
}

/** Settings that keep the per-user limits out of the way (as the cluster tests set them); no Redis command changes. */
const GENEROUS = {
  RATE_MESSAGES_PER_S: '100000',
  RATE_MESSAGES_BURST: '100000',
  RATE_JOINS_PER_MIN: '1000000',
  PACKETS_PER_CONNECTION_PER_S: '100000',
  PACKETS_PER_CONNECTION_BURST: '100000',
};

const SETTLE_MS = 30;
/** Linux clock ticks per second (/proc/<pid>/stat). */
const TICKS_PER_S = 100;
const IDLE_S = 10;

export async function runRedisOps(options: RedisOpsOptions, log: (line: string) => void): Promise<RedisOpsRun> {
  const prefix = `bench-redis-ops:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  const target = await createDbTarget('postgres', options.adminUrl, options.keepDb);
  const servers: ServerProcess[] = [];
  const sockets: ChatSocket[] = [];
  const admin = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  let monitor: Redis | undefined;
  // Two instances carry the pairs; a third, with nobody connected, shows what every other instance of a
  // cluster pays for the traffic of the others (the streams adapter delivers every broadcast to all).
  const run: RedisOpsRun = { redisVersion: undefined, instances: 3, pairs: options.pairs, messagesPerPair: options.messagesPerPair, idle: undefined, phases: [] };
  try {
    run.redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1];
    const env = { ...BENCH_SERVER_ENV, ...GENEROUS, ...target.env, REDIS_URL: options.redisUrl, REDIS_PREFIX: prefix, ...options.serverEnv };
    // One after the other: the first migrates the database.
    for (let i = 0; i < run.instances; i++) servers.push(await startServer({ env }));
    log(`${run.instances} instances (the last a bystander): ${servers.map((s) => s.url).join(', ')}; Redis ${run.redisVersion ?? '?'}, prefix ${prefix}`);
    await sleep(3_000);

    // MONITOR: every command any client sends, in execution order.
    const lines: Line[] = [];
    const openMonitor = async () => {
      const client = await admin.duplicate().monitor();
      client.on('error', () => undefined);
      client.on('monitor', (_time: string, args: string[], source: string) => lines.push({ args, source }));
      return client;
    };
    monitor = await openMonitor();
    let markerSeq = 0;
    const mark = async (): Promise<string> => {
      const marker = `redis-ops-marker-${process.pid}-${markerSeq++}`;
      await admin.echo(marker);
      return marker;
    };
    /** Runs `work`, settles, and returns the commands between the markers around it. */
    const cpuTicks = () => servers.map((s) => processTicks(s.pid) ?? 0);
    const cpuMs = (before: number[]) => cpuTicks().map((t, i) => ((t - before[i]!) * 1000) / TICKS_PER_S);
    const measure = async (phase: string, operations: number, work: () => Promise<void>): Promise<PhaseCount> => {
      const statsBefore = await commandStats(admin);
      const ticksBefore = cpuTicks();
      const start = await mark();
      const started = nowMs();
      await work();
      await sleep(SETTLE_MS * 10);
      const seconds = (nowMs() - started) / 1000;
      const end = await mark();
      const redisUsec = diffStats(statsBefore, await commandStats(admin));
      const instanceCpuMs = cpuMs(ticksBefore);
      await withTimeout(until(() => lines.some((l) => l.args[1] === end)), 10_000, 'MONITOR catching up');
      const from = lines.findIndex((l) => l.args[1] === start);
      const to = lines.findIndex((l) => l.args[1] === end);
      const count = tally(phase, operations, seconds, lines.slice(from + 1, to), prefix);
      lines.splice(0, to + 1);
      return { ...count, redisUsec, instanceCpuMs };
    };
    /** Like `measure`, for work done once per item, each item's commands summed into one of two phases. */
    const measureSplit = async <T>(items: T[], phases: [string, string], first: (item: T) => Promise<void>, second: (item: T) => Promise<void>): Promise<[PhaseCount, PhaseCount]> => {
      const parts: [Line[], Line[]] = [[], []];
      const usec: [Stats, Stats] = [{}, {}];
      const cpu: [number[], number[]] = [servers.map(() => 0), servers.map(() => 0)];
      const started = nowMs();
      for (const item of items) {
        const t0 = cpuTicks();
        const s0 = await commandStats(admin);
        const m0 = await mark();
        await first(item);
        await sleep(SETTLE_MS);
        const m1 = await mark();
        const s1 = await commandStats(admin);
        const t1 = cpuTicks();
        await second(item);
        await sleep(SETTLE_MS);
        const m2 = await mark();
        const s2 = await commandStats(admin);
        const t2 = cpuTicks();
        t1.forEach((t, i) => {
          cpu[0][i]! += ((t - t0[i]!) * 1000) / TICKS_PER_S;
          cpu[1][i]! += ((t2[i]! - t) * 1000) / TICKS_PER_S;
        });
        addStats(usec[0], diffStats(s0, s1));
        addStats(usec[1], diffStats(s1, s2));
        await withTimeout(until(() => lines.some((l) => l.args[1] === m2)), 10_000, 'MONITOR catching up');
        const i0 = lines.findIndex((l) => l.args[1] === m0);
        const i1 = lines.findIndex((l) => l.args[1] === m1);
        const i2 = lines.findIndex((l) => l.args[1] === m2);
        parts[0].push(...lines.slice(i0 + 1, i1));
        parts[1].push(...lines.slice(i1 + 1, i2));
        lines.splice(0, i2 + 1);
      }
      const seconds = (nowMs() - started) / 1000;
      return [
        { ...tally(phases[0], items.length, seconds / 2, parts[0], prefix), redisUsec: usec[0], instanceCpuMs: cpu[0] },
        { ...tally(phases[1], items.length, seconds / 2, parts[1], prefix), redisUsec: usec[1], instanceCpuMs: cpu[1] },
      ];
    };

    run.idle = await measure(`idle (${run.instances} instances, no users)`, 1, () => sleep(IDLE_S * 1000));
    log(`idle: ${formatNumber(sum(run.idle.background) / IDLE_S)} background commands/s for ${run.instances} instances`);

    const kinds = [
      { name: 'cross-instance', place: (): [number, number] => [0, 1] },
      { name: 'same instance', place: (i: number): [number, number] => [i % 2, i % 2] },
    ];
    const pairs: { kind: string; a: ChatSocket; b: ChatSocket; aId: string; bId: string }[] = [];
    const connectPhase = await measure('connect', options.pairs * 4, async () => {
      for (const kind of kinds) {
        for (let i = 0; i < options.pairs; i++) {
          const [ia, ib] = kind.place(i);
          const [a, b] = await Promise.all([connect(servers[ia]!.url), connect(servers[ib]!.url)]);
          sockets.push(a.socket, b.socket);
          pairs.push({ kind: kind.name, a: a.socket, b: b.socket, aId: a.userId, bId: b.userId });
        }
      }
    });
    run.phases.push(connectPhase);
    log(`connected ${sockets.length} sockets`);

    for (const kind of kinds) {
      const group = pairs.filter((p) => p.kind === kind.name);
      const [waits, matches] = await measureSplit(
        group,
        [`join that waits (${kind.name})`, `join that is matched + the match (${kind.name})`],
        async (p) => {
          const answer = await ask<{ ok?: boolean; status?: string }>(p.a, 'join_queue');
          if (answer.status !== 'waiting') throw new Error(`first join: expected waiting, got ${JSON.stringify(answer)}`);
        },
        async (p) => {
          const both = Promise.all([next(p.a, 'matched'), next(p.b, 'matched')]);
          const answer = await ask<{ status?: string }>(p.b, 'join_queue');
          if (answer.status !== 'matched') throw new Error(`second join: expected matched, got ${JSON.stringify(answer)}`);
          await both;
        },
      );
      run.phases.push(waits, matches);
      log(`${kind.name}: ${group.length} pairs matched`);

      const messages = group.length * options.messagesPerPair;
      const messagePhase = await measure(`message (${kind.name})`, messages, () => sendAll(group, options.messagesPerPair, 'm'));
      run.phases.push(messagePhase);
      log(`${kind.name}: ${messages} messages delivered`);

      // MONITOR makes Redis format every command, scripts' inner ones included, inside the script's time:
      // Redis's time per message is measured again with MONITOR off.
      monitor.disconnect();
      const statsBefore = await commandStats(admin);
      const ticksBefore = cpuTicks();
      const plainStarted = nowMs();
      await sendAll(group, options.messagesPerPair, 'u');
      await sleep(SETTLE_MS * 10);
      run.phases.push({
        phase: `message (${kind.name}), MONITOR off: Redis time only`,
        operations: messages,
        seconds: round((nowMs() - plainStarted) / 1000, 2),
        commands: {},
        inScripts: {},
        background: {},
        redisUsec: diffStats(statsBefore, await commandStats(admin)),
        instanceCpuMs: cpuMs(ticksBefore),
      });
      // And a conversation's whole life in Redis, MONITOR off: a leave, then the two joins and the match.
      const cycleStats = await commandStats(admin);
      const cycleTicks = cpuTicks();
      const cycleStarted = nowMs();
      for (const p of group) {
        const told = next(p.b, 'partner_left');
        await ask(p.a, 'leave_room_event');
        await told;
        const waiting = await ask<{ status?: string }>(p.a, 'join_queue');
        if (waiting.status !== 'waiting') throw new Error(`rejoin: expected waiting, got ${JSON.stringify(waiting)}`);
        const both = Promise.all([next(p.a, 'matched'), next(p.b, 'matched')]);
        await ask(p.b, 'join_queue');
        await both;
      }
      await sleep(SETTLE_MS * 10);
      run.phases.push({
        phase: `leave + 2 joins + match (${kind.name}), MONITOR off: Redis time only`,
        operations: group.length,
        seconds: round((nowMs() - cycleStarted) / 1000, 2),
        commands: {},
        inScripts: {},
        background: {},
        redisUsec: diffStats(cycleStats, await commandStats(admin)),
        instanceCpuMs: cpuMs(cycleTicks),
      });
      monitor = await openMonitor();

      const [leaves, leftAlone] = await measureSplit(
        group,
        [`leave (${kind.name})`, `(the partner, after a leave: nothing)`],
        async (p) => {
          const told = next(p.b, 'partner_left');
          await ask(p.a, 'leave_room_event');
          await told;
        },
        async () => undefined,
      );
      run.phases.push(leaves);
      void leftAlone;
    }

    run.phases.push(
      await measure('disconnect (idle sockets)', sockets.length, async () => {
        for (const socket of sockets) socket.close();
        await sleep(2_000);
      }),
    );
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    log(`error: ${run.error}`);
  } finally {
    for (const socket of sockets) socket.close();
    monitor?.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
    // The prefix's keys (queue, registry, streams, rate buckets).
    let cursor = '0';
    do {
      const [nextCursor, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await admin.del(...keys);
    } while (cursor !== '0');
    admin.disconnect();
    await target.cleanup();
  }
  return run;
}

/** Every pair sends `perPair` messages, alternating sides, each waiting for its ack and delivery; pairs in parallel. */
async function sendAll(group: { a: ChatSocket; b: ChatSocket }[], perPair: number, tag: string): Promise<void> {
  await Promise.all(
    group.map(async (p, pi) => {
      for (let m = 0; m < perPair; m++) {
        const [from, to] = m % 2 === 0 ? [p.a, p.b] : [p.b, p.a];
        const delivered = next(to, 'new_message');
        const answer = await ask<{ ok?: boolean }>(from, 'send_message', { content: `hello ${pi}-${m} from the redis-ops bench, 48 chars`.slice(0, 48), cid: `${tag}${pi}-${m}` });
        if (answer.ok !== true) throw new Error(`send_message: ${JSON.stringify(answer)}`);
        await delivered;
      }
    }),
  );
}

async function connect(url: string): Promise<{ socket: ChatSocket; userId: string }> {
  const socket: ChatSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const session = await withTimeout(next(socket, 'session'), 10_000, 'session');
  return { socket, userId: session.user_id };
}

function next<E extends keyof ServerToClientEvents>(socket: ChatSocket, event: E): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return withTimeout(
    new Promise((resolve) => (socket.once as (e: string, l: (p: Parameters<ServerToClientEvents[E]>[0]) => void) => void)(event, resolve)),
    10_000,
    `event ${event}`,
  );
}

function ask<T = Record<string, unknown>>(socket: ChatSocket, event: string, ...args: unknown[]): Promise<T> {
  return (socket.timeout(10_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<T> }).emitWithAck(event, ...args);
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(10);
}

/** Per phase: commands per operation, then by command; the idle rates first. */
export function redisOpsTables(run: RedisOpsRun): string {
  const out: string[] = [];
  const idle = run.idle;
  const idleCpuMsPerS = (idle?.instanceCpuMs ?? []).map((ms) => ms / (idle?.seconds ?? 1));
  const xreadIdlePerS = idle ? (sumWhere(idle.commands, 'XREAD') + sumWhere(idle.background, 'XREAD')) / idle.seconds : 0;
  if (idle) {
    const rows: Cell[][] = Object.entries({ ...idle.background, ...idle.commands })
      .sort(([, x], [, y]) => y - x)
      .map(([label, n]) => [label, round(n / idle.seconds / run.instances, 2)]);
    out.push(
      `Background, per second and instance (${run.instances} instances idle ${idle.seconds} s; Redis ${run.redisVersion ?? '?'}; ` +
        `idle CPU ${idleCpuMsPerS.map((ms) => `${round(ms / 10, 1)}%`).join(' / ')} of a core):\n\n${table(['command', 'per s per instance'], rows)}`,
    );
  }
  const summary: Cell[][] = run.phases.map((p) => {
    const xread = sumWhere(p.commands, 'XREAD');
    const netXread = Math.max(0, xread - xreadIdlePerS * p.seconds);
    const direct = sum(p.commands) - xread;
    // Redis time of every top-level command in the phase (a blocked XREAD's wait is not counted by Redis;
    // the background's few commands per second are included, a few µs per operation in the slow phases).
    const usec = Object.values(p.redisUsec ?? {}).reduce((s, v) => s + v.usec, 0);
    // Net of what each instance uses idle (heartbeats, timers) over the phase's duration.
    const cpu = (p.instanceCpuMs ?? []).map((ms, i) => formatNumber(round((Math.max(0, ms - idleCpuMsPerS[i]! * p.seconds) * 1000) / p.operations, 0))).join(' / ') || '–';
    return [p.phase, p.operations, round(direct / p.operations, 2), round(netXread / p.operations, 2), round(sum(p.inScripts) / p.operations, 2), round(usec / p.operations, 1), cpu, breakdown(p.commands, p.operations, 'XREAD')];
  });
  out.push(
    table(['per operation', 'operations', 'commands sent (without XREAD)', 'XREAD, net of idle', 'commands inside scripts', 'Redis µs (commandstats)', 'server CPU µs net of idle: A / B / bystander', 'by command and key (per operation)'], summary),
  );
  const usecRows: Cell[][] = run.phases.map((p) => [
    p.phase,
    Object.entries(p.redisUsec ?? {})
      .sort(([, x], [, y]) => y.usec - x.usec)
      .map(([name, v]) => `${name} ${v.calls} calls ${round(v.usec / v.calls, 1)} µs/call`)
      .join(', ') || '–',
  ]);
  out.push(`Redis time by command during each phase (INFO commandstats; server-wide, so other users of this Redis count too):\n\n${table(['phase', 'calls, µs per call'], usecRows)}`);
  const scripts: Cell[][] = run.phases.filter((p) => sum(p.inScripts) > 0).map((p) => [p.phase, breakdown(p.inScripts, p.operations)]);
  if (scripts.length) out.push(`Inside the scripts (per operation):\n\n${table(['operation', 'commands run by Lua'], scripts)}`);
  if (run.error) out.push(`ERROR: ${run.error}`);
  return out.join('\n\n');
}

function sumWhere(counts: Record<string, number>, name: string): number {
  return Object.entries(counts).filter(([label]) => label.split(' ')[0] === name).reduce((s, [, n]) => s + n, 0);
}

function breakdown(counts: Record<string, number>, operations: number, skip?: string): string {
  return (
    Object.entries(counts)
      .filter(([label]) => label.split(' ')[0] !== skip)
      .sort(([, x], [, y]) => y - x)
      .map(([label, n]) => `${round(n / operations, 2)} ${label}`)
      .join(', ') || '–'
  );
}
