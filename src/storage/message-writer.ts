/**
 * Messages go to the database by group commit (see `group-commit.ts`): a message's outcome is known, and
 * its sender acked, once the statement holding it is committed. With several lanes, each conversation
 * belongs to one lane (by room id) and lanes write at the same time on their own connections: a
 * conversation's messages stay in order, and one slow commit no longer holds everybody's next batch.
 */
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../errors.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { AppendOutcome, ChatRepository, NewMessage } from './chat-repository.js';
import { describeDbError, isDataError } from './database-errors.js';
import { GroupCommit, type StatementTiming } from './group-commit.js';

/** What a refused sender is told to wait: about the time a busy database needs for a few batches. */
const BUSY_RETRY_AFTER_MS = 1_000;

function busy(): AppError {
  return new AppError(ErrorCode.SERVER_BUSY, { detail: 'write queue full', retryAfterMs: BUSY_RETRY_AFTER_MS });
}

export interface MessageWriterOptions {
  /** Most messages in one statement. */
  maxBatchRows: number;
  /** Most messages waiting for a statement before `append` refuses with SERVER_BUSY (split evenly between the lanes). */
  maxQueued: number;
  /** Statements in flight at once, each for its share of the conversations (room id modulo lanes).  [1] */
  lanes?: number;
  /** Where a failed batch is logged, once. */
  logger?: Logger;
  /** Told each statement's size (metrics). */
  events?: Pick<AppEvents, 'batchWritten'>;
  /** Told the queue's depth (all lanes) each time it grows or a statement takes from it (backpressure). */
  onDepth?: (depth: number) => void;
}

export class MessageWriter {
  private readonly lanes: GroupCommit<NewMessage, AppendOutcome>[];
  private readonly maxQueued: number;
  private readonly onDepth: ((depth: number) => void) | undefined;

  constructor(repository: ChatRepository, options: MessageWriterOptions) {
    this.maxQueued = options.maxQueued;
    this.onDepth = options.onDepth;
    const lanes = Math.max(1, options.lanes ?? 1);
    this.lanes = Array.from({ length: lanes }, () => this.lane(repository, options, Math.max(1, Math.ceil(options.maxQueued / lanes))));
  }

  private lane(repository: ChatRepository, options: MessageWriterOptions, maxQueued: number): GroupCommit<NewMessage, AppendOutcome> {
    return new GroupCommit((batch) => repository.appendMessages(batch), {
      maxBatch: options.maxBatchRows,
      maxQueued,
      busy,
      // Logged once per batch below; each sender just gets the code.
      failed: () => new AppError(ErrorCode.STORAGE_UNAVAILABLE),
      // A message the database refuses as data (it should never get past the edge) fails alone.
      retryApart: isDataError,
      onFailure: (cause, items) => options.logger?.warn({ err: describeDbError(cause), messages: items }, 'writing a batch of messages failed'),
      ...(options.events ? { onWritten: (rows: number, timing: StatementTiming) => options.events!.batchWritten(rows, timing) } : {}),
      ...(options.onDepth ? { onDequeued: () => options.onDepth!(this.pending) } : {}),
    });
  }

  /** Messages accepted but not yet committed. */
  get pending(): number {
    return this.lanes.reduce((n, lane) => n + lane.pending, 0);
  }

  /**
   * Refuses at once, before any other work for the message, while the queue is full: under overload a
   * refusal must cost as little as possible, or refusing takes the time that writing needed.
   */
  assertAccepting(): void {
    if (!this.accepting) throw busy();
  }

  /** False while the queue is full (`append` would refuse). */
  get accepting(): boolean {
    return this.pending < this.maxQueued;
  }

  /** Resolves after the message's batch is committed. Rejects with AppError STORAGE_UNAVAILABLE or SERVER_BUSY. */
  append(message: NewMessage): Promise<AppendOutcome> {
    const committed = this.lanes[message.roomId % this.lanes.length]!.submit(message);
    this.onDepth?.(this.pending);
    return committed;
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.drain()));
  }
}
