/**
 * How long a chat waits for someone whose connection ended depends on how it ended: a tab closed (or
 * reloaded) closes its WebSocket cleanly and gets the short close grace — a reload is back within a second
 * or two, a closed tab is announced within seconds; a network drop (noticed by the heartbeat) keeps the
 * whole reconnect grace period. A client that says when its page goes away (`leave_notice`, as our page
 * does) gets the short grace only after `leaving`: its clean close without it is a network change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const CLOSE_GRACE_MS = 800;
const RECONNECT_GRACE_MS = 10_000;

let server: TestServer;
let proxy: TcpProxy;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startTestServer({
    // A heartbeat quick enough to find a dead connection within the tests' waits, not so quick that a loaded
    // machine (2 cores, two test files at once) drops a live one: the partner's socket has no reconnection.
    config: { pingIntervalMs: 500, pingTimeoutMs: 1_000, reconnectGraceMs: RECONNECT_GRACE_MS, closeGraceMs: CLOSE_GRACE_MS },
  });
  const { port } = new URL(server.url);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await proxy?.close();
  await server?.close();
});

async function chattingPair(aUrl = server.url, aAuth: Record<string, unknown> = {}) {
  const a = await connect(aUrl, { auth: aAuth });
  const b = await connect(server.url);
  sockets.push(a.socket, b.socket);
  const matched = waitFor(b.socket, 'matched');
  await request(a.socket, 'join_queue');
  await request(b.socket, 'join_queue');
  await matched;
  return { a, b };
}

describe('grace after a connection ends', () => {
  it('a partner who closes the tab is announced within the close grace, not the reconnect grace', async () => {
    const { a, b } = await chattingPair();
    const disconnected = waitFor(b.socket, 'partner_disconnected');
    const left = waitFor(b.socket, 'partner_left', CLOSE_GRACE_MS * 4);
    a.socket.io.engine.close(); // a clean WebSocket close, as a closing tab sends
    expect(await disconnected).toMatchObject({ grace_ms: CLOSE_GRACE_MS });
    expect(await left).toMatchObject({ reason: 'disconnected' });
  });

  it('a reload comes back within the close grace and resumes its chat', async () => {
    const { a, b } = await chattingPair();
    a.socket.io.engine.close();
    await waitFor(b.socket, 'partner_disconnected');
    const again = await connect(server.url, { token: a.session.token, resume: true });
    sockets.push(again.socket);
    expect(again.session.status).toBe('chatting');
    const atB = waitFor(b.socket, 'new_message');
    expect(await request(again.socket, 'send_message', { content: 'reloaded' })).toMatchObject({ ok: true });
    expect(await atB).toMatchObject({ content: 'reloaded' });
    await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS * 1.5));
    expect(received(b.socket, 'partner_left')).toEqual([]);
  });

  it('a network drop (no FIN; the heartbeat notices) keeps the whole reconnect grace period', async () => {
    const { b } = await chattingPair(proxy.url);
    const disconnected = waitFor(b.socket, 'partner_disconnected', 5_000);
    proxy.blackhole();
    expect(await disconnected).toMatchObject({ grace_ms: RECONNECT_GRACE_MS });
    await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS * 2));
    expect(received(b.socket, 'partner_left')).toEqual([]);
  });

  describe('a client that says when its page goes away (leave_notice)', () => {
    const LEAVE_NOTICE = { leave_notice: true };

    it('after `leaving`, its clean close is a closed tab: announced within the close grace', async () => {
      const { a, b } = await chattingPair(server.url, LEAVE_NOTICE);
      const disconnected = waitFor(b.socket, 'partner_disconnected');
      const left = waitFor(b.socket, 'partner_left', CLOSE_GRACE_MS * 4);
      // Sent and closed at once, as a closing tab does: the signal and the close frame arrive together.
      a.socket.emit('leaving');
      a.socket.io.engine.close();
      expect(await disconnected).toMatchObject({ grace_ms: CLOSE_GRACE_MS });
      expect(await left).toMatchObject({ reason: 'disconnected' });
    });

    it('a clean close without `leaving` (a network change) keeps the whole reconnect grace, and it comes back', async () => {
      const { a, b } = await chattingPair(server.url, LEAVE_NOTICE);
      const disconnected = waitFor(b.socket, 'partner_disconnected');
      a.socket.io.engine.close();
      expect(await disconnected).toMatchObject({ grace_ms: RECONNECT_GRACE_MS });
      await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS * 2));
      expect(received(b.socket, 'partner_left')).toEqual([]);
      const again = await connect(server.url, { token: a.session.token, resume: true, auth: LEAVE_NOTICE });
      sockets.push(again.socket);
      expect(again.session.status).toBe('chatting');
      const atB = waitFor(b.socket, 'new_message');
      expect(await request(again.socket, 'send_message', { content: 'back on mobile data' })).toMatchObject({ ok: true });
      expect(await atB).toMatchObject({ content: 'back on mobile data' });
    });

    it('`leaving` then a connection the heartbeat finds gone is still a page that went away', async () => {
      // A proxy of its own: the one above stays frozen once blackholed.
      const { port } = new URL(server.url);
      const own = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
      try {
        const { a, b } = await chattingPair(own.url, LEAVE_NOTICE);
        const disconnected = waitFor(b.socket, 'partner_disconnected', 5_000);
        a.socket.emit('leaving');
        // The signal has reached the server (an answered request behind it on the same connection) before the network goes.
        await request(a.socket, 'typing', { typing: false });
        own.blackhole();
        expect(await disconnected).toMatchObject({ grace_ms: CLOSE_GRACE_MS });
      } finally {
        await own.close();
      }
    });
  });
});
