/**
 * Skip flooding: somebody who leaves chat after chat within seconds (a bot cycling through strangers,
 * or someone "shopping") gets a growing pause before their next join. A person who skips now and then
 * never notices: only the `freeSkips`-th quick skip in a row and after count.
 */
import type { Clock } from '../clock.js';

export interface SkipRules {
  /** A chat left by its leaver sooner than this counts as a skip. */
  quickChatMs: number;
  /** Quick skips in a row that carry no pause. */
  freeSkips: number;
  /** The pause after the first counted skip; it doubles with each further one, up to `maxPauseMs`. */
  firstPauseMs: number;
  maxPauseMs: number;
  /** A run of skips is forgotten after this long without one. */
  forgetMs: number;
}

export const DEFAULT_SKIP_RULES: SkipRules = { quickChatMs: 5_000, freeSkips: 3, firstPauseMs: 2_000, maxPauseMs: 60_000, forgetMs: 10 * 60_000 };

interface Run {
  count: number;
  lastMs: number;
}

export class SkipTracker {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: SkipRules = DEFAULT_SKIP_RULES,
  ) {}

  /** The person left a chat that had lasted `chatMs`. */
  left(userId: string, chatMs: number): void {
    const now = this.clock.now().getTime();
    const run = this.current(userId, now);
    if (chatMs >= this.rules.quickChatMs) {
      this.runs.delete(userId);
      return;
    }
    // Re-inserted, so the map is ordered by last skip: runs forgotten are dropped from its front, and the
    // map holds only the last `forgetMs` of skippers (it grew with every identity that ever skipped).
    this.runs.delete(userId);
    this.runs.set(userId, { count: (run?.count ?? 0) + 1, lastMs: now });
    for (const [oldest, oldestRun] of this.runs) {
      if (now - oldestRun.lastMs <= this.rules.forgetMs) break;
      this.runs.delete(oldest);
    }
  }

  /** People with a run of skips remembered. */
  get size(): number {
    return this.runs.size;
  }

  /** How long the person must still wait before joining again (0: not at all). */
  waitMs(userId: string): number {
    const now = this.clock.now().getTime();
    const run = this.current(userId, now);
    if (!run || run.count <= this.rules.freeSkips) return 0;
    const pause = Math.min(this.rules.maxPauseMs, this.rules.firstPauseMs * 2 ** (run.count - this.rules.freeSkips - 1));
    return Math.max(0, run.lastMs + pause - now);
  }

  private current(userId: string, now: number): Run | undefined {
    const run = this.runs.get(userId);
    if (run && now - run.lastMs > this.rules.forgetMs) {
      this.runs.delete(userId);
      return undefined;
    }
    return run;
  }
}
