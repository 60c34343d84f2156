/**
 * The cluster's matching queue in Redis: a sorted set ordered by place (FIFO), a hash of socket ids and a
 * set of paused users. Taking a partner or joining is one Lua script, so simultaneous joins on any number
 * of instances can never take the same partner, and a user is never paired with themself.
 */
import type { Redis } from 'ioredis';
import type { JoinOutcome, MatchQueue, QueueEntry, QueuedEntry } from './match-queue.js';

/** Most queued entries a join looks at (paused ones are skipped) before it waits instead. */
const MAX_SCAN = 1_000;

// KEYS: order (zset userId → place), sockets (hash userId → socketId), seq (counter), paused (set)
// ARGV: userId, socketId, then the users to avoid (blocked or blocked by)
const JOIN_OR_MATCH = `
local user = ARGV[1]
local avoid = {}
for i = 3, #ARGV do avoid[ARGV[i]] = true end
local offset = 0
while offset < ${MAX_SCAN} do
  local batch = redis.call('ZRANGE', KEYS[1], offset, offset + 99, 'WITHSCORES')
  if #batch == 0 then break end
  for i = 1, #batch, 2 do
    local other = batch[i]
    if other ~= user and not avoid[other] and redis.call('SISMEMBER', KEYS[4], other) == 0 then
      local socket = redis.call('HGET', KEYS[2], other)
      redis.call('ZREM', KEYS[1], other, user)
      redis.call('HDEL', KEYS[2], other, user)
      redis.call('SREM', KEYS[4], user)
      return {'matched', other, socket or '', batch[i + 1]}
    end
  end
  offset = offset + 100
end
if not redis.call('ZSCORE', KEYS[1], user) then redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), user) end
redis.call('HSET', KEYS[2], user, ARGV[2])
redis.call('SREM', KEYS[4], user)
return {'waiting', tostring(redis.call('ZCARD', KEYS[1]) - 1)}`;

// KEYS: order, sockets, seq; ARGV: userId, socketId
const ENQUEUE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// KEYS: order, sockets; ARGV: userId, socketId, place
const REQUEUE = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// KEYS: order, paused; ARGV: userId
const PAUSE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
return 1`;

// KEYS: order, sockets, paused; ARGV: userId, socketId or ''
const REMOVE = `
if ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])`;

export class RedisMatchQueue implements MatchQueue {
  private readonly order: string;
  private readonly sockets: string;
  private readonly seq: string;
  private readonly paused: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.order = `${prefix}queue:order`;
    this.sockets = `${prefix}queue:sockets`;
    this.seq = `${prefix}queue:seq`;
    this.paused = `${prefix}queue:paused`;
  }

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    const reply = (await this.redis.eval(JOIN_OR_MATCH, 4, this.order, this.sockets, this.seq, this.paused, entry.userId, entry.socketId, ...(entry.avoid ?? []))) as string[];
    if (reply[0] === 'matched') return { kind: 'matched', partner: { userId: reply[1]!, socketId: reply[2]!, seq: Number(reply[3]) } };
    return { kind: 'waiting', waitingCount: Number(reply[1]) };
  }

  async enqueue(entry: QueueEntry): Promise<void> {
    await this.redis.eval(ENQUEUE, 3, this.order, this.sockets, this.seq, entry.userId, entry.socketId);
  }

  async requeue(entry: QueuedEntry): Promise<void> {
    await this.redis.eval(REQUEUE, 2, this.order, this.sockets, entry.userId, entry.socketId, entry.seq);
  }

  async pause(userId: string): Promise<boolean> {
    return (await this.redis.eval(PAUSE, 2, this.order, this.paused, userId)) === 1;
  }

  async remove(userId: string, socketId?: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE, 3, this.order, this.sockets, this.paused, userId, socketId ?? '')) === 1;
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.order);
  }
}
