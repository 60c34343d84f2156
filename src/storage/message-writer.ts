/**
 * Messages go to the database by group commit (see `group-commit.ts`): a message's outcome is known, and
 * its sender acked, once the statement holding it is committed. With several lanes, statements run side
 * by side on their own connections, so one slow commit does not hold everybody's next batch.
 *
 * A conversation with a message not yet committed stays in that message's lane: its messages are stored
 * (ids) and delivered in the order they were sent. A conversation with nothing in flight goes to the lane
 * where its message will be written soonest — one not writing (its statement starts at once), else the one
 * with the fewest waiting, else the one whose statement started last (a statement that has run long is
 * the slow commit to stay away from).
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
  /** Statements in flight at once; a conversation moves between lanes only with nothing in flight.  [1] */
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
  /** Per conversation with messages accepted but not yet committed: their lane and how many. */
  private readonly inFlight = new Map<number, { lane: number; count: number }>();
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
    if (this.lanes.length === 1) {
      const committed = this.lanes[0]!.submit(message);
      this.onDepth?.(this.pending);
      return committed;
    }
    const roomId = message.roomId;
    let held = this.inFlight.get(roomId);
    if (held) held.count++;
    else this.inFlight.set(roomId, (held = { lane: this.soonestLane(), count: 1 }));
    const committed = this.lanes[held.lane]!.submit(message);
    // Before the sender's own continuation (reactions run in order): the next message of the conversation,
    // read later, finds this one settled.
    const settled = () => this.settle(roomId);
    committed.then(settled, settled);
    this.onDepth?.(this.pending);
    return committed;
  }

  private settle(roomId: number): void {
    const held = this.inFlight.get(roomId);
    if (held && --held.count === 0) this.inFlight.delete(roomId);
  }

  /** The lane where a message would be written soonest (see the module's comment). */
  private soonestLane(): number {
    let best = 0;
    for (let i = 1; i < this.lanes.length; i++) if (sooner(this.lanes[i]!, this.lanes[best]!)) best = i;
    return best;
  }

  /** Resolves when everything appended so far is committed (or failed). */
  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.drain()));
  }
}

type Lane = GroupCommit<NewMessage, AppendOutcome>;

/** Whether a message given to lane `a` would probably be written before one given to lane `b`. */
function sooner(a: Lane, b: Lane): boolean {
  const aSince = a.writingSince;
  const bSince = b.writingSince;
  if ((aSince === undefined) !== (bSince === undefined)) return aSince === undefined;
  if (a.pending !== b.pending) return a.pending < b.pending;
  return aSince !== undefined && bSince !== undefined && aSince > bSince;
}
