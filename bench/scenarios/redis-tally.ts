/**
 * What the redis-ops bench counts: Redis commands as MONITOR shows them, grouped by command and key family
 * (prefix stripped, ids as `*`) and split into what the operations sent, what their scripts ran and what
 * goes on in the background; and Redis's own time per command from INFO commandstats.
 */
import type { Redis } from 'ioredis';
import { round } from '../stats.js';

/** Commands of one phase: by "COMMAND key-family", sent by clients and run inside scripts. */
export interface PhaseCount {
  phase: string;
  /** Operations the phase performed (connections, joins, messages, …). */
  operations: number;
  seconds: number;
  /** Client-sent commands on the operations' path, by "CMD family". */
  commands: Record<string, number>;
  /** Commands Lua scripts ran (source "lua"), by "CMD family". */
  inScripts: Record<string, number>;
  /** Background commands seen during the phase (heartbeats, trimming), by "CMD family". */
  background: Record<string, number>;
  /**
   * Redis's own time (INFO commandstats usec, summed over top-level commands: a script's inner commands
   * are inside its EVALSHA) during the phase, by command. Server-wide: other users of this Redis count too.
   */
  redisUsec?: Record<string, { calls: number; usec: number }>;
  /** CPU time (user + system) each server process used during the phase, ms; the last is the bystander. */
  instanceCpuMs?: number[];
}

export interface Line {
  args: string[];
  source: string;
}

/** Commands a client sends (not those only scripts run): their usec includes the scripts' inner commands. */
const TOP_LEVEL = new Set(['evalsha', 'eval', 'get', 'mget', 'set', 'xadd', 'xread', 'xtrim', 'sadd', 'smembers', 'exists', 'publish', 'del']);

export type Stats = Record<string, { calls: number; usec: number }>;

export async function commandStats(redis: Redis): Promise<Stats> {
  const stats: Stats = {};
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([a-z|]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match && TOP_LEVEL.has(match[1]!)) stats[match[1]!] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return stats;
}

export function addStats(into: Stats, more: Stats): void {
  for (const [name, v] of Object.entries(more)) {
    const current = (into[name] ??= { calls: 0, usec: 0 });
    current.calls += v.calls;
    current.usec += v.usec;
  }
}

export function diffStats(before: Stats, after: Stats): Stats {
  const diff: Stats = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name] ?? { calls: 0, usec: 0 };
    if (a.calls > b.calls) diff[name] = { calls: a.calls - b.calls, usec: a.usec - b.usec };
  }
  return diff;
}

/** Keys of work that goes on whatever users do: presence, Redis-restart detection, reaping. */
const BACKGROUND_KEY = /^(inst:|instances$|epoch$|reap:)/;

const FIXED_NAMES = new Set(['order', 'open', 'closed', 'seq', 'meta', 'sockets', 'paused', 'instances', 'epoch', 'activity', 'moderation']);

/** The key a command names (the first key of a script), without the prefix, ids replaced by `*`. */
function family(args: string[], prefix: string): string {
  const name = args[0]!.toLowerCase();
  let key: string | undefined;
  if (name === 'evalsha' || name === 'eval') key = Number(args[2]) > 0 ? args[3] : undefined;
  else if (name === 'xread') key = args[args.findIndex((a) => a.toUpperCase() === 'STREAMS') + 1];
  else key = args[1];
  if (key === undefined) return '';
  const bare = key.startsWith(prefix) ? key.slice(prefix.length) : key.includes('redis-ops-marker') ? 'marker' : '(other)';
  const parts = bare.split(':');
  return parts
    .map((part, i) => {
      const id = (/\d/.test(part) && part.length >= 4) || part.length > 20 || /^[0-9a-f-]{16,}$/i.test(part);
      // The last part of a key is an id (a user, an address hash, a room) unless it is one of the fixed names.
      return id || (i > 0 && i === parts.length - 1 && !FIXED_NAMES.has(part)) ? '*' : part;
    })
    .join(':');
}

export function tally(phase: string, operations: number, seconds: number, lines: Line[], prefix: string): PhaseCount {
  const commands: Record<string, number> = {};
  const inScripts: Record<string, number> = {};
  const background: Record<string, number> = {};
  for (const { args, source } of lines) {
    const name = args[0]!.toUpperCase();
    if (name === 'ECHO' || name === 'MONITOR' || name === 'INFO') continue;
    const fam = family(args, prefix);
    // Other people's commands on the same Redis (another prefix) are not ours.
    if (fam === '(other)' && name !== 'EVALSHA' && name !== 'EVAL') continue;
    const label = `${name} ${fam}`.trim();
    const isHeartbeatEntry = name === 'XADD' && isAdapterHeartbeat(args);
    if (source === 'lua') inScripts[label] = (inScripts[label] ?? 0) + 1;
    else if (BACKGROUND_KEY.test(fam) || name === 'XTRIM' || isHeartbeatEntry) background[label] = (background[label] ?? 0) + 1;
    else commands[label] = (commands[label] ?? 0) + 1;
  }
  return { phase, operations, seconds: round(seconds, 2), commands, inScripts, background };
}

/** The streams adapter's heartbeat entries (socket.io-adapter MessageType 1 INITIAL_HEARTBEAT, 2 HEARTBEAT). */
function isAdapterHeartbeat(args: string[]): boolean {
  const typeAt = args.findIndex((a, i) => a === 'type' && i > 2);
  return typeAt > 0 && (args[typeAt + 1] === '1' || args[typeAt + 1] === '2');
}

export function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((s, n) => s + n, 0);
}
