/**
 * Reconnect grace: a lost connection keeps its chat (or its place in the queue) for a while; coming back
 * in time resumes it with every missed message, in order, once.
 */
import { describe, expect, it } from 'vitest';
import { collect, connect, eventually, received, request, waitFor, type TestSocket, chattingPair as pairOf } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const GRACE_MS = 1_500;
const suite = serverSuite({ config: { reconnectGraceMs: GRACE_MS } }, async ({ server }) => {
  await eventually(() => expect(server.app.chat.detachedCount).toBe(0), GRACE_MS * 3);
});

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

/** Drops the transport without a goodbye, as a network loss or a page reload does. */
function loseConnection(socket: TestSocket): void {
  socket.io.engine.close();
}

const chattingPair = () => pairOf(client);

type Ack = { ok: boolean; message?: { id: number; content: string } };

describe('reconnect grace', () => {
  it('a lost connection keeps the chat: the partner is told, and on return every missed message arrives in order, once', async () => {
    const { a, b, roomId } = await chattingPair();
    const before = await request<Ack>(a.socket, 'send_message', { content: 'before' });
    const partnerDisconnected = waitFor(b.socket, 'partner_disconnected');
    loseConnection(a.socket);
    expect(await partnerDisconnected).toMatchObject({ message: '对方连接中断，等待重连…', grace_ms: GRACE_MS });

    for (const content of ['missed 1', 'missed 2', 'missed 3']) {
      expect(await request(b.socket, 'send_message', { content })).toMatchObject({ ok: true });
    }
    const partnerReconnected = waitFor(b.socket, 'partner_reconnected');
    const back = connect(suite.url, { token: a.session.token });
    const again = await back;
    suite.track(again.socket);
    expect(again.session).toMatchObject({ user_id: a.session.user_id, status: 'chatting' });
    const replayed = received(again.socket, 'new_message');
    await eventually(() => expect(replayed.map((m) => m.content)).toEqual(['missed 1', 'missed 2', 'missed 3']));
    expect(replayed.every((m) => m.room_id === roomId && m.id > before.message!.id)).toBe(true);
    await partnerReconnected;

    // Both continue in the same room.
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(again.socket, 'send_message', { content: 'back again' })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ content: 'back again', room_id: roomId });
    expect(replayed.map((m) => m.content)).toEqual(['missed 1', 'missed 2', 'missed 3', 'back again']);
  });

  it('the returning side gets matched {resumed} first, so a client that knows nothing of resuming shows the chat', async () => {
    const { a, roomId } = await chattingPair();
    loseConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const socket = (await connect(suite.url, { token: a.session.token })).socket;
    suite.track(socket);
    const matched = received(socket, 'matched');
    await eventually(() => expect(matched).toEqual([{ room_id: roomId, resumed: true }]));
  });

  it('a client naming its last seen message id gets exactly the messages after it', async () => {
    const { a, b } = await chattingPair();
    const acks: Ack[] = [];
    for (const content of ['one', 'two', 'three']) acks.push(await request<Ack>(b.socket, 'send_message', { content }));
    loseConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const again = await client({ token: a.session.token, lastMessageId: acks[0]!.message!.id });
    const replayed = received(again.socket, 'new_message');
    await eventually(() => expect(replayed.map((m) => m.content)).toEqual(['two', 'three']));
  });

  it('messages sent while the returning side catches up arrive with no gap and no duplicate', async () => {
    const { a, b } = await chattingPair();
    loseConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    for (let i = 0; i < 20; i++) await request(b.socket, 'send_message', { content: `gap ${i}` });
    // Keep sending while A comes back.
    const sending = (async () => {
      for (let i = 20; i < 60; i++) await request(b.socket, 'send_message', { content: `gap ${i}` });
    })();
    const again = await client({ token: a.session.token });
    const messages = received(again.socket, 'new_message');
    await sending;
    await eventually(() => expect(messages).toHaveLength(60));
    expect(messages.map((m) => m.content)).toEqual(Array.from({ length: 60 }, (_, i) => `gap ${i}`));
  });

  it('a replay longer than a page (10,500 missed messages) arrives whole, in order, once', { timeout: 60_000 }, async () => {
    const { a, b, roomId } = await chattingPair();
    // Stored straight into the conversation (as if sent long ago), then the page reloads and asks for all.
    const repository = suite.server.app.repository;
    const total = 10_500;
    for (let start = 0; start < total; start += 500) {
      const batch = Array.from({ length: 500 }, (_, i) => ({ roomId, senderId: b.session.user_id, content: `m${start + i}`, createdAt: new Date() }));
      await repository.appendMessages(batch);
    }
    loseConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const again = await client({ token: a.session.token, lastMessageId: 0 });
    const replayed = received(again.socket, 'new_message');
    await eventually(() => expect(replayed).toHaveLength(total), 30_000, 100);
    expect(replayed.map((m) => m.content)).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    // Nothing more arrives (no page sent twice), and the chat goes on.
    const atA = waitFor(again.socket, 'new_message');
    await request(b.socket, 'send_message', { content: 'after the replay' });
    expect(await atA).toMatchObject({ content: 'after the replay' });
    expect(replayed).toHaveLength(total + 1);
  });

  it('the same page coming back (auth.resume) takes its chat over even before the old connection is seen closing', async () => {
    const { a, b, roomId } = await chattingPair();
    await request(b.socket, 'send_message', { content: 'hello' });
    // The old connection is still open as far as the server knows (a reload racing the close).
    const again = await client({ token: a.session.token, resume: true, lastMessageId: 0 });
    expect(again.session.status).toBe('chatting');
    const matched = received(again.socket, 'matched');
    const replayed = received(again.socket, 'new_message');
    await eventually(() => expect(matched).toEqual([{ room_id: roomId, resumed: true }]));
    await eventually(() => expect(replayed.map((m) => m.content)).toEqual(['hello']));
    await eventually(() => expect(a.socket.connected).toBe(false));
    // Told why, so a page still alive there (a duplicated tab's original) lets go instead of taking it back.
    expect(received(a.socket, 'error')).toEqual([{ code: 'CONTINUED_ELSEWHERE', message: '聊天已在另一个窗口中继续' }]);
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(again.socket, 'send_message', { content: 'took over' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('took over');
    // The retired connection's end does not end the chat.
    expect(collect(b.socket, 'partner_left')).toEqual([]);
  });

  it('auth.resume naming another chat (a tab left behind whose chat ended) does not take the identity’s new chat from its live tab', async () => {
    const { a, b, roomId } = await chattingPair();
    const stale = await client({ token: a.session.token, resume: true, auth: { resume_room: roomId + 1_000 } });
    expect(stale.session.status).toBe('chatting');
    expect(await request(stale.socket, 'send_message', { content: 'x' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    // The live tab keeps its chat, and is told nothing.
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(a.socket, 'send_message', { content: 'still mine' })).toMatchObject({ ok: true });
    expect((await atB).content).toBe('still mine');
    expect(a.socket.connected).toBe(true);
    expect(received(a.socket, 'error')).toEqual([]);
    // Naming its own chat, the same page takes it over as before.
    const same = await client({ token: a.session.token, resume: true, auth: { resume_room: roomId } });
    await eventually(() => expect(received(same.socket, 'matched')).toEqual([{ room_id: roomId, resumed: true }]));
  });

  it('without auth.resume, a second connection of the identity stays a second tab', async () => {
    const { a } = await chattingPair();
    const other = await client({ token: a.session.token });
    expect(other.session.status).toBe('chatting');
    expect(await request(other.socket, 'send_message', { content: 'x' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(a.socket.connected).toBe(true);
  });

  it('if the connection does not come back in time, the partner gets partner_left and can match again', async () => {
    const { a, b, roomId } = await chattingPair();
    const partnerLeft = waitFor(b.socket, 'partner_left', GRACE_MS * 3);
    loseConnection(a.socket);
    expect(await partnerLeft).toMatchObject({ reason: 'disconnected', message: '对方已断开连接' });
    await eventually(async () => expect(await suite.server.app.repository.getRoom(roomId)).toMatchObject({ isActive: false, endReason: 'disconnected' }));
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    // Coming back after the grace: the chat is over.
    const late = await client({ token: a.session.token });
    expect(late.session.status).toBe('idle');
  });

  it('a deliberate disconnect ends the chat at once, without a grace period', async () => {
    const { a, b } = await chattingPair();
    const disconnected = collect(b.socket, 'partner_disconnected');
    const partnerLeft = waitFor(b.socket, 'partner_left', 500);
    a.socket.disconnect();
    expect((await partnerLeft).reason).toBe('disconnected');
    expect(disconnected).toHaveLength(0);
  });

  it('a blip while waiting keeps the place in the queue', async () => {
    const a = await client();
    await request(a.socket, 'join_queue');
    loseConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const again = await client({ token: a.session.token });
    expect(again.session.status).toBe('waiting');
    const b = await client();
    const matched = waitFor(again.socket, 'matched');
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
  });

  it('a frame over the size limit closes only that connection, and the user comes back into the same chat', async () => {
    const { a, b, roomId } = await chattingPair();
    const partnerDisconnected = waitFor(b.socket, 'partner_disconnected');
    a.socket.emit('send_message', { content: 'x'.repeat(20_000) });
    await partnerDisconnected;
    await eventually(() => expect(a.socket.connected).toBe(false));
    // Other users are unaffected.
    const other = await chattingPair();
    expect(await request(other.a.socket, 'send_message', { content: 'fine' })).toMatchObject({ ok: true });
    const again = await client({ token: a.session.token });
    const matched = received(again.socket, 'matched');
    await eventually(() => expect(matched).toEqual([{ room_id: roomId, resumed: true }]));
    expect(await request(again.socket, 'send_message', { content: 'normal size' })).toMatchObject({ ok: true });
  });
});
