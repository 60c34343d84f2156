/**
 * Limits per client address, across identities: every identity from one address draws on one budget of
 * messages (RATE_MESSAGES_PER_ADDRESS_PER_S) and queue joins (RATE_JOINS_PER_ADDRESS_PER_MIN); another
 * address has its own. And which address a Socket.IO handshake counts as: the X-Forwarded-For one only
 * when TRUST_PROXY trusts the peer (seen through MAX_CONNECTIONS_PER_ADDRESS).
 *
 * Clients on 127.0.0.2 are another address on the loopback network, as another machine would be.
 */
import { describe, expect, it } from 'vitest';
import { connect, request, waitFor, type TestSocket } from '../helpers/client.js';
import { openFrom } from '../helpers/challenge.js';
import { ManualClock } from '../helpers/clock.js';
import { GENEROUS_LIMITS } from '../helpers/server.js';
import { serverSuite, type ServerSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; retry_after_ms?: number; status?: string };

const OTHER_ADDRESS = '127.0.0.2';

describe('per-address limits on messages and joins', () => {
  // 3 messages a second per address: a burst of 6, then one every 334 ms.
  const MESSAGES_PER_ADDRESS_PER_S = 3;
  // 20 joins a minute per address: a burst of 5, then one every 3 s.
  const JOINS_PER_ADDRESS_PER_MIN = 20;
  // Buckets refill only when a test moves this clock; after each test it moves a minute, refilling them all.
  const clock = new ManualClock();
  const suite = serverSuite(
    {
      config: { rateLimits: { ...GENEROUS_LIMITS, messagesPerAddressPerS: MESSAGES_PER_ADDRESS_PER_S, joinsPerAddressPerMin: JOINS_PER_ADDRESS_PER_MIN } },
      deps: { clock },
    },
    async () => clock.advance(60_000),
  );

  async function client(localAddress?: string) {
    const c = await connect(suite.url, localAddress ? { localAddress } : {});
    suite.track(c.socket);
    return c;
  }

  /** Two strangers (a from `aAddress`, b from `bAddress`) chatting with each other. */
  async function pair(aAddress?: string, bAddress?: string): Promise<{ a: TestSocket; b: TestSocket }> {
    const a = await client(aAddress);
    const b = await client(bAddress);
    const matched = waitFor(a.socket, 'matched');
    expect(await request(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await matched;
    return { a: a.socket, b: b.socket };
  }

  const send = (socket: TestSocket, content: string) => request<Ack>(socket, 'send_message', { content });

  it('messages: every identity from one address shares the budget; another address has its own', async () => {
    // Two chats; a1, b1 and a2 from 127.0.0.1, b2 from the other address.
    const one = await pair();
    const two = await pair(undefined, OTHER_ADDRESS);
    for (let i = 0; i < 3; i++) expect(await send(one.a, `a1 ${i}`)).toMatchObject({ ok: true });
    for (let i = 0; i < 2; i++) expect(await send(one.b, `b1 ${i}`)).toMatchObject({ ok: true });
    expect(await send(two.a, 'a2 0')).toMatchObject({ ok: true });
    // Six from the address: the next one, from any of its identities, is refused.
    expect(await send(two.a, 'a2 1')).toEqual({ ok: false, code: 'RATE_LIMITED', retry_after_ms: 334, message: expect.any(String) });
    expect(await send(one.b, 'b1 2')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    // The other address is not affected.
    expect(await send(two.b, 'b2 0')).toMatchObject({ ok: true });
    clock.advance(334);
    expect(await send(one.a, 'a1 3')).toMatchObject({ ok: true });
    expect(await send(one.a, 'a1 4')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });

  it('queue joins: every identity from one address shares the budget; another address has its own', async () => {
    const x = await client();
    const y = await client();
    const z = await client(OTHER_ADDRESS);
    const joinAndLeave = async (socket: TestSocket): Promise<Ack> => {
      const ack = await request<Ack>(socket, 'join_queue');
      if (ack.ok) expect(await request(socket, 'leave_queue')).toMatchObject({ ok: true });
      return ack;
    };
    for (let i = 0; i < 3; i++) expect(await joinAndLeave(x.socket)).toMatchObject({ ok: true, status: 'waiting' });
    for (let i = 0; i < 2; i++) expect(await joinAndLeave(y.socket)).toMatchObject({ ok: true, status: 'waiting' });
    // Five joins from the address: the sixth is refused, whichever of its identities asks.
    expect(await joinAndLeave(y.socket)).toEqual({ ok: false, code: 'RATE_LIMITED', retry_after_ms: 3_000, message: expect.any(String) });
    expect(await joinAndLeave(x.socket)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(await joinAndLeave(z.socket)).toMatchObject({ ok: true, status: 'waiting' });
    clock.advance(3_000);
    expect(await joinAndLeave(y.socket)).toMatchObject({ ok: true, status: 'waiting' });
    expect(await joinAndLeave(x.socket)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });
});

/** Connections the handshake counts per address. */
const MAX_PER_ADDRESS = 2;

/** Opens connections from 127.0.0.1 saying X-Forwarded-For: `forwardedFor`; resolves with the refusal codes (undefined: connected). */
async function openAll(suite: ServerSuite, forwardedFor: string[]): Promise<(string | undefined)[]> {
  const outcomes: (string | undefined)[] = [];
  for (const address of forwardedFor) outcomes.push((await openFrom(suite.url, address, {}, (socket) => suite.track(socket))).refused);
  return outcomes;
}

describe('the address of a Socket.IO handshake', () => {
  describe('with TRUST_PROXY naming the proxy', () => {
    const suite = serverSuite({ config: { trustProxy: ['127.0.0.1'], rateLimits: { ...GENEROUS_LIMITS, maxConnectionsPerAddress: MAX_PER_ADDRESS } } });

    it('is the X-Forwarded-For one: two clients behind one proxy are limited separately', async () => {
      expect(await openAll(suite, ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2', '203.0.113.2'])).toEqual([
        undefined,
        undefined,
        'RATE_LIMITED',
        undefined,
        undefined,
        'RATE_LIMITED',
      ]);
    });
  });

  describe('without TRUST_PROXY', () => {
    const suite = serverSuite({ config: { rateLimits: { ...GENEROUS_LIMITS, maxConnectionsPerAddress: MAX_PER_ADDRESS } } });

    it('is the peer’s: X-Forwarded-For is ignored, and clients saying different ones share one limit', async () => {
      expect(await openAll(suite, ['203.0.113.1', '203.0.113.2', '203.0.113.3'])).toEqual([undefined, undefined, 'RATE_LIMITED']);
    });
  });
});
