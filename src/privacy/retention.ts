/**
 * Retention: with `RETENTION_DAYS` set, conversations (rooms and their messages) that ended more than
 * that many days ago are removed, every `PURGE_INTERVAL_MS`, on both engines — in small statements with
 * pauses between them, so chatting never waits behind the purge. A conversation with an open report is
 * evidence and is kept until the report is decided. Private keys (each links two identities) go too: a key
 * nobody entered since the cutoff whose conversations all ended before it. So do sanctions over and strikes
 * no longer counting from before the cutoff, and what older audit rows say about people.
 * In a cluster exactly one instance purges at a time
 * (a PostgreSQL advisory lock); the others skip that round.
 *
 * The purge provably runs: every run is recorded (`purge_runs`: when, what it removed, how it ended), the
 * admin dashboard shows the last and the next run, and a purge that has not succeeded within two
 * intervals shows as failing there (and in the metrics).
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { Database } from '../storage/database.js';
import { describeDbError } from '../storage/database-errors.js';

/** Names the purge's advisory lock (any constant of our own). */
const PURGE_LOCK_KEY = 7_305_114_234;
/** Conversations removed per round, and messages per statement. */
const ROOMS_PER_ROUND = 200;
const MESSAGES_PER_STATEMENT = 5_000;
/** Private keys removed per statement. */
const KEYS_PER_STATEMENT = 500;
/** Sanctions, strikes or audit rows handled per statement. */
const RECORDS_PER_STATEMENT = 1_000;
/** What an audit row says about people (identities, what an admin searched for, free text): dropped once old. */
const AUDIT_PERSONAL_KEYS = ['who', 'user_id', 'reported_id', 'note', 'reason', 'why'];
const AUDIT_FILTER_PERSONAL_KEYS = ['user', 'q'];
/**
 * Whether private key `k` is due (`$1`: the cutoff): nobody entered it since the cutoff (nor was it made
 * since), and none of its conversations is live or ended on or after the cutoff. A key somebody waits in
 * has been entered: it stays for the whole period after that.
 */
const KEY_DUE = `COALESCE(k.last_used_at, k.created_at) < $1
    AND NOT EXISTS (SELECT 1 FROM private_key_rooms l JOIN chat_rooms r ON r.id = l.room_id
                    WHERE l.key_hash = k.key_hash AND (r.is_active OR r.ended_at IS NULL OR r.ended_at >= $1))`;
/**
 * A conversation whose report was decided this recently waits for the next run: the decision may still be
 * storing its sanction and strike, which name the report (a report deleted under them failed the decision).
 */
const DECIDED_GRACE_MS = 10 * 60_000;
/** Pause between two statements, so chat statements get the database in between. */
const PAUSE_MS = 10;
/** Delay of the first run after start (or the interval, when shorter). */
const FIRST_RUN_DELAY_MS = 60_000;
/** Runs kept in `purge_runs`. */
const RUNS_KEPT = 200;

export interface RetentionSettings {
  /** Conversations that ended more than this many days ago are removed; undefined keeps everything. */
  retentionDays: number | undefined;
  intervalMs: number;
  /** Strikes count this many days (STRIKE_WINDOW_DAYS): one still counting is kept. Default 30. */
  strikeWindowDays?: number;
}

export interface PurgeRun {
  startedAt: Date;
  finishedAt: Date;
  rooms: number;
  messages: number;
  error: string | null;
}

/** What the dashboard shows. */
export interface RetentionStatus {
  retentionDays: number | null;
  intervalMs: number;
  lastRun: PurgeRun | null;
  lastSuccessAt: Date | null;
  nextRunAt: Date | null;
  /** No successful run within two intervals (while retention is on). */
  failing: boolean;
}

export class RetentionJob {
  private timer: (() => void) | undefined;
  private nextRunAt: Date | null = null;
  private running: Promise<PurgeRun | undefined> | undefined;
  private readonly startedAt: Date;
  private stopping = false;

  constructor(
    private readonly deps: {
      database: Database;
      clock: Clock;
      logger: Logger;
      settings: RetentionSettings;
      pauseMs?: number;
      /** Told each run's outcome (metrics). */
      events?: Pick<AppEvents, 'purged'>;
    },
  ) {
    this.startedAt = deps.clock.now();
  }

  get enabled(): boolean {
    return this.deps.settings.retentionDays !== undefined;
  }

  /**
   * Schedules runs: the first one shortly after start (so an instance restarted more often than the
   * interval still purges), then every interval. Does nothing when retention is off.
   */
  start(): void {
    if (!this.enabled) return;
    this.scheduleNext(Math.min(FIRST_RUN_DELAY_MS, this.deps.settings.intervalMs));
  }

  /** Cancels the schedule; a purge under way stops after its current round (and is recorded). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.timer?.();
    this.timer = undefined;
    await this.running;
  }

  /**
   * One purge now: removes what is due. Undefined when another instance (or call) was purging — it has
   * the lock and does the work. Never throws: a failure is recorded as a failed run.
   */
  runOnce(): Promise<PurgeRun | undefined> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async status(): Promise<RetentionStatus> {
    const { settings, database, clock } = this.deps;
    const rows = await database.query<PurgeRow>('SELECT started_at, finished_at, rooms, messages, error FROM purge_runs ORDER BY id DESC LIMIT 1');
    const success = await database.query<{ finished_at: Date }>('SELECT finished_at FROM purge_runs WHERE error IS NULL ORDER BY id DESC LIMIT 1');
    const lastSuccessAt = success[0]?.finished_at ?? null;
    // Two intervals without a successful run (counted from the start when there has been none yet).
    const since = lastSuccessAt ?? this.startedAt;
    const failing = this.enabled && clock.now().getTime() - since.getTime() > 2 * settings.intervalMs;
    return {
      retentionDays: settings.retentionDays ?? null,
      intervalMs: settings.intervalMs,
      lastRun: rows[0] ? toRun(rows[0]) : null,
      lastSuccessAt,
      nextRunAt: this.nextRunAt,
      failing,
    };
  }

  private scheduleNext(delayMs = this.deps.settings.intervalMs): void {
    const { clock, logger } = this.deps;
    this.nextRunAt = new Date(clock.now().getTime() + delayMs);
    this.timer = clock.schedule(delayMs, () => {
      void this.runOnce()
        .catch((err: unknown) => logger.error({ err }, 'retention purge failed'))
        .finally(() => {
          if (this.timer) this.scheduleNext();
        });
    });
  }

  private async run(): Promise<PurgeRun | undefined> {
    const { database, clock, logger, settings } = this.deps;
    if (settings.retentionDays === undefined) return undefined;
    const cutoff = new Date(clock.now().getTime() - settings.retentionDays * 86_400_000);
    const startedAt = clock.now();
    const removed = { rooms: 0, messages: 0, keys: 0 };
    let error: string | null = null;
    const locked = await database
      .exclusive(PURGE_LOCK_KEY, async () => {
        try {
          await this.purgeBefore(cutoff, removed);
        } catch (cause) {
          error = String(describeDbError(cause)['message'] ?? cause);
          logger.error({ err: cause }, 'retention purge failed');
        }
        const run: PurgeRun = { startedAt, finishedAt: clock.now(), rooms: removed.rooms, messages: removed.messages, error };
        // Counted first: a run whose record cannot be written (the database gone meanwhile) still counts.
        this.deps.events?.purged(run);
        await this.record(run).catch((cause: unknown) => logger.error({ err: cause }, 'the retention purge run could not be recorded'));
        return run;
      })
      .catch((cause: unknown) => {
        // The database did not answer (it holds the lock): a failed run, as the metrics count it.
        logger.error({ err: cause }, 'retention purge could not start');
        this.deps.events?.purged({ rooms: 0, messages: 0, error: String(describeDbError(cause)['message'] ?? cause) });
        return undefined;
      });
    if (locked && locked.error === null) logger.info({ rooms: locked.rooms, messages: locked.messages, keys: removed.keys }, 'retention purge done');
    return locked;
  }

  /**
   * Removes what is due: the conversations first, then the private keys they leave behind, then the other
   * records that tie identities or networks together once they do nothing more.
   */
  private async purgeBefore(cutoff: Date, removed: { rooms: number; messages: number; keys: number }): Promise<void> {
    await this.purgeRoomsBefore(cutoff, removed);
    await this.purgeKeysBefore(cutoff, removed);
    await this.purgeRecordsBefore(cutoff);
  }

  /**
   * A sanction over (expired or lifted) before the cutoff, a strike from before it that no longer counts,
   * and, in audit rows older than it, what they say about people (identities, an admin's search text, free
   * text) — the action, its time and its counts stay. Before, all three were kept for ever: an erasure's
   * audit row still named its holder and network long after the conversation itself was purged.
   * Kept: sanctions in force (a permanent ban until lifted), blocks (a person's own choice to be kept apart)
   * and rules acceptances (one row per identity, naming nobody else).
   */
  private async purgeRecordsBefore(cutoff: Date): Promise<void> {
    const { database, clock, settings } = this.deps;
    const strikeCutoff = new Date(Math.min(cutoff.getTime(), clock.now().getTime() - (settings.strikeWindowDays ?? 30) * 86_400_000));
    const deletions = [
      [`DELETE FROM sanctions WHERE id IN (
          SELECT id FROM sanctions WHERE COALESCE(lifted_at, ends_at) < $1 LIMIT $2) RETURNING id`, cutoff],
      [`DELETE FROM strikes WHERE id IN (SELECT id FROM strikes WHERE created_at < $1 LIMIT $2) RETURNING id`, strikeCutoff],
    ] as const;
    for (const [statement, before] of deletions) {
      while (!this.stopping) {
        const done = await database.query(statement, [before, RECORDS_PER_STATEMENT]);
        await this.pause();
        if (done.length < RECORDS_PER_STATEMENT) break;
      }
    }
    // Audit rows are redacted in id order, each statement walking on from where the one before stopped: the
    // rows redacted earlier are passed once per run, not once per statement (which made a long log's first
    // run quadratic). Each run walks from the start again, so a row dated out of order is never skipped.
    let redactedUpTo = 0;
    while (!this.stopping) {
      const [walked] = await database.query<{ n: string | number; last: string | number | null }>(
        `WITH done AS (
           UPDATE admin_audit_log SET detail = (
             CASE WHEN jsonb_typeof(detail->'filters') = 'object'
                  THEN jsonb_set(detail, '{filters}', (detail->'filters') - '${AUDIT_FILTER_PERSONAL_KEYS.join("' - '")}')
                  ELSE detail END - '${AUDIT_PERSONAL_KEYS.join("' - '")}') || '{"redacted": true}'::jsonb
           WHERE id IN (SELECT id FROM admin_audit_log WHERE id > $3 AND created_at < $1 AND NOT (detail ? 'redacted') ORDER BY id LIMIT $2)
           RETURNING id)
         SELECT count(*) AS n, max(id) AS last FROM done`,
        [cutoff, RECORDS_PER_STATEMENT, redactedUpTo],
      );
      await this.pause();
      if (walked?.last !== null && walked?.last !== undefined) redactedUpTo = Number(walked.last);
      if (Number(walked?.n ?? 0) < RECORDS_PER_STATEMENT) break;
    }
  }

  /**
   * Removes, round by round, the conversations that ended before `cutoff` and have no open report (nor one
   * decided in the last DECIDED_GRACE_MS: a report open when a round selects is never one it deletes).
   */
  private async purgeRoomsBefore(cutoff: Date, removed: { rooms: number; messages: number }): Promise<void> {
    const { database, clock } = this.deps;
    while (!this.stopping) {
      const due = await database.query<{ id: number }>(
        `SELECT id FROM chat_rooms r
         WHERE NOT r.is_active AND r.ended_at < $1
           AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.room_id = r.id AND (p.status = 'open' OR p.resolved_at > $3))
         ORDER BY r.ended_at LIMIT $2`,
        [cutoff, ROOMS_PER_ROUND, new Date(clock.now().getTime() - DECIDED_GRACE_MS)],
      );
      if (due.length === 0) return;
      const ids = due.map((r) => r.id);
      for (;;) {
        const deleted = await database.query(
          'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE room_id = ANY($1::bigint[]) LIMIT $2) RETURNING id',
          [ids, MESSAGES_PER_STATEMENT],
        );
        removed.messages += deleted.length;
        await this.pause();
        if (deleted.length < MESSAGES_PER_STATEMENT) break;
      }
      // Decided reports on these conversations go with them (what they led to — sanctions, strikes — stays).
      await database.query(
        `UPDATE sanctions SET report_id = NULL WHERE report_id IN (SELECT id FROM reports WHERE room_id = ANY($1::bigint[]))`,
        [ids],
      );
      await database.query(`UPDATE strikes SET report_id = NULL WHERE report_id IN (SELECT id FROM reports WHERE room_id = ANY($1::bigint[]))`, [ids]);
      await database.query(`DELETE FROM reports WHERE room_id = ANY($1::bigint[]) AND status <> 'open'`, [ids]);
      await database.query('DELETE FROM held_messages WHERE room_id = ANY($1::bigint[])', [ids]);
      // Receipts go by ON DELETE CASCADE. A room that got an open report meanwhile is kept.
      const rooms = await database.query(
        `DELETE FROM chat_rooms r WHERE r.id = ANY($1::bigint[])
           AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.room_id = r.id) RETURNING id`,
        [ids],
      );
      removed.rooms += rooms.length;
      await this.pause();
    }
  }

  /**
   * Removes the private keys due (KEY_DUE): a key says who met whom, so it is kept no longer than what they
   * said. Walks the keys once, in key order, a batch per statement; each statement chooses and deletes
   * together, so a key that got a conversation since the previous one stays. Its links to conversations go
   * by ON DELETE CASCADE.
   */
  private async purgeKeysBefore(cutoff: Date, removed: { keys: number }): Promise<void> {
    let after = '';
    while (!this.stopping) {
      // The last key is the database's own maximum: the walk orders by its collation, not JavaScript's.
      const [batch] = await this.deps.database.query<{ n: string | number; last: string | null }>(
        `WITH gone AS (
           DELETE FROM private_keys WHERE key_hash IN (
             SELECT k.key_hash FROM private_keys k WHERE k.key_hash > $2 AND ${KEY_DUE} ORDER BY k.key_hash LIMIT $3)
           RETURNING key_hash)
         SELECT count(*) AS n, max(key_hash) AS last FROM gone`,
        [cutoff, after, KEYS_PER_STATEMENT],
      );
      const count = Number(batch?.n ?? 0);
      removed.keys += count;
      await this.pause();
      if (count < KEYS_PER_STATEMENT || !batch?.last) return;
      after = batch.last;
    }
  }

  private async record(run: PurgeRun): Promise<void> {
    const { database } = this.deps;
    await database.query('INSERT INTO purge_runs (started_at, finished_at, rooms, messages, error) VALUES ($1, $2, $3, $4, $5)', [
      run.startedAt,
      run.finishedAt,
      run.rooms,
      run.messages,
      run.error,
    ]);
    await database.query('DELETE FROM purge_runs WHERE id < (SELECT max(id) FROM purge_runs) - $1', [RUNS_KEPT]);
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.deps.pauseMs ?? PAUSE_MS));
  }
}

interface PurgeRow {
  started_at: Date;
  finished_at: Date;
  rooms: number;
  messages: number;
  error: string | null;
}

function toRun(row: PurgeRow): PurgeRun {
  return { startedAt: row.started_at, finishedAt: row.finished_at, rooms: row.rooms, messages: row.messages, error: row.error };
}
