/**
 * Who is doing what: per identity, at most one activity (waiting or chatting), held by one connection.
 * Every change is a compare-and-set, so two tabs of one identity cannot both claim it. In-memory here;
 * a cluster implementation keeps the same contract in Redis.
 */
import type { Lang } from '../shared/codes.js';

/** A connection that dropped without saying goodbye: the activity is kept for a grace period. */
export interface Detachment {
  /** When the connection was lost (epoch ms). */
  sinceMs: number;
  /** Last message id the lost connection is known to have been sent; replay starts after it. */
  resumeAfterId?: number;
}

interface ActivityBase {
  /** The connection that holds the activity (the lost one while detached). */
  socketId: string;
  lang: Lang;
  detached?: Detachment;
  /** The instance that holds the connection (cluster mode), so a dead instance's people can be found. */
  instanceId?: string;
}

export type Activity = ActivityBase & ({ kind: 'waiting' } | { kind: 'chatting'; roomId: number; partnerId: string });
export type ChattingActivity = Extract<Activity, { kind: 'chatting' }>;

/** Which activity a conditional change applies to. Omitted fields match anything. */
export interface ActivityMatch {
  socketId?: string;
  kind?: Activity['kind'];
  roomId?: number;
}

export interface ActivityRegistry {
  get(userId: string): Promise<Activity | undefined>;
  /** Sets the activity only if the user has none. True if set. */
  claim(userId: string, activity: Activity): Promise<boolean>;
  /** Replaces the activity only if the current one matches. True if replaced. */
  transition(userId: string, from: ActivityMatch, to: Activity): Promise<boolean>;
  /** Clears the activity only if the current one matches. True if cleared. */
  release(userId: string, match: ActivityMatch): Promise<boolean>;
}

export function matches(activity: Activity | undefined, match: ActivityMatch): activity is Activity {
  if (!activity) return false;
  if (match.socketId !== undefined && activity.socketId !== match.socketId) return false;
  if (match.kind !== undefined && activity.kind !== match.kind) return false;
  if (match.roomId !== undefined && (activity.kind !== 'chatting' || activity.roomId !== match.roomId)) return false;
  return true;
}

/** One-process registry: a Map, each method atomic because it never awaits. */
export class MemoryActivityRegistry implements ActivityRegistry {
  private readonly activities = new Map<string, Activity>();

  async get(userId: string): Promise<Activity | undefined> {
    return this.activities.get(userId);
  }

  async claim(userId: string, activity: Activity): Promise<boolean> {
    if (this.activities.has(userId)) return false;
    this.activities.set(userId, activity);
    return true;
  }

  async transition(userId: string, from: ActivityMatch, to: Activity): Promise<boolean> {
    if (!matches(this.activities.get(userId), from)) return false;
    this.activities.set(userId, to);
    return true;
  }

  async release(userId: string, match: ActivityMatch): Promise<boolean> {
    if (!matches(this.activities.get(userId), match)) return false;
    return this.activities.delete(userId);
  }
}
