/**
 * The page's side of the wire protocol: one Socket.IO connection (same origin; the signed `uid` cookie
 * identifies the user), typed events, and requests that always settle — every emit carries an ack with
 * a timeout, and a timeout becomes `{ ok: false, code: 'TIMEOUT' }` like any server refusal.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AckResponse,
  ClientToServerEvents,
  JoinQueueResult,
  LeaveRoomResult,
  SendMessageResult,
  ServerToClientEvents,
} from '../../src/shared/protocol.js';
import type { ClientErrorCode, Lang } from './i18n.js';

const ACK_TIMEOUT_MS = 5000;

export type Result<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; code: ClientErrorCode; message: string };

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface ChatClient {
  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void;
  onConnectionChange(handler: (state: ConnectionState) => void): void;
  joinQueue(): Promise<Result<JoinQueueResult>>;
  leaveQueue(): Promise<Result>;
  sendMessage(content: string, cid: string): Promise<Result<SendMessageResult>>;
  leaveRoom(): Promise<Result<LeaveRoomResult>>;
}

/**
 * The protocol declares acks optional (`ack?: Ack<T>`), which hides them from Socket.IO's
 * `timeout().emit` typing; this page always sends one, so it types them as required.
 */
type WithAcks<Events> = {
  [E in keyof Events]: Events[E] extends (...args: infer A) => void ? (...args: Required<A>) => void : never;
};
type ChatSocket = Socket<ServerToClientEvents, WithAcks<ClientToServerEvents>>;

function settle<T extends object>(err: Error | null, res: AckResponse<T> | undefined): Result<T> {
  if (err || !res) return { ok: false, code: 'TIMEOUT', message: err?.message ?? '' };
  return res;
}

/**
 * @param lang read at every (re)connection, so the server's own texts follow the chosen language.
 */
export function createChatClient(lang: () => Lang): ChatClient {
  // The token from `session` is sent back on reconnection, so the ID survives even without the cookie.
  let token: string | undefined;
  const socket: ChatSocket = io({
    auth: (cb) => cb(token === undefined ? { lang: lang() } : { lang: lang(), token }),
  });
  socket.on('session', (session) => {
    token = session.token;
  });

  const connectionHandlers: ((state: ConnectionState) => void)[] = [];
  const report = (state: ConnectionState): void => connectionHandlers.forEach((handler) => handler(state));
  socket.on('connect', () => report('connected'));
  socket.on('disconnect', () => report('reconnecting'));
  socket.on('connect_error', () => report(socket.active ? 'reconnecting' : 'connecting'));

  return {
    on(event, handler) {
      // The generic handler type is exactly the socket's listener type for `event`.
      socket.on(event, handler as never);
    },
    onConnectionChange(handler) {
      connectionHandlers.push(handler);
      handler(socket.connected ? 'connected' : 'connecting');
    },
    joinQueue() {
      return new Promise((done) =>
        socket.timeout(ACK_TIMEOUT_MS).emit('join_queue', {}, (err, res) => done(settle<JoinQueueResult>(err, res))),
      );
    },
    leaveQueue() {
      return new Promise((done) =>
        socket.timeout(ACK_TIMEOUT_MS).emit('leave_queue', {}, (err, res) => done(settle(err, res))),
      );
    },
    sendMessage(content, cid) {
      return new Promise((done) =>
        socket
          .timeout(ACK_TIMEOUT_MS)
          .emit('send_message', { content, cid }, (err, res) => done(settle(err, res))),
      );
    },
    leaveRoom() {
      return new Promise((done) =>
        socket.timeout(ACK_TIMEOUT_MS).emit('leave_room_event', {}, (err, res) => done(settle(err, res))),
      );
    },
  };
}
