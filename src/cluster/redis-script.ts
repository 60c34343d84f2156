/**
 * Lua scripts registered once per Redis client (ioredis `defineCommand`) instead of sent with every call:
 * the first call on a connection sends the script, later ones only its SHA1 (EVALSHA), and ioredis sends
 * it whole again by itself when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
import type { Redis } from 'ioredis';

/** Runs the script with these keys and arguments. */
export type RedisScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

type ScriptCommand = (numKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** The scripts defined on each client, so that one name can never stand for two scripts. */
const defined = new WeakMap<Redis, Map<string, string>>();

/** Defines `lua` on `redis` under `name` (once; later calls reuse it) and returns a typed caller. */
export function defineScript(redis: Redis, name: string, lua: string): RedisScript {
  const scripts = defined.get(redis) ?? new Map<string, string>();
  defined.set(redis, scripts);
  const known = scripts.get(name);
  if (known === undefined) {
    redis.defineCommand(name, { lua });
    scripts.set(name, lua);
  } else if (known !== lua) {
    throw new Error(`Redis script "${name}" is already defined on this client with another body`);
  }
  // defineCommand adds the command as a method of the client, which ioredis's types cannot know.
  const command = (redis as unknown as Record<string, ScriptCommand>)[name];
  if (typeof command !== 'function') throw new Error(`Redis script "${name}" was not defined`);
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
}
