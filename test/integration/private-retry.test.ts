/**
 * Private rooms when the store fails for a moment, and what is tried again later:
 * - a meeting taken back after its room was made (moving the newcomer failed): the room is closed, and when
 *   that write fails too it is written again later, like any chat's end. Before, it was tried once: the room
 *   stayed "active" for good — the retention purge skips active rooms, and the key with them;
 * - a wait taken over by a new connection (a reload) whose meeting fails: the wait goes on and the meeting
 *   is tried again. Before, the wait was ended, the page told an error, and it went on showing "waiting".
 *   A failure every try would meet again (a constraint) ends it as a closed room (NOT_FOUND), and the page is told.
 * Real server and sockets; the test's clock; a registry and a repository that fail on cue.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry } from '../../src/chat/activity-registry.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { PUT_BACK_RETRY_MS } from '../../src/private/private-rooms.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import { ManualClock } from '../helpers/clock.js';
import { intercept, type Interceptor } from '../helpers/interleave.js';
import { serverSuite } from '../helpers/suite.js';

/** FIRST_RETRY_MS in src/chat/room-closer.ts. */
const FIRST_RETRY_MS = 500;
const clock = new ManualClock();
const registry = intercept(new MemoryActivityRegistry());
let repository!: Interceptor<SqlChatRepository>;
const suite = serverSuite({
  config: { closeGraceMs: 60_000, reconnectGraceMs: 60_000 },
  deps: (database) => {
    repository = intercept(new SqlChatRepository(database));
    return { clock, registry: registry.proxy, repository: repository.proxy };
  },
});

/**
 * A maker whose connection dropped after making a room, a friend who entered it meanwhile and waits there,
 * and the maker back on a new connection — whose meeting with the friend fails once with `failure`.
 */
async function makerBackWhileFriendWaits(failure: Error) {
  const maker = await connect(suite.url);
  suite.track(maker.socket);
  const { key } = await request<{ key: string }>(maker.socket, 'create_private');
  maker.socket.io.engine.close();
  await eventually(() => expect(suite.server.app.chat.detachedCount).toBe(1));
  const friend = await connect(suite.url);
  suite.track(friend.socket);
  expect(await request(friend.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
  const failed = repository.failNext('createRoom', failure);
  const back = await connect(suite.url, { token: maker.session.token });
  suite.track(back.socket);
  await failed;
  return { maker, friend, back };
}

describe('a private meeting taken back', () => {
  it('its room, whose close failed once, is closed at the next try', async () => {
    const maker = await connect(suite.url);
    const friend = await connect(suite.url);
    suite.track(maker.socket, friend.socket);
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    const friendId = friend.session.user_id;
    registry.failNext('transition', new Error('redis away'), { when: (userId: string) => userId === friendId });
    repository.failNext('endRoom', new Error('database away'));
    expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: false });
    const rooms = () => suite.server.database.query<{ is_active: boolean }>("SELECT is_active FROM chat_rooms WHERE match_type = 'private'");
    expect(await rooms()).toEqual([{ is_active: true }]);
    clock.advance(FIRST_RETRY_MS);
    await eventually(async () => expect(await rooms()).toEqual([{ is_active: false }]));
  });

  it('a resumed wait whose meeting fails goes on, and the two meet at the next try', async () => {
    // The maker comes back; opening their chat fails once.
    const { friend, back } = await makerBackWhileFriendWaits(new Error('database away'));
    expect(back.session.status).toBe('waiting');
    expect(received(back.socket, 'error')).toEqual([]);
    const friendMatched = waitFor(friend.socket, 'matched');
    clock.advance(PUT_BACK_RETRY_MS);
    const { room_id: roomId } = await friendMatched;
    await eventually(() => expect(received(back.socket, 'matched')).toEqual([{ room_id: roomId, match_type: 'private' }]));
  });

  it('a resumed wait whose meeting fails for a lasting reason (a constraint) ends, and the page is told, instead of a retry every few seconds for ever', async () => {
    // What PostgreSQL says of a foreign key to a row gone meanwhile (SQLSTATE 23503).
    const lasting = Object.assign(new Error('insert or update on table "chat_rooms" violates foreign key constraint'), { code: '23503' });
    const { maker, friend, back } = await makerBackWhileFriendWaits(lasting);
    // Said as a closed room (the page then leaves the wait): it cannot be entered any more.
    await eventually(() => expect(received(back.socket, 'error')).toMatchObject([{ code: 'NOT_FOUND' }]));
    await eventually(async () => expect(await registry.proxy.get(maker.session.user_id)).toBeUndefined());
    // The friend waiting there is told too: whoever entered, they would meet the same refusal (before, they
    // waited on, never told).
    await eventually(() => expect(received(friend.socket, 'error')).toMatchObject([{ code: 'NOT_FOUND' }]));
    expect(await registry.proxy.get(friend.session.user_id)).toBeUndefined();
    // Not tried again.
    clock.advance(PUT_BACK_RETRY_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received(friend.socket, 'matched')).toEqual([]);
    expect(received(back.socket, 'matched')).toEqual([]);
  });

  it('a lasting database error is INTERNAL_ERROR on create_private, NOT_FOUND on join_private (not "try again")', async () => {
    const maker = await connect(suite.url);
    const friend = await connect(suite.url);
    suite.track(maker.socket, friend.socket);
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    // A constraint every new key and every binding breaks: SQLSTATE 23514 at each try, from the real database.
    const db = suite.server.database;
    await db.query('ALTER TABLE private_keys ADD CONSTRAINT test_no_writes CHECK (user1_id IS NULL) NOT VALID');
    try {
      const other = await connect(suite.url);
      suite.track(other.socket);
      expect(await request(other.socket, 'create_private')).toMatchObject({ ok: false, code: 'INTERNAL_ERROR' });
      expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    } finally {
      await db.query('ALTER TABLE private_keys DROP CONSTRAINT test_no_writes');
    }
    expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
  });

  it('a fresh join_private whose meeting meets a lasting database error is NOT_FOUND, not "try again"; the maker waiting there is told too', async () => {
    const maker = await connect(suite.url);
    const friend = await connect(suite.url);
    suite.track(maker.socket, friend.socket);
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    repository.failNext('createRoom', Object.assign(new Error('relation "chat_rooms" does not exist'), { code: '42P01' }));
    expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // The maker's wait ends the same way (before: put back, waiting for a meeting every try would refuse).
    await eventually(() => expect(received(maker.socket, 'error')).toMatchObject([{ code: 'NOT_FOUND' }]));
    expect(await registry.proxy.get(maker.session.user_id)).toBeUndefined();
    // Once the database takes it again, the key still opens the room: both enter it anew and meet.
    expect(await request(maker.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
    expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
  });

  it('a meeting whose room cannot be linked to its key for good (the key’s row gone): both are told, the room is closed', async () => {
    const maker = await connect(suite.url);
    const friend = await connect(suite.url);
    suite.track(maker.socket, friend.socket);
    const { key } = await request<{ key: string }>(maker.socket, 'create_private');
    // Every link refused by the real database (SQLSTATE 23514), as a foreign key to a purged key's row would be.
    const db = suite.server.database;
    await db.query('ALTER TABLE private_key_rooms ADD CONSTRAINT test_no_links CHECK (room_id < 0) NOT VALID');
    try {
      expect(await request(friend.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      await eventually(() => expect(received(maker.socket, 'error')).toMatchObject([{ code: 'NOT_FOUND' }]));
    } finally {
      await db.query('ALTER TABLE private_key_rooms DROP CONSTRAINT test_no_links');
    }
    expect(await registry.proxy.get(maker.session.user_id)).toBeUndefined();
    expect(received(maker.socket, 'matched')).toEqual([]);
    // The room made for them is closed, not left active.
    const [room] = await db.query<{ ended_at: Date | null }>("SELECT ended_at FROM chat_rooms WHERE match_type = 'private' ORDER BY id DESC LIMIT 1");
    expect(room?.ended_at).not.toBeNull();
  });
});
