/**
 * Private rooms over real sockets: a key made with `create_private` and shared, `join_private` meeting
 * whoever waits in its room, the same two people reunited later with their earlier conversation
 * (`room_history`, paged and bounded), and every refusal — bad payloads, unknown and malformed keys, a
 * third person, one's own key, another tab, a ban, a block. A private wait and chat keep the rules of
 * random ones: leaving, a lost connection and its return, mutes, reports. Time is the test's (a manual clock).
 */
import { describe, expect, it } from 'vitest';
import { canonicalKey, keyHash } from '../../src/private/private-keys.js';
import type { ChatMessage } from '../../src/shared/protocol.js';
import { ManualClock } from '../helpers/clock.js';
import { connect, eventually, matchedPair, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const HISTORY_MAX = 1_200;
const GRACE_MS = 10_000;
const clock = new ManualClock();
const suite = serverSuite({
  config: {
    reconnectGraceMs: GRACE_MS,
    closeGraceMs: GRACE_MS,
    privateRooms: { keyAttemptsPerMin: 10_000, keyAttemptsPerAddressPerMin: 10_000, keepInTouchWindowMs: 120_000, historyMaxMessages: HISTORY_MAX },
  },
  deps: { clock },
});

type Ack = { ok: boolean; code?: string; key?: string; status?: string; room_id?: number; was_waiting?: boolean; report_id?: number };
type Client = Awaited<ReturnType<typeof connect>>;

const KEY_FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

async function client(options: Parameters<typeof connect>[1] = {}): Promise<Client> {
  const c = await connect(suite.url, options);
  suite.track(c.socket);
  return c;
}

/** A person who made a key and waits in its room. */
/** When the key was last entered, as stored (null: never). */
async function lastUsedOf(key: string): Promise<Date | null> {
  const rows = await suite.server.database.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM private_keys WHERE key_hash = $1', [keyHash(canonicalKey(key)!)]);
  return rows[0]?.last_used_at ?? null;
}

async function creator(): Promise<Client & { key: string }> {
  const c = await client();
  const waiting = waitFor(c.socket, 'waiting');
  const ack = await request<Ack>(c.socket, 'create_private');
  expect(ack).toMatchObject({ ok: true, key: expect.stringMatching(KEY_FORMAT) });
  expect(await waiting).toMatchObject({ private: true, waiting_count: 0 });
  return { ...c, key: ack.key! };
}

/** `b` enters the room `a` waits in: both are told, each on its own connection. */
async function meet(a: TestSocket, b: TestSocket, key: string): Promise<number> {
  const aMatched = waitFor(a, 'matched');
  const bMatched = waitFor(b, 'matched');
  const ack = await request<Ack>(b, 'join_private', { key });
  expect(ack).toMatchObject({ ok: true, status: 'matched', room_id: expect.any(Number) });
  expect(await aMatched).toEqual({ room_id: ack.room_id, match_type: 'private' });
  expect(await bMatched).toEqual({ room_id: ack.room_id, match_type: 'private' });
  return ack.room_id!;
}

async function say(from: TestSocket, to: TestSocket, content: string): Promise<ChatMessage> {
  const arrived = waitFor(to, 'new_message');
  const ack = await request<{ ok: boolean; message: ChatMessage }>(from, 'send_message', { content });
  expect(ack.ok).toBe(true);
  await arrived;
  return ack.message;
}

/** Every message of the `room_history` events a socket has had, in the order received. */
function history(socket: TestSocket): () => ChatMessage[] {
  const events = received(socket, 'room_history');
  return () => events.flatMap((e) => e.messages);
}

async function leave(socket: TestSocket): Promise<void> {
  expect(await request<Ack>(socket, 'leave_room_event')).toMatchObject({ ok: true });
}

describe('create_private and join_private', () => {
  it('the creator waits in the room (not in the queue) with a readable key; whoever enters it meets them, and they chat', async () => {
    const a = await creator();
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    const b = await client();
    const roomId = await meet(a.socket, b.socket, a.key);
    const room = await suite.server.app.repository.getRoom(roomId);
    expect(room).toMatchObject({ user1Id: a.session.user_id, user2Id: b.session.user_id, matchType: 'private', isActive: true });
    await say(a.socket, b.socket, 'hi from a');
    await say(b.socket, a.socket, 'hi from b');
    // A first meeting has nothing earlier to show.
    expect(received(a.socket, 'room_history')).toEqual([]);
    expect(received(b.socket, 'room_history')).toEqual([]);
  });

  it('only the key’s hash is stored, never the key itself', async () => {
    const a = await creator();
    const rows = await suite.server.database.query<{ key_hash: string; user1_id: string; user2_id: string | null; origin: string }>(
      'SELECT key_hash, user1_id, user2_id, origin FROM private_keys WHERE user1_id = $1',
      [a.session.user_id],
    );
    expect(rows).toEqual([{ key_hash: keyHash(canonicalKey(a.key)!), user1_id: a.session.user_id, user2_id: null, origin: 'created' }]);
    const dump = JSON.stringify(await suite.server.database.query('SELECT * FROM private_keys'));
    expect(dump).not.toContain(a.key.replaceAll('-', ''));
    expect(dump).not.toContain(a.key);
  });

  it('entering a key records when it was last used (the retention purge keeps a key in use)', async () => {
    const a = await creator();
    const lastUsed = () => lastUsedOf(a.key);
    expect(await lastUsed()).toBeNull();
    const b = await client();
    expect(await request(b.socket, 'join_private', { key: a.key })).toMatchObject({ ok: true, status: 'matched' });
    expect(await lastUsed()).toBeInstanceOf(Date);
  });

  it('a key is typed forgivingly: case, spaces and missing dashes do not matter, nor O for 0 or I/L for 1', async () => {
    const a = await creator();
    const typed = a.key.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l');
    const b = await client();
    await meet(a.socket, b.socket, `  ${typed} `);
  });

  it('the later visit reunites the same two, whoever comes first, and replays their earlier conversation before the new one', async () => {
    const a = await creator();
    const b = await client();
    const firstRoom = await meet(a.socket, b.socket, a.key);
    const earlier = [await say(a.socket, b.socket, '第一次见面'), await say(b.socket, a.socket, '<b>nice</b> to meet you'), await say(a.socket, b.socket, 'bye')];
    await leave(b.socket);

    // b comes back first this time and waits; a enters and meets b.
    const bWaiting = waitFor(b.socket, 'waiting');
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
    expect(await bWaiting).toMatchObject({ private: true });
    const aHistory = history(a.socket);
    const bHistory = history(b.socket);
    const secondRoom = await meet(b.socket, a.socket, a.key);
    expect(secondRoom).not.toBe(firstRoom);
    await eventually(() => expect(aHistory()).toHaveLength(3));
    await eventually(() => expect(bHistory()).toHaveLength(3));
    // The same messages, in the same shape as live ones (their own room, sender and time).
    expect(aHistory()).toEqual(earlier);
    expect(bHistory()).toEqual(earlier);
    expect(received(a.socket, 'room_history').at(-1)?.room_id).toBe(secondRoom);

    const later = await say(b.socket, a.socket, 'again');
    await leave(a.socket);
    // A third meeting replays both earlier conversations.
    const third = await client({ token: a.session.token });
    const bAgain = waitFor(b.socket, 'waiting');
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toMatchObject({ ok: true, status: 'waiting' });
    await bAgain;
    const thirdHistory = history(third.socket);
    await meet(b.socket, third.socket, a.key);
    await eventually(() => expect(thirdHistory()).toEqual([...earlier, later]));

    // A page reloaded during the chat (resuming from the start) gets the earlier conversation again: before,
    // only the current chat came back, and what came before was gone from the screen.
    third.socket.io.engine.close();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const reloaded = await client({ token: a.session.token, lastMessageId: 0 });
    const reloadedHistory = history(reloaded.socket);
    await eventually(() => expect(reloadedHistory()).toEqual([...earlier, later]));
    // A connection that comes back with what it had (not from the start) is not sent it again.
    reloaded.socket.io.engine.close();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const back = await client({ token: a.session.token, lastMessageId: later.id });
    await eventually(() => expect(received(back.socket, 'matched')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received(back.socket, 'room_history')).toEqual([]);
  });

  it('the replay is bounded (the latest PRIVATE_HISTORY_MAX_MESSAGES) and paged by 500, erased messages left out', async () => {
    const a = await creator();
    const b = await client();
    const firstRoom = await meet(a.socket, b.socket, a.key);
    await leave(a.socket);
    // 1,300 earlier messages, the first 20 of which were erased by their sender.
    await suite.server.database.query(
      `INSERT INTO messages (room_id, sender_id, content, created_at, erased_at, erased_by)
       SELECT $1, CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END, 'old ' || i, now(), CASE WHEN i > 1280 THEN now() END, CASE WHEN i > 1280 THEN 'sender' END
       FROM generate_series(1, 1300) AS i`,
      [firstRoom, a.session.user_id, b.session.user_id],
    );
    expect(await request<Ack>(a.socket, 'join_private', { key: a.key })).toMatchObject({ status: 'waiting' });
    const pages = received(b.socket, 'room_history');
    await meet(a.socket, b.socket, a.key);
    await eventually(() => expect(pages.flatMap((p) => p.messages)).toHaveLength(HISTORY_MAX));
    expect(pages.map((p) => p.messages.length)).toEqual([500, 500, 200]);
    const contents = pages.flatMap((p) => p.messages.map((m) => m.content));
    expect(contents[0]).toBe('old 81');
    expect(contents.at(-1)).toBe('old 1280');
  });

  it('waits again in the same place when the same connection enters its room twice', async () => {
    const a = await creator();
    expect(await request<Ack>(a.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
    const b = await client();
    await meet(a.socket, b.socket, a.key);
  });
});

describe('refusals', () => {
  it.each([
    ['no payload', undefined],
    ['no key', {}],
    ['a number', { key: 12345678 }],
    ['an empty key', { key: '' }],
    ['a key too long', { key: 'A'.repeat(65) }],
    ['another field', { key: 'ABCD-EFGH-JKMN-PQRS', room_id: 1 }],
    ['a NUL', { key: 'ABCD\u0000EFGH' }],
  ])('join_private with %s is INVALID_PAYLOAD, and the connection stays usable', async (_name, payload) => {
    const c = await client();
    expect(await request<Ack>(c.socket, 'join_private', payload)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request<Ack>(c.socket, 'create_private')).toMatchObject({ ok: true });
  });

  it('create_private with a payload and keep_in_touch with a bad room id are INVALID_PAYLOAD', async () => {
    const c = await client();
    expect(await request<Ack>(c.socket, 'create_private', { key: 'mine' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request<Ack>(c.socket, 'keep_in_touch', { room_id: 'x' })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
    expect(await request<Ack>(c.socket, 'keep_in_touch', { room_id: -1 })).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
  });

  it('a wrong key and something that cannot be a key are NOT_FOUND alike; nothing is claimed', async () => {
    const c = await client();
    for (const key of ['ABCD-EFGH-JKMN-PQRS', 'hello', 'ABCD-EFGH-JKMN-PQR', 'UUUU-UUUU-UUUU-UUUU']) {
      expect(await request<Ack>(c.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND', message: '找不到这次聊天' });
    }
    // Not waiting anywhere: a random join goes through.
    expect(await request<Ack>(c.socket, 'join_queue')).toMatchObject({ ok: true });
  });

  it('a third person is refused with NOT_FOUND once the key has its two, whether or not someone waits', async () => {
    const a = await creator();
    const b = await client();
    await meet(a.socket, b.socket, a.key);
    const c = await client();
    expect(await request<Ack>(c.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    await leave(a.socket);
    expect(await request<Ack>(a.socket, 'join_private', { key: a.key })).toMatchObject({ status: 'waiting' });
    expect(await request<Ack>(c.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const [row] = await suite.server.database.query<{ user2_id: string }>('SELECT user2_id FROM private_keys WHERE user1_id = $1', [a.session.user_id]);
    expect(row?.user2_id).toBe(b.session.user_id);
  });

  it('one’s own key never meets oneself: another tab is ALREADY_CHATTING, and after leaving the creator just waits again', async () => {
    const a = await creator();
    const otherTab = await client({ token: a.session.token });
    expect(await request<Ack>(otherTab.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    expect(await request<Ack>(a.socket, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
    expect(await request<Ack>(otherTab.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
    expect(received(otherTab.socket, 'matched')).toEqual([]);
  });

  it('while waiting or chatting, create_private, join_private and join_queue are ALREADY_CHATTING', async () => {
    const a = await creator();
    const other = await creator();
    expect(await request<Ack>(a.socket, 'create_private')).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    expect(await request<Ack>(a.socket, 'join_private', { key: other.key })).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    expect(await request<Ack>(a.socket, 'join_queue')).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
    const b = await client();
    await meet(a.socket, b.socket, a.key);
    expect(await request<Ack>(b.socket, 'create_private')).toMatchObject({ ok: false, code: 'ALREADY_CHATTING' });
  });

  it('a banned person can neither create nor join; a ban while waiting ends the wait and gives up the place', async () => {
    const a = await creator();
    const b = await client();
    const banned = waitFor(a.socket, 'sanction');
    await suite.server.app.moderation.issue({ userId: a.session.user_id, networkHash: null, scope: 'identity', kind: 'banned', reason: 'test', createdBy: 'admin' });
    await banned;
    expect(await request<Ack>(a.socket, 'create_private')).toMatchObject({ ok: false, code: 'BANNED' });
    expect(await request<Ack>(a.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'BANNED' });
    expect(await request<Ack>(a.socket, 'keep_in_touch')).toMatchObject({ ok: false, code: 'BANNED' });
    // Nobody waits in the room any more: b waits there instead of meeting a.
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
  });
});

describe('a private chat keeps the rules of random ones', () => {
  it('leave_queue ends a private wait and gives up its place', async () => {
    const a = await creator();
    expect(await request<Ack>(a.socket, 'leave_queue')).toMatchObject({ ok: true, was_waiting: true });
    const b = await client();
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
  });

  it('a lost connection keeps the wait: the other person waits meanwhile, and the two meet when it comes back', async () => {
    const a = await creator();
    a.socket.io.engine.close();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const b = await client();
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
    const bMatched = waitFor(b.socket, 'matched');
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('waiting');
    const { room_id } = await bMatched;
    await eventually(() => expect(received(back.socket, 'matched')).toEqual([{ room_id, match_type: 'private' }]));
    await say(back.socket, b.socket, 'I am back');
  });

  it('coming back to a wait in a private room counts as using its key (the retention purge keeps it)', async () => {
    const a = await creator();
    const lastUsed = () => lastUsedOf(a.key);
    expect(await lastUsed()).toBeNull();
    a.socket.io.engine.close();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    const back = await client({ token: a.session.token });
    expect(back.session.status).toBe('waiting');
    await eventually(async () => expect(await lastUsed()).toBeInstanceOf(Date));
  });

  it('a wait whose connection never comes back ends after the grace period, and gives up its place', async () => {
    const a = await creator();
    a.socket.io.engine.close();
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
    clock.advance(GRACE_MS + 1);
    await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(0));
    const b = await client();
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toEqual({ ok: true, status: 'waiting' });
  });

  it('a private chat resumes after a lost connection, said to be private, with the missed messages', async () => {
    const a = await creator();
    const b = await client();
    const roomId = await meet(a.socket, b.socket, a.key);
    a.socket.io.engine.close();
    await waitFor(b.socket, 'partner_disconnected');
    expect(await request<Ack>(b.socket, 'send_message', { content: 'while you were away' })).toMatchObject({ ok: true });
    const back = await client({ token: a.session.token });
    await eventually(() => expect(received(back.socket, 'matched')).toEqual([{ room_id: roomId, resumed: true, match_type: 'private' }]));
    await eventually(() => expect(received(back.socket, 'new_message').map((m) => m.content)).toContain('while you were away'));
  });

  it('mutes, the message rules and reports apply in a private chat', async () => {
    const a = await creator();
    const b = await client();
    const roomId = await meet(a.socket, b.socket, a.key);
    expect(await request<Ack>(a.socket, 'send_message', { content: 'x'.repeat(501) })).toMatchObject({ ok: false, code: 'MESSAGE_TOO_LONG' });
    const message = await say(b.socket, a.socket, 'something rude');
    const report = await request<Ack>(a.socket, 'report', { reason: 'harassment', message_ids: [message.id] });
    expect(report).toMatchObject({ ok: true, report_id: expect.any(Number) });
    const [row] = await suite.server.database.query<{ room_id: string | number }>('SELECT room_id FROM reports WHERE id = $1', [report.report_id]);
    expect(Number(row?.room_id)).toBe(roomId);
    const muted = waitFor(b.socket, 'sanction');
    await suite.server.app.moderation.issue({ userId: b.session.user_id, networkHash: null, scope: 'identity', kind: 'muted', reason: 'test', createdBy: 'admin' });
    await muted;
    expect(await request<Ack>(b.socket, 'send_message', { content: 'still here?' })).toMatchObject({ ok: false, code: 'MUTED' });
  });

  it('a block ends the private chat and closes the room for good, for both of them', async () => {
    const a = await creator();
    const b = await client();
    await meet(a.socket, b.socket, a.key);
    const partnerLeft = waitFor(a.socket, 'partner_left');
    expect(await request<Ack>(b.socket, 'block')).toMatchObject({ ok: true });
    expect(await partnerLeft).toMatchObject({ reason: 'left' });
    expect(await request<Ack>(a.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await request<Ack>(b.socket, 'join_private', { key: a.key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('someone the key’s maker has blocked is refused as an unknown key is, and takes no place in it: the friend it was made for still gets in', async () => {
    const { a: maker, b: blocked } = await matchedPair(suite.url);
    suite.track(maker, blocked);
    expect(await request<Ack>(maker, 'block')).toMatchObject({ ok: true });
    const created = await request<Ack>(maker, 'create_private');
    expect(created).toMatchObject({ ok: true, key: expect.stringMatching(KEY_FORMAT) });
    const refused = await request<Ack>(blocked, 'join_private', { key: created.key });
    expect(refused).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(refused).toEqual(await request<Ack>(blocked, 'join_private', { key: '0000-0000-0000-0000' }));
    const hash = keyHash(canonicalKey(created.key!)!);
    expect(await suite.server.database.query('SELECT user2_id FROM private_keys WHERE key_hash = $1', [hash])).toEqual([{ user2_id: null }]);
    const friend = await client();
    await meet(maker, friend.socket, created.key!);
    expect(await request<Ack>(blocked, 'join_private', { key: created.key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('leaving a private chat tells the partner as any chat does', async () => {
    const a = await creator();
    const b = await client();
    await meet(a.socket, b.socket, a.key);
    const partnerLeft = waitFor(a.socket, 'partner_left');
    await leave(b.socket);
    expect(await partnerLeft).toMatchObject({ reason: 'left', message: '对方已离开聊天' });
  });
});
