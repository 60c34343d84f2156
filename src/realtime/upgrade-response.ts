/**
 * engine.io (6.6) answers a WebSocket upgrade through a `WebSocketResponse` whose constructor adds
 * `socket.once('close', () => this.emit('close'))` to the TCP socket, for middlewares such as pino-http
 * that wait for a response's `close`. Nothing here listens to it, yet the listener keeps the response —
 * and through `res.req` the whole handshake request — alive for the connection's life: about 1 KB of
 * heap per idle connection (heap snapshots, 3,000 connections: 11.7 → 10.7 KB). An engine middleware runs
 * right after that constructor; this removes the listener there, only when it is that one.
 */
import type { EventEmitter } from 'node:events';

type OnceWrapper = ((...args: unknown[]) => void) & { listener?: (...args: unknown[]) => void };

/** The source of engine.io's listener, to recognise it (a different engine.io leaves it in place). */
const ENGINE_CLOSE_LISTENER = /^\(\) => this\.emit\(["']close["']\)$/;

/**
 * Removes engine.io's `close` relay from the TCP socket of an upgrade response. Returns whether it did:
 * false for a polling request (no socket), a response somebody listens to, or another engine.io.
 */
export function releaseUpgradeResponse(res: unknown): boolean {
  const response = res as Partial<EventEmitter> & { socket?: EventEmitter };
  const socket = response.socket;
  if (!socket || typeof socket.rawListeners !== 'function' || response.listenerCount?.('close') !== 0) return false;
  const last = socket.rawListeners('close').at(-1) as OnceWrapper | undefined;
  const original = last?.listener;
  if (!original || !ENGINE_CLOSE_LISTENER.test(original.toString())) return false;
  socket.removeListener('close', original);
  return true;
}

/**
 * engine.io also gives the ws WebSocket of an upgrade a do-nothing `error` listener (`onUpgradeError`)
 * and removes it only when the upgrade takes over a polling session; a connection opened over WebSocket
 * directly keeps it for its life, beside its transport's own `error` listener (≈ 0.1 KB per idle
 * connection). Called when engine.io announces the connection: removes it, only when another `error`
 * listener stays (an `error` with none would throw). Returns whether it did.
 */
export function releaseUpgradeErrorListener(conn: unknown): boolean {
  const websocket = (conn as { transport?: { socket?: Partial<EventEmitter> } } | undefined)?.transport?.socket;
  if (typeof websocket?.listeners !== 'function' || typeof websocket.removeListener !== 'function') return false;
  const listeners = websocket.listeners('error');
  const leftover = listeners.find((listener) => listener.name === 'onUpgradeError');
  if (!leftover || listeners.length < 2) return false;
  websocket.removeListener('error', leftover as (...args: unknown[]) => void);
  return true;
}
