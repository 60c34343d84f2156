/**
 * What Linux tells about processes and the machine, read from /proc: CPU time, resident memory,
 * open-file limits. CPU is reported as percent of one core (200% = both cores of a 2-core machine).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { nowMs, sleep } from './clock.js';

const CLOCK_TICKS_PER_S = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** User + system CPU ticks the process has used, or undefined once it is gone. */
export function processTicks(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name may contain spaces and parentheses; the fields after its last ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the full line)
}

/** Resident set size in bytes, or undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  const match = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Open file descriptors of a process (counting /proc/<pid>/fd). */
export function openFiles(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Soft limit of open files of a process. */
export function openFilesLimit(pid: number): number | undefined {
  return openFilesLimits(pid)?.soft;
}

/** Soft and hard limits of open files of a process (Infinity for "unlimited"). */
export function openFilesLimits(pid: number): { soft: number; hard: number } | undefined {
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(read(`/proc/${pid}/limits`) ?? '');
  if (!match) return undefined;
  const value = (text: string) => (text === 'unlimited' ? Infinity : Number(text));
  return { soft: value(match[1]!), hard: value(match[2]!) };
}

/** The kernel's ephemeral port range (`net.ipv4.ip_local_port_range`): how many client ports one source address has. */
export function localPortRange(): { low: number; high: number; count: number } {
  const [low, high] = (read('/proc/sys/net/ipv4/ip_local_port_range') ?? '32768 60999').trim().split(/\s+/).map(Number);
  const lo = Number.isFinite(low) ? low! : 32768;
  const hi = Number.isFinite(high) ? high! : 60999;
  return { low: lo, high: hi, count: hi - lo + 1 };
}

/** Every PostgreSQL server process on this machine (postmaster, backends, writers). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (read(`/proc/${entry}/comm`)?.trim() === 'postgres') pids.push(Number(entry));
  }
  return pids;
}

/**
 * A process and its descendants (`WEB_CONCURRENCY` workers are children of the primary), from the parent
 * pid in each /proc/<pid>/stat.
 */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const tree: number[] = [];
  for (const stack = [root]; stack.length > 0; ) {
    const pid = stack.pop()!;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Busy ticks summed over all cores, from /proc/stat. */
function machineBusyTicks(): number {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const [, user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  void idle;
  void iowait;
  return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/**
 * Sets the scheduling priority (nice value, −20 … 19) of processes; processes already gone are skipped.
 * Used on a machine shared with other jobs, so the measured processes get the CPU they ask for. With
 * `autogroup`, the nice value of the processes' scheduler autogroup (one per session, Linux
 * `sched_autogroup_enabled`) is set too: across sessions the kernel shares CPU by autogroup, so a
 * process's own nice value alone does not win CPU from other sessions' jobs.
 */
export function renice(pids: readonly number[], nice: number, options: { autogroup: boolean }): void {
  for (const pid of pids) {
    try {
      os.setPriority(pid, nice);
      if (options.autogroup) writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    } catch {
      // Gone, or not ours to change: measured as it is.
    }
  }
}

/** Our own processes (and their session's autogroup) and the database backends serving us (only the processes). */
export function reniceAll(own: readonly number[], backends: readonly number[], nice: number): void {
  renice(own, nice, { autogroup: true });
  renice(backends, nice, { autogroup: false });
}

/** Groups of processes whose CPU is measured together, e.g. `{ server: () => [pid] }`. */
export type PidGroups = Record<string, () => number[]>;

/** CPU use over a window, per group and for the whole machine, in percent of one core. */
export interface CpuUse {
  groups: Record<string, number>;
  machine: number;
  /** Machine minus the groups: everything else running on the box (other jobs, the kernel's share). */
  other: number;
}

export class CpuWindow {
  private readonly started = nowMs();
  private readonly machineStart = machineBusyTicks();
  private readonly starts: Record<string, Map<number, number>> = {};

  constructor(private readonly groups: PidGroups) {
    for (const [name, pids] of Object.entries(groups)) this.starts[name] = snapshot(pids());
  }

  /** CPU used since construction. */
  end(): CpuUse {
    const seconds = Math.max((nowMs() - this.started) / 1000, 1e-3);
    const percent = (ticks: number) => (ticks / CLOCK_TICKS_PER_S / seconds) * 100;
    const groups: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      const before = this.starts[name]!;
      let ticks = 0;
      // A process that appeared during the window counts from zero; one that vanished is not counted.
      for (const [pid, now] of snapshot(pids())) ticks += now - (before.get(pid) ?? 0);
      groups[name] = percent(ticks);
    }
    const machine = percent(machineBusyTicks() - this.machineStart);
    const measured = Object.values(groups).reduce((a, b) => a + b, 0);
    return { groups, machine, other: Math.max(0, machine - measured) };
  }
}

function snapshot(pids: number[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of pids) {
    const ticks = processTicks(pid);
    if (ticks !== undefined) map.set(pid, ticks);
  }
  return map;
}

/** The machine is quiet when it is this busy or less (% of one core) while the bench idles. */
const QUIET_MACHINE_CPU_PERCENT = 25;

/** Waits until the whole machine is nearly idle (measured over 1 s windows); false if it never was. */
export async function waitForQuiet(maxMs: number): Promise<boolean> {
  if (maxMs <= 0) return true;
  const until = nowMs() + maxMs;
  do {
    const window = new CpuWindow({});
    await sleep(1_000);
    if (window.end().machine <= QUIET_MACHINE_CPU_PERCENT) return true;
  } while (nowMs() < until);
  return false;
}

/**
 * RSS after start-up has settled: V8 gives back start-up memory some time after the process goes idle
 * (sooner or later depending on the machine's load), so wait at least `minMs`, then until the lowest value
 * seen has not dropped by more than 1% for 10 s, at most `maxMs`; the lowest value is the baseline.
 */
export async function settledRss(pid: number | (() => number[]), minMs: number, maxMs: number): Promise<number> {
  const start = nowMs();
  let low = summedRss(pid) ?? 0;
  let lowSince = start;
  while (nowMs() - start < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rss = summedRss(pid) ?? low;
    if (rss < low * 0.99) lowSince = nowMs();
    low = Math.min(low, rss);
    if (nowMs() - start >= minMs && nowMs() - lowSince >= 10_000) break;
  }
  return low;
}

/** RSS of a process, or summed over several (a primary and its workers); undefined when none answers. */
function summedRss(pid: number | (() => number[])): number | undefined {
  const each = (typeof pid === 'number' ? [pid] : pid()).map(rssBytes).filter((rss) => rss !== undefined);
  return each.length > 0 ? each.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * Samples a process's RSS once a second: the peak, the last value and the median. An idle server's RSS
 * is a saw-tooth (heartbeat garbage builds up in the old generation until a major GC), so one sample
 * lands anywhere on it; the median over a window is its steady level.
 */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  /** @param pid a process, or a function naming several whose RSS is summed (a primary and its workers) */
  constructor(private readonly pid: number | (() => number[]), intervalMs = 1_000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const rss = summedRss(this.pid);
    if (rss !== undefined) this.samples.push(rss);
  }

  /** Stops sampling; returns the peak, the last value and the median of the samples. */
  stop(): { peakBytes: number; lastBytes: number; medianBytes: number } {
    clearInterval(this.timer);
    this.sample();
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      peakBytes: sorted[sorted.length - 1] ?? 0,
      lastBytes: this.samples[this.samples.length - 1] ?? 0,
      medianBytes: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
    };
  }
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  openFilesLimit: number | undefined;
  /** 1-minute load average when the run started: anything above ~0 means other work shares the machine. */
  loadAverage1m: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    openFilesLimit: openFilesLimit(process.pid),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
