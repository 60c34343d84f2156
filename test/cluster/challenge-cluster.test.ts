/**
 * The bot challenge across instances (two complete instances in this process over one Redis and one
 * PostgreSQL): a solution spent on one is refused on the other, and an address made suspect on one must
 * solve on the other — the TtlStore and the rate limits live in Redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request, type TestSocket } from '../helpers/client.js';
import { addressKey, challengeSettings, freshAddress, openFrom, solvedPayload } from '../helpers/challenge.js';
import { startInProcessCluster, type InProcessCluster } from '../helpers/in-process-cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();
const IDENTITIES = 3;
const JOINS = 4;

describe.skipIf(!available)('the bot challenge across two instances', () => {
  let cluster: InProcessCluster;
  const sockets: TestSocket[] = [];
  const track = (socket: TestSocket) => void sockets.push(socket);
  const url = (instance: number) => cluster.instances[instance]!.url;

  beforeAll(async () => {
    // `always`, with auto's signals counted as well: one cluster shows both.
    cluster = await startInProcessCluster(2, {
      trustProxy: true,
      challenge: challengeSettings('always', { identitiesPerAddressPerMin: IDENTITIES, joinsPerAddressPerMin: JOINS }),
    });
  }, 60_000);
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('a solution used on instance A is refused on instance B', async () => {
    const payload = await solvedPayload(url(0), freshAddress());
    expect((await openFrom(url(0), freshAddress(), { altcha: payload }, track)).userId).toBeDefined();
    expect(await openFrom(url(1), freshAddress(), { altcha: payload }, track)).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    // A challenge from A, solved and first used on B, counts there (one secret, one store).
    expect((await openFrom(url(1), freshAddress(), { altcha: await solvedPayload(url(0), freshAddress()) }, track)).userId).toBeDefined();
  });

  it('an identity verified on A is not asked on B', async () => {
    const address = freshAddress();
    const onA = await openFrom(url(0), address, { altcha: await solvedPayload(url(0), address) }, track);
    const onB = await openFrom(url(1), freshAddress(), { token: onA.token! }, track);
    expect(onB.userId).toBe(onA.userId);
  });

  it('an address made suspect on A must solve on B, even for an identity verified by its address', async () => {
    const address = freshAddress();
    const verified = await openFrom(url(0), address, { altcha: await solvedPayload(url(0), address) }, track);
    // Its verified address lets new identities in on either instance — until it mints too many (the one
    // that solved was the first).
    const minted = [];
    for (let i = 1; i < IDENTITIES; i++) minted.push(await openFrom(url(i % 2), address, {}, track));
    expect(minted.every((m) => m.userId !== undefined)).toBe(true);
    expect(await openFrom(url(0), address, {}, track)).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    expect(await openFrom(url(1), address, { token: minted[0]!.token! }, track)).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    // The identity that solved stays verified; another network is not concerned.
    expect((await openFrom(url(1), address, { token: verified.token! }, track)).userId).toBe(verified.userId);
    expect(await cluster.instances[1]!.app.challenge.isSuspect(addressKey(address))).toBe(true);
    expect(await cluster.instances[1]!.app.challenge.isSuspect(addressKey(freshAddress()))).toBe(false);
  });

  it('joins counted on both instances make the address suspect: join_queue answers CHALLENGE_REQUIRED on either until solved', async () => {
    const address = freshAddress();
    const payloads = [await solvedPayload(url(0), address), await solvedPayload(url(1), address)];
    const a = await openFrom(url(0), address, { altcha: payloads[0]! }, track);
    // A second identity from the same (verified) address, on B.
    const b = await openFrom(url(1), address, {}, track);
    for (let i = 0; i < JOINS; i++) {
      const person = i % 2 === 0 ? a : b;
      expect(await request(person.socket!, 'join_queue')).toMatchObject({ ok: true });
      await request(person.socket!, 'leave_queue');
    }
    expect(await request(a.socket!, 'join_queue')).toMatchObject({ ok: true });
    await request(a.socket!, 'leave_queue');
    // `a` solved (its identity is verified); `b` came in on the address's mark and must solve now.
    expect(await request(a.socket!, 'join_queue')).toMatchObject({ ok: true });
    await request(a.socket!, 'leave_queue');
    expect(await request(b.socket!, 'join_queue')).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });
    b.socket!.close();
    const bAgain = await openFrom(url(0), address, { token: b.token!, altcha: payloads[1]! }, track);
    expect(bAgain.userId).toBe(b.userId);
    expect(await request(bAgain.socket!, 'join_queue')).toMatchObject({ ok: true });
  });
});
