/**
 * Interleavings that used to strand people (waiting forever outside the queue) or pair them with a ghost
 * (a partner whose connection is gone). Each is made certain, not lucky, by stopping one call of a seam
 * at the worst moment (helpers/interleave.ts) while the test changes the world around it.
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const GRACE_MS = 1_500;
const registry = intercept(new MemoryActivityRegistry());
let repository!: Interceptor<SqlChatRepository>;

const suite = serverSuite(
  {
    config: { reconnectGraceMs: GRACE_MS, closeGraceMs: GRACE_MS },
    deps: (database) => {
      repository = intercept(new SqlChatRepository(database));
      return { registry: registry.proxy, repository: repository.proxy };
    },
  },
  async ({ server }) => {
    await eventually(() => expect(server.app.chat.detachedCount).toBe(0), GRACE_MS * 3);
    await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0), GRACE_MS * 3);
  },
);

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

/** Closes the transport without a goodbye, as a closed tab, a reload or a network change does. */
function dropConnection(socket: TestSocket): void {
  socket.io.engine.close();
}

const joinAck = (socket: TestSocket) => request<{ ok: boolean; status?: string; room_id?: number; waiting_count?: number; code?: string }>(socket, 'join_queue');

async function chattingPair() {
  const a = await client();
  const b = await client();
  const matched = waitFor(a.socket, 'matched');
  await joinAck(a.socket);
  await joinAck(b.socket);
  return { a, b, roomId: (await matched).room_id };
}

describe('no ghosts: a waiting person whose connection is gone is nobody’s partner', () => {
  it('the next joiner waits instead of being matched with them; back within the grace, they are matched with that joiner', async () => {
    const a = await client();
    await joinAck(a.socket);
    dropConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));

    const b = await client();
    const bMatched = received(b.socket, 'matched');
    // a still holds a place in the queue, so one other person is waiting — but nobody to be matched with.
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'waiting', waiting_count: 1 });
    expect(received(b.socket, 'partner_disconnected')).toEqual([]);

    const back = await client({ token: a.session.token, resume: true });
    expect(back.session.status).toBe('waiting');
    const aMatched = received(back.socket, 'matched');
    await eventually(() => expect(aMatched).toHaveLength(1));
    await eventually(() => expect(bMatched).toEqual(aMatched));
  });
});

describe('nobody is stranded when a match is interrupted', () => {
  it('the caller’s connection drops while its room is being created: the partner waits on and is matched with the next joiner', async () => {
    const a = await client();
    await joinAck(a.socket);
    const aMatched = received(a.socket, 'matched');
    const b = await client();
    const creating = repository.hold('createRooms');
    void joinAck(b.socket).catch(() => undefined); // its answer is lost with the connection
    await creating.reached;
    dropConnection(b.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    creating.release();

    const c = await client();
    const cAck = await joinAck(c.socket);
    expect(cAck).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(aMatched.map((m) => m.room_id)).toEqual([cAck.room_id]));
  });

  it('the same page resumes while its match is being made: it ends up in the chat, not waiting outside the queue', async () => {
    const a = await client();
    await joinAck(a.socket);
    const aMatched = received(a.socket, 'matched');
    const b = await client();
    const creating = repository.hold('createRooms');
    void joinAck(b.socket).catch(() => undefined);
    await creating.reached;
    // A reload: the new connection takes the wait over from the old one, which is retired.
    const b2 = await client({ token: b.session.token, resume: true });
    expect(b2.session.status).toBe('waiting');
    creating.release();

    const b2Matched = received(b2.socket, 'matched');
    await eventually(() => expect(b2Matched).toHaveLength(1));
    await eventually(() => expect(aMatched.map((m) => m.room_id)).toEqual(b2Matched.map((m) => m.room_id)));
    const atA = waitFor(a.socket, 'new_message');
    expect(await request(b2.socket, 'send_message', { content: 'made it' })).toMatchObject({ ok: true });
    expect(await atA).toMatchObject({ content: 'made it' });
  });

  it('reading the partner fails after it was taken from the queue: the partner keeps its place and is matched next', async () => {
    const a = await client();
    await joinAck(a.socket);
    const aMatched = received(a.socket, 'matched');
    registry.failNext('get', new Error('registry unreachable (a Redis blip)'), { when: (userId: string) => userId === a.session.user_id });
    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: false, code: 'MATCHING_UNAVAILABLE' });

    const c = await client();
    const cAck = await joinAck(c.socket);
    expect(cAck).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(aMatched.map((m) => m.room_id)).toEqual([cAck.room_id]));
  });

  it('the partner’s chat ends between its move into the room and the caller’s: the caller waits on, not alone in a closed room', async () => {
    const a = await client();
    await joinAck(a.socket);
    const b = await client();
    const bMatched = received(b.socket, 'matched');
    // a is in the room already; b's own move waits while a leaves (its ender finds b still waiting).
    const moving = registry.hold('transition', { when: (userId: string) => userId === b.session.user_id });
    const bAck = joinAck(b.socket);
    await moving.reached;
    expect(await request(a.socket, 'leave_room_event')).toMatchObject({ ok: true });
    moving.release();
    expect(await bAck).toMatchObject({ ok: true, status: 'waiting' });
    expect(bMatched).toEqual([]);

    const c = await client();
    const cAck = await joinAck(c.socket);
    expect(cAck).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(bMatched.map((m) => m.room_id)).toEqual([cAck.room_id]));
    const atC = waitFor(c.socket, 'new_message');
    expect(await request(b.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    expect(await atC).toMatchObject({ content: 'still here' });
  });

  it('…and the caller’s own connection drops in that moment too: it is let go, not left chatting alone in the closed room', async () => {
    const a = await client();
    await joinAck(a.socket);
    const b = await client();
    const moving = registry.hold('transition', { when: (userId: string) => userId === b.session.user_id });
    void joinAck(b.socket).catch(() => undefined); // its answer is lost with the connection
    await moving.reached;
    expect(await request(a.socket, 'leave_room_event')).toMatchObject({ ok: true });
    // b is moved into the closed room; its look at a (gone) waits while b's connection drops.
    const looking = registry.hold('get', { when: (userId: string) => userId === a.session.user_id, at: 'after' });
    moving.release();
    await looking.reached;
    dropConnection(b.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    looking.release();
    // Let go at once — not only when its grace period ends.
    await eventually(async () => expect(await registry.proxy.get(b.session.user_id)).toBeUndefined(), GRACE_MS / 2);
    const back = await client({ token: b.session.token, resume: true });
    expect(back.session.status).toBe('idle');
  });
});

describe('resuming never leaves a chat without an owner', () => {
  it('a connection that closes while it is being set up hands the chat back to the grace period: the partner is told when it ends', async () => {
    const { a, b } = await chattingPair();
    const partnerLeft = waitFor(b.socket, 'partner_left', GRACE_MS * 4);
    dropConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));

    const setup = registry.hold('get', { when: (userId: string) => userId === a.session.user_id });
    const raw = io(suite.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: a.session.token } });
    await setup.reached;
    const engineId = raw.io.engine.id;
    raw.io.engine.close();
    // The server has seen the transport close before the set-up goes on.
    const engineClients = (suite.server.app.io.engine as unknown as { clients: Record<string, unknown> }).clients;
    await eventually(() => expect(engineId !== undefined && engineId in engineClients).toBe(false));
    setup.release();
    expect(await partnerLeft).toMatchObject({ reason: 'disconnected' });
    raw.close();
  });

  it('the grace period ends just as the person resumes: the resumed chat goes on and the partner is not told it ended', async () => {
    const { a, b, roomId } = await chattingPair();
    const bLeft = received(b.socket, 'partner_left');
    dropConnection(a.socket);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));

    // The expiry reads the detached chat, then stops while the person comes back.
    const expiring = registry.hold('get', { when: (userId: string) => userId === a.session.user_id, at: 'after' });
    await expiring.reached;
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('chatting');
    expiring.release();

    const atB = waitFor(b.socket, 'new_message');
    expect(await request(back.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ content: 'still here', room_id: roomId });
    const atA = waitFor(back.socket, 'new_message');
    expect(await request(b.socket, 'send_message', { content: 'good' })).toMatchObject({ ok: true });
    expect(await atA).toMatchObject({ content: 'good' });
    expect(bLeft).toEqual([]);
    expect(await suite.server.app.repository.getRoom(roomId)).toMatchObject({ isActive: true });
  });
});

describe('a second join while waiting does not leave a queue entry behind', () => {
  it('pressed again while a match for the person is being made: matched once, nobody left in the queue', async () => {
    const a = await client();
    await joinAck(a.socket);
    const aMatched = received(a.socket, 'matched');
    const b = await client();
    // b has taken a from the queue and is creating their room...
    const creating = repository.hold('createRooms');
    const bAck = joinAck(b.socket);
    await creating.reached;
    // ...when a presses start again: their entry is queued again (the match has not reached them yet).
    expect(await joinAck(a.socket)).toMatchObject({ ok: true, status: 'waiting' });
    creating.release();
    expect(await bAck).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(aMatched).toHaveLength(1));
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
  });

  it('pressed again just before being matched, and queued after it: the ack says matched and the entry goes', async () => {
    const a = await client();
    await joinAck(a.socket);
    const aMatched = received(a.socket, 'matched');
    const aWaiting = received(a.socket, 'waiting');
    // a's second join has read "waiting" and stops there...
    const reading = registry.hold('get', { when: (userId: string) => userId === a.session.user_id, at: 'after' });
    const again = joinAck(a.socket);
    await reading.reached;
    // ...while b pairs with a completely.
    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(aMatched).toHaveLength(1));
    reading.release();
    expect(await again).toMatchObject({ ok: true, status: 'matched', room_id: aMatched[0]!.room_id });
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    // Told once that they wait (the first join), never again after the match.
    expect(aWaiting).toHaveLength(1);
  });
});

describe('a connection that ends while its join is under way leaves no wait behind', () => {
  it('the client says goodbye while its wait is being claimed: nobody is left waiting, and the next joiner is not matched with it', async () => {
    const a = await client();
    const claiming = registry.hold('claim', { when: (userId: string) => userId === a.session.user_id });
    void joinAck(a.socket).catch(() => undefined); // its answer is lost with the connection
    await claiming.reached;
    a.socket.disconnect(); // a goodbye: the wait must end at once, not wait for a grace period
    await eventually(async () => expect(await suite.server.app.liveStats.onlineCount()).toBe(0));
    claiming.release();
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(0));

    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'waiting' });
  });

  it('the connection is lost while its wait is being claimed: the wait is kept for the grace period only, and nobody is matched with it meanwhile', async () => {
    const a = await client();
    const claiming = registry.hold('claim', { when: (userId: string) => userId === a.session.user_id });
    void joinAck(a.socket).catch(() => undefined);
    await claiming.reached;
    dropConnection(a.socket);
    await eventually(async () => expect(await suite.server.app.liveStats.onlineCount()).toBe(0));
    claiming.release();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));

    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'waiting' });
    // The grace period runs out: a's wait ends, b waits alone.
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(0), GRACE_MS * 3);
    await eventually(async () => expect(await suite.server.app.liveStats.waitingCount()).toBe(1), GRACE_MS * 3);
  });

  it('the client says goodbye after its join has read its activity, before it claims: nothing is claimed for the closed connection', async () => {
    const a = await client();
    const reading = registry.hold('get', { when: (userId: string) => userId === a.session.user_id, at: 'after' });
    void joinAck(a.socket).catch(() => undefined);
    await reading.reached;
    a.socket.disconnect();
    await eventually(async () => expect(await suite.server.app.liveStats.onlineCount()).toBe(0));
    reading.release();

    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'waiting' });
    // The identity comes back to nothing: no wait was left behind under its name.
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('idle');
    // The refused join reached nobody: it is not counted as somebody already chatting.
    const errors = await suite.server.app.metrics.registry.getSingleMetric('chat_event_errors_total')!.get();
    expect(errors.values.filter((v) => v.labels.code === 'ALREADY_CHATTING')).toEqual([]);
  });

  it('the client says goodbye while the wait in its new private room is being claimed: coming back, it is not waiting there', async () => {
    const a = await client();
    const claiming = registry.hold('claim', { when: (userId: string) => userId === a.session.user_id });
    void request(a.socket, 'create_private').catch(() => undefined);
    await claiming.reached;
    a.socket.disconnect();
    await eventually(async () => expect(await suite.server.app.liveStats.onlineCount()).toBe(0));
    claiming.release();
    // Time for the rest of create_private (the key stored, the room entered) had the claim succeeded.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await registry.proxy.get(a.session.user_id)).toBeUndefined();
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('idle');
  });

  it('the client says goodbye while entering somebody’s private room: the person waiting there is not met by a ghost', async () => {
    const b = await client();
    const created = await request<{ ok: boolean; key?: string }>(b.socket, 'create_private');
    expect(created).toMatchObject({ ok: true });
    const bMatched = received(b.socket, 'matched');

    const a = await client();
    const claiming = registry.hold('claim', { when: (userId: string) => userId === a.session.user_id });
    void request(a.socket, 'join_private', { key: created.key }).catch(() => undefined);
    await claiming.reached;
    a.socket.disconnect();
    await eventually(async () => expect(await suite.server.app.liveStats.onlineCount()).toBe(1));
    claiming.release();

    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('idle');
    expect(bMatched).toEqual([]);
    expect(await request(b.socket, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
  });

  it('the person waiting in a private room leaves between their move into the chat and the caller’s: the caller waits in the room, and they meet when that person comes back', async () => {
    const b = await client();
    const created = await request<{ ok: boolean; key?: string }>(b.socket, 'create_private');
    expect(created).toMatchObject({ ok: true });
    const a = await client();
    const aMatched = received(a.socket, 'matched');
    const moving = registry.hold('transition', { when: (userId: string) => userId === a.session.user_id });
    const aAck = request(a.socket, 'join_private', { key: created.key });
    await moving.reached;
    expect(await request(b.socket, 'leave_room_event')).toMatchObject({ ok: true });
    moving.release();
    expect(await aAck).toMatchObject({ ok: true, status: 'waiting' });
    expect(aMatched).toEqual([]);

    const bAgain = await request<{ ok: boolean; status?: string; room_id?: number }>(b.socket, 'join_private', { key: created.key });
    expect(bAgain).toMatchObject({ ok: true, status: 'matched' });
    await eventually(() => expect(aMatched.map((m) => m.room_id)).toEqual([bAgain.room_id]));
  });
});

describe('a ban or a mute that lands while the person’s join is under way', () => {
  it.each([
    ['banned', 'BANNED'],
    ['muted', 'MUTED'],
  ] as const)('%s: the join is refused once its wait would exist, and nobody is matched with the person', async (kind, code) => {
    const a = await client();
    const sanctioned = waitFor(a.socket, 'sanction');
    const claiming = registry.hold('claim', { when: (userId: string) => userId === a.session.user_id });
    const aAck = joinAck(a.socket);
    await claiming.reached;
    // The sanction reaches this instance (and its eviction finds nothing to end yet) while the claim is on its way.
    await suite.server.app.moderation.issue({ userId: a.session.user_id, networkHash: null, scope: 'identity', kind, reason: 'spam', createdBy: 'admin' });
    expect(await sanctioned).toMatchObject({ kind });
    claiming.release();
    expect(await aAck).toMatchObject({ ok: false, code });

    const b = await client();
    expect(await joinAck(b.socket)).toMatchObject({ ok: true, status: 'waiting' });
    expect(await registry.proxy.get(a.session.user_id)).toBeUndefined();
  });

  it('muted: a wait matched just after the mute read it (before it could end it) — that chat ends, the stranger sees an ordinary goodbye', async () => {
    const m = await client();
    expect(await joinAck(m.socket)).toMatchObject({ ok: true, status: 'waiting' });
    const ending = registry.hold('release', { when: (userId: string) => userId === m.session.user_id });
    await suite.server.app.moderation.issue({ userId: m.session.user_id, networkHash: null, scope: 'identity', kind: 'muted', reason: 'spam', createdBy: 'admin' });
    // The mute's end of the wait has read it, and is held before it frees it; a stranger joins meanwhile.
    await ending.reached;
    const c = await client();
    const goodbye = waitFor(c.socket, 'partner_left');
    expect(await joinAck(c.socket)).toMatchObject({ ok: true, status: 'matched' });
    ending.release();
    expect(await goodbye).toMatchObject({ reason: 'left' });
    await eventually(async () => expect(await registry.proxy.get(m.session.user_id)).toBeUndefined());
    await eventually(async () => expect(await registry.proxy.get(c.session.user_id)).toBeUndefined());
  });
});
