import { describe, expect, it } from 'vitest';
import { collect, connect, eventually, request, send, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

// A closed connection keeps its place for half a second here, so tests that drop one tidy up quickly.
const suite = serverSuite({ config: { closeGraceMs: 500 } }, async ({ server }) => {
  // Every test starts with an empty queue: closed sockets leave it.
  await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(0));
});

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('matching', () => {
  it('a lone joiner waits, told how many others are waiting (none), then both are matched into the same room', async () => {
    const a = await client();
    const waiting = waitFor(a.socket, 'waiting');
    const ackA = await request(a.socket, 'join_queue');
    expect(ackA).toEqual({ ok: true, status: 'waiting', waiting_count: 0 });
    expect(await waiting).toMatchObject({ waiting_count: 0, message: expect.any(String) });

    const b = await client();
    const aMatched = waitFor(a.socket, 'matched');
    const bMatched = waitFor(b.socket, 'matched');
    const ackB = await request<{ ok: boolean; status: string; room_id: number }>(b.socket, 'join_queue');
    expect(ackB).toMatchObject({ ok: true, status: 'matched', room_id: expect.any(Number) });
    expect((await aMatched).room_id).toBe(ackB.room_id);
    expect((await bMatched).room_id).toBe(ackB.room_id);
  });

  it('the longest waiting is matched first: four waiters, each sharing one interest with every joiner, are taken in the order they came', async () => {
    // Distinct interests keep the waiters from being matched with each other; each joiner shares exactly
    // one interest with every waiter, so only the order of arrival can decide.
    const interests = ['围棋', '篮球', '电影', '摄影'];
    const matched: { room_id: number }[][] = [];
    for (const [i, interest] of interests.entries()) {
      const waiter = await client();
      expect(await request(waiter.socket, 'join_queue', { interests: [interest] })).toMatchObject({ status: 'waiting', waiting_count: i });
      matched.push(collect(waiter.socket, 'matched'));
    }
    for (let k = 0; k < interests.length; k++) {
      const joiner = await client();
      const ack = await request<{ status: string; room_id: number }>(joiner.socket, 'join_queue', { interests });
      expect(ack).toMatchObject({ status: 'matched', match_type: 'interests' });
      // The k+1 who came first are matched, in order, and nobody after them.
      const expected = interests.map((_, i) => (i <= k ? 1 : 0));
      await eventually(() => expect(matched.map((events) => events.length)).toEqual(expected));
      expect(matched[k]![0]!.room_id).toBe(ack.room_id);
    }
  });

  it('the waiting count counts the others in the queue, never the person looking at it', async () => {
    // Two people away (their connections dropped) keep their places; a third joiner sees them, not itself.
    for (let i = 0; i < 2; i++) {
      const away = await connect(suite.url);
      suite.track(away.socket);
      await request(away.socket, 'join_queue');
      away.socket.io.engine.close();
    }
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(2));
    const third = await client();
    expect(await request(third.socket, 'join_queue')).toMatchObject({ status: 'waiting', waiting_count: 2 });
    expect(await request(third.socket, 'join_queue')).toMatchObject({ status: 'waiting', waiting_count: 2 });
  });

  it('a client without acks (the original page) gets waiting and matched events', async () => {
    const a = await client();
    const b = await client();
    const aWaiting = waitFor(a.socket, 'waiting');
    send(a.socket, 'join_queue');
    await aWaiting;
    const bMatched = waitFor(b.socket, 'matched');
    send(b.socket, 'join_queue');
    expect(await bMatched).toEqual({ room_id: expect.any(Number), match_type: 'random' });
  });

  it('clients on HTTP long-polling (the first transport of the original page) match and chat too', async () => {
    const a = await connect(suite.url, { transports: ['polling'] });
    const b = await connect(suite.url, { transports: ['polling', 'websocket'] });
    suite.track(a.socket, b.socket);
    const matched = waitFor(a.socket, 'matched');
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    await matched;
    const atA = waitFor(a.socket, 'new_message');
    await request(b.socket, 'send_message', { content: 'over polling' });
    expect((await atA).content).toBe('over polling');
  });

  it('double join_queue is harmless: still one place in the queue', async () => {
    const a = await client();
    await request(a.socket, 'join_queue');
    const again = await request(a.socket, 'join_queue');
    expect(again).toMatchObject({ ok: true, status: 'waiting', waiting_count: 0 });
    expect(await suite.server.app.liveStats.waitingCount()).toBe(1);
  });

  it('cancelling (leave_queue) leaves the queue, and a later joiner is not matched with the canceller', async () => {
    const a = await client();
    await request(a.socket, 'join_queue');
    expect(await request(a.socket, 'leave_queue')).toEqual({ ok: true, was_waiting: true });
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    const matchedA = collect(a.socket, 'matched');
    const b = await client();
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    expect(matchedA).toHaveLength(0);
  });

  it('a waiting user who disconnects leaves the queue', async () => {
    const a = await client();
    await request(a.socket, 'join_queue');
    a.socket.close();
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(0));
    const b = await client();
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
  });

  it('100 simultaneous joins make 50 pairs: nobody twice, nobody with themself', async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => client()));
    const matched = clients.map((c) => waitFor(c.socket, 'matched', 15_000));
    await Promise.all(clients.map((c) => request(c.socket, 'join_queue')));
    const rooms = await Promise.all(matched);
    const byRoom = new Map<number, string[]>();
    rooms.forEach((m, i) => byRoom.set(m.room_id, [...(byRoom.get(m.room_id) ?? []), clients[i]!.session.user_id]));
    expect(byRoom.size).toBe(50);
    for (const members of byRoom.values()) {
      expect(members).toHaveLength(2);
      expect(members[0]).not.toBe(members[1]);
    }
    for (const [roomId, members] of byRoom) {
      const room = await suite.server.app.repository.getRoom(roomId);
      expect(new Set([room!.user1Id, room!.user2Id])).toEqual(new Set(members));
    }
  });
});
