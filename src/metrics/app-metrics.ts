/**
 * The service's Prometheus metrics (prom-client): one registry per app, so two apps in one process (the
 * in-process cluster tests) never mix their numbers. Counters and histograms are fed by `AppEvents`
 * calls as things happen; gauges read their sources when scraped, so nothing is counted twice and
 * nothing on the message path waits for Redis.
 *
 * In cluster mode each instance reports its own counters and connections; `chat_waiting` and
 * `chat_active_chats` are the cluster's (the same on every instance: aggregate them with max, not sum).
 * Names and example queries are in the README ("Operating it").
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { StatementTiming } from '../storage/group-commit.js';
import type { AppEvents, MessageTiming } from './app-events.js';
import { FastHistogram, type HistogramSeries } from './fast-histogram.js';

/** Where the gauges read their values at scrape time. */
export interface GaugeSources {
  /** Open Socket.IO connections on this instance. */
  connections(): number;
  /** People waiting to be matched (cluster-wide). */
  waiting(): Promise<number>;
  /** Conversations in progress (cluster-wide). */
  activeChats(): Promise<number>;
  /** Messages accepted and waiting for their statement on this instance. */
  writeQueueDepth(): number;
  /** The retention purge; absent when RETENTION_DAYS is not set (and so are its gauges). */
  purge?: () => Promise<{ lastSuccessAt: Date | null; failing: boolean }>;
}

/**
 * Latency buckets in seconds: 0.5 ms to 30 s, finer around the message path's targets (p99 ≤ 10 ms at
 * 1,000 msg/s, ≤ 50 ms at 10,000), so the benchmark's per-stage percentiles read from them stay close;
 * up to 30 s so that an overload's seconds still read as seconds, not as "above the last bucket".
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Rows per statement, up to WRITE_BATCH_MAX_ROWS's largest value (10,000; 2,000 by default). */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
/** A gauge whose source (Redis, the database) is down or slow keeps its last value rather than failing the scrape (chat_purge_failing says 1). */
const SOURCE_TIMEOUT_MS = 1_000;

async function settled<T>(value: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), SOURCE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([value.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class AppMetrics implements AppEvents {
  readonly registry = new Registry();
  private readonly events: Counter<'event'>;
  private readonly errors: Counter<'event' | 'code'>;
  private readonly matches: Counter<'match_type'>;
  private readonly messages: Counter;
  private readonly admitted: HistogramSeries;
  private readonly queued: HistogramSeries;
  private readonly committed: HistogramSeries;
  private readonly delivered: HistogramSeries;
  private readonly batches: HistogramSeries;
  private readonly statements: HistogramSeries;
  private readonly resumes: Counter<'kind'>;
  private readonly reports: Counter<'reason' | 'source'>;
  private readonly sanctions: Counter<'kind' | 'source'>;
  private readonly policyHits: Counter<'flag'>;
  private readonly purgeRuns: Counter<'outcome'>;
  private readonly purgeRemoved: Counter<'what'>;
  private readonly readPauses: Counter;
  private readonly readPausedSeconds: Counter;

  constructor() {
    const registers = [this.registry];
    this.events = new Counter({ name: 'chat_events_total', help: 'Client events answered, by event', labelNames: ['event'], registers });
    this.errors = new Counter({
      name: 'chat_event_errors_total',
      help: 'Client events refused, by event and error code (RATE_LIMITED: flood control; INTERNAL_ERROR: a bug)',
      labelNames: ['event', 'code'],
      registers,
    });
    this.matches = new Counter({ name: 'chat_matches_total', help: 'Pairs matched, by match type', labelNames: ['match_type'], registers });
    this.messages = new Counter({ name: 'chat_messages_total', help: 'Messages stored and delivered', registers });
    // The message path's histograms: observed four times per message (see fast-histogram.ts).
    const latency = new FastHistogram({
      name: 'chat_message_latency_seconds',
      help:
        'Message path by stage: from its arrival to its admission (stage=admitted: flood check and chat read), to its commit ' +
        '(committed) and to its delivery to the room (delivered); its wait in the write queue for the statement before (queued)',
      labelName: 'stage',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // Bound once: no label lookup per message.
    this.admitted = latency.child('admitted');
    this.queued = latency.child('queued');
    this.committed = latency.child('committed');
    this.delivered = latency.child('delivered');
    this.batches = new FastHistogram({ name: 'chat_write_batch_rows', help: 'Messages per group-commit statement', buckets: BATCH_BUCKETS, registers }).child();
    this.statements = new FastHistogram({ name: 'chat_write_statement_seconds', help: 'Duration of each group-commit statement (insert and commit)', buckets: LATENCY_BUCKETS, registers }).child();
    this.resumes = new Counter({ name: 'chat_resumes_total', help: 'Waiting places and chats taken over by a new connection after a drop or reload', labelNames: ['kind'], registers });
    this.reports = new Counter({ name: 'chat_reports_total', help: 'Reports filed, by reason and source (person or system)', labelNames: ['reason', 'source'], registers });
    this.sanctions = new Counter({ name: 'chat_sanctions_total', help: 'Sanctions issued, by kind and source (admin or automatic)', labelNames: ['kind', 'source'], registers });
    this.policyHits = new Counter({ name: 'chat_policy_hits_total', help: 'Messages the content policy marked, by flag', labelNames: ['flag'], registers });
    this.purgeRuns = new Counter({ name: 'chat_purge_runs_total', help: 'Retention purge runs on this instance, by outcome', labelNames: ['outcome'], registers });
    this.purgeRemoved = new Counter({ name: 'chat_purge_removed_total', help: 'Rows the retention purge removed on this instance', labelNames: ['what'], registers });
    this.readPauses = new Counter({ name: 'chat_read_pauses_total', help: 'Times this instance stopped reading from its WebSockets because the write queue was high', registers });
    this.readPausedSeconds = new Counter({ name: 'chat_read_paused_seconds_total', help: 'Time this instance spent not reading from its WebSockets (write-queue backpressure)', registers });
  }

  /** Registers the gauges over their sources and Node's default process metrics. Call once. */
  expose(sources: GaugeSources): void {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'chat_connections',
      help: 'Open Socket.IO connections on this instance',
      registers,
      collect() {
        this.set(sources.connections());
      },
    });
    new Gauge({
      name: 'chat_waiting',
      help: 'People waiting to be matched (cluster-wide)',
      registers,
      async collect() {
        const value = await settled(sources.waiting());
        if (value !== undefined) this.set(value);
      },
    });
    new Gauge({
      name: 'chat_active_chats',
      help: 'Conversations in progress (cluster-wide)',
      registers,
      async collect() {
        const value = await settled(sources.activeChats());
        if (value !== undefined) this.set(value);
      },
    });
    new Gauge({
      name: 'chat_write_queue_depth',
      help: 'Messages accepted and waiting for their statement on this instance (not those in a statement being written)',
      registers,
      collect() {
        this.set(sources.writeQueueDepth());
      },
    });
    const purge = sources.purge;
    if (!purge) return;
    new Gauge({
      name: 'chat_purge_last_success_timestamp_seconds',
      help: 'When the retention purge last succeeded (0: never; absent when RETENTION_DAYS is not set)',
      registers,
      async collect() {
        const status = await settled(purge());
        if (status) this.set(status.lastSuccessAt ? status.lastSuccessAt.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'chat_purge_failing',
      help: '1 when the retention purge has not succeeded within two intervals, or its record cannot be read (absent when RETENTION_DAYS is not set)',
      registers,
      async collect() {
        // Unreadable (the database away or too slow): the purge, which needs the same database, cannot be
        // succeeding either — not the last value, which would hide the outage from the alert.
        const status = await settled(purge());
        this.set(status === undefined || status.failing ? 1 : 0);
      },
    });
  }

  answered(event: string, code: string | undefined): void {
    this.events.inc({ event });
    if (code !== undefined) this.errors.inc({ event, code });
  }

  matched(matchType: string): void {
    this.matches.inc({ match_type: matchType });
  }

  message(timing: MessageTiming): void {
    this.messages.inc();
    this.admitted.observe(timing.admittedMs / 1000);
    this.committed.observe(timing.committedMs / 1000);
    this.delivered.observe(timing.deliveredMs / 1000);
  }

  batchWritten(rows: number, timing: StatementTiming): void {
    this.batches.observe(rows);
    this.statements.observe(timing.statementMs / 1000);
    for (const waited of timing.waitedMs) this.queued.observe(waited / 1000);
  }

  resumed(kind: string): void {
    this.resumes.inc({ kind });
  }

  reported(reason: string, source: 'person' | 'system'): void {
    this.reports.inc({ reason, source });
  }

  sanctioned(kind: string, source: 'admin' | 'automatic'): void {
    this.sanctions.inc({ kind, source });
  }

  policyHit(flag: string): void {
    this.policyHits.inc({ flag });
  }

  readsPaused(ms: number): void {
    this.readPauses.inc();
    this.readPausedSeconds.inc(ms / 1000);
  }

  purged(run: { rooms: number; messages: number; error: string | null }): void {
    this.purgeRuns.inc({ outcome: run.error === null ? 'success' : 'failure' });
    this.purgeRemoved.inc({ what: 'rooms' }, run.rooms);
    this.purgeRemoved.inc({ what: 'messages' }, run.messages);
  }
}
