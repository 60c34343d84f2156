/**
 * A block that lands while the two are being matched again. X and Y chatted, the chat ended, X pressed
 * start and waits; Y's join takes X from the queue a moment before X's block arrives. Whatever the
 * interleaving, the two must not end up chatting: the block writes its hold in the queue and then ends a
 * chat of the two it finds both in; the match looks for a block once both are in the room and told, and
 * ends the chat itself if there is one (both then see an ordinary goodbye: the match does not know which
 * of them blocked). Each page is told the end once, after `matched`. Each interleaving is made certain by
 * stopping one call of a seam (helpers/interleave.ts). Before this, every case below left X and Y in a
 * chat X had just blocked.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { MemoryMatchQueue } from '../../src/matching/memory-match-queue.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { connect, eventually, request, waitFor, type TestSocket } from '../helpers/client.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const registry = intercept(new MemoryActivityRegistry());
const queue = intercept(new MemoryMatchQueue());
let repository!: Interceptor<SqlChatRepository>;

const suite = serverSuite(
  {
    deps: (database) => {
      repository = intercept(new SqlChatRepository(database));
      return { registry: registry.proxy, repository: repository.proxy, matchQueue: queue.proxy };
    },
  },
  async ({ server }) => {
    await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0));
  },
);

type Ack = { ok: boolean; status?: string; room_id?: number; code?: string };

/** A connected person whose every server event is logged in order of arrival. */
async function person() {
  const { socket, session } = await connect(suite.url);
  suite.track(socket);
  const events: string[] = [];
  socket.onAny((event: string) => events.push(event));
  return { socket, id: session.user_id, events };
}

/** X and Y chatted (in `room`) and X left; X pressed start again and waits (Y, with `yWaits`). */
async function afterTheirChat(how: 'queue' | 'private' = 'queue', yWaits = false) {
  const x = await person();
  const y = await person();
  let key: string | undefined;
  const met = waitFor(x.socket, 'matched');
  if (how === 'queue') {
    await request(x.socket, 'join_queue');
    await request(y.socket, 'join_queue');
  } else {
    key = (await request<{ key: string }>(x.socket, 'create_private')).key;
    await request(y.socket, 'join_private', { key });
  }
  const room = (await met).room_id;
  // Something to carry over: a private room's history follows `matched` when the two meet there again.
  expect(await request(x.socket, 'send_message', { content: 'hi' })).toMatchObject({ ok: true });
  const yTold = waitFor(y.socket, 'partner_left');
  expect(await request(x.socket, 'leave_room_event')).toMatchObject({ ok: true });
  await yTold;
  const waiter = yWaits ? y : x;
  expect(await request<Ack>(waiter.socket, how === 'queue' ? 'join_queue' : 'join_private', ...(key ? [{ key }] : []))).toMatchObject({ ok: true, status: 'waiting' });
  x.events.length = 0;
  y.events.length = 0;
  return { x, y, room, key };
}

/** Neither is in a chat any more, the new room is closed, and a message from Y reaches nobody. */
async function expectApart(x: { socket: TestSocket; id: string; events: string[] }, y: { socket: TestSocket; id: string }, newRoom: number) {
  await eventually(async () => {
    expect((await registry.proxy.get(x.id))?.kind).not.toBe('chatting');
    expect((await registry.proxy.get(y.id))?.kind).not.toBe('chatting');
    expect((await suite.server.app.repository.getRoom(newRoom))?.isActive).toBe(false);
  });
  expect(await request<Ack>(y.socket, 'send_message', { content: 'hello again' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
  expect(x.events).not.toContain('new_message');
}

/** The page was told `matched`, then exactly one end: `goodbye`, and nothing else that ends a chat. */
async function expectToldOnce(events: string[], goodbye: 'left_room' | 'partner_left') {
  await eventually(() => expect(events).toContain(goodbye));
  const ends = events.filter((e) => e === 'left_room' || e === 'partner_left');
  expect(ends).toEqual([goodbye]);
  expect(events.filter((e) => e === 'matched')).toHaveLength(1);
  expect(events.indexOf('matched')).toBeLessThan(events.indexOf(goodbye));
}

const involves = (...ids: string[]) => (rooms: readonly { user1Id: string; user2Id: string }[] | { user1Id: string; user2Id: string }) =>
  (Array.isArray(rooms) ? rooms : [rooms]).some((r) => ids.includes(r.user1Id) && ids.includes(r.user2Id));

describe('a block that lands while the two are being matched again', () => {
  it.each([
    ['the one waiting blocks the one joining', false],
    ['the one joining blocks the one waiting', true],
  ])('while the new room is being created (%s): the match, once made, looks for the block and ends the chat', async (_, xJoins) => {
    const { x, y, room } = await afterTheirChat('queue', xJoins);
    const creating = repository.hold('createRooms', { when: involves(x.id, y.id) });
    const joinAck = request<Ack>((xJoins ? x : y).socket, 'join_queue');
    await creating.reached;
    expect(await request(x.socket, 'block', { room_id: room })).toMatchObject({ ok: true, blocked: true });
    creating.release();
    const ack = await joinAck;
    expect(ack).toMatchObject({ ok: true, status: 'matched' });

    await expectApart(x, y, ack.room_id!);
    await expectToldOnce(x.events, 'partner_left');
    await expectToldOnce(y.events, 'partner_left');
  });

  it('after the match looked for a block and found none: the block finds the chat and ends it', async () => {
    const { x, y, room } = await afterTheirChat();
    // The match has read "not kept apart", and is stopped before it acts on it.
    const looked = queue.hold('isKeptApart', { when: (a: string, b: string) => a === y.id && b === x.id, at: 'after' });
    const yAck = request<Ack>(y.socket, 'join_queue');
    await looked.reached;
    expect(await request(x.socket, 'block', { room_id: room })).toMatchObject({ ok: true, blocked: true });
    looked.release();
    const ack = await yAck;
    expect(ack).toMatchObject({ ok: true, status: 'matched' });

    await expectApart(x, y, ack.room_id!);
    // The block ended it: the blocker is taken back to the start, the other sees an ordinary goodbye.
    await expectToldOnce(x.events, 'left_room');
    await expectToldOnce(y.events, 'partner_left');
  });

  it('both at once — the block ends the chat it found while the match, having seen the hold, ends it too: it ends once', async () => {
    // X joins and takes Y, who waits; X's block reaches the registry while the match looks for the hold.
    const { x, y, room } = await afterTheirChat('queue', true);
    const looking = queue.hold('isKeptApart', { when: (a: string) => a === x.id });
    const xAck = request<Ack>(x.socket, 'join_queue');
    await looking.reached;
    const ending = registry.hold('release', { when: (userId: string, match: { rev?: number }) => userId === x.id && match.rev !== undefined });
    const blocked = request(x.socket, 'block', { room_id: room });
    await ending.reached;
    looking.release();
    const ack = await xAck;
    ending.release();
    expect(await blocked).toMatchObject({ ok: true, blocked: true });
    expect(ack).toMatchObject({ ok: true, status: 'matched' });

    await expectApart(x, y, ack.room_id!);
    await expectToldOnce(x.events, 'partner_left');
    await expectToldOnce(y.events, 'partner_left');
  });

  it('a message sent in the moment between the block and the end of the new chat reaches nobody', async () => {
    const { x, y, room } = await afterTheirChat();
    // The match has told both `matched` and not yet looked for the hold; the block is about to end the chat.
    const looking = queue.hold('isKeptApart', { when: (a: string) => a === y.id });
    const yAck = request<Ack>(y.socket, 'join_queue');
    await looking.reached;
    const ending = registry.hold('release', { when: (userId: string, match: { rev?: number }) => userId === x.id && match.rev !== undefined });
    const blocked = request(x.socket, 'block', { room_id: room });
    await ending.reached;
    expect(await request<Ack>(y.socket, 'send_message', { content: 'quick, before it ends' })).toMatchObject({ ok: false, code: 'NOT_IN_CHAT' });
    ending.release();
    looking.release();
    expect(await blocked).toMatchObject({ ok: true, blocked: true });
    const ack = await yAck;
    await expectApart(x, y, ack.room_id!);
  });

  it('with X in the new room and Y not yet: the block leaves the half-made match to the match, which ends it once both are in', async () => {
    const { x, y, room } = await afterTheirChat();
    // X, the partner taken from the queue, is in the new room; Y's own move into it is stopped.
    const entering = registry.hold('transition', { when: (userId: string, _from: unknown, to: { kind: string }) => userId === y.id && to.kind === 'chatting' });
    const yAck = request<Ack>(y.socket, 'join_queue');
    await entering.reached;
    expect((await registry.proxy.get(x.id))?.kind).toBe('chatting');
    expect(await request(x.socket, 'block', { room_id: room })).toMatchObject({ ok: true, blocked: true });
    entering.release();
    const ack = await yAck;
    expect(ack).toMatchObject({ ok: true, status: 'matched' });

    // Nobody is left alone in a closed room: both are out of it, each told once, after `matched`.
    await expectApart(x, y, ack.room_id!);
    await expectToldOnce(x.events, 'partner_left');
    await expectToldOnce(y.events, 'partner_left');
  });

  it('in their private room: X waits there again, Y enters it as X’s block arrives — the meeting ends at once', async () => {
    const { x, y, room, key } = await afterTheirChat('private');
    const creating = repository.hold('createRoom', { when: involves(x.id, y.id) });
    const yAck = request<Ack>(y.socket, 'join_private', { key });
    await creating.reached;
    expect(await request(x.socket, 'block', { room_id: room })).toMatchObject({ ok: true, blocked: true });
    creating.release();
    const ack = await yAck;
    expect(ack).toMatchObject({ ok: true, status: 'matched' });

    await expectApart(x, y, ack.room_id!);
    await expectToldOnce(x.events, 'partner_left');
    await expectToldOnce(y.events, 'partner_left');
    // Their history was not sent into the chat that ended.
    expect(y.events).not.toContain('room_history');
    // And the room stays closed to Y.
    expect(await request<Ack>(y.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
