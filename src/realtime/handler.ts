/**
 * The one wrapper every client event goes through: separate the ack, validate the payload, run,
 * answer. Expected failures answer their code; anything else is logged and answers INTERNAL_ERROR.
 * No handler can throw into Socket.IO or leave a client without an answer.
 *
 * A listener is built once per server and shared by every socket: Socket.IO calls it with the socket as
 * `this`. Nothing is allocated per connection, which matters with tens of thousands of idle sockets.
 */
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import type { AppEvents } from '../metrics/app-events.js';
import { errorText } from '../shared/codes.js';
import type { Ack, AckError, AckResponse, ClientToServerEvents } from '../shared/protocol.js';
import type { ChatSocket } from './types.js';

/** A client event of the protocol. */
export type ClientEvent = keyof ClientToServerEvents;

/** What an event's ack carries besides `ok: true`, as the protocol declares it. */
export type ResultOf<E extends ClientEvent> = NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends Ack<infer R> ? R : never;

/**
 * An event's handler: its result must be the ack the protocol declares for that event, so a handler
 * that answers something else (a field missing, a wrong type) does not compile.
 */
/** `acked`: the client passed an ack callback, so the result reaches it. */
type Handler<E extends ClientEvent, P> = (socket: ChatSocket, payload: P, acked: boolean) => Promise<ResultOf<E>>;

/**
 * A connection whose events keep being refused as invalid or over a rate limit — this many within
 * `REFUSAL_WINDOW_MS` — is a broken or hostile client: it is disconnected, and not answered past that.
 */
const MAX_REFUSALS = 50;
const REFUSAL_WINDOW_MS = 10_000;

/** Counts a refusal; true when the connection has had too many and was closed. */
function tooManyRefusals(socket: ChatSocket, code: string): boolean {
  if (code !== ErrorCode.INVALID_PAYLOAD && code !== ErrorCode.RATE_LIMITED) return false;
  const now = Date.now();
  const refusals = socket.data.refusals;
  if (!refusals || now - refusals.sinceMs > REFUSAL_WINDOW_MS) {
    socket.data.refusals = { count: 1, sinceMs: now };
    return false;
  }
  refusals.count += 1;
  if (refusals.count < MAX_REFUSALS) return false;
  if (refusals.count === MAX_REFUSALS) socket.conn.close(true);
  return true;
}
export type SocketListener = (this: ChatSocket, ...args: unknown[]) => void;

/** Refusals a connection's own disconnect brings about while one of its events runs. */
const CAUSED_BY_DISCONNECT: ReadonlySet<string> = new Set([ErrorCode.ALREADY_CHATTING, ErrorCode.NOT_WAITING, ErrorCode.NOT_IN_CHAT]);

/** A child logger naming the connection, built only when something is logged. */
export function socketLogger(logger: Logger, socket: ChatSocket): Logger {
  return logger.child({ userId: socket.data.userId, socketId: socket.id });
}

/** What every listener shares: where failures are logged, and where each answer is counted (metrics). */
export interface ListenerContext {
  logger: Logger;
  events: Pick<AppEvents, 'answered'>;
}

export function eventListener<E extends ClientEvent, P>(context: ListenerContext, event: E, schema: ZodType<P>, handler: Handler<E, P>): SocketListener {
  type R = ResultOf<E>;
  const { logger, events } = context;
  async function run(socket: ChatSocket, args: unknown[], acked: boolean): Promise<AckResponse<R>> {
    try {
      if (socket.data.ready) await socket.data.ready;
      const parsed = args.length <= 1 ? schema.safeParse(args[0]) : undefined;
      if (!parsed?.success) throw new AppError(ErrorCode.INVALID_PAYLOAD);
      const result = await handler(socket, parsed.data, acked);
      return { ok: true, ...result };
    } catch (error) {
      return failure(socket, error);
    }
  }

  function failure(socket: ChatSocket, error: unknown): AckError {
    const code = isAppError(error) ? error.code : ErrorCode.INTERNAL_ERROR;
    if (!isAppError(error)) socketLogger(logger, socket).error({ err: error, event }, 'handler failed');
    else if (error.cause) socketLogger(logger, socket).warn({ err: error.cause, event, code }, 'handler refused');
    const response: AckError = { ok: false, code, message: errorText[socket.data.lang][code] };
    if (isAppError(error) && error.retryAfterMs !== undefined) response.retry_after_ms = error.retryAfterMs;
    return response;
  }

  return function listener(this: ChatSocket, ...args: unknown[]): void {
    const socket = this;
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: AckResponse<R>) => void) : undefined;
    void run(socket, args, ack !== undefined).then((response) => {
      // A refusal that the connection's own end caused (a join claims nothing for a closed connection; a
      // leave finds the chat already ended by the disconnect) reaches nobody and is not counted. Every
      // other refusal is, closed or not: storage, overload and flood refusals drive the alerts.
      if (!socket.connected && !response.ok && CAUSED_BY_DISCONNECT.has(response.code)) return;
      events.answered(event, response.ok ? undefined : response.code);
      if (!response.ok && tooManyRefusals(socket, response.code)) return;
      if (ack) ack(response);
      else if (!response.ok) {
        const { ok: _ok, ...error } = response;
        socket.emit('error', error);
      }
    });
  };
}

/**
 * One catch-all listener for every client event, shared by all sockets: it finds the event's shared
 * listener in a table built once per server. Registered per socket with Socket.IO's `onAny`.
 *
 * Why not `socket.on(event, listener)` for each event: Node's EventEmitter keeps a socket's listeners in
 * a dictionary of its own, and with the protocol's fourteen events that dictionary is ≈ 0.7 KB on every
 * idle connection (heap snapshots: 10.9 KB per connection in all). A catch-all costs one small array.
 *
 * Socket.IO calls a catch-all as it decodes the packet, with the event name first and the ack (if any)
 * last; reserved events (`disconnect`, `error`) never reach it and stay ordinary listeners. An event
 * that is not in the table is ignored, as an event nobody listens to always was.
 *
 * The listener runs a tick later, and only if the socket is still connected — as Socket.IO runs an
 * ordinary listener. An event read together with the client's goodbye (`join_queue` then `close()`)
 * is dropped, not started after the disconnect was handled (the protocol fuzz test found a waiting
 * place left behind when it ran at once).
 */
export function clientEventRouter(
  listeners: Iterable<readonly [ClientEvent, SocketListener]>,
  signals: Iterable<readonly [ClientEvent, Signal]> = [],
): (this: ChatSocket, event: unknown, ...args: unknown[]) => void {
  const byEvent = new Map<unknown, SocketListener>(listeners);
  const signalOf = new Map<unknown, Signal>(signals);
  return function route(this: ChatSocket, event: unknown, ...args: unknown[]): void {
    const signal = signalOf.get(event);
    if (signal) return signal(this);
    const listener = byEvent.get(event);
    if (listener) process.nextTick(runIfConnected, this, listener, args);
  };
}

/**
 * An event that only marks its connection — no payload read, no answer — and runs at once, as it is read:
 * `leaving` describes the close that follows right behind it, so it waits for nothing (not for the
 * connection's start, as an answered event does) and is not dropped for a connection closing meanwhile.
 */
export type Signal = (socket: ChatSocket) => void;

function runIfConnected(socket: ChatSocket, listener: SocketListener, args: unknown[]): void {
  if (socket.connected) listener.apply(socket, args);
}
