/**
 * The result tables of each scenario, as Markdown.
 */
import { formatCounts, table } from './report.js';
import { round } from './stats.js';
import type { ConnectionsRun } from './scenarios/connections.js';
import type { MatchingRun } from './scenarios/matching.js';
import type { MessagesRun } from './scenarios/messages.js';

export function messagesTables(runs: MessagesRun[]): string {
  const steps = table(
    ['db', 'offered/s', 'delivered/s', 'acked ok', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'ack p99 ms', 'gen lag p99 ms', 'server CPU %', 'pg CPU %', 'gen CPU %', 'other CPU %', 'server RSS MB', 'lost', 'result'],
    runs.flatMap((r) =>
      r.steps.map((s) => [
        runName(r),
        s.offered,
        s.deliveredPerS,
        s.ackOk,
        formatCounts({ ...s.ackErrors, unanswered: s.unanswered }),
        s.latency.p50Ms,
        s.latency.p95Ms,
        s.latency.p99Ms,
        s.latency.maxMs,
        s.ackLatency.p99Ms,
        s.sendLagP99Ms,
        s.cpu.groups.server ?? 0,
        s.cpu.groups.postgres ?? 0,
        s.cpu.groups.generator ?? 0,
        s.cpu.other,
        s.serverRssMB.peak,
        s.lost === undefined ? 'n/a' : String(s.lost),
        s.pass ? 'pass' : `FAIL: ${s.failures.join('; ')}`,
      ]),
    ),
  );
  const checks = table(
    ['db', 'offered/s', 'sent', 'stored', 'lost (acked, not stored)', 'stored twice', 'delivered, not stored', 'refused, stored', 'undelivered (acked)', 'delivered twice'],
    runs.flatMap((r) =>
      r.steps.map((s) => {
        const v = r.verification?.steps.find((x) => x.step === s.step);
        const cell = (n: number | undefined): string | number => n ?? 'n/a';
        return [runName(r), s.offered, s.sent, cell(v?.stored), cell(v?.lost), cell(v?.storedTwice), cell(v?.deliveredNotStored), cell(v?.refusedButStored), s.undelivered, s.deliveredTwice];
      }),
    ),
  );
  const errors = runs.filter((r) => r.error).map((r) => `${runName(r)}: ERROR ${r.error}`);
  for (const r of runs) {
    if (r.discarded.length) errors.push(`${runName(r)}: ${r.discarded.length} step(s) repeated because other processes used the CPU (kept in the JSON under "discarded")`);
  }
  return ['Per step (latency = send → partner receipt; gen lag = how late the generator sent against its schedule; CPU in % of one core over the send window):', steps, '', 'Correctness (checked against the database after the run):', checks, ...errors].join('\n');
}

export function connectionsTable(run: ConnectionsRun): string {
  const rows = run.steps.map((s) => [
    s.connections,
    s.openS,
    s.connectP99Ms,
    s.failed,
    s.holdS,
    s.dropped,
    s.serverRssMB,
    s.serverRssPeakMB,
    s.rssPerConnectionKB,
    s.rssPerConnectionPeakKB,
    s.rssPerConnectionLessYoungKB ?? 'n/a',
    s.marginalKB,
    s.serverOpenFiles ?? 0,
    s.heapAtEnd?.youngMB ?? 'n/a',
    s.heapAtEnd?.oldUsedMB ?? 'n/a',
    s.cpu.groups.server ?? 0,
    s.pass ? 'pass' : 'FAIL',
  ]);
  return [
    `Server RSS before connections (settled): ${run.baselineRssMB} MB; server open-files limit ${run.serverOpenFilesLimit}; ` +
      `RSS growth from the first to the last step: ${run.slopeKB ?? 'n/a'} KB per connection. ` +
      'RSS is sampled once a second over each hold: the median is the steady level, the peak the worst moment. ' +
      `V8 before connections: young generation ${run.heapBefore?.youngMB ?? 'n/a'} MB, old space in use ${run.heapBefore?.oldUsedMB ?? 'n/a'} MB; ` +
      'at the end of each hold in the table (the young generation grows to its ceiling whatever the number of connections; old space holds the heartbeat garbage until a major GC). ' +
      '"less young gen": RSS/conn without the young generation\'s growth since the idle server, a fixed cost that the idle figure sometimes holds already.',
    table(['connections', 'opened in s', 'connect p99 ms', 'failed', 'held s', 'dropped', 'server RSS MB (median)', 'peak MB', 'RSS/conn KB', 'at peak KB', 'less young gen KB', 'marginal KB/conn', 'server fds', 'young gen MB', 'old space used MB', 'idle server CPU %', 'result'], rows),
    ...(run.error ? [`ERROR ${run.error}`] : []),
  ].join('\n');
}

export function matchingTable(run: MatchingRun): string {
  const c = run.check;
  return [
    table(
      ['clients', 'all matched in ms', 'p50 ms', 'p99 ms', 'max ms', 'rooms', 'unmatched', 'odd rooms', 'self', 'double', 'join errors', 'server CPU %', 'pg CPU %', 'gen CPU %', 'other CPU %', 'result'],
      [[
        run.clients,
        run.allMatchedMs === undefined ? 'not all' : String(run.allMatchedMs),
        run.latency.p50Ms,
        run.latency.p99Ms,
        run.latency.maxMs,
        c.rooms,
        c.unmatched,
        c.oddRooms,
        c.selfMatches,
        c.doubleMatches,
        formatCounts(run.joinErrors),
        round(run.cpu?.groups.server ?? 0),
        round(run.cpu?.groups.postgres ?? 0),
        round(run.cpu?.groups.generator ?? 0),
        round(run.cpu?.other ?? 0),
        run.pass ? 'pass' : 'FAIL',
      ]],
    ),
    ...(run.error ? [`ERROR ${run.error}`] : []),
  ].join('\n');
}

/** `--compare`: each labelled run's steps against the first run of the same database (same offered rate). */
/** A run as the tables and the chart name it: its target, and its `--compare` variant if any. */
export function runName(r: { db: string; label?: string }): string {
  return r.label ? `${r.db} (${r.label})` : r.db;
}

export function comparisonTable(runs: MessagesRun[]): string {
  const rows: (string | number)[][] = [];
  for (const run of runs) {
    const base = runs.find((r) => r.db === run.db);
    if (!base || base === run) continue;
    for (const step of run.steps) {
      const before = base.steps.find((s) => s.offered === step.offered);
      if (!before) continue;
      const ratio = before.deliveredPerS > 0 ? step.deliveredPerS / before.deliveredPerS : 0;
      rows.push([runName(run), step.offered, `${before.deliveredPerS} → ${step.deliveredPerS}`, `${(ratio * 100).toFixed(1)} %`, `${before.latency.p99Ms} → ${step.latency.p99Ms}`, `${before.latency.maxMs} → ${step.latency.maxMs}`]);
    }
  }
  return table([`db (${runs.map((r) => r.label ?? '').filter(Boolean).join(' → ')})`, 'offered/s', 'delivered/s', 'delivered ratio', 'p99 ms', 'max ms'], rows);
}

/** Where each step's time went inside the server (its /metrics around the step; not for the bare relay). */
export function stagesTable(runs: MessagesRun[]): string {
  const rows = runs.flatMap((r) =>
    r.steps
      .filter((s) => s.server)
      .map((s) => {
        const v = s.server!;
        const p = (name: string) => `${v.stages[name]?.p50Ms ?? '-'} / ${v.stages[name]?.p99Ms ?? '-'}`;
        const gcMs = Object.values(v.gc).reduce((n, g) => n + g.ms, 0);
        const major = v.gc.major;
        return [
          runName(r),
          s.offered,
          `${s.latency.p50Ms} / ${s.latency.p99Ms}`,
          p('admitted'),
          p('queued'),
          p('statement'),
          p('committed'),
          p('delivered'),
          v.rowsPerStatement,
          `${gcMs}${major ? ` (major ${major.ms} in ${major.count})` : ''}`,
          `${v.eventLoop.p99Ms} / ${v.eventLoop.maxMs}`,
        ];
      }),
  );
  if (rows.length === 0) return '';
  return [
    'Server stages, p50 / p99 ms from the message reaching the handler (interpolated in /metrics buckets; queued = wait for the statement before, statement = insert + commit); GC = ms collecting during the step; loop = event-loop delay:',
    table(['db', 'offered/s', 'client send → receipt', 'admitted', 'queued', 'statement', 'committed', 'delivered', 'rows/stmt', 'GC ms', 'loop p99 / max ms'], rows),
  ].join('\n');
}

/** With a `bare` run: every run's highest passing step against the bare relay's, delivered msg/s (the ceiling). */
export function ceilingTable(runs: MessagesRun[]): string {
  const top = (r: MessagesRun) => r.steps.filter((s) => s.pass).reduce<MessagesRun['steps'][number] | undefined>((best, s) => (!best || s.deliveredPerS > best.deliveredPerS ? s : best), undefined);
  const bare = runs.find((r) => r.db === 'bare');
  const ceiling = bare && top(bare);
  if (!ceiling) return '';
  const rows = runs.map((r) => {
    const best = top(r);
    const firstFail = r.steps.find((s) => !s.pass);
    return [
      runName(r),
      best ? best.offered : 'none',
      best ? best.deliveredPerS : 0,
      best ? `${best.latency.p99Ms}` : '-',
      best ? `${((best.deliveredPerS / ceiling.deliveredPerS) * 100).toFixed(1)} %` : '0 %',
      firstFail ? `${firstFail.offered}: ${firstFail.failures.join('; ')}` : '-',
    ];
  });
  return [
    `Against the ceiling (the bare Socket.IO relay's highest passing step: ${ceiling.deliveredPerS} msg/s delivered):`,
    table(['target', 'highest passing step (offered/s)', 'delivered/s', 'p99 ms', 'of the ceiling', 'first failing step'], rows),
  ].join('\n');
}
