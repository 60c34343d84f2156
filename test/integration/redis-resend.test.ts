/**
 * Scripts whose reply is lost with the connection (a network blip): ioredis sends every unanswered command
 * again once it has reconnected, so the script runs twice, and the second run must give the first one's
 * answer. A join: the first run took a partner out of the queue; the second must not queue the joiner
 * while that partner is gone from the queue and never told. A change of someone's activity: the second
 * run must not answer "somebody else changed it" about its own write (real Redis, through a TCP proxy
 * that cuts the connection at the reply).
 */
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, waitUntilReady } from '../../src/cluster/redis-clients.js';
import { RedisActivityRegistry } from '../../src/chat/redis-activity-registry.js';
import { RedisMatchQueue } from '../../src/matching/redis-match-queue.js';
import { testRedis } from '../helpers/redis.js';
import { hasRedis, testRedisUrl } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A Redis key prefix of its own, and the production command client reaching Redis through a proxy. */
async function throughProxy() {
  const direct = testRedis();
  cleanups.push(direct.cleanup);
  const target = new URL(testRedisUrl!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  cleanups.push(proxy.close);
  // The production client: fails fast while Redis is away, sends unanswered commands again on reconnect.
  const clients = connectRedis(`redis://${new URL(proxy.url).host}`, pino({ level: 'silent' }));
  cleanups.push(clients.quit);
  await waitUntilReady(clients.command, 5_000);
  return { direct, proxy, clients };
}

describe.skipIf(!hasRedis())('a script whose reply was lost', () => {
  it('a change of activity run again answers that it was made, not that somebody else changed it', async () => {
    const { direct, proxy, clients } = await throughProxy();
    const silent = pino({ level: 'silent' });
    const registry = new RedisActivityRegistry(clients.command, clients.eventsSub, direct.prefix, 'instance-a', silent);
    await registry.claim('warm-up', { kind: 'waiting', socketId: 's0', lang: 'zh-CN', instanceId: 'instance-a' } as never);

    void proxy.severAtNextReply();
    const claimed = await registry.claim('someone', { kind: 'waiting', socketId: 's1', lang: 'zh-CN', instanceId: 'instance-a' } as never);
    // Before, the second run found the key taken (by the first) and the claim answered "taken".
    expect(claimed).toMatchObject({ kind: 'waiting' });

    void proxy.severAtNextReply();
    const moved = await registry.transition('someone', { rev: claimed!.rev }, { kind: 'chatting', socketId: 's1', lang: 'zh-CN', roomId: 7, partnerId: 'p', instanceId: 'instance-a' } as never);
    expect(moved).toMatchObject({ kind: 'chatting', roomId: 7 });
    expect(JSON.parse((await direct.redis.get(`${direct.prefix}act:someone`))!)).toMatchObject({ kind: 'chatting', rev: moved!.rev });
  });

  it('runs again after the reconnect with the same answer: the partner the first run took', async () => {
    const { direct, proxy, clients } = await throughProxy();
    const here = new RedisMatchQueue(direct.redis, direct.prefix);
    const there = new RedisMatchQueue(clients.command, direct.prefix);
    // Redis knows the script already, so the join through the proxy is one EVALSHA and one reply.
    expect(await there.joinOrMatch({ userId: 'warm-up', socketId: 's0' })).toMatchObject({ kind: 'waiting' });
    await there.remove('warm-up');
    await here.enqueue({ userId: 'waiting-user', socketId: 's1' });

    void proxy.severAtNextReply();
    const outcome = await there.joinOrMatch({ userId: 'joiner', socketId: 's2' });

    expect(outcome).toMatchObject({ kind: 'matched', partner: { userId: 'waiting-user', socketId: 's1' } });
    expect(await here.size()).toBe(0);

    // A join that queued its person, reply lost; before the resend, somebody else is matched with them.
    const severed = proxy.severAtNextReply();
    const queued = there.joinOrMatch({ userId: 'queued-user', socketId: 's3' });
    await severed;
    expect(await here.joinOrMatch({ userId: 'other-joiner', socketId: 's4' })).toMatchObject({ kind: 'matched', partner: { userId: 'queued-user' } });
    // The resend answers as the first run did, and does not queue them again while they chat.
    expect(await queued).toMatchObject({ kind: 'waiting' });
    expect(await here.size()).toBe(0);
  });
});
