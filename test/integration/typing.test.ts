/**
 * "Stranger is typing": `typing {typing}` reaches the partner the server knows as `partner_typing`, and
 * nobody else; it is refused outside a chat and over a small per-connection budget; bad payloads are
 * INVALID_PAYLOAD; sent without an ack, refusals are dropped (no `error` event for the page to show); and
 * relaying touches neither the database nor the activity registry.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { TYPING_BURST } from '../../src/realtime/typing-relay.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { collect, connect, eventually, matchedPair, received, request, send, waitFor, type TestSocket } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { serverSuite, type ServerSuite } from '../helpers/suite.js';

type Ack = { ok: boolean; code?: string; retry_after_ms?: number };

/** Records the name of every method called on `target` (sync or async), passing calls straight through. */
function counted<T extends object>(target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(property);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** Every event a socket was sent so far has arrived once an ack'd request made after them is answered. */
async function settled(socket: TestSocket): Promise<void> {
  await request(socket, 'leave_queue');
}

function pairOn(suite: ServerSuite) {
  return async () => {
    const p = await matchedPair(suite.url);
    suite.track(p.a, p.b);
    return p;
  };
}

describe('typing', () => {
  const seamCalls: string[] = [];
  const suite = serverSuite({
    deps: (database) => ({
      registry: counted(new MemoryActivityRegistry(), seamCalls),
      repository: counted(new SqlChatRepository(database), seamCalls),
    }),
  });
  const pair = pairOn(suite);

  async function client() {
    const c = await connect(suite.url);
    suite.track(c.socket);
    return c;
  }

  it('typing and its end reach the partner as partner_typing, not the typist, and nobody in another chat', async () => {
    const { a, b } = await pair();
    const other = await pair();
    const atA = collect(a, 'partner_typing');
    const atB = collect(b, 'partner_typing');
    const elsewhere = [...[other.a, other.b].map((s) => collect(s, 'partner_typing'))];

    expect(await request<Ack>(a, 'typing', { typing: true })).toEqual({ ok: true });
    await eventually(() => expect(atB).toEqual([{ typing: true }]));
    expect(await request<Ack>(a, 'typing', { typing: false })).toEqual({ ok: true });
    await eventually(() => expect(atB).toEqual([{ typing: true }, { typing: false }]));
    expect(await request<Ack>(b, 'typing', { typing: true })).toEqual({ ok: true });
    await eventually(() => expect(atA).toEqual([{ typing: true }]));

    await Promise.all([a, b, other.a, other.b].map(settled));
    expect(atB).toHaveLength(2);
    expect(elsewhere.flat()).toEqual([]);
  });

  it('the relay reads no database and no registry: it goes to the conversation the connection is in', async () => {
    const { a, b, roomId } = await pair();
    const atB = collect(b, 'partner_typing');
    seamCalls.length = 0;
    for (let i = 0; i < 3; i++) expect(await request<Ack>(a, 'typing', { typing: i % 2 === 0 })).toEqual({ ok: true });
    await eventually(() => expect(atB).toHaveLength(3));
    expect(seamCalls).toEqual([]);
    expect(await suite.server.app.repository.listMessages(roomId)).toEqual([]);
  });

  it('sent without an ack (the way a page sends it), it is relayed all the same', async () => {
    const { a, b } = await pair();
    const atB = waitFor(b, 'partner_typing');
    send(a, 'typing', { typing: true });
    expect(await atB).toEqual({ typing: true });
  });

  it('bad payloads are INVALID_PAYLOAD, a room named by the client included, and relay nothing', async () => {
    const { a, b, roomId } = await pair();
    const atB = collect(b, 'partner_typing');
    for (const bad of [undefined, null, {}, { typing: 'yes' }, { typing: 1 }, [true], 'typing', { typing: true, room_id: roomId }, { typing: true, to: 'x' }]) {
      const args = bad === undefined ? [] : [bad];
      expect(await request<Ack>(a, 'typing', ...args), JSON.stringify(bad)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    }
    expect(await request<Ack>(a, 'typing', { typing: true }, 'extra')).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    await settled(b);
    expect(atB).toEqual([]);
    // The connection stays usable.
    expect(await request<Ack>(a, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
  });

  it('outside a chat there is nobody to tell: NOT_IN_CHAT when idle, waiting, or after the partner left', async () => {
    const idle = await client();
    expect(await request<Ack>(idle.socket, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });

    const waiting = await client();
    await request(waiting.socket, 'join_queue');
    expect(await request<Ack>(waiting.socket, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    await request(waiting.socket, 'leave_queue');

    const { a, b } = await pair();
    const atA = collect(a, 'partner_typing');
    const left = waitFor(a, 'partner_left');
    expect(await request<Ack>(b, 'leave_room_event')).toMatchObject({ ok: true });
    await left;
    expect(await request<Ack>(b, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(await request<Ack>(a, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    await settled(a);
    expect(atA).toEqual([]);
  });

  it('sent without an ack, a refusal is dropped: no error event for the page to show', async () => {
    const idle = await client();
    const errors = received(idle.socket, 'error');
    send(idle.socket, 'typing', { typing: true });
    send(idle.socket, 'typing', { typing: 'nope' });
    send(idle.socket, 'typing');
    await settled(idle.socket);
    expect(errors).toEqual([]);
    // Other events keep answering failures with `error` (the original client's way).
    send(idle.socket, 'send_message', { content: 'x' });
    await eventually(() => expect(errors).toMatchObject([{ code: 'NOT_IN_CHAT' }]));
  });
});

describe('typing budget', () => {
  const clock = new ManualClock();
  const suite = serverSuite({ deps: { clock } });
  const pair = pairOn(suite);

  it(`a connection may send ${TYPING_BURST} at once and about one a second after that; the rest is RATE_LIMITED and not relayed`, async () => {
    const { a, b } = await pair();
    const atB = collect(b, 'partner_typing');
    for (let i = 0; i < TYPING_BURST; i++) expect(await request<Ack>(a, 'typing', { typing: true })).toEqual({ ok: true });
    expect(await request<Ack>(a, 'typing', { typing: false })).toEqual({ ok: false, code: 'RATE_LIMITED', message: expect.any(String), retry_after_ms: 1_000 });
    clock.advance(500);
    expect(await request<Ack>(a, 'typing', { typing: false })).toMatchObject({ ok: false, code: 'RATE_LIMITED', retry_after_ms: 500 });
    clock.advance(500);
    expect(await request<Ack>(a, 'typing', { typing: false })).toEqual({ ok: true });
    await eventually(() => expect(atB).toHaveLength(TYPING_BURST + 1));
    expect(atB.at(-1)).toEqual({ typing: false });
    // The budget is the connection's own: the partner's is untouched.
    expect(await request<Ack>(b, 'typing', { typing: true })).toEqual({ ok: true });
    // Refilled over time, never beyond the burst.
    clock.advance(60_000);
    for (let i = 0; i < TYPING_BURST; i++) expect(await request<Ack>(a, 'typing', { typing: true })).toEqual({ ok: true });
    expect(await request<Ack>(a, 'typing', { typing: true })).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    await settled(b);
    expect(atB).toHaveLength(TYPING_BURST * 2 + 1);
  });
});
