/**
 * Group commit for messages. Callers `append()` one message and get its outcome once it is committed;
 * messages arriving while a batch is being written are collected and committed together in the next
 * statement. No timer: an idle system writes at once, a busy one batches by itself.
 */
import { AppError, ErrorCode } from '../errors.js';
import type { AppendOutcome, ChatRepository, NewMessage } from './chat-repository.js';

/** What a refused sender is told to wait: about the time a busy database needs for a few batches. */
const BUSY_RETRY_AFTER_MS = 1_000;

export interface MessageWriterOptions {
  /** Most messages in one statement. */
  maxBatchRows: number;
  /** Most messages waiting for a statement before `append` refuses with SERVER_BUSY. */
  maxQueued: number;
}

interface Pending {
  message: NewMessage;
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: unknown) => void;
}

export class MessageWriter {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly repository: ChatRepository,
    private readonly options: MessageWriterOptions,
  ) {}

  /** Messages accepted but not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves after the message's batch is committed. Rejects with AppError STORAGE_UNAVAILABLE or SERVER_BUSY. */
  append(message: NewMessage): Promise<AppendOutcome> {
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new AppError(ErrorCode.SERVER_BUSY, { detail: 'write queue full', retryAfterMs: BUSY_RETRY_AFTER_MS }));
    }
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.startWrite();
      await this.writing;
    }
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // Let every message of the current I/O turn join the batch before the statement starts.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.writing) this.startWrite();
    });
  }

  private startWrite(): void {
    const batch = this.queue.splice(0, this.options.maxBatchRows);
    if (batch.length === 0) return;
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.startWrite();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.repository.appendMessages(batch.map((p) => p.message));
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (cause) {
      const error = new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause });
      for (const p of batch) p.reject(error);
    }
  }
}
