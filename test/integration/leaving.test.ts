import { describe, expect, it } from 'vitest';
import { connect, eventually, matchedPair, request, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite();

async function pair() {
  const p = await matchedPair(suite.url);
  suite.track(p.a, p.b);
  return p;
}

describe('leaving', () => {
  it('partner is told when the other side leaves; the leaver gets left_room; both name the room; it is closed as "left"', async () => {
    const { a, b, roomId } = await pair();
    const leftRoom = waitFor(a, 'left_room');
    const partnerLeft = waitFor(b, 'partner_left');
    expect(await request(a, 'leave_room_event')).toEqual({ ok: true, room_id: roomId });
    expect(await leftRoom).toEqual({ message: '你已离开聊天', room_id: roomId, reason: 'left' });
    expect(await partnerLeft).toEqual({ message: '对方已离开聊天', reason: 'left', room_id: roomId });
    const room = await suite.server.app.repository.getRoom(roomId);
    expect(room).toMatchObject({ isActive: false, endReason: 'left' });
    expect(room!.endedAt).toBeInstanceOf(Date);
  });

  it('after a partner leaves, both can match again at once', async () => {
    const { a, b } = await pair();
    const partnerLeft = waitFor(b, 'partner_left');
    await request(a, 'leave_room_event');
    await partnerLeft;
    const aMatched = waitFor(a, 'matched');
    expect(await request(b, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request(a, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    await aMatched;
  });

  it('partner is told when the other side disconnects, and can match again at once', async () => {
    const { a, b, roomId } = await pair();
    const partnerLeft = waitFor(b, 'partner_left');
    a.close();
    expect(await partnerLeft).toEqual({ message: '对方已断开连接', reason: 'disconnected', room_id: roomId });
    await eventually(async () => expect(await suite.server.app.repository.getRoom(roomId)).toMatchObject({ isActive: false, endReason: 'disconnected' }));
    expect(await request(b, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    const { socket: c } = await connect(suite.url);
    suite.track(c);
    expect(await request(c, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
  });

  it('leave_room_event while waiting cancels the wait (its left_room names no room)', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    await request(socket, 'join_queue');
    const leftRoom = waitFor(socket, 'left_room');
    expect(await request(socket, 'leave_room_event')).toEqual({ ok: true, room_id: null });
    expect(await leftRoom).toEqual({ message: '你已离开聊天' });
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
  });

  it('leave_room_event when idle is NOT_IN_CHAT', async () => {
    const { socket } = await connect(suite.url);
    suite.track(socket);
    expect(await request(socket, 'leave_room_event')).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
  });

  it('texts follow the language the client asks for', async () => {
    const { socket: a } = await connect(suite.url, { lang: 'en' });
    const { socket: b } = await connect(suite.url, { lang: 'en' });
    suite.track(a, b);
    await request(a, 'join_queue');
    await request(b, 'join_queue');
    const partnerLeft = waitFor(b, 'partner_left');
    await request(a, 'leave_room_event');
    expect((await partnerLeft).message).toBe('Your partner left the chat');
  });
});
