/**
 * The Socket.IO server of an instance, on the HTTP server it shares with Fastify: frame size, heartbeat
 * and CONNECT timeouts, and the checks every Engine.IO request passes before Socket.IO sees it — the
 * origin (no cross-site or JSONP request), the per-address session limits (EngineGuard), the upgrade's
 * handshake released for the connection's life, and Engine.IO's own answers given security headers.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { EngineGuard } from './engine-guard.js';
import { isJsonpRequest, isOriginAllowed, type OriginPolicy } from './origin-check.js';
import type { ChatServer } from './types.js';
import { releaseUpgradeErrorListener, releaseUpgradeResponse } from './upgrade-response.js';

/** Largest Socket.IO frame accepted: 500 characters are at most ~3 KB of JSON; anything far bigger is abuse. */
const MAX_FRAME_BYTES = 8 * 1024;
/** Headers on Engine.IO's own HTTP answers (long-polling; it sets no-store itself): never sniffed into a script, never embedded cross-origin. */
const ENGINE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
/** After the Engine.IO handshake, a client has this long to send its Socket.IO CONNECT. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface SocketServerOptions {
  /** Engine.IO's heartbeat: a ping every `pingIntervalMs`, the connection dropped after `pingTimeoutMs` without a pong. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  originPolicy: OriginPolicy;
  /** Limits below Socket.IO; attached to the new server here. */
  engineGuard: EngineGuard;
  /** The cluster's adapter (src/cluster/stream-adapter.ts); Socket.IO's in-memory one when absent. */
  adapter?: ServerOptions['adapter'];
}

export function createSocketServer(httpServer: HttpServer, options: SocketServerOptions): ChatServer {
  const { originPolicy, engineGuard } = options;
  const io: ChatServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    pingInterval: options.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs,
    // A client that opened a session but never says CONNECT is let go after this.
    connectTimeout: CONNECT_TIMEOUT_MS,
    allowRequest: (req, callback) => callback(null, isOriginAllowed(req, originPolicy) && engineGuard.allowsSession(req)),
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  engineGuard.attach(io, httpServer);
  // Every request of a session is checked, not only its handshake: a later request carries the session id.
  io.engine.use((req: IncomingMessage, res: unknown, next: (err?: Error) => void) => {
    // An upgrade's response would keep the handshake request alive for the connection's life.
    releaseUpgradeResponse(res);
    next(isJsonpRequest(req) || !isOriginAllowed(req, originPolicy) ? new Error('refused: cross-site or JSONP request') : undefined);
  });
  io.engine.on('connection', releaseUpgradeErrorListener);
  // Engine.IO answers before Fastify (and helmet) see the request: it gets its own security headers.
  io.engine.on('headers', (headers: Record<string, string>) => Object.assign(headers, ENGINE_HEADERS));
  return io;
}
