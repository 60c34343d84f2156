/**
 * An idle connection keeps nothing of its handshake: engine.io's upgrade response no longer hangs on the
 * TCP socket (its `close` relay kept the response and the handshake request alive: ≈ 1 KB per connection),
 * nor its upgrade `error` listener on the WebSocket, and the handshake's auth, query, URL and time are
 * emptied. Its Socket.IO socket holds two listeners, not one per client event (≈ 0.7 KB per connection:
 * the router in src/realtime/handler.ts).
 */
import { EventEmitter } from 'node:events';
import type { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { releaseUpgradeErrorListener, releaseUpgradeResponse } from '../../src/realtime/upgrade-response.js';
import { connect, eventually } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const suite = serverSuite();

/** The server side's TCP socket of each connection (engine.io's WebSocket transport over ws). */
function tcpSockets(): NetSocket[] {
  return [...suite.server.app.io.of('/').sockets.values()].map((s) => (s.conn as unknown as { transport: { socket: { _socket: NetSocket } } }).transport.socket._socket);
}

const relaysClose = (tcp: NetSocket) => tcp.listeners('close').some((l) => /this\.emit\(["']close["']\)/.test(l.toString()));

describe('the handshake of an idle connection', () => {
  it('leaves no upgrade response on the TCP socket and empties what nobody reads', async () => {
    // A solved challenge may be 4 KB of the handshake's auth: it must not stay with the connection.
    const { socket } = await connect(suite.url, { transports: ['websocket'], lang: 'en', auth: { altcha: 'x'.repeat(3_000) } });
    suite.track(socket);
    await eventually(() => expect(tcpSockets()).toHaveLength(1));
    const tcp = tcpSockets()[0]!;
    expect(tcp.listenerCount('close')).toBeGreaterThan(0);
    expect(relaysClose(tcp)).toBe(false);
    const server = [...suite.server.app.io.of('/').sockets.values()][0]!;
    expect(server.handshake).toMatchObject({ url: '', time: '' });
    // toEqual: an empty object in toMatchObject would match any object.
    expect([server.handshake.headers, server.handshake.query, server.handshake.auth]).toEqual([{}, {}, {}]);
    expect(server.data.lang).toBe('en');
    // Our own close listener on the TCP socket is a plain one: no `once` wrapper (and its state) per connection.
    expect(tcp.rawListeners('close').filter((l) => 'listener' in l)).toEqual([]);
    const websocket = (server.conn as unknown as { transport: { socket: EventEmitter } }).transport.socket;
    expect(websocket.listeners('error').map((l) => l.name)).not.toContain('onUpgradeError');
    expect(websocket.listenerCount('error')).toBeGreaterThan(0);
    expect(server.eventNames().sort()).toEqual(['disconnect', 'error']);
  });

  it('removes engine.io’s upgrade error listener only while another error listener stays', () => {
    const withTransport = (websocket: EventEmitter) => ({ transport: { socket: websocket } });
    function onUpgradeError(): void {}
    const own = () => undefined;
    const websocket = new EventEmitter().on('error', onUpgradeError).on('error', own);
    expect(releaseUpgradeErrorListener(withTransport(websocket))).toBe(true);
    expect(websocket.listeners('error')).toEqual([own]);
    expect(releaseUpgradeErrorListener(withTransport(websocket))).toBe(false);

    const alone = new EventEmitter().on('error', onUpgradeError);
    expect(releaseUpgradeErrorListener(withTransport(alone))).toBe(false);
    expect(alone.listeners('error')).toEqual([onUpgradeError]);
    // A polling transport has no WebSocket.
    expect(releaseUpgradeErrorListener({ transport: {} })).toBe(false);
    expect(releaseUpgradeErrorListener(undefined)).toBe(false);
  });

  it('removes exactly engine.io’s relay, and nothing from a response that is listened to or of another shape', () => {
    class Response extends EventEmitter {
      constructor(readonly socket: EventEmitter) {
        super();
        socket.once("close", () => this.emit("close"));
      }
    }
    const mine = () => undefined;
    const tcp = new EventEmitter();
    tcp.on('close', mine);
    expect(releaseUpgradeResponse(new Response(tcp))).toBe(true);
    expect(tcp.listeners('close')).toEqual([mine]);

    const watched = new Response(new EventEmitter());
    watched.on('close', () => undefined);
    expect(releaseUpgradeResponse(watched)).toBe(false);
    expect(watched.socket.listenerCount('close')).toBe(1);

    const other = new EventEmitter();
    other.once('close', () => console.log('someone else'));
    expect(releaseUpgradeResponse({ socket: other, listenerCount: () => 0 })).toBe(false);
    expect(other.listenerCount('close')).toBe(1);
    expect(releaseUpgradeResponse({})).toBe(false);
  });
});
