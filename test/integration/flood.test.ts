/** Flood control: over a limit the answer is RATE_LIMITED with a retry hint — never a silent drop, never a crash. */
import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { collect, connect, eventually, matchedPair, request, type TestSocket } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { GENEROUS_LIMITS } from '../helpers/server.js';
import { serverSuite } from '../helpers/suite.js';

// Buckets refill only when a test moves this clock: no test waits for real time to pass.
const clock = new ManualClock();
const suite = serverSuite({
  config: {
    rateLimits: { ...GENEROUS_LIMITS, messagesPerS: 10, messagesBurst: 5, joinsPerMin: 60, maxConnectionsPerIdentity: 3, maxConnectionsPerAddress: 12 },
  },
  deps: { clock },
});

type Ack = { ok: boolean; code?: string; retry_after_ms?: number };

describe('flood control', () => {
  it('messages beyond the burst are refused with RATE_LIMITED and a retry hint, and allowed again after it, not before', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    const atB = collect(b, 'new_message');
    const acks = await Promise.all(Array.from({ length: 8 }, (_, i) => request<Ack>(a, 'send_message', { content: `m${i}` })));
    expect(acks.filter((x) => x.ok)).toHaveLength(5);
    const refused = acks.filter((x) => !x.ok);
    expect(refused).toHaveLength(3);
    // 10 a second: the next token is 100 ms away (the clock has not moved).
    for (const r of refused) expect(r).toEqual({ ok: false, code: 'RATE_LIMITED', retry_after_ms: 100, message: expect.any(String) });
    // Nothing refused reached the partner; everything accepted did.
    await eventually(() => expect(atB).toHaveLength(5));
    clock.advance(50);
    expect(await request<Ack>(a, 'send_message', { content: 'too soon' })).toMatchObject({ ok: false, code: 'RATE_LIMITED', retry_after_ms: 50 });
    clock.advance(50);
    expect(await request<Ack>(a, 'send_message', { content: 'later' })).toMatchObject({ ok: true });
  });

  it('a refused message without an ack still gets an error event with the hint', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    const errors = collect(a, 'error');
    for (let i = 0; i < 7; i++) a.emit('send_message', { content: `x${i}` });
    await eventually(() => expect(errors).toHaveLength(2));
    expect(errors[0]).toMatchObject({ code: 'RATE_LIMITED', retry_after_ms: expect.any(Number) });
  });

  it('queue joins are limited per identity', async () => {
    const { socket, session } = await connect(suite.url);
    suite.track(socket);
    let limited: Ack | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const ack = await request<Ack>(socket, 'join_queue');
      if (!ack.ok) limited = ack;
      await request(socket, 'leave_queue');
    }
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retry_after_ms: expect.any(Number) });
    // Another identity is not affected.
    const other = await connect(suite.url);
    suite.track(other.socket);
    expect(await request(other.socket, 'join_queue')).toMatchObject({ ok: true });
    expect(session.user_id).not.toBe(other.session.user_id);
  });

  it('concurrent connections are limited per identity, with a coded refusal', async () => {
    const first = await connect(suite.url);
    const tabs = [first.socket];
    for (let i = 0; i < 2; i++) tabs.push((await connect(suite.url, { token: first.session.token })).socket);
    suite.track(...tabs);
    const refused = await new Promise<{ message: string; data?: { code: string } }>((resolve) => {
      const s = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: first.session.token } });
      s.on('connect_error', (err) => {
        resolve(err as never);
        s.close();
      });
    });
    expect(refused.data?.code).toBe('RATE_LIMITED');
    // Closing one frees a slot.
    tabs[0]!.close();
    await eventually(async () => {
      const again = await connect(suite.url, { token: first.session.token });
      suite.track(again.socket);
    });
  });

  it('concurrent connections are limited per address', async () => {
    const sockets: TestSocket[] = [];
    let refusedCode: string | undefined;
    for (let i = 0; i < 20 && !refusedCode; i++) {
      const s = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(s as TestSocket);
      refusedCode = await new Promise<string | undefined>((resolve) => {
        s.on('connect', () => resolve(undefined));
        s.on('connect_error', (err) => resolve((err as { data?: { code: string } }).data?.code));
      });
    }
    suite.track(...sockets);
    expect(refusedCode).toBe('RATE_LIMITED');
    expect(sockets.filter((s) => s.connected).length).toBeLessThanOrEqual(12);
  });
});
