/**
 * RECONNECT_GRACE_MS=0: no grace at all. A connection that ends, however it ends (a closed tab, a lost
 * network), ends its chat at once — the partner gets partner_left, never partner_disconnected — and
 * gives up its place in the queue; coming back finds nothing to resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { collect, connect, eventually, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

// As an operator sets it: from the environment, so the close grace derived from it (CLOSE_GRACE_MS is
// capped by RECONNECT_GRACE_MS) is the real one, not a test's own pick.
const fromEnv = loadConfig({ RECONNECT_GRACE_MS: '0', PING_INTERVAL_MS: '200', PING_TIMEOUT_MS: '200' });
/**
 * How soon partner_left must come once the server sees the connection end (the default graces are 4 s for
 * a closed connection, 20 s for a lost one). Any grace at all also sends partner_disconnected first.
 */
const PROMPTLY_MS = 3_000;

let server: TestServer;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  const { reconnectGraceMs, closeGraceMs, pingIntervalMs, pingTimeoutMs } = fromEnv;
  server = await startTestServer({ config: { reconnectGraceMs, closeGraceMs, pingIntervalMs, pingTimeoutMs } });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

async function client(url = server.url, options: Parameters<typeof connect>[1] = {}) {
  const c = await connect(url, options);
  sockets.push(c.socket);
  return c;
}

async function chattingPair(aUrl = server.url) {
  const a = await client(aUrl);
  const b = await client();
  const matched = waitFor(b.socket, 'matched');
  await request(a.socket, 'join_queue');
  await request(b.socket, 'join_queue');
  const { room_id } = await matched;
  return { a, b, roomId: room_id };
}

describe('RECONNECT_GRACE_MS=0', () => {
  it('is read with the close grace capped to it', () => {
    expect(fromEnv).toMatchObject({ reconnectGraceMs: 0, closeGraceMs: 0 });
  });

  it('a connection closed without a goodbye ends its chat at once: partner_left, no partner_disconnected, nothing to resume', async () => {
    const { a, b, roomId } = await chattingPair();
    const disconnected = collect(b.socket, 'partner_disconnected');
    const left = waitFor(b.socket, 'partner_left', PROMPTLY_MS);
    a.socket.io.engine.close(); // the transport goes, as when a tab closes or reloads (no Socket.IO disconnect)
    expect(await left).toMatchObject({ reason: 'disconnected' });
    expect(disconnected).toEqual([]);
    await eventually(async () => expect(await server.app.repository.getRoom(roomId)).toMatchObject({ isActive: false, endReason: 'disconnected' }));
    expect(server.app.chat.detachedCount).toBe(0);
    const back = await client(server.url, { token: a.session.token, resume: true });
    expect(back.session.status).toBe('idle');
  });

  it('a lost network (no FIN; the heartbeat notices) ends the chat as soon as it is noticed', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    try {
      const { b } = await chattingPair(proxy.url);
      const disconnected = collect(b.socket, 'partner_disconnected');
      // Noticed after ping interval + ping timeout (400 ms here).
      const left = waitFor(b.socket, 'partner_left', 400 + PROMPTLY_MS);
      proxy.blackhole();
      expect(await left).toMatchObject({ reason: 'disconnected' });
      expect(disconnected).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a waiting connection that drops leaves the queue at once, and comes back idle', async () => {
    const a = await client();
    expect(await request(a.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    expect(await server.app.liveStats.waitingCount()).toBe(1);
    a.socket.io.engine.close();
    await eventually(async () => expect(await server.app.liveStats.waitingCount()).toBe(0), PROMPTLY_MS);
    const back = await client(server.url, { token: a.session.token, resume: true });
    expect(back.session.status).toBe('idle');
  });
});
