/**
 * Staying in touch over real sockets: during a random chat or within the window after it, once both
 * people have asked (`keep_in_touch`), both get the same key (`contact_key {key, room_id}`, naming that
 * chat even when the first to ask is in another by then) and nothing else; the key reunites them with
 * `join_private`, showing the chat where they met. Asks are idempotent: never a second key, and the same
 * key again to one of the two asking on a new connection (away when it was made); a late ask, someone else's chat
 * or a private one are refused; a block — even one acked while the key is being made — leads nowhere; a
 * key that could not be stored is made at the next ask; two asks held at the same moment complete once.
 * Time is the test's.
 */
import { describe, expect, it } from 'vitest';
import type { PrivateRendezvous } from '../../src/private/private-rendezvous.js';
import { MemoryPrivateRendezvous } from '../../src/private/private-rendezvous.js';
import type { ChatMessage } from '../../src/shared/protocol.js';
import { ManualClock } from '../helpers/clock.js';
import { connect, eventually, matchedPair, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { intercept } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

const WINDOW_MS = 120_000;
const clock = new ManualClock();
const rendezvous = intercept<PrivateRendezvous>(new MemoryPrivateRendezvous(clock));
const suite = serverSuite({
  config: { privateRooms: { keyAttemptsPerMin: 10_000, keyAttemptsPerAddressPerMin: 10_000, keepInTouchWindowMs: WINDOW_MS, historyMaxMessages: 1_000 } },
  deps: { clock, privateRendezvous: rendezvous.proxy },
});

type Ack = { ok: boolean; code?: string; status?: string; room_id?: number };
const KEY_FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

async function pair() {
  const p = await matchedPair(suite.url);
  suite.track(p.a, p.b);
  return p;
}

async function client(options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

async function say(from: TestSocket, to: TestSocket, content: string): Promise<ChatMessage> {
  const arrived = waitFor(to, 'new_message');
  const ack = await request<{ ok: boolean; message: ChatMessage }>(from, 'send_message', { content });
  await arrived;
  return ack.message;
}

/** A round trip on each socket, so anything sent to them before has arrived. */
async function settle(...sockets: TestSocket[]): Promise<void> {
  for (const socket of sockets) await request(socket, 'leave_queue');
}

describe('keep_in_touch', () => {
  it('during a random chat: nothing until both have asked, then the same key to both, and only the key and its chat', async () => {
    const { a, b, roomId } = await pair();
    const aKeys = received(a, 'contact_key');
    const bKeys = received(b, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    await settle(a, b);
    expect([aKeys, bKeys]).toEqual([[], []]);
    expect(await request<Ack>(b, 'keep_in_touch', {})).toEqual({ ok: true });
    await eventually(() => expect(aKeys).toHaveLength(1));
    await eventually(() => expect(bKeys).toHaveLength(1));
    expect(aKeys[0]).toEqual({ key: expect.stringMatching(KEY_FORMAT), room_id: roomId });
    expect(bKeys[0]).toEqual(aKeys[0]);
    // Asking again on the same connections changes nothing: no second key, nor the same one twice.
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    await settle(a, b);
    expect([aKeys.length, bKeys.length]).toEqual([1, 1]);
    // The chat goes on.
    await say(a, b, 'still here');
  });

  it('after the chat, within the window (the last chat, or named): the key reunites the two with the chat where they met', async () => {
    const { a, b, aId, roomId } = await pair();
    const met = [await say(a, b, '很高兴认识你'), await say(b, a, 'let us stay in touch')];
    expect(await request<Ack>(b, 'leave_room_event')).toMatchObject({ ok: true });
    clock.advance(WINDOW_MS - 1_000);
    const aKey = waitFor(a, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(b, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    const { key, room_id: keyRoom } = await aKey;
    expect(keyRoom).toBe(roomId);

    // Days later, on new connections of the same two identities.
    clock.advance(3 * 86_400_000);
    const bLater = await client({ token: (await tokenOf(b)) });
    expect(await request<Ack>(bLater.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
    const aLater = await client({ token: (await tokenOf(a)) });
    expect(aLater.session.user_id).toBe(aId);
    const aHistory = received(aLater.socket, 'room_history');
    const matched = waitFor(bLater.socket, 'matched');
    expect(await request<Ack>(aLater.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
    expect((await matched).match_type).toBe('private');
    await eventually(() => expect(aHistory.flatMap((h) => h.messages)).toEqual(met));
    // Bound to the two of them.
    const stranger = await client();
    expect(await request<Ack>(stranger.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('asked in one chat, then New and asked in the next: the key of the first, when its partner asks, names the first chat', async () => {
    // A chat with B; A asks; the chat ends; A presses New and is in a chat with C, asks there too.
    const { a: asker, b: first, roomId: firstRoom } = await pair();
    expect(await request<Ack>(asker, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(first, 'leave_room_event')).toMatchObject({ ok: true });
    const next = await client();
    const nextMatched = waitFor(next.socket, 'matched');
    expect(await request<Ack>(asker, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await request<Ack>(next.socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
    const nextRoom = (await nextMatched).room_id;
    expect(nextRoom).not.toBe(firstRoom);
    expect(await request<Ack>(asker, 'keep_in_touch')).toEqual({ ok: true });

    // Within the window, the first chat's partner asks: its key names the first chat, not the one going on.
    clock.advance(WINDOW_MS - 1_000);
    const askerKeys = received(asker, 'contact_key');
    const firstKey = waitFor(first, 'contact_key');
    expect(await request<Ack>(first, 'keep_in_touch')).toEqual({ ok: true });
    const fromFirst = await firstKey;
    expect(fromFirst).toEqual({ key: expect.stringMatching(KEY_FORMAT), room_id: firstRoom });
    await eventually(() => expect(askerKeys).toEqual([fromFirst]));

    // The next chat's partner asks too: another key, naming the next chat.
    const nextKey = waitFor(next.socket, 'contact_key');
    expect(await request<Ack>(next.socket, 'keep_in_touch')).toEqual({ ok: true });
    const fromNext = await nextKey;
    expect(fromNext).toEqual({ key: expect.stringMatching(KEY_FORMAT), room_id: nextRoom });
    expect(fromNext.key).not.toBe(fromFirst.key);
    await eventually(() => expect(askerKeys).toEqual([fromFirst, fromNext]));
  });

  it('after the window it is refused with KEEP_IN_TOUCH_CLOSED', async () => {
    const { a, b } = await pair();
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(a, 'leave_room_event')).toMatchObject({ ok: true });
    clock.advance(WINDOW_MS + 1);
    expect(await request<Ack>(b, 'keep_in_touch')).toMatchObject({ ok: false, code: 'KEEP_IN_TOUCH_CLOSED', message: '聊天结束太久，已无法保持联系' });
    expect(received(b, 'contact_key')).toEqual([]);
  });

  it('someone else’s chat, no chat at all, or a private chat: NOT_FOUND', async () => {
    const { a } = await pair();
    const other = await pair();
    expect(await request<Ack>(a, 'keep_in_touch', { room_id: other.roomId })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await request<Ack>(a, 'keep_in_touch', { room_id: 9_999_999 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const newcomer = await client();
    expect(await request<Ack>(newcomer.socket, 'keep_in_touch')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const c = await client();
    const created = await request<{ key: string }>(c.socket, 'create_private');
    const d = await client();
    expect(await request<Ack>(d.socket, 'join_private', { key: created.key })).toMatchObject({ status: 'matched' });
    expect(await request<Ack>(d.socket, 'keep_in_touch')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('after a block, asking leads nowhere — and says nothing about it', async () => {
    const { a, b } = await pair();
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(a, 'block')).toMatchObject({ ok: true });
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    await settle(a, b);
    expect([received(a, 'contact_key'), received(b, 'contact_key')]).toEqual([[], []]);
  });

  it('a key that could not be stored is made at the next ask', async () => {
    const { a, b } = await pair();
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    await suite.server.database.query('ALTER TABLE private_keys RENAME TO private_keys_away');
    try {
      expect(await request<Ack>(b, 'keep_in_touch')).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    } finally {
      await suite.server.database.query('ALTER TABLE private_keys_away RENAME TO private_keys');
    }
    const bKey = waitFor(b, 'contact_key');
    const aKey = waitFor(a, 'contact_key');
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    expect(await bKey).toEqual(await aKey);
  });

  it('two asks held at the same moment complete once: one key, to each side once', async () => {
    const { a, b, roomId } = await pair();
    const aKeys = received(a, 'contact_key');
    const bKeys = received(b, 'contact_key');
    // Both asks are stopped before they reach the rendezvous, then let go together.
    const first = rendezvous.hold('askToKeep', { when: (id: number) => id === roomId });
    const second = rendezvous.hold('askToKeep', { when: (id: number) => id === roomId });
    const asks = [request<Ack>(a, 'keep_in_touch'), request<Ack>(b, 'keep_in_touch')];
    await Promise.all([first.reached, second.reached]);
    first.release();
    second.release();
    expect(await Promise.all(asks)).toEqual([{ ok: true }, { ok: true }]);
    await eventually(() => expect([aKeys.length, bKeys.length]).toEqual([1, 1]));
    expect(aKeys[0]).toEqual(bKeys[0]);
    await settle(a, b);
    expect([aKeys.length, bKeys.length]).toEqual([1, 1]);
  });

  it('the first to ask comes back on a new connection before the other asks (a reload, a reconnect): the key reaches it there', async () => {
    const { a, b, aId, roomId } = await pair();
    expect(await request<Ack>(b, 'leave_room_event')).toMatchObject({ ok: true });
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    const token = await tokenOf(a);
    a.disconnect();
    // The chat is over: the new connection holds nothing the server could find it by.
    const aAgain = await client({ token });
    expect(aAgain.session).toMatchObject({ user_id: aId, status: 'idle' });
    const aKey = waitFor(aAgain.socket, 'contact_key');
    const bKey = waitFor(b, 'contact_key');
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    expect(await aKey).toEqual(await bKey);
    expect(await aKey).toMatchObject({ room_id: roomId });
    // Reached there without the ask knowing it: asking on the new connection gives the same key once more,
    // never a second one, and then nothing.
    const more = received(aAgain.socket, 'contact_key');
    expect(await request<Ack>(aAgain.socket, 'keep_in_touch')).toEqual({ ok: true });
    await settle(aAgain.socket, b);
    expect(more).toEqual([await aKey, await aKey]);
    expect(await request<Ack>(aAgain.socket, 'keep_in_touch')).toEqual({ ok: true });
    await settle(aAgain.socket, b);
    expect(more).toHaveLength(2);
  });

  it('the one not connected when the other completes asks again on a new connection (same identity): the same key the other got', async () => {
    const { a, b, bId, roomId } = await pair();
    expect(await request<Ack>(b, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    const token = await tokenOf(b);
    const partnerLeft = waitFor(a, 'partner_left');
    b.disconnect();
    await partnerLeft;
    const aKey = waitFor(a, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    const given = await aKey;
    expect(given).toEqual({ key: expect.stringMatching(KEY_FORMAT), room_id: roomId });

    const bAgain = await client({ token });
    expect(bAgain.session.user_id).toBe(bId);
    const bKeys = received(bAgain.socket, 'contact_key');
    expect(await request<Ack>(bAgain.socket, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    await eventually(() => expect(bKeys).toEqual([given]));
    // Once on that connection.
    expect(await request<Ack>(bAgain.socket, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    await settle(bAgain.socket);
    expect(bKeys).toEqual([given]);
    // Nobody else asking about that chat gets it.
    const stranger = await client();
    const strangerKeys = received(stranger.socket, 'contact_key');
    expect(await request<Ack>(stranger.socket, 'keep_in_touch', { room_id: roomId })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(strangerKeys).toEqual([]);
  });

  it('the key is kept for asking again only until the window after the chat closes: made after the chat, or asked for after it', async () => {
    // Made after the chat ended, halfway through its window.
    const first = await pair();
    expect(await request<Ack>(first.a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(first.b, 'leave_room_event')).toMatchObject({ ok: true });
    clock.advance(WINDOW_MS / 2);
    const madeAfter = waitFor(first.b, 'contact_key');
    expect(await request<Ack>(first.b, 'keep_in_touch', { room_id: first.roomId })).toEqual({ ok: true });
    const afterKey = (await madeAfter).key;
    // Made during the chat; one of the two asks again from a new connection after it ended, within the window.
    const second = await pair();
    const madeDuring = waitFor(second.a, 'contact_key');
    expect(await request<Ack>(second.a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(second.b, 'keep_in_touch')).toEqual({ ok: true });
    const duringKey = (await madeDuring).key;
    const token = await tokenOf(second.b);
    const partnerLeft = waitFor(second.a, 'partner_left');
    second.b.disconnect();
    await partnerLeft;
    const bAgain = await client({ token });
    const again = waitFor(bAgain.socket, 'contact_key');
    expect(await request<Ack>(bAgain.socket, 'keep_in_touch', { room_id: second.roomId })).toEqual({ ok: true });
    expect((await again).key).toBe(duringKey);

    // Both windows closed: asking is refused, and the keys are no longer kept where a new connection would get them.
    clock.advance(WINDOW_MS + 1);
    expect(await request<Ack>(first.a, 'keep_in_touch', { room_id: first.roomId })).toMatchObject({ ok: false, code: 'KEEP_IN_TOUCH_CLOSED' });
    expect(await rendezvous.proxy.askToKeep(first.roomId, first.aId, 'a-new-connection', 60_000)).not.toHaveProperty('key');
    expect(await rendezvous.proxy.askToKeep(first.roomId, first.bId, 'b-new-connection', 60_000)).not.toHaveProperty('key');
    expect(await rendezvous.proxy.askToKeep(second.roomId, second.aId, 'a-new-connection', 60_000)).not.toHaveProperty('key');
    expect([afterKey, duringKey]).toEqual([expect.stringMatching(KEY_FORMAT), expect.stringMatching(KEY_FORMAT)]);
  });

  it('a key made during the chat and not asked for after it is kept only until the window after the chat closes', async () => {
    const { a, b, aId, bId, roomId } = await pair();
    const made = waitFor(a, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(await request<Ack>(b, 'keep_in_touch')).toEqual({ ok: true });
    await made;
    expect(await request<Ack>(a, 'leave_room_event')).toMatchObject({ ok: true });
    // Nobody asks after the chat. Once its window has closed, the key is no longer kept (before: 24 h).
    clock.advance(WINDOW_MS + 1);
    expect(await rendezvous.proxy.askToKeep(roomId, aId, 'a-new-connection', 60_000)).not.toHaveProperty('key');
    expect(await rendezvous.proxy.askToKeep(roomId, bId, 'b-new-connection', 60_000)).not.toHaveProperty('key');
  });

  it('a block acked while the key is being made: neither gets one, now or when asking again, and no key is stored', async () => {
    const { a, b, roomId } = await pair();
    const aKeys = received(a, 'contact_key');
    const bKeys = received(b, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    // b's ask completes and is stopped right after it looked for a block and learned so; a blocks b meanwhile.
    const completing = rendezvous.hold('askToKeep', { when: (id: number) => id === roomId, at: 'after' });
    const bAsk = request<Ack>(b, 'keep_in_touch');
    await completing.reached;
    expect(await request<Ack>(a, 'block')).toMatchObject({ ok: true });
    completing.release();
    expect(await bAsk).toEqual({ ok: true });
    expect(await request<Ack>(b, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    expect(await request<Ack>(a, 'keep_in_touch', { room_id: roomId })).toEqual({ ok: true });
    await settle(a, b);
    expect([aKeys, bKeys]).toEqual([[], []]);
    expect(await suite.server.database.query('SELECT key_hash FROM private_key_rooms WHERE room_id = $1', [roomId])).toEqual([]);
  });

  it('the other asks while the first completion is still making the key: no second key', async () => {
    const { a, b, roomId } = await pair();
    const aKeys = received(a, 'contact_key');
    const bKeys = received(b, 'contact_key');
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    // b's ask completes, and is stopped right after it learned so (before the key is made and sent).
    const completing = rendezvous.hold('askToKeep', { when: (id: number) => id === roomId, at: 'after' });
    const bAsk = request<Ack>(b, 'keep_in_touch');
    await completing.reached;
    expect(await request<Ack>(a, 'keep_in_touch')).toEqual({ ok: true });
    expect(aKeys).toEqual([]);
    completing.release();
    expect(await bAsk).toEqual({ ok: true });
    await eventually(() => expect([aKeys.length, bKeys.length]).toEqual([1, 1]));
    expect(aKeys[0]).toEqual(bKeys[0]);
  });
});

/** The bearer token the server sent this socket in its `session` (for coming back as the same identity). */
async function tokenOf(socket: TestSocket): Promise<string> {
  const sessions = received(socket, 'session');
  await eventually(() => expect(sessions[0]?.token).toBeDefined());
  return sessions[0]!.token!;
}
