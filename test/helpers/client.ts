/**
 * Real socket.io-client sockets for tests, typed by the shared protocol, plus waiting helpers that
 * assert "eventually" instead of sleeping.
 */
import { io, type Socket } from 'socket.io-client';
import { vi } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents, SessionPayload } from '../../src/shared/protocol.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

export interface ConnectOptions {
  cookie?: string;
  token?: string;
  lang?: string;
  /** Sent as `auth.last_message_id`: resume replays messages after it. */
  lastMessageId?: number;
  /** Sent as `auth.resume`: this connection continues the same page's previous one. */
  resume?: boolean;
  /** Let socket.io-client retry a failed connection, as browsers do (default off: tests see failures). */
  reconnection?: boolean;
  /** How long to wait for the server's `session` event. Default 10 s. */
  timeoutMs?: number;
  /** Socket.IO transports; default WebSocket only. The original page used polling first. */
  transports?: ('polling' | 'websocket')[];
  /** More handshake headers (e.g. X-Forwarded-For from a trusted proxy). */
  extraHeaders?: Record<string, string>;
  /** Handshake `echo_in_ack`: the sender's copy of an acked message comes in the ack only. */
  echoInAck?: boolean;
  /** Local address to connect from (e.g. `127.0.0.2`: another client address on the loopback network). */
  localAddress?: string;
  /** More handshake `auth` fields, sent as they are. */
  auth?: Record<string, unknown>;
}

/** Connects and resolves once the server has told the socket its identity. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<{ socket: TestSocket; session: SessionPayload }> {
  const socket: TestSocket = io(url, {
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    auth: {
      ...(options.token ? { token: options.token } : {}),
      ...(options.lang ? { lang: options.lang } : {}),
      ...(options.lastMessageId !== undefined ? { last_message_id: options.lastMessageId } : {}),
      ...(options.resume ? { resume: true } : {}),
      ...(options.echoInAck ? { echo_in_ack: true } : {}),
      ...options.auth,
    },
    extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.extraHeaders },
    // Passed on to the WebSocket (engine.io-client picks it), though not in socket.io-client's types.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const log: [string, unknown][] = [];
  history.set(socket, log);
  socket.onAny((event: string, payload: unknown) => log.push([event, payload]));
  const session = await waitFor(socket, 'session', options.timeoutMs ?? 10_000);
  return { socket, session };
}

const history = new WeakMap<TestSocket, [string, unknown][]>();

/**
 * Every `event` the socket has received since it connected, as a live array (it keeps growing).
 * Use it for events that may arrive together with `session`, before a test can attach a listener.
 */
export function received<E extends EventName>(socket: TestSocket, event: E): Payload<E>[] {
  const log = history.get(socket) ?? [];
  const seen = log.filter(([e]) => e === event).map(([, p]) => p as Payload<E>);
  (socket.on as (e: string, l: (p: Payload<E>) => void) => void)(event, (p) => seen.push(p));
  return seen;
}

/** Why the server closed `socket` (its `disconnect` reason); rejects when it stays open `ms`. */
export function closedBy(socket: TestSocket, ms = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the connection was not closed')), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Resolves with the next `event` on the socket; rejects after `timeoutMs`. */
export function waitFor<E extends EventName>(socket: TestSocket, event: E, timeoutMs = 5_000): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      (socket.off as (e: string, l: unknown) => void)(event, listener);
      reject(new Error(`timed out waiting for '${event}'`));
    }, timeoutMs);
    const listener = (payload: Payload<E>) => {
      clearTimeout(timer);
      resolve(payload);
    };
    (socket.once as (e: string, l: (p: Payload<E>) => void) => void)(event, listener);
  });
}

/** Collects every `event` the socket receives from now on. */
export function collect<E extends EventName>(socket: TestSocket, event: E): Payload<E>[] {
  const seen: Payload<E>[] = [];
  (socket.on as (e: string, l: (p: Payload<E>) => void) => void)(event, (p) => seen.push(p));
  return seen;
}

/** Emits an event with an ack and resolves with the server's answer. Untyped on purpose: tests send bad payloads too. */
export function request<T = Record<string, unknown>>(socket: TestSocket, event: string, ...args: unknown[]): Promise<T> {
  return requestWithin<T>(5_000, socket, event, ...args);
}

/** `request` with its own wait for the ack: for load tests, where a thousand answers queue behind each other. */
export function requestWithin<T = Record<string, unknown>>(timeoutMs: number, socket: TestSocket, event: string, ...args: unknown[]): Promise<T> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<T> }).emitWithAck(event, ...args);
}

/** Emits without an ack (as the original client does). */
export function send(socket: TestSocket, event: string, ...args: unknown[]): void {
  (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
}

/**
 * Runs `check` until it stops throwing and resolves with what it returned; after `timeoutMs`, rejects
 * with its last error. A thin wrapper over Vitest's `vi.waitFor` (same rules: `check` runs at once, then
 * every `intervalMs`; an async `check` is awaited, and no new run starts while one is pending; the
 * timeout is counted from the first call, so a run still pending when it expires does not hold the test;
 * under `vi.useFakeTimers()` each interval also advances the fake timers). Only usable inside a Vitest
 * test file: `vi` exists only there.
 */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, intervalMs = 20): Promise<T> {
  return vi.waitFor(check, { timeout: timeoutMs, interval: intervalMs });
}

/** Two connected strangers, matched with each other. */
export async function matchedPair(url: string): Promise<{ a: TestSocket; b: TestSocket; aId: string; bId: string; roomId: number }> {
  const { socket: a, session: sa } = await connect(url);
  const { socket: b, session: sb } = await connect(url);
  const aMatched = waitFor(a, 'matched');
  const bMatched = waitFor(b, 'matched');
  await request(a, 'join_queue');
  await request(b, 'join_queue');
  const [ma] = await Promise.all([aMatched, bMatched]);
  return { a, b, aId: sa.user_id, bId: sb.user_id, roomId: ma.room_id };
}

/** Two people opened by `open` (connections with their sessions), matched with each other. */
export async function chattingPair<C extends { socket: TestSocket }>(open: () => Promise<C>): Promise<{ a: C; b: C; roomId: number }> {
  const a = await open();
  const b = await open();
  const matched = waitFor(a.socket, 'matched');
  await request(a.socket, 'join_queue');
  await request(b.socket, 'join_queue');
  return { a, b, roomId: (await matched).room_id };
}
