/**
 * The login attempt limit in cluster mode: shared through Redis (successful logins given back there too),
 * and still enforced — per instance — while Redis cannot be reached, including attempts made before it went
 * away.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { hasRedis, isCI, testRedisUrl } from '../helpers/services.js';
import type { AdminTuning } from '../../src/admin/context.js';
import { ADMIN_PASSWORD, clientKey, ManualClock, startBareAdmin, type BareAdmin } from './helpers.js';

/** As main.ts's command client: fails fast while disconnected, reconnects for ever. */
const COMMAND_CLIENT: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 2_000) };
/** ioredis's defaults: commands wait in a queue while it reconnects. */
const QUEUEING_CLIENT: RedisOptions = { retryStrategy: (n) => Math.min(n * 100, 2_000) };
/** Starting instances (a database each) is slow on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function redisClient(url: string, options: RedisOptions): Redis {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined);
  cleanups.push(() => redis.disconnect());
  return redis;
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

const uniquePrefix = () => `test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;

async function instance(redis: Redis, options: { clock?: ManualClock; redisPrefix?: string; tuning?: Partial<AdminTuning> } = {}): Promise<BareAdmin> {
  const started = await startBareAdmin({
    trustProxy: true,
    clock: options.clock ?? new ManualClock(),
    loginLimitRedis: redis,
    config: { redisPrefix: options.redisPrefix ?? uniquePrefix() },
    tuning: { loginLimitRedisTimeoutMs: 200, ...options.tuning },
  });
  cleanups.push(() => started.close());
  return started;
}

const attempt = (admin: BareAdmin, ip: string, password = 'wrong') =>
  admin.fastify.inject({ method: 'POST', url: '/admin/login', headers: { 'x-forwarded-for': ip }, payload: { password } });

describe('admin login limit while Redis is unreachable', () => {
  const clocks = { failFast: new ManualClock(), queueing: new ManualClock() };
  const admins: Partial<Record<keyof typeof clocks, BareAdmin>> = {};

  beforeAll(async () => {
    // Nothing listens on these ports: every command fails (at once, or after the 200 ms deadline).
    const [failFast, queueing] = [redisClient(`redis://127.0.0.1:${await freePort()}`, COMMAND_CLIENT), redisClient(`redis://127.0.0.1:${await freePort()}`, QUEUEING_CLIENT)];
    [admins.failFast, admins.queueing] = await Promise.all([instance(failFast, { clock: clocks.failFast }), instance(queueing, { clock: clocks.queueing })]);
  }, START_TIMEOUT_MS);

  for (const [kind, name] of [
    ['a fail-fast client', 'failFast'],
    ['a queueing client', 'queueing'],
  ] as const) {
    it(`still refuses the sixth attempt in a minute, counted by the instance (${kind})`, async () => {
      const admin = admins[name]!;
      for (let i = 0; i < 5; i++) expect((await attempt(admin, '10.1.0.1')).statusCode).toBe(401);
      const limited = await attempt(admin, '10.1.0.1', ADMIN_PASSWORD);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Per client address, and for one window.
      expect((await attempt(admin, '10.1.0.2', ADMIN_PASSWORD)).statusCode).toBe(200);
      clocks[name].advance(60_000);
      expect((await attempt(admin, '10.1.0.1', ADMIN_PASSWORD)).statusCode).toBe(200);
    });
  }
});

describe('admin login limit through a Redis outage', () => {
  let redisServer: PrivateRedis | undefined;
  let redis: Redis;
  let admin: BareAdmin;

  beforeAll(async () => {
    try {
      redisServer = await startPrivateRedis();
    } catch (error) {
      if (isCI) throw error;
      console.warn(`SKIPPED: redis-server could not be started (${String(error)}); the outage test is skipped`);
      return;
    }
    cleanups.push(() => redisServer?.destroy());
    redis = redisClient(redisServer.url, COMMAND_CLIENT);
    await ready(redis);
    admin = await instance(redis);
  }, START_TIMEOUT_MS);

  it('counts the attempts made before Redis went away, and after it came back empty', async (context) => {
    if (!redisServer) return context.skip();
    for (let i = 0; i < 3; i++) expect((await attempt(admin, '10.2.0.1')).statusCode).toBe(401);
    await redisServer.kill();
    for (let i = 0; i < 2; i++) expect((await attempt(admin, '10.2.0.1')).statusCode).toBe(401);
    expect((await attempt(admin, '10.2.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    // Redis restarts without its data: the instance still remembers this window's attempts.
    await redisServer.start();
    await ready(redis);
    expect((await attempt(admin, '10.2.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    expect((await attempt(admin, '10.2.0.2', ADMIN_PASSWORD)).statusCode).toBe(200);
  });
});

describe.skipIf(!hasRedis())('admin login limit with Redis (two instances)', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let a: BareAdmin;
  let b: BareAdmin;

  beforeAll(async () => {
    const [redisA, redisB] = [redisClient(testRedisUrl!, COMMAND_CLIENT), redisClient(testRedisUrl!, COMMAND_CLIENT)];
    await Promise.all([ready(redisA), ready(redisB)]);
    redis = redisA;
    [a, b] = await Promise.all([instance(redisA, { redisPrefix: prefix }), instance(redisB, { redisPrefix: prefix })]);
  }, START_TIMEOUT_MS);

  it('counts attempts on every instance against one limit', async () => {
    for (const admin of [a, b, a, b, a]) expect((await attempt(admin, '10.3.0.1')).statusCode).toBe(401);
    expect((await attempt(b, '10.3.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    expect((await attempt(a, '10.3.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    // @fastify/rate-limit's own key layout, so counts carry over a rolling upgrade.
    const keys = await redis.keys(`${prefix}admin-login:*`);
    // Keyed by the network's HMAC, never the address; beside it, the budget of all networks together.
    expect(keys.sort()).toEqual([`${prefix}admin-login:POST/admin/login-${clientKey('10.3.0.1')}`, `${prefix}admin-login:all-networks`]);
    await redis.del(...keys);
  });

  it('gives back a successful login in Redis too, four per account: six from one network pass on two instances, wrong ones are still limited', async () => {
    const key = `${prefix}admin-login:POST/admin/login-${clientKey('10.5.0.1')}`;
    for (const admin of [a, b, a, b]) expect((await attempt(admin, '10.5.0.1', ADMIN_PASSWORD)).statusCode).toBe(200);
    // Counted while checked, given back after: nothing left in the shared count.
    expect(await redis.get(key)).toBe('0');
    // One account's refunds are counted on both instances too: its fifth and sixth logins stay counted.
    for (const admin of [a, b]) expect((await attempt(admin, '10.5.0.1', ADMIN_PASSWORD)).statusCode).toBe(200);
    expect(await redis.get(key)).toBe('2');
    for (const admin of [b, a, b]) expect((await attempt(admin, '10.5.0.1')).statusCode).toBe(401);
    expect(await redis.get(key)).toBe('5');
    expect((await attempt(a, '10.5.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    expect((await attempt(b, '10.5.0.1', ADMIN_PASSWORD)).statusCode).toBe(429);
    await redis.del(...(await redis.keys(`${prefix}admin-login:*`)));
  });

  it('spends one budget of all networks on every instance', async () => {
    const [c, d] = await Promise.all([
      instance(redis, { redisPrefix: prefix, tuning: { loginAllAttemptsMax: 4 } }),
      instance(redis, { redisPrefix: prefix, tuning: { loginAllAttemptsMax: 4 } }),
    ]);
    for (const [admin, ip] of [[c, '10.4.0.1'], [d, '10.4.0.2'], [c, '10.4.0.3'], [d, '10.4.0.4']] as const) {
      expect((await attempt(admin, ip)).statusCode).toBe(401);
    }
    expect((await attempt(c, '10.4.0.5', ADMIN_PASSWORD)).statusCode).toBe(429);
    expect((await attempt(d, '10.4.0.6', ADMIN_PASSWORD)).statusCode).toBe(429);
    await redis.del(...(await redis.keys(`${prefix}admin-login:*`)));
  }, START_TIMEOUT_MS);
});
