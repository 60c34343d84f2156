/**
 * Guessing private-room keys: every `join_private` takes a token of its identity's budget
 * (`RATE_PRIVATE_KEYS_PER_MIN`) and of its client network's (`RATE_PRIVATE_KEYS_PER_ADDRESS_PER_MIN`), found
 * or not, so a guesser cannot try more than a few keys a minute — and cannot tell which attempts would have
 * been free. One guesser spends its own budget, not that of everybody behind the same address (a carrier's
 * NAT). Time is the test's (a manual clock).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.js';
import { connect, request } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; key?: string; status?: string; retry_after_ms?: number };
const OTHER_SETTINGS = { keepInTouchWindowMs: 120_000, historyMaxMessages: 1_000 };

/** A server with these key-attempt budgets, the test's clock, and a way to open tracked clients. */
function guessingSuite(keyAttemptsPerMin: number, keyAttemptsPerAddressPerMin: number) {
  const clock = new ManualClock();
  const suite = serverSuite({ config: { privateRooms: { keyAttemptsPerMin, keyAttemptsPerAddressPerMin, ...OTHER_SETTINGS } }, deps: { clock } });
  const client = async () => {
    const c = await connect(suite.url);
    suite.track(c.socket);
    return c;
  };
  return { clock, client };
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
