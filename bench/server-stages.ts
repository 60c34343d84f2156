/**
 * Where a step's time went inside the server, read from its own Prometheus metrics (`/metrics`, with the
 * bench's METRICS_TOKEN) scraped before and after the step: the difference of each histogram's buckets is
 * the step's distribution, whose percentiles are interpolated within a bucket (as PromQL's
 * histogram_quantile does). Stages of a message (from its arrival in the handler): admitted (flood check
 * and chat read), queued (its wait for the statement before), statement (the insert and commit), committed,
 * delivered; with them the step's garbage collection and event-loop delay, which stall every stage at once.
 * The client-side latency (send → partner receipt) minus `delivered` is the time outside our handler:
 * sockets, Socket.IO parsing and the event loop's queue.
 */

/** The stage histograms read, by the name printed. */
const STAGES: Record<string, string> = {
  admitted: 'chat_message_latency_seconds{stage="admitted"}',
  queued: 'chat_message_latency_seconds{stage="queued"}',
  statement: 'chat_write_statement_seconds',
  committed: 'chat_message_latency_seconds{stage="committed"}',
  delivered: 'chat_message_latency_seconds{stage="delivered"}',
};

export interface StagePercentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ServerStages {
  stages: Record<string, StagePercentiles>;
  /** Rows per statement, mean. */
  rowsPerStatement: number;
  /** Garbage collection during the step: total milliseconds and pauses, by kind (major, minor, incremental…). */
  gc: Record<string, { ms: number; count: number }>;
  /** Event-loop delay over the step (prom-client resets it at each scrape): p99 and max, ms. */
  eventLoop: { p99Ms: number; maxMs: number };
  /** Backpressure during the step: how often reads paused, and for how long in all (READ_BACKPRESSURE). */
  readPauses: { count: number; ms: number };
}

/** One scrape: each sample by its full name with labels. */
export type Scrape = Map<string, number>;

export async function scrapeMetrics(url: string, token: string): Promise<Scrape | undefined> {
  try {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    return parseExposition(await response.text());
  } catch {
    return undefined;
  }
}

export function parseExposition(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

export function serverStages(before: Scrape, after: Scrape): ServerStages {
  const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const stages: Record<string, StagePercentiles> = {};
  for (const [label, series] of Object.entries(STAGES)) {
    const earlier = histogramBuckets(before, series);
    const buckets = [...histogramBuckets(after, series)]
      .map(([le, count]) => ({ le, count: count - (earlier.get(le) ?? 0) }))
      .sort((a, b) => bound(a.le) - bound(b.le));
    const count = delta(countName(series));
    stages[label] = { count, p50Ms: quantileMs(buckets, 0.5), p99Ms: quantileMs(buckets, 0.99) };
  }
  const statements = delta('chat_write_batch_rows_count');
  const gc: ServerStages['gc'] = {};
  for (const name of after.keys()) {
    const kind = /^nodejs_gc_duration_seconds_sum\{kind="(\w+)"\}$/.exec(name)?.[1];
    if (!kind) continue;
    const ms = delta(name) * 1000;
    const count = delta(`nodejs_gc_duration_seconds_count{kind="${kind}"}`);
    if (count > 0) gc[kind] = { ms: Math.round(ms), count };
  }
  return {
    stages,
    rowsPerStatement: statements > 0 ? Math.round((delta('chat_write_batch_rows_sum') / statements) * 10) / 10 : 0,
    gc,
    eventLoop: { p99Ms: loopDelayMs(after.get('nodejs_eventloop_lag_p99_seconds')), maxMs: loopDelayMs(after.get('nodejs_eventloop_lag_max_seconds')) },
    readPauses: { count: delta('chat_read_pauses_total'), ms: Math.round(delta('chat_read_paused_seconds_total') * 1000) },
  };
}

/**
 * prom-client samples the loop every 10 ms (its default `eventLoopMonitoringPrecision`) and Node records the
 * whole interval between samples: an idle loop reads 10 ms. The delay is what exceeds it.
 */
const LOOP_SAMPLING_MS = 10;

function loopDelayMs(seconds: number | undefined): number {
  return seconds === undefined ? 0 : round(Math.max(0, seconds * 1000 - LOOP_SAMPLING_MS));
}

/** A sample's name split into its metric and labels: `a_bucket{le="0.01",stage="x"}` → a_bucket, {le, stage}. */
function split(name: string): { metric: string; labels: Record<string, string> } {
  const brace = name.indexOf('{');
  if (brace < 0) return { metric: name, labels: {} };
  const labels: Record<string, string> = {};
  for (const m of name.slice(brace + 1, -1).matchAll(/(\w+)="([^"]*)"/g)) labels[m[1]!] = m[2]!;
  return { metric: name.slice(0, brace), labels };
}

function countName(series: string): string {
  const brace = series.indexOf('{');
  return brace < 0 ? `${series}_count` : `${series.slice(0, brace)}_count${series.slice(brace)}`;
}

/** The cumulative buckets of `series` (a metric with its fixed labels), by upper bound `le`. */
function histogramBuckets(scrape: Scrape, series: string): Map<string, number> {
  const wanted = split(series);
  const out = new Map<string, number>();
  for (const [name, value] of scrape) {
    const { metric, labels } = split(name);
    if (metric !== `${wanted.metric}_bucket` || labels.le === undefined) continue;
    if (Object.entries(wanted.labels).every(([k, v]) => labels[k] === v)) out.set(labels.le, value);
  }
  return out;
}

function bound(le: string): number {
  return le === '+Inf' ? Infinity : Number(le);
}

/** Cumulative buckets → the q-quantile in ms, linear within its bucket; the last finite bound when beyond. */
export function quantileMs(buckets: { le: string; count: number }[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return 0;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    const upper = bound(le);
    if (count >= rank) {
      if (upper === Infinity) return round(lower * 1000);
      const within = count - below;
      return round((lower + (within > 0 ? (upper - lower) * ((rank - below) / within) : 0)) * 1000);
    }
    lower = upper;
    below = count;
  }
  return round(lower * 1000);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** One line for the step's log. */
export function stagesLine(s: ServerStages): string {
  const stage = (name: string) => {
    const v = s.stages[name];
    return v && v.count > 0 ? `${name} ${v.p50Ms}/${v.p99Ms}` : `${name} -`;
  };
  const gcMs = Object.values(s.gc).reduce((n, g) => n + g.ms, 0);
  return (
    `   server stages p50/p99 ms: ${['admitted', 'queued', 'statement', 'committed', 'delivered'].map(stage).join(', ')}; ` +
    `${s.rowsPerStatement} rows/statement; GC ${gcMs} ms (${Object.entries(s.gc).map(([k, g]) => `${k} ${g.ms}/${g.count}`).join(' ')}); ` +
    `event loop delay p99 ${s.eventLoop.p99Ms} max ${s.eventLoop.maxMs} ms` +
    (s.readPauses.count > 0 ? `; reads paused ${s.readPauses.count}× for ${s.readPauses.ms} ms in all` : '')
  );
}
