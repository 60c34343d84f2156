/**
 * Limits below Socket.IO, where a raw Engine.IO or TCP client would otherwise go uncounted:
 * - Engine.IO sessions per client address (sessions that never send a Socket.IO CONNECT count too);
 * - a packet budget per connection: a client flooding frames is disconnected instead of saturating the
 *   event loop for everyone;
 * - a ceiling on what a connection that does not read may have queued for it: past it, it is dropped
 *   (it reconnects and resumes) instead of growing the server's memory;
 * - TCP connections per peer address (IPv6: per /64), and HTTP header/request timeouts, against half-sent
 *   requests.
 *
 * Per-connection state lives on the Engine.IO socket itself and its listeners are shared, so an idle
 * connection costs two small fields.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import type { Logger } from 'pino';
import { networkOf } from '../http/client-address.js';
import type { ChatServer } from './types.js';

export interface EngineGuardOptions {
  /** Most Engine.IO sessions per client address (HTTP long-polling and WebSocket alike). */
  maxSessionsPerAddress: number;
  /** Most TCP connections per peer address; 0 = no limit (behind a trusted proxy, which limits instead). */
  maxTcpPerPeer: number;
  /** Client packets per connection: a bucket of `capacity` refilled at `perSecond`. */
  packetBudget: { capacity: number; perSecond: number };
  /** Most packets waiting for a connection that does not read before it is dropped. */
  maxQueuedPackets: number;
  /** How often connections' queues are looked at. */
  sweepIntervalMs: number;
  addressOf: (req: IncomingMessage) => string;
  logger: Logger;
}

/** What the guard keeps on each Engine.IO socket. */
interface Guarded {
  chatAddress?: string;
  chatBudget?: { tokens: number; atMs: number };
  close(discard?: boolean): void;
  writeBuffer: unknown[];
}

export class EngineGuard {
  private readonly sessions = new Map<string, number>();
  private readonly tcp = new Map<string, number>();
  /** Every open TCP connection and its peer network (for the count, and to cut them at shutdown). */
  private readonly openSockets = new Map<TcpSocket, string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Connections closed by the guard, by cause (for metrics and tests). */
  readonly closed = { packetFlood: 0, stalledOutput: 0, tcpOverLimit: 0, sessionsOverLimit: 0 };

  constructor(private readonly options: EngineGuardOptions) {}

  /** For Socket.IO's `allowRequest` (new Engine.IO sessions only): whether the address may open one more. */
  allowsSession(req: IncomingMessage): boolean {
    if ((this.sessions.get(this.options.addressOf(req)) ?? 0) < this.options.maxSessionsPerAddress) return true;
    this.closed.sessionsOverLimit++;
    return false;
  }

  /** Starts counting sessions and packets of `io`'s engine and limiting TCP connections of `server`. */
  attach(io: ChatServer, server: HttpServer): void {
    const guard = this;
    const { packetBudget, logger } = this.options;
    const sessions = this.sessions;

    function onClose(this: Guarded): void {
      if (this.chatAddress !== undefined) decrement(sessions, this.chatAddress);
    }
    // Every frame a client sends is charged — pings' answers and no-ops too, which Engine.IO decodes and
    // handles like any other (a real client sends one pong per ping interval).
    function onPacket(this: Guarded): void {
      const now = Date.now();
      const budget = (this.chatBudget ??= { tokens: packetBudget.capacity, atMs: now });
      budget.tokens = Math.min(packetBudget.capacity, budget.tokens + ((now - budget.atMs) / 1000) * packetBudget.perSecond);
      budget.atMs = now;
      budget.tokens -= 1;
      if (budget.tokens >= 0) return;
      guard.closed.packetFlood++;
      logger.warn('connection closed: it sent packets faster than any client does');
      budget.tokens = Number.NEGATIVE_INFINITY; // close once
      this.close(true);
    }

    // (Nothing is added to the request object: an extra property there costs about a kilobyte per connection.)
    io.engine.on('connection', (conn: Guarded & { request: IncomingMessage; on(e: string, l: unknown): void }) => {
      const address = this.options.addressOf(conn.request);
      conn.chatAddress = address;
      sessions.set(address, (sessions.get(address) ?? 0) + 1);
      conn.on('close', onClose);
      conn.on('packet', onPacket);
    });

    const openSockets = this.openSockets;
    const tcp = this.tcp;
    function onTcpClose(this: TcpSocket): void {
      const peer = openSockets.get(this);
      openSockets.delete(this);
      if (peer !== undefined) decrement(tcp, peer);
    }
    server.on('connection', (socket: TcpSocket) => this.countTcp(socket, onTcpClose));

    this.sweepTimer = setInterval(() => this.sweep(io), this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  /** TCP connections open right now. */
  get openConnections(): number {
    return this.openSockets.size;
  }

  /** Sessions counted per address right now (for tests and metrics). */
  sessionsOf(address: string): number {
    return this.sessions.get(address) ?? 0;
  }

  /**
   * Cuts every connection still open (at shutdown, once goodbyes had their chance): an upgraded
   * WebSocket whose client stopped reading would otherwise hold the server for the 30 s of its closing
   * handshake, and the HTTP server's own `closeAllConnections` does not see upgraded sockets.
   */
  destroyAll(): void {
    for (const socket of this.openSockets.keys()) socket.destroy();
  }

  private countTcp(socket: TcpSocket, onClose: (this: TcpSocket) => void): void {
    const peer = networkOf(socket.remoteAddress ?? 'unknown');
    const open = this.tcp.get(peer) ?? 0;
    if (this.options.maxTcpPerPeer > 0 && open >= this.options.maxTcpPerPeer) {
      this.closed.tcpOverLimit++;
      socket.destroy();
      return;
    }
    this.tcp.set(peer, open + 1);
    this.openSockets.set(socket, peer);
    // `close` fires once: a plain listener (`once` would add a wrapper and its state to every connection).
    socket.on('close', onClose);
  }

  /** Drops connections that let too much pile up unread (they reconnect and resume, from where they were). */
  private sweep(io: ChatServer): void {
    const max = this.options.maxQueuedPackets;
    for (const socket of io.sockets.sockets.values()) {
      const conn = socket.conn as unknown as Guarded;
      if (conn.writeBuffer.length <= max) continue;
      this.closed.stalledOutput++;
      this.options.logger.warn({ queued: conn.writeBuffer.length }, 'connection dropped: it stopped reading what is sent to it');
      conn.close(true);
    }
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 0) - 1;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
