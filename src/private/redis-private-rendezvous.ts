/**
 * The private rooms' meeting point in Redis, for cluster mode: each operation is one Lua script, so two
 * people entering the same room on two instances at once meet exactly once, and of two asks to stay in
 * touch made at the same moment exactly one completes. Errors (Redis unreachable) reach the caller.
 */
import type { Redis } from 'ioredis';
import type { EnterOutcome, KeepOutcome, PrivateRendezvous } from './private-rendezvous.js';
import { defineScript, type RedisScript } from '../cluster/redis-script.js';

/**
 * A wait in a private room lasts as long as its connection (and grace period); the key expires anyway
 * after this, so a wait whose end was never written (Redis unreachable then) cannot linger for ever.
 * Each entering (ENTER's SET … PX), the waiter's own again included (a reconnect, a put-back), starts it
 * afresh: only a wait nobody has touched for this long is lost, where the in-memory one has no end.
 */
const WAIT_TTL_MS = 7 * 24 * 3_600_000;

// KEYS: the room's waiting place; ARGV: userId, ttlMs
const ENTER = `
local waiting = redis.call('GET', KEYS[1])
if not waiting or waiting == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {'waiting'}
end
redis.call('DEL', KEYS[1])
return {'met', waiting}`;

// KEYS: the room's waiting place; ARGV: userId
const LEAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

// KEYS: the room's asks (hash userId → socketId, plus the fields '!settled' and, once made, '!key');
// ARGV: userId, socketId, ttlMs. A settled ask is kept no longer than ttlMs from now (never longer than it
// was). The kept key goes only to one of the two who asked, on a connection other than the one last told
// (which then is).
const ASK = `
if redis.call('HEXISTS', KEYS[1], '!settled') == 1 then
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 or left > tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
  local key = redis.call('HGET', KEYS[1], '!key')
  local told = redis.call('HGET', KEYS[1], ARGV[1])
  if key and told and told ~= ARGV[2] then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
    return {'settled', key}
  end
  return {'settled'}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] and string.sub(all[i], 1, 1) ~= '!' then
    redis.call('HSET', KEYS[1], '!settled', '1')
    return {'complete', all[i], all[i + 1]}
  end
end
return {'pending'}`;

// KEYS: the room's asks; ARGV: the key. Only into a settled ask that is still kept (HSET keeps its expiry).
const KEEP_KEY = `
if redis.call('HEXISTS', KEYS[1], '!settled') == 0 then return 0 end
redis.call('HSET', KEYS[1], '!key', ARGV[1])
return 1`;

// KEYS: the room's asks; ARGV: keepMs. Kept no longer than that from now (never longer than they were);
// nothing if there are none (PTTL -2).
const SHORTEN = `
local left = redis.call('PTTL', KEYS[1])
if left == -1 or left > tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0`;

export class RedisPrivateRendezvous implements PrivateRendezvous {
  /** The scripts, registered once on the client (EVALSHA). */
  private readonly scripts: Record<'enter' | 'leave' | 'ask' | 'keepKey' | 'shorten', RedisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.scripts = {
      enter: defineScript(redis, 'chatPrivateEnter', ENTER),
      leave: defineScript(redis, 'chatPrivateLeave', LEAVE),
      ask: defineScript(redis, 'chatPrivateAsk', ASK),
      keepKey: defineScript(redis, 'chatPrivateKeepKey', KEEP_KEY),
      shorten: defineScript(redis, 'chatPrivateShortenAsks', SHORTEN),
    };
  }

  async enter(keyHash: string, userId: string): Promise<EnterOutcome> {
    const reply = (await this.scripts.enter([this.waitKey(keyHash)], [userId, WAIT_TTL_MS])) as string[];
    return reply[0] === 'met' ? { kind: 'met', otherId: reply[1]! } : { kind: 'waiting' };
  }

  async leave(keyHash: string, userId: string): Promise<boolean> {
    return (await this.scripts.leave([this.waitKey(keyHash)], [userId])) === 1;
  }

  async waiting(keyHash: string): Promise<string | undefined> {
    return (await this.redis.get(this.waitKey(keyHash))) ?? undefined;
  }

  async askToKeep(roomId: number, userId: string, socketId: string, ttlMs: number): Promise<KeepOutcome> {
    const reply = (await this.scripts.ask([this.askKey(roomId)], [userId, socketId, Math.max(1, Math.ceil(ttlMs))])) as string[];
    if (reply[0] === 'complete') return { kind: 'complete', other: { userId: reply[1]!, socketId: reply[2]! } };
    if (reply[0] === 'settled') return reply[1] === undefined ? { kind: 'settled' } : { kind: 'settled', key: reply[1] };
    return { kind: 'pending' };
  }

  async keepKey(roomId: number, key: string): Promise<void> {
    await this.scripts.keepKey([this.askKey(roomId)], [key]);
  }

  async reopen(roomId: number): Promise<void> {
    await this.redis.hdel(this.askKey(roomId), '!settled', '!key');
  }

  async chatEnded(roomId: number, keepMs: number): Promise<void> {
    await this.scripts.shorten([this.askKey(roomId)], [Math.max(1, Math.ceil(keepMs))]);
  }

  private waitKey(keyHash: string): string {
    return `${this.prefix}private:wait:${keyHash}`;
  }

  private askKey(roomId: number): string {
    return `${this.prefix}private:keep:${roomId}`;
  }
}
