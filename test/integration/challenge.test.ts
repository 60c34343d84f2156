/**
 * The bot challenge at the door (ALTCHA proof of work, solved here with altcha-lib's own solver at a tiny
 * difficulty): refused handshakes (said in the connection's language) and joins answer
 * CHALLENGE_REQUIRED, a solution is accepted once and verifies its identity and address for a while, and
 * in `auto` mode only an address that behaves like a bot is asked. Each test speaks from addresses of its own (the server trusts X-Forwarded-For here).
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { request } from '../helpers/client.js';
import { addressKey, challengeSettings, fetchChallenge, freshAddress, openFrom as open, payloadOf, solve, solvedPayload, type Opened } from '../helpers/challenge.js';
import { ManualClock } from '../helpers/clock.js';
import { GENEROUS_LIMITS } from '../helpers/server.js';
import { serverSuite, type ServerSuite } from '../helpers/suite.js';

const VALID_MS = 30 * 60_000;
const EXPIRY_MS = 10 * 60_000;

/** Opens a connection from `address`; the suite closes it after the test. */
function openFrom(suite: ServerSuite, address: string, auth: { token?: string; altcha?: string } = {}): Promise<Opened> {
  return open(suite.url, address, auth, (socket) => suite.track(socket));
}

describe('CHALLENGE=always', () => {
  const clock = new ManualClock(Date.now());
  const suite = serverSuite({
    config: { trustProxy: true, challenge: challengeSettings('always', { validMs: VALID_MS, expiryMs: EXPIRY_MS, requestsPerAddressPerMin: 5 }) },
    deps: { clock },
  });

  it('a handshake without a solution is refused with CHALLENGE_REQUIRED; with a solved challenge it connects', async () => {
    const address = freshAddress();
    expect(await openFrom(suite, address)).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    const solved = await openFrom(suite, address, { altcha: await solvedPayload(suite.url, address) });
    expect(solved.userId).toMatch(/^[a-z0-9]{12}$/);
    expect(await request(solved.socket!, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
  });

  it('the refusal speaks the connection’s language: English for an English page, Chinese by default', async () => {
    /** The `connect_error` of a connection from a fresh address, with `auth.lang` when given. */
    const refusalIn = (lang?: string) =>
      new Promise<{ message: string; data?: { code?: string; message?: string } }>((resolve, reject) => {
        const socket = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: lang === undefined ? {} : { lang }, extraHeaders: { 'x-forwarded-for': freshAddress() } });
        const timer = setTimeout(() => reject(new Error('no refusal')), 10_000);
        socket.once('session', () => reject(new Error('connected without a solution')));
        socket.once('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
          clearTimeout(timer);
          socket.close();
          resolve({ message: err.message, data: err.data });
        });
      });
    const english = await refusalIn('en');
    expect(english).toEqual({ message: 'Please complete the quick bot check first', data: { code: 'CHALLENGE_REQUIRED', message: 'Please complete the quick bot check first' } });
    const chinese = await refusalIn();
    expect(chinese).toEqual({ message: '请先完成人机验证', data: { code: 'CHALLENGE_REQUIRED', message: '请先完成人机验证' } });
  });

  it('a solution is accepted once: the same payload is refused on a second connection, from anywhere', async () => {
    const payload = await solvedPayload(suite.url, freshAddress());
    expect((await openFrom(suite, freshAddress(), { altcha: payload })).userId).toBeDefined();
    // Another identity from another address: neither is verified, and the solution has been spent.
    expect(await openFrom(suite, freshAddress(), { altcha: payload })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
  });

  it('a malformed, tampered, unsolved or foreign payload is refused', async () => {
    const address = freshAddress();
    const challenge = await fetchChallenge(suite.url, address);
    const good = JSON.parse(Buffer.from(await solve(challenge), 'base64').toString()) as { solution: { counter: number; derivedKey: string } };
    const wrongKey = { ...good.solution, derivedKey: good.solution.derivedKey.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    const easier = { ...challenge, parameters: { ...challenge.parameters, cost: 1 } };
    const foreign = { ...challenge, signature: 'ab'.repeat(32) };
    for (const altcha of [
      'not base64 json',
      Buffer.from('{"challenge":null}').toString('base64'),
      payloadOf(challenge, wrongKey),
      payloadOf(challenge, { counter: good.solution.counter, derivedKey: '' }),
      payloadOf(easier, good.solution),
      payloadOf(foreign, good.solution),
      'x'.repeat(5_000),
    ]) {
      expect(await openFrom(suite, address, { altcha })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    }
    // The genuine solution still works: refusals spent nothing.
    expect((await openFrom(suite, address, { altcha: payloadOf(challenge, good.solution) })).userId).toBeDefined();
  });

  it('a challenge solved after it expired is refused', async () => {
    const address = freshAddress();
    const challenge = await fetchChallenge(suite.url, address);
    const payload = await solve(challenge);
    clock.advance(EXPIRY_MS + 1_000);
    expect(await openFrom(suite, address, { altcha: payload })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
  });

  it('a verified identity is not asked again within the window, and is once the window has passed', async () => {
    const address = freshAddress();
    const first = await openFrom(suite, address, { altcha: await solvedPayload(suite.url, address) });
    first.socket!.close();
    // Same identity (its token) from another network: the identity is verified.
    clock.advance(VALID_MS - 60_000);
    const again = await openFrom(suite, freshAddress(), { token: first.token! });
    expect(again.userId).toBe(first.userId);
    again.socket!.close();
    clock.advance(61_000);
    expect(await openFrom(suite, freshAddress(), { token: again.token! })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
  });

  it('a verified address lets its other identities in within the window', async () => {
    const address = freshAddress();
    const solved = await openFrom(suite, address, { altcha: await solvedPayload(suite.url, address) });
    const sibling = await openFrom(suite, address);
    expect(sibling.userId).toBeDefined();
    expect(sibling.userId).not.toBe(solved.userId);
  });

  it('GET /api/challenge is never cached and is limited per address', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${suite.url}/api/challenge`, { headers: { 'x-forwarded-for': address } });
      statuses.push(res.status);
      if (i === 0) {
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.json()).toMatchObject({ parameters: { algorithm: 'PBKDF2/SHA-256' }, signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
      }
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await fetch(`${suite.url}/api/challenge`, { headers: { 'x-forwarded-for': freshAddress() } })).status).toBe(200);
  });
});

describe('CHALLENGE=auto', () => {
  const IDENTITIES = 3;
  const JOINS = 5;
  const suite = serverSuite({
    config: {
      trustProxy: true,
      challenge: challengeSettings('auto', { identitiesPerAddressPerMin: IDENTITIES, joinsPerAddressPerMin: JOINS, refusalsPerAddressPerMin: 3 }),
      rateLimits: { ...GENEROUS_LIMITS, messagesBurst: 1, messagesPerS: 0.01 },
    },
  });
  const challenge = () => suite.server.app.challenge;

  it('an ordinary client is never asked: it connects, joins and leaves', async () => {
    const address = freshAddress();
    const person = await openFrom(suite, address);
    for (let i = 0; i < JOINS - 1; i++) {
      expect(await request(person.socket!, 'join_queue')).toMatchObject({ ok: true });
      expect(await request(person.socket!, 'leave_queue')).toMatchObject({ ok: true });
    }
    expect(await challenge().isSuspect(addressKey(address))).toBe(false);
  });

  it('an address minting identities past the threshold becomes suspect: its handshakes need a solution, other addresses are not asked', async () => {
    const address = freshAddress();
    const early: Opened[] = [];
    for (let i = 0; i < IDENTITIES; i++) early.push(await openFrom(suite, address));
    expect(early.every((o) => o.userId !== undefined)).toBe(true);
    expect(await openFrom(suite, address)).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    expect(await challenge().isSuspect(addressKey(address))).toBe(true);
    // Identities it already has must solve too; another network is not concerned.
    expect(await openFrom(suite, address, { token: early[0]!.token! })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
    expect((await openFrom(suite, freshAddress())).userId).toBeDefined();
    // Solving lets that identity in (and only that one: a suspect address's other identities are still asked).
    const solved = await openFrom(suite, address, { token: early[0]!.token!, altcha: await solvedPayload(suite.url, address) });
    expect(solved.userId).toBe(early[0]!.userId);
    expect(await openFrom(suite, address, { token: early[1]!.token! })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
  });

  it('joins past the threshold: join_queue answers CHALLENGE_REQUIRED until the identity has solved one', async () => {
    const address = freshAddress();
    const person = await openFrom(suite, address);
    for (let i = 0; i < JOINS; i++) {
      expect(await request(person.socket!, 'join_queue')).toMatchObject({ ok: true });
      await request(person.socket!, 'leave_queue');
    }
    // The join past the threshold still went through; the next ones are refused.
    expect(await request(person.socket!, 'join_queue')).toMatchObject({ ok: true });
    await request(person.socket!, 'leave_queue');
    const refused = await request(person.socket!, 'join_queue');
    expect(refused).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED', message: expect.any(String) });
    expect(await request(person.socket!, 'join_queue')).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });

    // The page's way: solve, connect again with the payload, retry the join.
    person.socket!.close();
    const back = await openFrom(suite, address, { token: person.token!, altcha: await solvedPayload(suite.url, address) });
    expect(back.userId).toBe(person.userId);
    expect(await request(back.socket!, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
  });

  it('repeated refusals by flood control make an address suspect', async () => {
    const address = freshAddress();
    const [a, b] = [await openFrom(suite, address), await openFrom(suite, freshAddress())];
    await request(a.socket!, 'join_queue');
    expect(await request(b.socket!, 'join_queue')).toMatchObject({ status: 'matched' });
    const answers: unknown[] = [];
    for (let i = 0; i < 6; i++) answers.push(await request(a.socket!, 'send_message', { content: `spam ${i}` }));
    expect(answers.filter((r) => (r as { code?: string }).code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(4);
    expect(await challenge().isSuspect(addressKey(address))).toBe(true);
    expect(await openFrom(suite, address, { token: a.token! })).toEqual({ refused: 'CHALLENGE_REQUIRED' });
  });
});

describe('CHALLENGE=off', () => {
  const suite = serverSuite({ config: { trustProxy: true, challenge: challengeSettings('off', { identitiesPerAddressPerMin: 1 }) } });

  it('nobody is ever asked, and there is no challenge to fetch', async () => {
    const address = freshAddress();
    for (let i = 0; i < 4; i++) expect((await openFrom(suite, address)).userId).toBeDefined();
    expect((await fetch(`${suite.url}/api/challenge`)).status).toBe(404);
  });
});
