/**
 * Group commit: callers submit one item and get its result once the statement holding it has run;
 * items submitted while a statement runs are collected and written together in the next one. No timer:
 * an idle system writes at once, a busy one batches by itself. The queue is bounded.
 */
export interface GroupCommitOptions {
  /** Most items in one statement. */
  maxBatch: number;
  /** Most items waiting for a statement; beyond it `submit` rejects with `busy()`. */
  maxQueued: number;
  /** The error for a full queue. */
  busy: () => Error;
  /** The error every item of a failed statement gets. */
  failed: (cause: unknown) => Error;
  /**
   * Whether a failure may come from one bad item rather than the database (a data error): the batch's
   * items are then written one by one, so one bad item cannot fail everyone else's. Default: never.
   */
  retryApart?: (cause: unknown) => boolean;
  /** Told once per failed statement (to log it once, not once per item). */
  onFailure?: (cause: unknown, items: number) => void;
  /** Told once per statement that succeeded (metrics): its item count and how long it and its items took. */
  onWritten?: (items: number, timing: StatementTiming) => void;
  /** Told each time a statement takes items off the queue (its depth fell). */
  onDequeued?: () => void;
}

/** Where a statement's time went, in milliseconds (`performance.now()` differences). */
export interface StatementTiming {
  /** From the statement's start to its result. */
  statementMs: number;
  /** For each item, from its `submit` to the statement's start: the wait for the statement before to finish. */
  waitedMs: number[];
}

interface Pending<In, Out> {
  item: In;
  submittedAt: number;
  resolve: (result: Out) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private writing: Promise<void> | undefined;
  private startedAt = 0;
  private scheduled = false;

  /** @param write runs one statement for a batch; result i belongs to item i. */
  constructor(
    private readonly write: (batch: In[]) => Promise<Out[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items accepted but not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /** When the statement now running started (`performance.now()`), or undefined if none runs. */
  get writingSince(): number | undefined {
    return this.writing ? this.startedAt : undefined;
  }

  submit(item: In): Promise<Out> {
    if (this.queue.length >= this.options.maxQueued) return Promise.reject(this.options.busy());
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, submittedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.startWrite();
      await this.writing;
    }
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // Let every item of the current I/O turn join the batch before the statement starts.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.writing) this.startWrite();
    });
  }

  private startWrite(): void {
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (batch.length === 0) return;
    this.options.onDequeued?.();
    this.startedAt = performance.now();
    this.writing = this.run(batch).then(() => undefined).finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.startWrite();
    });
  }

  /** Writes `batch`; resolves with the cause when it failed because of the database rather than an item. */
  private async run(batch: Pending<In, Out>[]): Promise<{ cause: unknown } | undefined> {
    const startedAt = performance.now();
    try {
      const results = await this.write(batch.map((p) => p.item));
      this.options.onWritten?.(batch.length, { statementMs: performance.now() - startedAt, waitedMs: batch.map((p) => startedAt - p.submittedAt) });
      batch.forEach((p, i) => p.resolve(results[i]!));
      return undefined;
    } catch (cause) {
      this.options.onFailure?.(cause, batch.length);
      const dataError = this.options.retryApart?.(cause) ?? false;
      if (batch.length > 1 && dataError) {
        for (const [i, pending] of batch.entries()) {
          const outage = await this.run([pending]);
          if (outage === undefined) continue;
          // The database itself failed meanwhile: the rest fail with it at once. Written one by one, each
          // would wait its own timeout first — hours for a full batch, the lane and a shutdown held all along.
          const error = this.options.failed(outage.cause);
          for (const rest of batch.slice(i + 1)) rest.reject(error);
          return outage;
        }
        return undefined;
      }
      const error = this.options.failed(cause);
      for (const p of batch) p.reject(error);
      return dataError ? undefined : { cause };
    }
  }
}
