/**
 * Messages go to the database by group commit (see `group-commit.ts`): a message's outcome is known, and
 * its sender acked, once the statement holding it is committed.
 */
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../errors.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { AppendOutcome, ChatRepository, NewMessage } from './chat-repository.js';
import { describeDbError, isDataError } from './database-errors.js';
import { GroupCommit } from './group-commit.js';

/** What a refused sender is told to wait: about the time a busy database needs for a few batches. */
const BUSY_RETRY_AFTER_MS = 1_000;

export interface MessageWriterOptions {
  /** Most messages in one statement. */
  maxBatchRows: number;
  /** Most messages waiting for a statement before `append` refuses with SERVER_BUSY. */
  maxQueued: number;
  /** Where a failed batch is logged, once. */
  logger?: Logger;
  /** Told each statement's size (metrics). */
  events?: Pick<AppEvents, 'batchWritten'>;
}

export class MessageWriter {
  private readonly commit: GroupCommit<NewMessage, AppendOutcome>;

  constructor(repository: ChatRepository, options: MessageWriterOptions) {
    this.commit = new GroupCommit((batch) => repository.appendMessages(batch), {
      maxBatch: options.maxBatchRows,
      maxQueued: options.maxQueued,
      busy: () => new AppError(ErrorCode.SERVER_BUSY, { detail: 'write queue full', retryAfterMs: BUSY_RETRY_AFTER_MS }),
      // Logged once per batch below; each sender just gets the code.
      failed: () => new AppError(ErrorCode.STORAGE_UNAVAILABLE),
      // A message the database refuses as data (it should never get past the edge) fails alone.
      retryApart: isDataError,
      onFailure: (cause, items) => options.logger?.warn({ err: describeDbError(cause), messages: items }, 'writing a batch of messages failed'),
      ...(options.events ? { onWritten: (rows: number) => options.events!.batchWritten(rows) } : {}),
    });
  }

  /** Messages accepted but not yet committed. */
  get pending(): number {
    return this.commit.pending;
  }

  /** Resolves after the message's batch is committed. Rejects with AppError STORAGE_UNAVAILABLE or SERVER_BUSY. */
  append(message: NewMessage): Promise<AppendOutcome> {
    return this.commit.submit(message);
  }

  /** Resolves when everything appended so far is committed (or failed). */
  drain(): Promise<void> {
    return this.commit.drain();
  }
}
