/**
 * A ban that comes while a person's connection is away: a ban by network finds no connection of theirs
 * to tell and no one to evict, so the chat or wait kept for their grace period must end when they come
 * back on it — not be resumed. Real server, real sockets; client addresses through a trusted proxy header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkOf } from '../../src/http/client-address.js';
import { createNetworkHasher } from '../../src/privacy/network-hash.js';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../helpers/server.js';

const GRACE_MS = 10_000;

describe('a ban by network while the connection is away', () => {
  let server: TestServer;
  const sockets: TestSocket[] = [];
  let lastOctet = 10;
  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: ['127.0.0.1'], reconnectGraceMs: GRACE_MS } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  /** A person on a network of their own (a new address each), or on `address` when given. */
  async function person(options: { address?: string; token?: string } = {}) {
    const address = options.address ?? `203.0.113.${lastOctet++}`;
    const c = await connect(server.url, { extraHeaders: { 'x-forwarded-for': address }, ...(options.token ? { token: options.token } : {}) });
    sockets.push(c.socket);
    return { ...c, address };
  }

  const banNetwork = (userId: string, address: string) =>
    server.app.moderation.issue({
      userId,
      networkHash: createNetworkHasher(TEST_SECRET)(networkOf(address)),
      scope: 'address',
      kind: 'banned',
      reason: 'test: banned by network',
      createdBy: 'admin',
    });

  it('a chat kept for the grace period ends when the banned person comes back: not resumed, the partner told goodbye', async () => {
    const [a, b] = [await person(), await person()];
    const matched = waitFor(a.socket, 'matched');
    await request(a.socket, 'join_queue');
    await request(b.socket, 'join_queue');
    const { room_id: roomId } = await matched;
    const away = waitFor(b.socket, 'partner_disconnected');
    a.socket.io.engine.close();
    await away;
    await banNetwork(a.session.user_id, a.address);
    const goodbye = waitFor(b.socket, 'partner_left');

    const back = await person({ address: a.address, token: a.session.token });
    const resumed = received(back.socket, 'matched');
    expect(back.session).toMatchObject({ user_id: a.session.user_id, status: 'idle' });
    await eventually(() => expect(received(back.socket, 'sanction')).toEqual([expect.objectContaining({ kind: 'banned' })]));
    expect(await goodbye).toMatchObject({ reason: 'left', room_id: roomId });
    await eventually(async () => {
      const [room] = await server.database.query<{ is_active: boolean }>('SELECT is_active FROM chat_rooms WHERE id = $1', [roomId]);
      expect(room?.is_active).toBe(false);
    });
    expect(resumed).toEqual([]);
    expect(await request(back.socket, 'send_message', { content: 'still here?' })).toMatchObject({ ok: false, code: 'BANNED' });
  });

  it('a wait kept for the grace period ends when the banned person comes back: nobody is matched with them', async () => {
    const a = await person();
    expect(await request(a.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    a.socket.io.engine.close();
    await eventually(() => expect(server.app.chat.detachedCount).toBe(1));
    await banNetwork(a.session.user_id, a.address);

    const back = await person({ address: a.address, token: a.session.token });
    expect(back.session).toMatchObject({ status: 'idle' });
    await eventually(() => expect(server.app.chat.detachedCount).toBe(0));
    const c = await person();
    expect(await request(c.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    expect(received(back.socket, 'matched')).toEqual([]);
  });
});
