/** Live figures for the waiting screen and the admin dashboard. Cluster-wide once Redis backs them. */
export interface LiveStats {
  /** People connected right now: distinct identities (a person's tabs count once per instance). */
  onlineCount(): Promise<number>;
  /** People waiting for a match right now. */
  waitingCount(): Promise<number>;
}

/** Both figures at one moment. */
export interface LiveFigures {
  online: number;
  waiting: number;
}

/**
 * The live figures read at most once per `ttlMs` per instance, however many ask (the start page polls
 * them): everyone asking within that time, or while a read is under way, shares one read — in cluster
 * mode one round of Redis commands per instance and period, whatever the crowd. A failed read is not kept.
 */
export class CachedLiveStats {
  private cached: { figures: LiveFigures; atMs: number } | undefined;
  private reading: Promise<LiveFigures> | undefined;

  constructor(
    private readonly stats: LiveStats,
    private readonly nowMs: () => number,
    private readonly ttlMs: number,
  ) {}

  figures(): Promise<LiveFigures> {
    const cached = this.cached;
    if (cached && this.nowMs() - cached.atMs < this.ttlMs) return Promise.resolve(cached.figures);
    this.reading ??= Promise.all([this.stats.onlineCount(), this.stats.waitingCount()])
      .then(([online, waiting]) => {
        const figures = { online, waiting };
        this.cached = { figures, atMs: this.nowMs() };
        return figures;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
