/**
 * Interests over real sockets: `join_queue {interests}` (normalised, bad payloads refused), `waiting`
 * with the interests and the fallback time, `matched` with how the pair was made, the fallback after
 * INTEREST_WAIT_MS (on the test's clock) and `widen_search`.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import type { MatchedPayload, WaitingPayload } from '../../src/shared/protocol.js';
import { connect, eventually, request, send, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const WAIT_MS = 10_000;
const clock = new ManualClock();
const registry = intercept(new MemoryActivityRegistry());
const suite = serverSuite({ deps: { clock, registry: registry.proxy }, config: { interestWaitMs: WAIT_MS, closeGraceMs: 0 } }, async ({ server }) => {
  // Every test starts with an empty queue: closed sockets leave it at once.
  await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0));
});

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

type Ack = { ok: boolean; code?: string; status?: string } & Partial<WaitingPayload & MatchedPayload>;
const join = (c: { socket: Parameters<typeof request>[0] }, interests?: unknown) =>
  request<Ack>(c.socket, 'join_queue', ...(interests === undefined ? [] : [{ interests }]));

/** ISO time in the configured zone (Asia/Shanghai), `ms` after the test clock's now. */
const isoIn = (ms: number) => {
  const shanghai = new Date(clock.now().getTime() + ms + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${shanghai}+08:00`;
};

describe('interests: payloads', () => {
  it.each([
    ['not a list', { interests: 'music' }],
    ['not strings', { interests: [1, 2] }],
    ['more than ten', { interests: Array.from({ length: 11 }, (_, i) => `t${i}`) }],
    ['one longer than 32 characters', { interests: ['x'.repeat(33)] }],
    ['an empty one', { interests: [''] }],
    ['a NUL character', { interests: ['a\u0000b'] }],
    ['an unknown field', { interests: ['music'], colour: 'red' }],
    ['null inside', { interests: [null] }],
  ])('join_queue with interests %s answers INVALID_PAYLOAD and the connection stays usable', async (_what, payload) => {
    const a = await client();
    expect(await request(a.socket, 'join_queue', payload)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await join(a, ['music'])).toMatchObject({ ok: true, status: 'waiting' });
  });

  it('widen_search takes no payload; without a wait it answers NOT_WAITING', async () => {
    const a = await client();
    expect(await request(a.socket, 'widen_search', { interests: [] })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request(a.socket, 'widen_search', 'now')).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request(a.socket, 'widen_search')).toMatchObject({ ok: false, code: 'NOT_WAITING', message: expect.any(String) });
    // Without an ack (as a client that never asks for one): the error event.
    const error = waitFor(a.socket, 'error');
    send(a.socket, 'widen_search');
    expect(await error).toMatchObject({ code: 'NOT_WAITING' });
  });

  it('an empty list, or interests that normalise to nothing, join like no interests at all', async () => {
    const a = await client();
    expect(await join(a, [])).toEqual({ ok: true, status: 'waiting', waiting_count: 0 });
    const b = await client();
    const matched = waitFor(b.socket, 'matched');
    expect(await join(b, ['...', '我和你'])).toMatchObject({ ok: true, status: 'matched', match_type: 'random' });
    expect(await matched).toEqual({ room_id: expect.any(Number), match_type: 'random' });
  });
});

describe('interests: matching', () => {
  it('waiting tells the normalised interests and when anyone may be matched (ISO time in the configured zone)', async () => {
    const a = await client();
    const waiting = waitFor(a.socket, 'waiting');
    const ack = await join(a, ['喜欢看电影和打篮球', 'ＲＯＣＫ', 'rock!']);
    const expected = { waiting_count: 0, interests: ['电影', '篮球', 'rock'], fallback_at: isoIn(WAIT_MS) };
    expect(ack).toEqual({ ok: true, status: 'waiting', ...expected });
    expect(await waiting).toEqual({ message: expect.any(String), ...expected });
  });

  it('a shared interest matches at once: both told match_type interests and what they share; the room is stored as such', async () => {
    const a = await client();
    const b = await client();
    await join(a, ['电影', '篮球', 'chess']);
    const aMatched = waitFor(a.socket, 'matched');
    const bMatched = waitFor(b.socket, 'matched');
    const ack = await join(b, ['喜欢打篮球', 'Chess', 'go']);
    expect(ack).toMatchObject({ ok: true, status: 'matched', match_type: 'interests', common_interests: ['篮球', 'chess'] });
    const expected = { room_id: ack.room_id, match_type: 'interests', common_interests: ['篮球', 'chess'] };
    expect(await aMatched).toEqual(expected);
    expect(await bMatched).toEqual(expected);
    const [room] = await suite.server.database.query<{ match_type: string }>('SELECT match_type FROM chat_rooms WHERE id = $1', [ack.room_id]);
    expect(room?.match_type).toBe('interests');
  });

  it('the waiting person sharing the most interests is chosen', async () => {
    const a = await client();
    const b = await client();
    const c = await client();
    await join(a, ['a', 'x']);
    await join(b, ['b', 'y']);
    const bMatched = waitFor(b.socket, 'matched');
    expect(await join(c, ['a', 'b', 'y'])).toMatchObject({ status: 'matched', common_interests: ['b', 'y'] });
    expect((await bMatched).common_interests).toEqual(['b', 'y']);
  });

  it('nobody sharing: the person with interests waits until INTEREST_WAIT_MS, then is matched with anyone (random)', async () => {
    const a = await client();
    const b = await client();
    await join(a, ['chess']);
    // Somebody without interests does not take a person still waiting for a shared one.
    expect(await join(b, undefined)).toMatchObject({ status: 'waiting', waiting_count: 1 });
    const aMatched = waitFor(a.socket, 'matched');
    const bMatched = waitFor(b.socket, 'matched');
    clock.advance(WAIT_MS);
    const [ma, mb] = await Promise.all([aMatched, bMatched]);
    expect(ma).toEqual({ room_id: expect.any(Number), match_type: 'random' });
    expect(mb).toEqual(ma);
  });

  it('after the fallback time with nobody around, the next joiner without interests takes the waiting person', async () => {
    const a = await client();
    await join(a, ['chess']);
    const waitingAgain = waitFor(a.socket, 'waiting');
    clock.advance(WAIT_MS);
    // The fallback came with nobody to match: waiting on, now for anyone (no fallback_at any more).
    expect(await waitingAgain).toEqual({ message: expect.any(String), waiting_count: 0, interests: ['chess'] });
    // Somebody with interests of their own waits for a shared one first; somebody without takes a.
    const b = await client();
    expect(await join(b, ['go'])).toMatchObject({ status: 'waiting', waiting_count: 1 });
    const c = await client();
    expect(await join(c, undefined)).toMatchObject({ status: 'matched', match_type: 'random' });
  });

  it('widen_search: matched with anyone at once if somebody waits, else waiting for anyone from now on', async () => {
    const a = await client();
    const b = await client();
    await join(a, ['chess']);
    await join(b, ['go']);
    const bMatched = waitFor(b.socket, 'matched');
    // a widens: b still waits for a shared interest, so a waits on — for anyone now.
    const waiting = waitFor(a.socket, 'waiting');
    expect(await request(a.socket, 'widen_search')).toEqual({ ok: true, status: 'waiting', waiting_count: 1, interests: ['chess'] });
    expect(await waiting).toMatchObject({ interests: ['chess'] });
    // b widens: a is open, so they are matched at once.
    expect(await request(b.socket, 'widen_search')).toMatchObject({ ok: true, status: 'matched', match_type: 'random' });
    expect((await bMatched).match_type).toBe('random');
    // Widening again once matched is harmless: the chat is answered.
    expect(await request(b.socket, 'widen_search')).toMatchObject({ ok: true, status: 'matched' });
  });

  it('a widen_search still running when the person leaves and waits again widens neither wait', async () => {
    const a = await client();
    expect(await join(a, ['chess'])).toMatchObject({ status: 'waiting' });
    // The widen has read the wait and is about to change it…
    const held = registry.hold('transition');
    const widened = request(a.socket, 'widen_search');
    await held.reached;
    // …when the person cancels and starts again, with the same interest (the page's "Match anyone now",
    // then Cancel and Start before its answer came).
    expect(await request(a.socket, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
    expect(await join(a, ['chess'])).toMatchObject({ status: 'waiting', interests: ['chess'], fallback_at: isoIn(WAIT_MS) });
    held.release();
    expect(await widened).toMatchObject({ ok: false, code: 'NOT_WAITING' });
    // The new wait still waits for a shared interest: somebody without one is not matched with a.
    const b = await client();
    expect(await join(b, undefined)).toMatchObject({ status: 'waiting' });
    const c = await client();
    expect(await join(c, ['Chess'])).toMatchObject({ status: 'matched', match_type: 'interests' });
  });

  it('a widened wait is not undone by its old timer, and nobody is matched twice when it fires', async () => {
    const a = await client();
    const b = await client();
    const c = await client();
    await join(a, ['chess']);
    await request(a.socket, 'widen_search');
    const bMatched = waitFor(b.socket, 'matched');
    await join(b, undefined);
    const room = (await bMatched).room_id;
    await join(c, ['poker']);
    clock.advance(WAIT_MS);
    // c's own fallback fires with nobody open around: it keeps waiting; a and b stay in their chat.
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(1));
    expect(await request(a.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true, message: { room_id: room } });
  });

  it('a new chat joins the queue again with interests as sent (the page sends the same ones)', async () => {
    const a = await client();
    const b = await client();
    await join(a, ['chess']);
    await join(b, ['chess']);
    await request(a.socket, 'leave_room_event');
    expect(await join(a, ['chess'])).toMatchObject({ status: 'waiting', interests: ['chess'], fallback_at: isoIn(WAIT_MS) });
    const matched = waitFor(a.socket, 'matched');
    expect(await join(b, ['Chess'])).toMatchObject({ status: 'matched', match_type: 'interests', common_interests: ['chess'] });
    expect((await matched).common_interests).toEqual(['chess']);
  });

  it('the original client (no payload, no acks) still gets waiting and matched, and people with interests past their wait are its partners', async () => {
    const a = await client();
    await join(a, ['chess']);
    clock.advance(WAIT_MS);
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(1));
    const old = await client();
    const matched = waitFor(old.socket, 'matched');
    send(old.socket, 'join_queue');
    expect(await matched).toEqual({ room_id: expect.any(Number), match_type: 'random' });
  });
});
