/**
 * The page's side of the wire protocol: one Socket.IO connection (same origin; the signed `uid` cookie
 * identifies the user), typed events, and requests that always settle — every emit carries an ack with
 * a timeout, and a timeout becomes `{ ok: false, code: 'TIMEOUT' }` like any server refusal.
 *
 * The connection comes back by itself after any drop (socket.io-client's reconnection, plus a manual one
 * where the library gives up: the server closed the connection, or refused the handshake). Each attempt
 * sends the current `auth`, so the server can put the page back into its chat and replay what it missed.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AcceptRulesResult,
  AckResponse,
  BlockResult,
  ClientToServerEvents,
  CreatePrivateResult,
  HandshakeAuth,
  JoinPrivateResult,
  JoinQueueResult,
  LeaveRoomResult,
  ReportPayload,
  ReportResult,
  SendMessageResult,
  ServerToClientEvents,
} from '../../src/shared/protocol.js';
import type { ClientErrorCode, ErrorInfo, Lang } from './i18n.js';

/** How long one request waits for the server's answer. */
const ACK_TIMEOUT_MS = 5000;
/** A message whose ack timed out is sent again, with the same cid, this many times. */
const SEND_RETRIES = 3;
/** First delay, and cap, of the page's own reconnection after the server closed or refused the connection. */
const MANUAL_RECONNECT_MS = 2000;
const MANUAL_RECONNECT_MAX_MS = 30_000;

export type Result<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; code: ClientErrorCode; message: string; retry_after_ms?: number };

/**
 * `paused`: the server asked for the bot check at the handshake and the person put it off ("Not now"): the
 * page does not connect again by itself (it would only ask again) until `reconnect()` — the person's
 * "Verify now".
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'paused';

export interface ChatClientOptions {
  /** Read at every (re)connection, so the server's own texts follow the chosen language. */
  lang(): Lang;
  /**
   * Highest message id shown in the current chat (0 when none yet), or undefined when not in a chat.
   * Sent at every reconnection; the first connection of a page load sends 0 instead, so a page reloaded
   * mid-chat gets the whole conversation replayed.
   */
  lastMessageId(): number | undefined;
  /**
   * Whether this tab holds a chat or wait (kept across reloads): the handshake then asks the server to
   * hand it over from this page's previous connection, even if that one has not been seen closing yet.
   */
  ownsActivity(): boolean;
  /**
   * With `ownsActivity`, the chat it holds: the server hands over that chat only — a tab left behind whose
   * chat ended must not take the identity's new chat from the tab it is in.
   */
  resumeRoom(): number | undefined;
  /** The server refused the connection (e.g. too many connections); the page tries again later. */
  onRefused(error: ErrorInfo): void;
  /**
   * The server wants a solved bot challenge (CHALLENGE_REQUIRED): shows the check and resolves with the
   * widget's payload, or null when the person put it off.
   */
  solveChallenge(): Promise<string | null>;
}

export interface ChatClient {
  on<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void;
  onConnectionChange(handler: (state: ConnectionState) => void): void;
  readonly connected: boolean;
  /**
   * Opens a fresh connection now (when offline: without waiting for the next scheduled attempt). While a
   * bot check put off at the handshake pauses the connection, only the person's own press (`byPerson`)
   * does: the page's automatic retries would ask the check again unasked.
   */
  reconnect(byPerson?: boolean): void;
  /** Joins the queue, with the person's interests (none: anyone). */
  joinQueue(interests?: readonly string[]): Promise<Result<JoinQueueResult>>;
  leaveQueue(): Promise<Result>;
  /** While waiting with interests: anyone may be matched from now on. */
  widenSearch(): Promise<Result<JoinQueueResult>>;
  /** Makes a private room and waits in it; the key is to be shared with the one person to meet there. */
  createPrivate(): Promise<Result<CreatePrivateResult>>;
  /** Enters the private room of a key (shared by its creator, or a `contact_key`). */
  joinPrivate(key: string): Promise<Result<JoinPrivateResult>>;
  /** Asks to stay in touch with the partner of a chat (going on, or just ended). */
  keepInTouch(roomId: number): Promise<Result>;
  /** Tells the partner that the person is typing, or stopped (no answer; dropped while offline). */
  typing(typing: boolean): void;
  /**
   * Sends a message written in the chat `roomId`, and again with the same `cid` when no answer comes in
   * time; the server refuses it in any other chat (a retry after Next never reaches the next stranger).
   * `piiConfirmed`: the person was warned about contact details in it and chose to send it anyway.
   */
  sendMessage(content: string, cid: string, roomId: number, piiConfirmed?: boolean): Promise<Result<SendMessageResult>>;
  leaveRoom(): Promise<Result<LeaveRoomResult>>;
  /** Reports the partner of a chat (the server never tells them). */
  report(payload: ReportPayload): Promise<Result<ReportResult>>;
  /** Blocks the partner of a chat for good; a live chat with them ends. */
  block(roomId: number): Promise<Result<BlockResult>>;
  /** Confirms the minimum age and accepts this version of the rules (RULES_NOT_ACCEPTED: they changed). */
  acceptRules(version: string): Promise<Result<AcceptRulesResult>>;
}

/**
 * The protocol declares acks optional (`ack?: Ack<T>`), which hides them from Socket.IO's
 * `timeout().emit` typing; this page always sends one, so it types them as required.
 */
type WithAcks<Events> = {
  [E in keyof Events]: Events[E] extends (...args: infer A) => void ? (...args: Required<A>) => void : never;
};
type ChatSocket = Socket<ServerToClientEvents, WithAcks<ClientToServerEvents>>;
/** The same socket for the few events the page sends without waiting for an answer (`typing`). */
type FireAndForget = Socket<ServerToClientEvents, ClientToServerEvents>;

function settle<T extends object>(err: Error | null, res: AckResponse<T> | undefined): Result<T> {
  if (err || !res) return { ok: false, code: 'TIMEOUT', message: err?.message ?? '' };
  return res;
}

/** The `{code, message}` a refusing handshake middleware puts in `connect_error`'s `data`. */
function refusalOf(err: Error): ErrorInfo | undefined {
  const data: unknown = (err as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null || !('code' in data) || typeof data.code !== 'string') return undefined;
  return { code: data.code };
}

const resumeRoomOf = (room: number | undefined): { resume_room?: number } => (room === undefined ? {} : { resume_room: room });

export function createChatClient(options: ChatClientOptions): ChatClient {
  // The token from `session` is sent back on reconnection, so the ID survives even without the cookie.
  let token: string | undefined;
  let everConnected = false;
  /** A solved bot challenge for the next handshake; accepted once, so dropped once connected or refused. */
  let altcha: string | undefined;
  const auth = (): HandshakeAuth => {
    const lastMessageId = everConnected ? options.lastMessageId() : 0;
    return {
      lang: options.lang(),
      // Every message is sent with an ack, whose copy of the message the page shows: no echo needed.
      echo_in_ack: true,
      // It says `leaving` when the page goes away: a clean close without it is a network change (long grace).
      leave_notice: true,
      ...(token === undefined ? {} : { token }),
      ...(altcha === undefined ? {} : { altcha }),
      ...(lastMessageId === undefined ? {} : { last_message_id: lastMessageId }),
      ...(options.ownsActivity() ? { resume: true, ...resumeRoomOf(options.resumeRoom()) } : {}),
    };
  };
  // WebSocket first (one connection for the whole session, any instance can take it); long-polling only
  // if WebSocket cannot be opened.
  const socket: ChatSocket = io({ auth: (cb) => cb(auth()), transports: ['websocket', 'polling'], tryAllTransports: true });
  socket.on('session', (session) => {
    token = session.token;
  });

  const connectionHandlers: ((state: ConnectionState) => void)[] = [];
  const report = (state: ConnectionState): void => connectionHandlers.forEach((handler) => handler(state));

  // socket.io-client stops reconnecting when the server closed the connection on purpose (it shuts down
  // or restarts) or a handshake middleware refused it; the page keeps trying, more slowly each time.
  let manualDelayMs = MANUAL_RECONNECT_MS;
  let manualTimer: ReturnType<typeof setTimeout> | undefined;
  /** The bot check asked at the handshake was put off: nothing connects again until `reconnect(true)`. */
  let paused = false;
  const reconnectLater = (): void => {
    clearTimeout(manualTimer);
    manualTimer = setTimeout(() => {
      if (!socket.active) socket.connect();
    }, manualDelayMs);
    manualDelayMs = Math.min(manualDelayMs * 2, MANUAL_RECONNECT_MAX_MS);
  };

  socket.on('connect', () => {
    everConnected = true;
    altcha = undefined;
    manualDelayMs = MANUAL_RECONNECT_MS;
    clearTimeout(manualTimer);
    report('connected');
  });
  socket.on('disconnect', (reason) => {
    report('reconnecting');
    if (reason === 'io server disconnect') reconnectLater();
  });
  socket.on('connect_error', (err) => {
    report(everConnected ? 'reconnecting' : 'connecting');
    if (socket.active) return; // a network failure: socket.io-client tries again by itself
    const refusal = refusalOf(err);
    if (refusal?.code === 'CHALLENGE_REQUIRED') {
      // Solved: connect again with it; put off: nothing more until the person asks (`reconnect(true)`).
      altcha = undefined;
      void options.solveChallenge().then((payload) => {
        if (payload === null) {
          paused = true;
          clearTimeout(manualTimer);
          return report('paused');
        }
        altcha = payload;
        socket.connect();
      });
      return;
    }
    if (refusal) options.onRefused(refusal);
    reconnectLater();
  });
  // The page is going away (closed, reloaded, a link followed): said just before the browser closes the
  // connection, so the partner is told within the short close grace. Only while connected: a buffered
  // `leaving` would be sent on the next connection. Not on `visibilitychange`: a phone in a pocket is
  // not leaving, and a connection it loses keeps the whole reconnect grace.
  window.addEventListener('pagehide', () => {
    if (socket.connected) (socket as FireAndForget).emit('leaving');
  });
  // Back from the back/forward cache on a connection that said `leaving`: a new connection takes the chat
  // over, rather than one whose loss would be taken for a closed tab.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && socket.connected) reconnect();
  });
  // Back online (a phone leaving a tunnel, Wi-Fi coming back): try now rather than at the next backoff step.
  window.addEventListener('online', () => {
    if (!socket.connected && !paused) reconnect();
  });

  function reconnect(byPerson = false): void {
    // Put off by the person: only the person takes it up again (not the resume watch's retries).
    if (paused && !byPerson) return;
    clearTimeout(manualTimer);
    if (paused) {
      paused = false;
      report('connecting');
    }
    if (socket.connected) {
      // Closing the transport, not `socket.disconnect()`: the server takes that for a lost connection
      // and keeps the chat for its grace period, where a deliberate disconnect would end it at once.
      // socket.io-client then reconnects by itself.
      socket.io.engine.close();
      return;
    }
    socket.disconnect(); // drops the pending attempt and its backoff delay
    socket.connect();
  }

  /** After a refused request: the person solves the check, and the page connects again with the solution. */
  async function connectWithChallenge(): Promise<boolean> {
    const payload = await options.solveChallenge();
    if (payload === null) return false;
    altcha = payload;
    const connected = new Promise<boolean>((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        resolve(ok);
      };
      const onConnect = (): void => finish(true);
      // A failed attempt that socket.io-client retries by itself (it is still active) is not the answer;
      // a refusal is.
      const onError = (): void => {
        if (!socket.active) finish(false);
      };
      const timer = setTimeout(() => finish(false), ACK_TIMEOUT_MS * 2);
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
    });
    // Solved by the person: this connects even if an earlier check was put off.
    reconnect(true);
    return connected;
  }

  /**
   * A request behind the door's bot check: refused with CHALLENGE_REQUIRED (the address behaved like a
   * bot), it is sent once more after the check is solved and the page connected with the solution.
   */
  async function withChallenge<T extends object>(send: () => Promise<Result<T>>): Promise<Result<T>> {
    // Start (or a private room's button) pressed while a check put off at the handshake pauses the
    // connection: that is the person taking it up — the check is asked again, and the join follows.
    if (paused) reconnect(true);
    const result = await send();
    if (result.ok || result.code !== 'CHALLENGE_REQUIRED' || !(await connectWithChallenge())) return result;
    return send();
  }

  function request<T extends object>(send: (ack: (err: Error | null, res?: AckResponse<T>) => void) => void): Promise<Result<T>> {
    return new Promise((done) => send((err, res) => done(settle(err, res))));
  }

  return {
    on(event, handler) {
      // The generic handler type is exactly the socket's listener type for `event`.
      socket.on(event, handler as never);
    },
    onConnectionChange(handler) {
      connectionHandlers.push(handler);
      handler(socket.connected ? 'connected' : 'connecting');
    },
    get connected() {
      return socket.connected;
    },
    reconnect,
    joinQueue(interests = []) {
      const payload = interests.length > 0 ? { interests: [...interests] } : {};
      return withChallenge(() => request<JoinQueueResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('join_queue', payload, ack)));
    },
    leaveQueue() {
      return request((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('leave_queue', {}, ack));
    },
    async sendMessage(content, cid, roomId, piiConfirmed = false) {
      // Retried here rather than with the Manager's `retries` option, which would queue every event
      // (leave, join) behind a message that waits for its answer, and retry those as well.
      // A send made while offline waits in socket.io-client's buffer until the connection is back
      // (or its timeout); the server stores one message per cid whatever the number of tries.
      const payload = { content, cid, room_id: roomId, ...(piiConfirmed ? { pii_confirmed: true as const } : {}) };
      let result: Result<SendMessageResult> | undefined;
      for (let attempt = 0; attempt <= SEND_RETRIES; attempt++) {
        result = await request<SendMessageResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('send_message', payload, ack));
        if (result.ok || result.code !== 'TIMEOUT') return result;
      }
      return result ?? { ok: false, code: 'TIMEOUT', message: '' };
    },
    leaveRoom() {
      return request<LeaveRoomResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('leave_room_event', {}, ack));
    },
    report(payload) {
      return request<ReportResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('report', payload, ack));
    },
    block(roomId) {
      return request<BlockResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('block', { room_id: roomId }, ack));
    },
    widenSearch() {
      return request<JoinQueueResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('widen_search', {}, ack));
    },
    createPrivate() {
      return withChallenge(() => request<CreatePrivateResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('create_private', {}, ack)));
    },
    joinPrivate(key) {
      return withChallenge(() => request<JoinPrivateResult>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('join_private', { key }, ack)));
    },
    keepInTouch(roomId) {
      return request((ack) => socket.timeout(ACK_TIMEOUT_MS).emit('keep_in_touch', { room_id: roomId }, ack));
    },
    typing(typing) {
      // Volatile: a "typing" from before a drop means nothing after it. Without an ack, a refused one
      // (over the budget, the chat just ended) is dropped by the server rather than answered.
      if (socket.connected) (socket as FireAndForget).volatile.emit('typing', { typing });
    },
    acceptRules(version) {
      return request<AcceptRulesResult>((ack) =>
        socket.timeout(ACK_TIMEOUT_MS).emit('accept_rules', { age_confirmed: true, rules_version: version }, ack),
      );
    },
  };
}
