/**
 * The cluster's matching queue in Redis: a sorted set ordered by arrival (FIFO) plus a hash of socket ids.
 * Taking a partner or joining is one Lua script, so simultaneous joins on any number of instances can
 * never take the same partner, and a user is never paired with themself (their own entry goes first).
 */
import type { Redis } from 'ioredis';
import type { JoinOutcome, MatchQueue, QueueEntry } from './match-queue.js';

// KEYS: order (zset userId → arrival), sockets (hash userId → socketId), seq (counter)
const JOIN_OR_MATCH = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local head = redis.call('ZPOPMIN', KEYS[1])
if #head > 0 then
  local socket = redis.call('HGET', KEYS[2], head[1])
  redis.call('HDEL', KEYS[2], head[1])
  return {'matched', head[1], socket or ''}
end
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {'waiting', tostring(redis.call('ZCARD', KEYS[1]))}`;

// Back at the head: a score below every arrival. KEYS: order, sockets, front counter
const REQUEUE_FRONT = `
redis.call('ZADD', KEYS[1], redis.call('DECR', KEYS[3]) - 1e15, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// Append at the tail unless present. KEYS: order, sockets, seq
const APPEND = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// KEYS: order, sockets; ARGV: userId, socketId or ''
const REMOVE = `
if ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])`;

export class RedisMatchQueue implements MatchQueue {
  private readonly order: string;
  private readonly sockets: string;
  private readonly seq: string;
  private readonly front: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.order = `${prefix}queue:order`;
    this.sockets = `${prefix}queue:sockets`;
    this.seq = `${prefix}queue:seq`;
    this.front = `${prefix}queue:front`;
  }

  async joinOrMatch(entry: QueueEntry): Promise<JoinOutcome> {
    const reply = (await this.redis.eval(JOIN_OR_MATCH, 3, this.order, this.sockets, this.seq, entry.userId, entry.socketId)) as string[];
    if (reply[0] === 'matched') return { kind: 'matched', partner: { userId: reply[1]!, socketId: reply[2]! } };
    return { kind: 'waiting', waitingCount: Number(reply[1]) };
  }

  async requeueFront(entry: QueueEntry): Promise<void> {
    await this.redis.eval(REQUEUE_FRONT, 3, this.order, this.sockets, this.front, entry.userId, entry.socketId);
  }

  /** Appends an entry at the tail unless it is queued already (re-queueing after Redis lost its data). */
  async append(entry: QueueEntry): Promise<void> {
    await this.redis.eval(APPEND, 3, this.order, this.sockets, this.seq, entry.userId, entry.socketId);
  }

  async remove(userId: string, socketId?: string): Promise<boolean> {
    return (await this.redis.eval(REMOVE, 2, this.order, this.sockets, userId, socketId ?? '')) === 1;
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.order);
  }
}
