/**
 * The `purge` scenario's tables: chat per window (baseline, during the purge, after), one line per run
 * comparing the purge window with the baseline, with the purge's own rate and the checks, and — when a
 * database ran more than once (`--repeat`) — the median of its runs.
 */
import { formatCounts, formatNumber, table, type Cell } from './report.js';
import type { PurgeRun } from './scenarios/purge.js';
import type { WindowSummary } from './purge-windows.js';

export function purgeTables(runs: readonly PurgeRun[], targetP99Ms: number): string {
  const windows = table(
    ['db', 'run', 'window', 'seconds', 'sent/s', 'delivered/s', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'ack p99 ms', 'gen lag p99 ms', 'server CPU %', 'pg CPU %', 'gen CPU %', 'other CPU %'],
    runs.flatMap((r) =>
      r.windows.map((w) => [
        r.db,
        r.attempt,
        w.name,
        w.seconds,
        w.sentPerS,
        w.deliveredPerS,
        formatCounts({ ...w.ackErrors, unanswered: w.unanswered }),
        w.latency.p50Ms,
        w.latency.p95Ms,
        w.latency.p99Ms,
        w.latency.maxMs,
        w.ackLatency.p99Ms,
        w.genLagP99Ms,
        w.cpu.groups['server'] ?? 0,
        w.cpu.groups['postgres'] ?? 0,
        w.cpu.groups['generator'] ?? 0,
        w.cpu.other,
      ]),
    ),
  );
  const summary = table(
    ['db', 'run', 'expired messages', 'rooms', 'purge s', 'purged msg/s', 'rooms/s', 'delivered/s baseline → purge', 'p50 ms baseline → purge', 'p99 ms baseline → purge', 'p99 ×', 'p99 ms after', 'max ms baseline → purge', 'other CPU % baseline → purge', `p99 ≤ ${targetP99Ms} ms`, 'checks'],
    [...runs.map(summaryRow), ...medianRows(runs)],
  );
  const checks = runs
    .filter((r) => r.retention)
    .map((r) => {
      const c = r.retention!;
      const lost = r.verification?.steps.reduce((n, s) => n + s.lost + s.storedTwice, 0) ?? 'n/a';
      return `${r.db} run ${r.attempt}: expired left ${c.expiredRoomsLeft} rooms / ${c.expiredMessagesLeft} messages; recent kept ${c.recentRoomsLeft} rooms / ${c.recentMessagesLeft} messages; chat messages lost or stored twice: ${lost}`;
    });
  return [
    'Chat per window (latency = send → partner receipt; the purge window is every chunk overlapping the purge; CPU in % of one core):',
    windows,
    '',
    'Purge against baseline (same run; p99 × = purge p99 / baseline p99; "busy machine": the baseline p99 was already over the target):',
    summary,
    '',
    'Database after the run:',
    ...checks,
  ].join('\n');
}

function summaryRow(r: PurgeRun): Cell[] {
  const base = r.windows.find((w) => w.name === 'baseline');
  const during = r.windows.find((w) => w.name === 'purge');
  const after = r.windows.find((w) => w.name === 'after');
  const pair = (pick: (w: WindowSummary) => number) => (base && during ? `${formatNumber(pick(base))} → ${formatNumber(pick(during))}` : 'n/a');
  const ratio = base && during && base.deliveredPerS > 0 ? ` (${((100 * during.deliveredPerS) / base.deliveredPerS).toFixed(1)} %)` : '';
  return [
    r.db,
    String(r.attempt),
    r.preload ? formatNumber(r.preload.expired.messages) : 'n/a',
    r.preload ? formatNumber(r.preload.expired.rooms) : 'n/a',
    r.purge ? formatNumber(r.purge.seconds) : 'n/a',
    r.purge ? formatNumber(r.purge.messagesPerS) : 'n/a',
    r.purge ? formatNumber(r.purge.roomsPerS) : 'n/a',
    pair((w) => w.deliveredPerS) + ratio,
    pair((w) => w.latency.p50Ms),
    pair((w) => w.latency.p99Ms),
    base && during && base.latency.p99Ms > 0 ? `${(during.latency.p99Ms / base.latency.p99Ms).toFixed(1)}` : 'n/a',
    after ? formatNumber(after.latency.p99Ms) : 'n/a',
    pair((w) => w.latency.maxMs),
    pair((w) => w.cpu.other),
    r.target ?? 'n/a',
    r.error ? `FAIL: ${r.error}` : 'ok',
  ];
}

/** One row per database that ran more than once: the median of each figure over its complete runs. */
function medianRows(runs: readonly PurgeRun[]): Cell[][] {
  const rows: Cell[][] = [];
  for (const db of [...new Set(runs.map((r) => r.db))]) {
    const done = runs.filter((r) => r.db === db && r.purge && r.windows.some((w) => w.name === 'purge'));
    if (done.length < 2) continue;
    const window = (r: PurgeRun, name: string) => r.windows.find((w) => w.name === name);
    const med = (pick: (r: PurgeRun) => number | undefined) => formatNumber(median(done.map(pick).filter((v): v is number => v !== undefined)));
    const pair = (pick: (w: WindowSummary) => number) => `${med((r) => maybe(window(r, 'baseline'), pick))} → ${med((r) => maybe(window(r, 'purge'), pick))}`;
    const held = done.filter((r) => r.target === 'held').length;
    rows.push([
      `**${db}**`,
      `median of ${done.length}`,
      med((r) => r.preload?.expired.messages),
      med((r) => r.preload?.expired.rooms),
      med((r) => r.purge?.seconds),
      med((r) => r.purge?.messagesPerS),
      med((r) => r.purge?.roomsPerS),
      pair((w) => w.deliveredPerS),
      pair((w) => w.latency.p50Ms),
      pair((w) => w.latency.p99Ms),
      med((r) => ratio(r, (w) => w.latency.p99Ms)),
      med((r) => maybe(window(r, 'after'), (w) => w.latency.p99Ms)),
      pair((w) => w.latency.maxMs),
      pair((w) => w.cpu.other),
      `held in ${held} of ${done.length}`,
      `${done.filter((r) => !r.error).length} of ${done.length} ok`,
    ]);
  }
  return rows;
}

/** The purge window's figure over the baseline's, within one run. */
function ratio(r: PurgeRun, pick: (w: WindowSummary) => number): number | undefined {
  const base = r.windows.find((w) => w.name === 'baseline');
  const during = r.windows.find((w) => w.name === 'purge');
  return base && during && pick(base) > 0 ? Math.round((pick(during) / pick(base)) * 10) / 10 : undefined;
}

function maybe(w: WindowSummary | undefined, pick: (w: WindowSummary) => number): number | undefined {
  return w && pick(w);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
