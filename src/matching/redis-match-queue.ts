/**
 * The cluster's matching queue in Redis. Choosing a partner and taking both people out (or queueing the
 * joiner) is one Lua script, so simultaneous joins on any number of instances can never take the same
 * partner, and a user is never paired with themself.
 *
 * Keys (under `<prefix>queue:`): `order` (zset user → place, FIFO), `sockets` (hash user → socket id),
 * `seq` (place counter), `paused` (set), and for interests: `meta` (hash user → "fallbackAt|["tag",…]"),
 * one inverted index per interest `tag:<tag>` (zset user → place), `open` (zset user → place: no
 * interests, or the wait for a shared one is over) and `closed` (zset user → fallback time: still waiting
 * for a shared interest); for new blocks, `apart:<user>` (hash other user → until when, epoch ms, written
 * for both people; the key expires by itself a minute after its latest deadline). Every script first moves the `closed` entries whose time has come to `open`
 * (each entry moves once), using the calling instance's clock — so a deadline needs nobody's timer to take
 * effect for the next joiner; the waiter's own instance also re-runs the choice for them at that time.
 *
 * Cost is bounded: a joiner with interests reads the `CANDIDATES_PER_INTEREST` longest-waiting entries of
 * each of its (≤ 10) interests and counts overlaps there; a joiner who is open then reads at most
 * `MAX_OPEN_SCAN` open entries. Tag keys are derived inside the scripts from the prefix (one Redis, as
 * the rest of the cluster state; on Redis Cluster the prefix would need a hash tag).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.js';
import { defineScript, type RedisScript } from '../cluster/redis-script.js';
import type { JoinOutcome, MatchQueue, QueueEntry, QueuedEntry } from './match-queue.js';
import { CANDIDATES_PER_INTEREST, MAX_OPEN_SCAN } from './pairing.js';

/** Closed entries made open per script call at most (the rest on the next calls). */
const MAX_PROMOTE = 1_000;
/** How long a join's reply is kept for a second run of the same call (a resend after a reconnect). */
const MATCH_REPLY_MS = 10_000;

// Shared by every script. KEYS: order, sockets, seq, paused, meta, open, closed.
// ARGV[1]: the queue's key prefix (tag and apart keys are derived from it), ARGV[2]: now (epoch ms).
const PRELUDE = `
local P = ARGV[1] .. 'tag:'
local APART = ARGV[1] .. 'apart:'
local now = tonumber(ARGV[2])
local function promote()
  local due = redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', now, 'LIMIT', 0, ${MAX_PROMOTE})
  for _, u in ipairs(due) do
    local place = redis.call('ZSCORE', KEYS[1], u)
    if place then redis.call('ZADD', KEYS[6], place, u) end
    redis.call('ZREM', KEYS[7], u)
  end
end
local function metaOf(u)
  local meta = redis.call('HGET', KEYS[5], u)
  if not meta then return nil, nil end
  local bar = string.find(meta, '|', 1, true)
  return string.sub(meta, 1, bar - 1), string.sub(meta, bar + 1)
end
local function unindex(u)
  local _, tags = metaOf(u)
  if not tags then return end
  for _, t in ipairs(cjson.decode(tags)) do redis.call('ZREM', P .. t, u) end
  redis.call('HDEL', KEYS[5], u)
end
local function drop(u)
  unindex(u)
  redis.call('ZREM', KEYS[1], u)
  redis.call('HDEL', KEYS[2], u)
  redis.call('SREM', KEYS[4], u)
  redis.call('ZREM', KEYS[6], u)
  redis.call('ZREM', KEYS[7], u)
end
local function put(u, socket, place, fallbackAt, tagsJson)
  unindex(u)
  redis.call('ZADD', KEYS[1], place, u)
  redis.call('HSET', KEYS[2], u, socket)
  local tags = cjson.decode(tagsJson)
  if #tags > 0 then
    redis.call('HSET', KEYS[5], u, fallbackAt .. '|' .. tagsJson)
    for _, t in ipairs(tags) do redis.call('ZADD', P .. t, place, u) end
  end
  if #tags == 0 or tonumber(fallbackAt) <= now then
    redis.call('ZADD', KEYS[6], place, u)
    redis.call('ZREM', KEYS[7], u)
  else
    redis.call('ZADD', KEYS[7], fallbackAt, u)
    redis.call('ZREM', KEYS[6], u)
  end
end
`;

// ARGV: key prefix, now, userId, socketId, fallbackAt, interests (JSON array), '1' = only if queued,
// this call's id, then the users to avoid (blocked or blocked by).
// The reply is kept under the call's id for ${MATCH_REPLY_MS / 1000} s: ioredis sends a command whose reply was lost with its
// connection again once it has reconnected, and that second run must answer as the first did — with the
// partner the first took out of the queue (else the joiner waits, and that partner is out of the queue and
// never told), or "waiting" without queueing the joiner again (somebody may have matched them meanwhile).
const JOIN_OR_MATCH = `${PRELUDE}
local DONE = ARGV[1] .. 'done:' .. ARGV[8]
local done = redis.call('GET', DONE)
if done then return cjson.decode(done) end
promote()
local user = ARGV[3]
if ARGV[7] == '1' and not redis.call('ZSCORE', KEYS[1], user) then return {'gone'} end
local tags = cjson.decode(ARGV[6])
local avoid = {}
for i = 9, #ARGV do avoid[ARGV[i]] = true end
local apart = redis.call('HGETALL', APART .. user)
for i = 1, #apart, 2 do
  if tonumber(apart[i + 1]) > now then avoid[apart[i]] = true end
end
local pausedOf = {}
local function usable(o)
  if o == user or avoid[o] then return false end
  local p = pausedOf[o]
  if p == nil then
    p = redis.call('SISMEMBER', KEYS[4], o) == 1
    pausedOf[o] = p
  end
  return not p
end
local best, bestPlace, bestShared = nil, nil, 0
if #tags > 0 then
  local shared = {}
  for _, t in ipairs(tags) do
    local members = redis.call('ZRANGE', P .. t, 0, ${CANDIDATES_PER_INTEREST - 1}, 'WITHSCORES')
    for i = 1, #members, 2 do
      local o = members[i]
      if usable(o) then
        local n = (shared[o] or 0) + 1
        shared[o] = n
        if n > bestShared or (n == bestShared and tonumber(members[i + 1]) < tonumber(bestPlace)) then
          best, bestPlace, bestShared = o, members[i + 1], n
        end
      end
    end
  end
end
if not best and (#tags == 0 or tonumber(ARGV[5]) <= now) then
  local offset = 0
  while not best and offset < ${MAX_OPEN_SCAN} do
    local batch = redis.call('ZRANGE', KEYS[6], offset, offset + 99, 'WITHSCORES')
    if #batch == 0 then break end
    for i = 1, #batch, 2 do
      if usable(batch[i]) then
        best, bestPlace = batch[i], batch[i + 1]
        break
      end
    end
    offset = offset + 100
  end
end
if best then
  local socket = redis.call('HGET', KEYS[2], best) or ''
  local fallbackAt, bestTags = metaOf(best)
  drop(best)
  drop(user)
  local reply = {'matched', best, socket, bestPlace, fallbackAt or '0', bestTags or '[]'}
  redis.call('SET', DONE, cjson.encode(reply), 'PX', ${MATCH_REPLY_MS})
  return reply
end
local place = redis.call('ZSCORE', KEYS[1], user) or redis.call('INCR', KEYS[3])
put(user, ARGV[4], place, ARGV[5], ARGV[6])
redis.call('SREM', KEYS[4], user)
local waiting = {'waiting', tostring(redis.call('ZCARD', KEYS[1]) - 1)}
redis.call('SET', DONE, cjson.encode(waiting), 'PX', ${MATCH_REPLY_MS})
return waiting`;

// ARGV: key prefix, now, userId, socketId, fallbackAt, interests (JSON array)
const ENQUEUE = `${PRELUDE}
promote()
local place = redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('INCR', KEYS[3])
put(ARGV[3], ARGV[4], place, ARGV[5], ARGV[6])
return 1`;

// ARGV: key prefix, now, userId, socketId, fallbackAt, interests (JSON array), place
const REQUEUE = `${PRELUDE}
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
put(ARGV[3], ARGV[4], ARGV[7], ARGV[5], ARGV[6])
return 1`;

// KEYS: order, paused; ARGV: userId
const PAUSE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

// ARGV: key prefix, now, userId, socketId or ''
const REMOVE = `${PRELUDE}
if ARGV[4] ~= '' and redis.call('HGET', KEYS[2], ARGV[3]) ~= ARGV[4] then return 0 end
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
drop(ARGV[3])
return 1`;

export class RedisMatchQueue implements MatchQueue {
  private readonly keys: string[];
  /** `<prefix>queue:`, from which the scripts derive the tag and apart keys. */
  private readonly keyPrefix: string;
  /** The scripts, registered once on the client (EVALSHA). */
  private readonly scripts: Record<'joinOrMatch' | 'enqueue' | 'requeue' | 'pause' | 'remove', RedisScript>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.keyPrefix = `${prefix}queue:`;
    this.keys = ['order', 'sockets', 'seq', 'paused', 'meta', 'open', 'closed'].map((name) => this.keyPrefix + name);
    this.scripts = {
      joinOrMatch: defineScript(redis, 'chatQueueJoinOrMatch', JOIN_OR_MATCH),
      enqueue: defineScript(redis, 'chatQueueEnqueue', ENQUEUE),
      requeue: defineScript(redis, 'chatQueueRequeue', REQUEUE),
      pause: defineScript(redis, 'chatQueuePause', PAUSE),
      remove: defineScript(redis, 'chatQueueRemove', REMOVE),
    };
  }

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    return (await this.join(entry, false))!;
  }

  async matchQueued(entry: QueueEntry): Promise<JoinOutcome | undefined> {
    return this.join(entry, true);
  }

  async enqueue(entry: QueueEntry): Promise<void> {
    await this.scripts.enqueue(this.keys, this.entryArgs(entry));
  }

  async requeue(entry: QueuedEntry): Promise<void> {
    await this.scripts.requeue(this.keys, [...this.entryArgs(entry), entry.seq]);
  }

  async pause(userId: string): Promise<boolean> {
    return (await this.scripts.pause([this.keys[0]!, this.keys[3]!], [userId])) === 1;
  }

  async remove(userId: string, socketId?: string): Promise<boolean> {
    return (await this.scripts.remove(this.keys, [this.keyPrefix, this.nowMs(), userId, socketId ?? ''])) === 1;
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.keys[0]!);
  }

  async keepApart(a: string, b: string, forMs: number): Promise<void> {
    // The deadline is on the caller's clock (the scripts compare it with theirs); Redis's own expiry only
    // removes the hash a minute after the latest one. A join reads its own hash once.
    const untilMs = this.nowMs() + forMs;
    const [keyA, keyB] = [`${this.keyPrefix}apart:${a}`, `${this.keyPrefix}apart:${b}`];
    await this.redis
      .multi()
      .hset(keyA, b, untilMs)
      .pexpire(keyA, forMs + 60_000)
      .hset(keyB, a, untilMs)
      .pexpire(keyB, forMs + 60_000)
      .exec();
  }

  async isKeptApart(a: string, b: string): Promise<boolean> {
    const untilMs = await this.redis.hget(`${this.keyPrefix}apart:${a}`, b);
    return untilMs !== null && Number(untilMs) > this.nowMs();
  }

  private async join(entry: QueueEntry, onlyIfQueued: boolean): Promise<JoinOutcome | undefined> {
    const reply = (await this.scripts.joinOrMatch(this.keys, [...this.entryArgs(entry), onlyIfQueued ? '1' : '0', randomUUID(), ...(entry.avoid ?? [])])) as string[];
    if (reply[0] === 'gone') return undefined;
    if (reply[0] === 'waiting') return { kind: 'waiting', waitingCount: Number(reply[1]) };
    const interests = JSON.parse(reply[5]!) as string[];
    const partner: QueuedEntry = { userId: reply[1]!, socketId: reply[2]!, seq: Number(reply[3]) };
    if (interests.length > 0) {
      partner.interests = interests;
      partner.fallbackAtMs = Number(reply[4]);
    }
    return { kind: 'matched', partner };
  }

  /** key prefix, now, userId, socketId, fallbackAt, interests (JSON): the arguments every entry script starts with. */
  private entryArgs(entry: QueueEntry): (string | number)[] {
    const interests = entry.interests ?? [];
    return [this.keyPrefix, this.nowMs(), entry.userId, entry.socketId, interests.length > 0 ? (entry.fallbackAtMs ?? 0) : 0, JSON.stringify(interests)];
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}
