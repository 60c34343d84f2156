import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { JoinOutcome, MatchQueue, QueueEntry, QueuedEntry } from '../matching/match-queue.js';
import type { Activity, ActivityMatch, ActivityRegistry, ActivityState } from './activity-registry.js';

/*
 * The registry and the queue as the chat sees them: a failure of the store behind them (Redis
 * unreachable) becomes MATCHING_UNAVAILABLE, a clear answer for the client instead of an internal error.
 */
export class GuardedRegistry implements ActivityRegistry {
  constructor(private readonly inner: ActivityRegistry) {}

  get(userId: string): Promise<Activity | undefined> {
    return guard(this.inner.get(userId));
  }
  claim(userId: string, activity: ActivityState): Promise<Activity | undefined> {
    return guard(this.inner.claim(userId, activity));
  }
  transition(userId: string, from: ActivityMatch, to: ActivityState): Promise<Activity | undefined> {
    return guard(this.inner.transition(userId, from, to));
  }
  release(userId: string, match: ActivityMatch): Promise<boolean> {
    return guard(this.inner.release(userId, match));
  }
}

export class GuardedQueue implements MatchQueue {
  constructor(private readonly inner: MatchQueue) {}

  joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    return guard(this.inner.joinOrMatch(entry));
  }
  matchQueued(entry: QueueEntry): Promise<JoinOutcome | undefined> {
    return guard(this.inner.matchQueued(entry));
  }
  enqueue(entry: QueueEntry): Promise<void> {
    return guard(this.inner.enqueue(entry));
  }
  requeue(entry: QueuedEntry): Promise<void> {
    return guard(this.inner.requeue(entry));
  }
  pause(userId: string): Promise<boolean> {
    return guard(this.inner.pause(userId));
  }
  remove(userId: string, socketId?: string): Promise<boolean> {
    return guard(this.inner.remove(userId, socketId));
  }
  size(): Promise<number> {
    return guard(this.inner.size());
  }
  keepApart(a: string, b: string, forMs: number): Promise<void> {
    return guard(this.inner.keepApart(a, b, forMs));
  }
  isKeptApart(a: string, b: string): Promise<boolean> {
    return guard(this.inner.isKeptApart(a, b));
  }
}

async function guard<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (cause) {
    throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
  }
}
