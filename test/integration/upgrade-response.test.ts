/**
 * An idle connection keeps nothing of its handshake: engine.io's upgrade response no longer hangs on the
 * TCP socket (its `close` relay kept the response and the handshake request alive: ≈ 1 KB per connection),
 * and the handshake's auth, query, URL and time are emptied.
 */
import { EventEmitter } from 'node:events';
import type { Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { releaseUpgradeResponse } from '../../src/realtime/upgrade-response.js';
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
