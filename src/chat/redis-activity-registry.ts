/**
 * The activity registry in Redis, for cluster mode: one JSON value per identity, every change a Lua
 * compare-and-set, so two instances can never both claim one identity.
 *
 * Each instance also mirrors the activities of its own connections (kept fresh by a notification that
 * every change publishes). The mirror lets chats on this instance go on while Redis is unreachable, and
 * lets the instance put its people back (`resync`) when Redis comes back without its data.
 */
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Activity, ActivityMatch, ActivityRegistry, ActivityState } from './activity-registry.js';
import { epochKey } from '../cluster/epoch-key.js';
import { defineScript, type RedisScript } from '../cluster/redis-script.js';

// Numbers are compared as numbers: revisions (< 2^48) and room ids are exact in Lua's doubles.
const MATCHES_LUA = `
local function matches(cur, rev, sid, kind, room)
  if rev ~= '' and cur.rev ~= tonumber(rev) then return false end
  if sid ~= '' and cur.socketId ~= sid then return false end
  if kind ~= '' and cur.kind ~= kind then return false end
  if room ~= '' and (cur.kind ~= 'chatting' or cur.roomId ~= tonumber(room)) then return false end
  return true
end`;

// A write run twice gives the same answer: ioredis sends a command whose reply was lost with its connection
// again once it has reconnected, and the second run, finding the value the first wrote (its revision is
// fresh and random, so no other write has it), answers "done" instead of "somebody else changed it".

// KEYS: activity key, channel; ARGV: userId, rev|'', socketId|'', kind|'', roomId|'', new value ('' = delete)
const CHANGE_IF = `${MATCHES_LUA}
local raw = redis.call('GET', KEYS[1])
if ARGV[6] ~= '' and raw == ARGV[6] then return 1 end
if not raw then return 0 end
if not matches(cjson.decode(raw), ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 0 end
if ARGV[6] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[6]) end
redis.call('PUBLISH', KEYS[2], ARGV[1] .. '\\n' .. ARGV[6])
return 1`;

/**
 * A fresh revision for every write: random, so instances need no shared counter; two writes of one
 * identity share one with a chance of 2^-48.
 */
function newRev(): number {
  return randomInt(1, 2 ** 48 - 1);
}

// KEYS: activity key, channel; ARGV: userId, value
const CLAIM = `
if not redis.call('SET', KEYS[1], ARGV[2], 'NX') then
  if redis.call('GET', KEYS[1]) == ARGV[2] then return 1 end
  return 0
end
redis.call('PUBLISH', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2])
return 1`;

/** Keys read per MGET when the mirror is refreshed. */
const MGET_BATCH = 500;

export class RedisActivityRegistry implements ActivityRegistry {
  /** Activities of this instance's connections, by identity. */
  private readonly mirror = new Map<string, Activity>();
  /** The epoch under which presence last put this instance's people back (see `lostSinceRestore`). */
  private settledEpoch: string | undefined;
  /** Chats written back by a read since Redis lost its data: once each (see `writeBack`). */
  private readonly writtenBack = new Set<string>();
  private readonly channel: string;

  /** The scripts, registered once on the client (EVALSHA). */
  private readonly claimScript: RedisScript;
  private readonly changeIfScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}activity`;
    this.claimScript = defineScript(redis, 'chatActivityClaim', CLAIM);
    this.changeIfScript = defineScript(redis, 'chatActivityChangeIf', CHANGE_IF);
  }

  /**
   * Starts listening for changes made by other instances. The subscription is made once the subscriber
   * connection is ready, and made again (with the mirror re-read from Redis) every time it reconnects:
   * notifications published while it was away are lost, and a SUBSCRIBE sent while a connection is still
   * being set up can be silently dropped by the client library.
   */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const newline = message.indexOf('\n');
      this.remember(message.slice(0, newline), message.slice(newline + 1));
    });
    if (this.subscriber.status !== 'ready') await once(this.subscriber, 'ready');
    await this.subscriber.subscribe(this.channel);
    this.subscriber.on('ready', () => {
      this.resubscribe().catch((err: unknown) => this.logger.warn({ err }, 'activity notifications: resubscribing failed'));
    });
  }

  private async resubscribe(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    await this.refreshMirror();
  }

  /** Re-reads this instance's activities from Redis, for changes whose notification was missed. */
  private async refreshMirror(): Promise<void> {
    const userIds = [...this.mirror.keys()];
    for (let i = 0; i < userIds.length; i += MGET_BATCH) {
      const batch = userIds.slice(i, i + MGET_BATCH);
      const values = await this.redis.mget(...batch.map((userId) => this.key(userId)));
      // A value Redis lost (restarted empty) stays mirrored: presence restores it from the mirror.
      values.forEach((raw, j) => {
        if (raw !== null) this.remember(batch[j]!, raw);
      });
    }
  }

  async get(userId: string): Promise<Activity | undefined> {
    try {
      let raw = await this.redis.get(this.key(userId));
      if (raw === null && this.mirror.get(userId)?.kind === 'chatting' && (await this.lostSinceRestore())) raw = await this.writeBack(userId);
      this.remember(userId, raw ?? '');
      return raw ? (JSON.parse(raw) as Activity) : undefined;
    } catch (error) {
      // Redis unreachable: this instance's own people keep going on what it last knew.
      const known = this.mirror.get(userId);
      if (known) return known;
      throw error;
    }
  }

  async claim(userId: string, state: ActivityState): Promise<Activity | undefined> {
    const activity = { ...state, rev: newRev() } as Activity;
    const value = JSON.stringify(activity);
    const ok = (await this.claimScript([this.key(userId), this.channel], [userId, value])) === 1;
    if (!ok) return undefined;
    this.remember(userId, value);
    return activity;
  }

  async transition(userId: string, from: ActivityMatch, to: ActivityState): Promise<Activity | undefined> {
    const activity = { ...to, rev: newRev() } as Activity;
    return (await this.changeIf(userId, from, JSON.stringify(activity))) ? activity : undefined;
  }

  async release(userId: string, match: ActivityMatch): Promise<boolean> {
    return this.changeIf(userId, match, '');
  }

  /**
   * Whether Redis lost its data since this instance last put its people back: its epoch is not the one
   * presence restored under (`restoredUnder`) — gone, or set anew by another instance's heartbeat while this
   * one's has not restored yet (or is restoring). Unknown before presence's first check: no.
   */
  private async lostSinceRestore(): Promise<boolean> {
    if (this.settledEpoch === undefined) return false;
    return (await this.redis.get(epochKey(this.prefix))) !== this.settledEpoch;
  }

  /** Presence has put this instance's people back under `epoch` (or found nothing lost): a null read is an end again. */
  restoredUnder(epoch: string): void {
    this.settledEpoch = epoch;
    this.writtenBack.clear();
  }

  /**
   * One of this instance's chats read as gone after Redis lost its data, before this instance's heartbeat
   * has put its people back: written back now. A value read as gone is otherwise an end elsewhere (its
   * notification on its way) and forgotten — which here kept the heartbeat from restoring it: its next
   * message was answered NOT_IN_CHAT, the page ended it, and the partner was never told. Once per loss: read
   * as gone again, it ended after the loss (the partner left) and is forgotten. A wait is forgotten as
   * before (the heartbeat puts back what the mirror still holds). What Redis holds then (or null) answers.
   */
  private async writeBack(userId: string): Promise<string | null> {
    const known = this.mirror.get(userId);
    if (known === undefined || this.writtenBack.has(userId)) return null;
    this.writtenBack.add(userId);
    await this.restore(userId, known);
    this.logger.info({ roomId: known.kind === 'chatting' ? known.roomId : undefined }, 'Redis lost its data: a chat of this instance written back before the heartbeat');
    return this.redis.get(this.key(userId));
  }

  /** This instance's activities as last known (for re-asserting them after Redis lost its data). */
  mirrored(): [string, Activity][] {
    return [...this.mirror.entries()];
  }

  /** Writes a mirrored activity back unless Redis already has one for that identity. */
  async restore(userId: string, activity: Activity): Promise<boolean> {
    return (await this.claim(userId, activity)) !== undefined;
  }

  /** Every activity held by a given instance (to adopt the people of an instance that died). */
  async heldBy(instanceId: string): Promise<[string, Activity][]> {
    const found: [string, Activity][] = [];
    const keyPrefix = `${this.prefix}act:`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.redis.mget(...keys);
      values.forEach((raw, i) => {
        if (!raw) return;
        const activity = JSON.parse(raw) as Activity;
        if (activity.instanceId === instanceId) found.push([keys[i]!.slice(keyPrefix.length), activity]);
      });
    } while (cursor !== '0');
    return found;
  }

  private async changeIf(userId: string, match: ActivityMatch, value: string): Promise<boolean> {
    const ok =
      (await this.changeIfScript(
        [this.key(userId), this.channel],
        [userId, match.rev === undefined ? '' : String(match.rev), match.socketId ?? '', match.kind ?? '', match.roomId === undefined ? '' : String(match.roomId), value],
      )) === 1;
    if (ok) this.remember(userId, value);
    return ok;
  }

  /** Keeps the mirror in step with a value seen in Redis ('' = none). */
  private remember(userId: string, raw: string): void {
    if (!raw) {
      this.mirror.delete(userId);
      return;
    }
    try {
      const activity = JSON.parse(raw) as Activity;
      if (activity.instanceId === this.instanceId) this.mirror.set(userId, activity);
      else this.mirror.delete(userId);
    } catch (err) {
      this.logger.warn({ err, userId }, 'unreadable activity value');
    }
  }

  private key(userId: string): string {
    return `${this.prefix}act:${userId}`;
  }
}

