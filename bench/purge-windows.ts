/**
 * The `purge` scenario's measurement windows. Chat runs as a row of back-to-back send chunks (one second
 * each by default); once the run is over and the purge's start and end are known, every chunk is put in
 * one window — the baseline (the last seconds before the purge started), the purge (every chunk that
 * overlaps it, so its edges count against the purge) or after — and each window is summarised like a
 * `messages` step: latency, delivered per second, errors, CPU.
 */
import type { CpuUse } from './proc.js';
import { Histogram, round, type Summary } from './stats.js';
import type { SendResult } from './worker-protocol.js';

/** One chunk of chat: sent by one worker from `startMs` for `durationMs` (shared monotonic clock). */
export interface ChatChunk {
  index: number;
  worker: number;
  startMs: number;
  durationMs: number;
  result: SendResult;
  /** CPU over the chunk's time, when it was sampled. */
  cpu: CpuUse | undefined;
}

export type WindowName = 'warm-up' | 'baseline' | 'purge' | 'after';

export interface WindowSummary {
  name: WindowName;
  chunks: number;
  /** Chat time covered by the window's chunks. */
  seconds: number;
  sent: number;
  sentPerS: number;
  /**
   * Messages sent in the window that reached the partner (within the drain), per second of the window.
   * Not "received within the chunk's second": with one-second chunks that would count latency twice.
   */
  deliveredPerS: number;
  ackOk: number;
  ackErrors: Record<string, number>;
  unanswered: number;
  undelivered: number;
  deliveredTwice: number;
  disconnects: number;
  latency: Summary;
  ackLatency: Summary;
  /** How late the generator sent against its schedule (a chunk that started after the previous one drained). */
  genLagP99Ms: number;
  genLagMaxMs: number;
  /** Mean CPU of the window's seconds, in % of one core. */
  cpu: CpuUse;
}

/** Puts each chunk in its window: the baseline is the last `baselineMs` of chat that ended before the purge began. */
export function assignWindows(chunks: readonly ChatChunk[], purge: { startMs: number; endMs: number }, baselineMs: number): Map<WindowName, ChatChunk[]> {
  const windows = new Map<WindowName, ChatChunk[]>([['warm-up', []], ['baseline', []], ['purge', []], ['after', []]]);
  const sorted = [...chunks].sort((a, b) => a.startMs - b.startMs);
  for (const chunk of sorted) {
    const endMs = chunk.startMs + chunk.durationMs;
    if (endMs <= purge.startMs) windows.get(endMs > purge.startMs - baselineMs ? 'baseline' : 'warm-up')!.push(chunk);
    else if (chunk.startMs < purge.endMs) windows.get('purge')!.push(chunk);
    else windows.get('after')!.push(chunk);
  }
  return windows;
}

export function summariseWindow(name: WindowName, chunks: readonly ChatChunk[]): WindowSummary {
  const latency = new Histogram();
  const ackLatency = new Histogram();
  const lag = new Histogram();
  const ackErrors: Record<string, number> = {};
  let seconds = 0;
  for (const { result, durationMs } of chunks) {
    latency.merge(result.latency);
    ackLatency.merge(result.ackLatency);
    lag.merge(result.sendLag);
    seconds += durationMs / 1000;
    for (const [code, n] of Object.entries(result.ackErrors)) ackErrors[code] = (ackErrors[code] ?? 0) + n;
  }
  const sum = (pick: (r: SendResult) => number) => chunks.reduce((n, c) => n + pick(c.result), 0);
  const per = (n: number) => (seconds > 0 ? round(n / seconds) : 0);
  return {
    name,
    chunks: chunks.length,
    seconds: round(seconds, 1),
    sent: sum((r) => r.sent),
    sentPerS: per(sum((r) => r.sent)),
    deliveredPerS: per(sum((r) => r.delivered)),
    ackOk: sum((r) => r.ackOk),
    ackErrors,
    unanswered: sum((r) => r.unanswered),
    undelivered: sum((r) => r.undelivered),
    deliveredTwice: sum((r) => r.deliveredTwice),
    disconnects: sum((r) => r.disconnects),
    latency: roundSummary(latency.summary()),
    ackLatency: roundSummary(ackLatency.summary()),
    genLagP99Ms: round(lag.percentile(0.99), 2),
    genLagMaxMs: round(lag.summary().maxMs, 2),
    cpu: meanCpu(chunks.flatMap((c) => (c.cpu ? [c.cpu] : []))),
  };
}

function meanCpu(samples: readonly CpuUse[]): CpuUse {
  const mean = (pick: (c: CpuUse) => number) => (samples.length ? round(samples.reduce((n, c) => n + pick(c), 0) / samples.length) : 0);
  const names = new Set(samples.flatMap((c) => Object.keys(c.groups)));
  return {
    groups: Object.fromEntries([...names].map((name) => [name, mean((c) => c.groups[name] ?? 0)])),
    machine: mean((c) => c.machine),
    other: mean((c) => c.other),
  };
}

function roundSummary(s: Summary): Summary {
  return { count: s.count, meanMs: round(s.meanMs, 2), p50Ms: round(s.p50Ms, 2), p95Ms: round(s.p95Ms, 2), p99Ms: round(s.p99Ms, 2), maxMs: round(s.maxMs, 2) };
}
