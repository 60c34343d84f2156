/**
 * Who is doing what: per identity, at most one activity (waiting or chatting), held by one connection.
 * Every change is a compare-and-set. Each stored activity carries a revision that changes with every
 * write, so a transition prepared across an `await` applies only to the very state it was prepared
 * from (never to a state that merely looks alike). In-memory here; a cluster implementation keeps the
 * same contract in Redis.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Lang } from '../shared/codes.js';

/** A connection that dropped without saying goodbye: the activity is kept for a grace period. */
export interface Detachment {
  /** When the connection was lost (epoch ms). */
  sinceMs: number;
  /** When the grace period ends (epoch ms): the activity ends then unless the identity is back. */
  untilMs: number;
  /** Last message id the lost connection is known to have been sent; replay starts after it. */
  resumeAfterId?: number;
}

interface ActivityFields {
  /** The connection that holds the activity (the lost one while detached). */
  socketId: string;
  lang: Lang;
  detached?: Detachment;
  /** The instance that holds the connection (cluster mode), so a dead instance's people can be found. */
  instanceId?: string;
  /** The client network's hash, stored with the room once matched (for bans by network). */
  networkHash?: string;
  /**
   * Waiting in, or chatting in, a private room (src/private/): the SHA-256 of its key. A private wait is
   * not in the queue.
   */
  privateKey?: string;
}

/** What a caller writes: an activity without its revision (the registry stamps a new one on every write). */
export type ActivityState = ActivityFields &
  ({ kind: 'waiting' } & WaitingFields | { kind: 'chatting'; roomId: number; partnerId: string; /** When the chat started (epoch ms). */ startedMs?: number });

/** What a wait carries besides the connection: interests, and until when only a shared one matches. */
export interface WaitingFields {
  /** Normalised interests (at most 10); absent: matched with anyone. */
  interests?: string[];
  /** With interests: when (epoch ms) anyone may be matched; at or before now once widened or passed. */
  fallbackAtMs?: number;
  /**
   * With interests: which wait this is, new at every `join_queue` and kept while the wait lasts (a resume,
   * a failed match putting it back). A `widen_search` asked during one wait must not widen the next.
   */
  waitId?: string;
}

/** A new wait's `waitId`: random, so instances need no shared counter. */
export const newWaitId = (): string => randomBytes(6).toString('base64url');

/** A stored activity. `rev` differs from every earlier revision of the identity's activity. */
export type Activity = ActivityState & { rev: number };
export type ChattingActivity = Extract<Activity, { kind: 'chatting' }>;

/** Which activity a conditional change applies to. Omitted fields match anything. */
export interface ActivityMatch {
  /** The exact revision read earlier: the safest condition, it fails after any change in between. */
  rev?: number;
  socketId?: string;
  kind?: Activity['kind'];
  roomId?: number;
}

export interface ActivityRegistry {
  get(userId: string): Promise<Activity | undefined>;
  /** Sets the activity only if the user has none. The stored activity (with its revision), or undefined. */
  claim(userId: string, activity: ActivityState): Promise<Activity | undefined>;
  /** Replaces the activity only if the current one matches. The stored activity, or undefined. */
  transition(userId: string, from: ActivityMatch, to: ActivityState): Promise<Activity | undefined>;
  /** Clears the activity only if the current one matches. True if cleared. */
  release(userId: string, match: ActivityMatch): Promise<boolean>;
}

export function matches(activity: Activity | undefined, match: ActivityMatch): activity is Activity {
  if (!activity) return false;
  if (match.rev !== undefined && activity.rev !== match.rev) return false;
  if (match.socketId !== undefined && activity.socketId !== match.socketId) return false;
  if (match.kind !== undefined && activity.kind !== match.kind) return false;
  if (match.roomId !== undefined && (activity.kind !== 'chatting' || activity.roomId !== match.roomId)) return false;
  return true;
}

/** The state of an activity without its revision, for writing a changed copy. */
/** A compare-and-set that keeps losing to other changes is retried this many times, then given up (logged). */
export const MAX_CAS_ATTEMPTS = 5;

/** The caller's activity, if this very connection holds it (another tab's, or a newer connection's, is not). */
export async function ownActivity(registry: ActivityRegistry, caller: { userId: string; socketId: string }): Promise<Activity | undefined> {
  const current = await registry.get(caller.userId);
  return current?.socketId === caller.socketId ? current : undefined;
}

/**
 * For a chat being opened by two moves (the partner into the room first, then the caller): whether the
 * partner is out of the room again. Its ender looks at the caller after freeing the partner, and the
 * caller asks this after being moved: one of the two sees the other. A registry that cannot answer counts
 * as no (the chat goes on; an ender that comes later sees the caller in it).
 */
export async function leftBeforeMeeting(registry: ActivityRegistry, partnerId: string, roomId: number, logger: Logger): Promise<boolean> {
  try {
    const now = await registry.get(partnerId);
    return now?.kind !== 'chatting' || now.roomId !== roomId;
  } catch (err) {
    logger.warn({ err, roomId }, 'could not look at a new partner again after a match');
    return false;
  }
}

/**
 * The caller of a match whose partner left before the caller was moved in (`leftBeforeMeeting`): back to
 * its wait `wait`, from `chatting`. When its state changed again meanwhile (the partner's ender saw it in the
 * room, or its own connection dropped or was taken over) nothing is undone; one still in the closed room is
 * let go, and returned as `stranded` so that its connection is told goodbye after `matched`.
 */
export async function backToWaiting(
  registry: ActivityRegistry,
  userId: string,
  chatting: Activity,
  wait: Activity,
  roomId: number,
  logger: Logger,
): Promise<{ waiting: Activity } | { stranded: Activity | undefined }> {
  try {
    const waiting = await registry.transition(userId, { rev: chatting.rev }, stateOf(wait));
    if (waiting) return { waiting };
    const now = await registry.get(userId);
    const stillIn = now?.kind === 'chatting' && now.roomId === roomId && (await registry.release(userId, { roomId }));
    return { stranded: stillIn ? now : undefined };
  } catch (err) {
    logger.warn({ err, roomId }, 'could not take back a match whose partner left first');
    return { stranded: undefined };
  }
}

export function stateOf(activity: Activity): ActivityState {
  const { rev: _rev, ...state } = activity;
  return state;
}

/** One-process registry: a Map, each method atomic because it never awaits. */
export class MemoryActivityRegistry implements ActivityRegistry {
  private readonly activities = new Map<string, Activity>();
  /** Revisions only grow, so no two writes ever share one. */
  private lastRev = 0;

  async get(userId: string): Promise<Activity | undefined> {
    return this.activities.get(userId);
  }

  async claim(userId: string, activity: ActivityState): Promise<Activity | undefined> {
    if (this.activities.has(userId)) return undefined;
    return this.store(userId, activity);
  }

  async transition(userId: string, from: ActivityMatch, to: ActivityState): Promise<Activity | undefined> {
    if (!matches(this.activities.get(userId), from)) return undefined;
    return this.store(userId, to);
  }

  async release(userId: string, match: ActivityMatch): Promise<boolean> {
    if (!matches(this.activities.get(userId), match)) return false;
    return this.activities.delete(userId);
  }

  private store(userId: string, state: ActivityState): Activity {
    const activity = { ...state, rev: ++this.lastRev } as Activity;
    this.activities.set(userId, activity);
    return activity;
  }
}
