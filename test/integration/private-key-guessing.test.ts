/**
 * Guessing private-room keys: every `join_private` takes a token of its identity's budget
 * (`RATE_PRIVATE_KEYS_PER_MIN`) and of its client network's (`RATE_PRIVATE_KEYS_PER_ADDRESS_PER_MIN`), found
 * or not, so a guesser cannot try more than a few keys a minute — and cannot tell which attempts would have
 * been free. One guesser spends its own budget, not that of everybody behind the same address (a carrier's
 * NAT); past the network's, with the bot challenge on, each identity must have solved it. Time is the
 * test's (a manual clock).
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { addressKey, challengeSettings, solvedPayload } from '../helpers/challenge.js';
import { ManualClock } from '../helpers/clock.js';
import { connect, request } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; key?: string; status?: string; retry_after_ms?: number };
const OTHER_SETTINGS = { keepInTouchWindowMs: 120_000, historyMaxMessages: 1_000 };

/**
 * A server with these key-attempt budgets (and this bot challenge, off by default), the test's clock, and
 * a way to open tracked clients — with a solved challenge in the handshake when given one.
 */
function guessingSuite(keyAttemptsPerMin: number, keyAttemptsPerAddressPerMin: number, challenge?: Config['challenge']) {
  // Starts now: a challenge's expiry is checked against the real time as well as the server's.
  const clock = new ManualClock(Date.now());
  const privateRooms = { keyAttemptsPerMin, keyAttemptsPerAddressPerMin, ...OTHER_SETTINGS };
  const suite = serverSuite({ config: challenge ? { privateRooms, challenge } : { privateRooms }, deps: { clock } });
  const client = async (auth: { token?: string; altcha?: string } = {}) => {
    const c = await connect(suite.url, { auth });
    suite.track(c.socket);
    return c;
  };
  // Every test client connects from 127.0.0.1: one network.
  const suspect = () => suite.server.app.challenge.isSuspect(addressKey('127.0.0.1'));
  return { clock, client, solved: () => solvedPayload(suite.url), suspect };
}

describe('guessing private-room keys from one network', () => {
  const PER_MIN = 3;
  const { clock, client } = guessingSuite(1_000, PER_MIN);

  it('is limited per network, found or not: then RATE_LIMITED with a retry hint, even for the right key, until the budget refills', async () => {
    const maker = await client();
    const { key } = await request<Ack>(maker.socket, 'create_private');
    const guesser = await client();
    for (let i = 0; i < PER_MIN; i++) {
      expect(await request<Ack>(guesser.socket, 'join_private', { key: `AAAA-BBBB-CCCC-DDD${i}` })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    }
    const refused = await request<Ack>(guesser.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDDD' });
    expect(refused).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(refused.retry_after_ms).toBeGreaterThan(0);
    // The right key from the same network waits its turn too (another identity does not help).
    const friend = await client();
    expect(await request<Ack>(friend.socket, 'join_private', { key: key! })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });

    // One attempt comes back every 60 / PER_MIN seconds.
    clock.advance(60_000 / PER_MIN);
    expect(await request<Ack>(friend.socket, 'join_private', { key: key! })).toMatchObject({ ok: true, status: 'matched' });
    expect(await request<Ack>(guesser.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDDD' })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });
});

describe('guessing private-room keys from one identity', () => {
  const PER_MIN = 3;
  const { client } = guessingSuite(PER_MIN, 1_000);

  it('is limited per identity; somebody else on the same network still enters their key', async () => {
    const maker = await client();
    const { key } = await request<Ack>(maker.socket, 'create_private');
    const guesser = await client();
    for (let i = 0; i < PER_MIN; i++) {
      expect(await request<Ack>(guesser.socket, 'join_private', { key: `AAAA-BBBB-CCCC-DDD${i}` })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    }
    expect(await request<Ack>(guesser.socket, 'join_private', { key: key! })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    // Before, the budget was the network's alone: one guesser behind a shared address locked everybody out.
    const friend = await client();
    expect(await request<Ack>(friend.socket, 'join_private', { key: key! })).toMatchObject({ ok: true, status: 'matched' });
  });
});

describe('a network over its key budget, with the bot challenge on', () => {
  const PER_MIN = 3;
  const { client, solved, suspect } = guessingSuite(1_000, PER_MIN, challengeSettings('auto'));

  it('asks each identity for a solved challenge instead of locking the network out; one that solved enters its key, a fresh identity is asked again', async () => {
    const maker = await client();
    const { key } = await request<Ack>(maker.socket, 'create_private');
    const guesser = await client();
    for (let i = 0; i < PER_MIN; i++) {
      expect(await request<Ack>(guesser.socket, 'join_private', { key: `AAAA-BBBB-CCCC-DDD${i}` })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    }
    // Before, RATE_LIMITED for everybody behind the address until the budget refilled.
    const friend = await client();
    expect(await request<Ack>(friend.socket, 'join_private', { key: key! })).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });
    // The page solves it and connects again with the solution (the address is not suspect: the handshake
    // needs none, and checks the one it is given).
    const token = friend.session.token;
    friend.socket.close();
    const again = await client({ token, altcha: await solved() });
    expect(again.session.user_id).toBe(friend.session.user_id);
    expect(await request<Ack>(again.socket, 'join_private', { key: key! })).toMatchObject({ ok: true, status: 'matched' });

    // A minted identity gets no attempt for free: it is asked too.
    const minted = await client();
    expect(await request<Ack>(minted.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDDD' })).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });
  });

  it('lets in a connection whose solution is bad or used where none is needed, and verifies nobody with it', async () => {
    const payload = await solved();
    const first = await client({ altcha: payload });
    const replayed = await client({ altcha: payload });
    const garbage = await client({ altcha: 'bm90IGEgc29sdXRpb24=' });
    for (const c of [first, replayed, garbage]) expect(c.session.user_id).toBeTruthy();
    // The network is still over its budget (the test above spent it; a minute has not passed).
    expect(await request<Ack>(first.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDD9' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await request<Ack>(replayed.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDD9' })).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });
    expect(await request<Ack>(garbage.socket, 'join_private', { key: 'AAAA-BBBB-CCCC-DDD9' })).toMatchObject({ ok: false, code: 'CHALLENGE_REQUIRED' });
  });

  it('counts only refused attempts towards the address’s suspicion, not those of identities that solved', async () => {
    // CHALLENGE_REFUSALS_PER_ADDRESS_PER_MIN is 10: 15 attempts pass the network's budget of 3 by 12 even
    // when this test runs alone (with the others before it, 4 refusals are counted already).
    const solver = await client({ altcha: await solved() });
    for (let i = 0; i < 15; i++) {
      expect(await request<Ack>(solver.socket, 'join_private', { key: `AAAA-BBBB-CCCC-DD${10 + i}` })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    }
    // Before, each of them counted: the address became suspect, and everybody there had to solve to connect.
    expect(await suspect()).toBe(false);
  });
});
