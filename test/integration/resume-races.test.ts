/**
 * A chat that ends while its person comes back on a new connection: the goodbye must reach the connection
 * that holds the chat when it ends, and a chat that ended is never announced as resumed. Each interleaving
 * is made certain by stopping one registry call at the worst moment (helpers/interleave.ts).
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry, type ActivityState } from '../../src/chat/activity-registry.js';
import { connect, eventually, received, request, waitFor, type TestSocket, chattingPair as pairOf } from '../helpers/client.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const GRACE_MS = 3_000;
const registry = intercept(new MemoryActivityRegistry());

const suite = serverSuite({ config: { reconnectGraceMs: GRACE_MS, closeGraceMs: GRACE_MS }, deps: { registry: registry.proxy } }, async ({ server }) => {
  await eventually(() => expect(server.app.chat.detachedCount).toBe(0), GRACE_MS * 3);
});

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

const chattingPair = () => pairOf(client);

/** The chat rooms (Socket.IO's) a connection of this server is in. */
function roomsOf(socket: TestSocket): string[] {
  const here = suite.server.app.io.of('/').sockets.get(socket.id!);
  return here ? [...here.rooms].filter((room) => room.startsWith('chat:')) : [];
}

async function lostConnection(socket: TestSocket): Promise<void> {
  socket.io.engine.close();
  await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
}

describe('a chat that ends while its person comes back', () => {
  it('the partner leaves as the person comes back on a new connection: the goodbye reaches the new connection', async () => {
    const { a, b, roomId } = await chattingPair();
    await lostConnection(a.socket);
    // b's leave has read a's chat — held by the lost connection — when a comes back and takes it over.
    const leaveRead = registry.hold('get', { when: (userId: string) => userId === a.session.user_id, at: 'after' });
    const leaving = request(b.socket, 'leave_room_event');
    await leaveRead.reached;
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('chatting');
    const goodbye = waitFor(back.socket, 'partner_left');
    leaveRead.release();
    expect(await leaving).toMatchObject({ ok: true });
    expect(await goodbye).toMatchObject({ reason: 'left', room_id: roomId });
    await eventually(() => expect(roomsOf(back.socket)).toEqual([]));
    expect(await request(back.socket, 'send_message', { content: 'hello?' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
  });

  it('the chat ends between the take-over and its announcement: the session says idle, no matched {resumed} follows, and the connection is in no chat', async () => {
    const { a, b, roomId } = await chattingPair();
    await lostConnection(a.socket);
    // The new connection has taken the chat over (its write is done) and stops there.
    const takenOver = registry.hold('transition', {
      when: (userId: string, _from: unknown, to: ActivityState) => userId === a.session.user_id && to.detached === undefined,
      at: 'after',
    });
    const coming = client({ token: a.session.token });
    await takenOver.reached;
    expect(await request(b.socket, 'leave_room_event')).toMatchObject({ ok: true });
    takenOver.release();
    const back = await coming;
    expect(back.session.status).toBe('idle');
    await eventually(() => expect(received(back.socket, 'partner_left')).toEqual([expect.objectContaining({ reason: 'left', room_id: roomId })]));
    // Time for a stale announcement to arrive, were one sent.
    expect(await request(back.socket, 'send_message', { content: 'hello?' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    expect(received(back.socket, 'matched')).toEqual([]);
    expect(roomsOf(back.socket)).toEqual([]);
  });

  it('a wait taken over is matched before the take-over is announced: the session says chatting, not idle', async () => {
    const a = await client();
    expect(await request(a.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    // The same page comes back (a reload before the server saw the close) and stops once it holds the wait.
    const takenOver = registry.hold('transition', {
      when: (userId: string, _from: unknown, to: ActivityState) => userId === a.session.user_id && to.kind === 'waiting' && to.detached === undefined,
      at: 'after',
    });
    const coming = client({ token: a.session.token, resume: true });
    await takenOver.reached;
    const b = await client();
    expect(await request(b.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    takenOver.release();
    const back = await coming;
    expect(back.session.status).toBe('chatting');
    await eventually(() => expect(received(back.socket, 'matched')).toHaveLength(1));
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(back.socket, 'send_message', { content: 'hi' })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ content: 'hi' });
  });
});
