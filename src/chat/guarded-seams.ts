import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { JoinOutcome, MatchQueue, QueueEntry } from '../matching/match-queue.js';
import type { Activity, ActivityMatch, ActivityRegistry } from './activity-registry.js';

/*
 * The registry and the queue as the chat sees them: a failure of the store behind them (Redis
 * unreachable) becomes MATCHING_UNAVAILABLE, a clear answer for the client instead of an internal error.
 */
export class GuardedRegistry implements ActivityRegistry {
  constructor(private readonly inner: ActivityRegistry) {}

  get(userId: string): Promise<Activity | undefined> {
    return guard(this.inner.get(userId));
  }
  claim(userId: string, activity: Activity): Promise<boolean> {
    return guard(this.inner.claim(userId, activity));
  }
  transition(userId: string, from: ActivityMatch, to: Activity): Promise<boolean> {
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
  requeueFront(entry: QueueEntry): Promise<void> {
    return guard(this.inner.requeueFront(entry));
  }
  remove(userId: string, socketId?: string): Promise<boolean> {
    return guard(this.inner.remove(userId, socketId));
  }
  size(): Promise<number> {
    return guard(this.inner.size());
  }
}

async function guard<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (cause) {
    throw isAppError(cause) ? cause : new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause });
  }
}
