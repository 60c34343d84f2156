/**
 * Connection middleware, in order: who the client is (identity) and whether it may open one more
 * connection. It only reads: taking over a chat or wait happens once the connection exists.
 */
import type { IncomingMessage } from 'node:http';
import { identityFromCookieHeader, newUserId, type IdentitySigner } from '../identity.js';
import { DEFAULT_LANG, errorText, parseLang, type ErrorCode, type Lang } from '../shared/codes.js';
import { handshakeAuth, type HandshakeAuth } from '../shared/protocol.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { FloodControl } from './flood-control.js';
import type { ChatSocket } from './types.js';

type Next = (err?: Error) => void;

/**
 * Errors refusing a handshake carry `data.code` for socket.io-client's `connect_error`, and its text in
 * the connection's language (`lang`, from the handshake; the default before it is read), as an ack's
 * `{code, message}` does: both `data.message` and the error's own message.
 */
export function refusal(code: ErrorCode, lang: Lang = DEFAULT_LANG): Error {
  const message = errorText[lang][code];
  return Object.assign(new Error(message), { data: { code, message } });
}

export function identityMiddleware(signer: IdentitySigner, addressOf: (req: IncomingMessage) => string, flood: FloodControl) {
  return (socket: ChatSocket, next: Next): void => {
    const data = handshakeFields(socket.handshake.auth);
    const fromCookie = identityFromCookieHeader(signer, socket.handshake.headers.cookie);
    const known = fromCookie ?? signer.verifyToken(data.token, Date.now());
    // A client with the cookie never needs the bearer token, so it is never sent one (a page's script
    // cannot read the HttpOnly cookie; it could read a token).
    socket.data.cookieIdentity = fromCookie !== undefined;
    socket.data.lang = parseLang(data.lang ?? socket.handshake.headers['accept-language']?.split(',')[0]);
    socket.data.address = addressOf(socket.request);
    socket.data.lastMessageId = data.last_message_id;
    socket.data.resume = data.resume === true;
    socket.data.resumeRoom = data.resume_room;
    socket.data.echoInAck = data.echo_in_ack === true;
    socket.data.leaveNotice = data.leave_notice === true;
    if (known !== undefined) {
      socket.data.userId = known;
      flood.checkConnect({ userId: known, address: socket.data.address }).then(
        () => next(),
        () => next(refusal('RATE_LIMITED', socket.data.lang)),
      );
      return;
    }
    // A new identity: limited per address, or per-identity limits would mean nothing.
    flood.checkNewIdentity(socket.data.address).then(
      () => {
        socket.data.userId = newUserId();
        next();
      },
      () => next(refusal('RATE_LIMITED', socket.data.lang)),
    );
  };
}

/**
 * The first check: one Socket.IO CONNECT per Engine.IO connection, ever. Socket.IO refuses a second one only
 * while the first is connected: one sent while the first is being checked would become a socket the client
 * cannot reach, with an identity of its own; one sent after a namespace DISCONNECT would meet a connection
 * whose handshake request is already released. socket.io-client never sends a second (a refused or ended
 * namespace closes its connection, and it reconnects on a new one).
 */
export function oneSocketPerConnection() {
  const used = new WeakSet<object>();
  return (socket: ChatSocket, next: Next): void => {
    // Before the handshake's fields are read: said in the default language.
    if (used.has(socket.conn)) return next(refusal('INVALID_PAYLOAD'));
    used.add(socket.conn);
    next();
  };
}

/** The last check: whether the connection may open one more. */
export function connectionLimitMiddleware(limits: ConnectionLimits) {
  return (socket: ChatSocket, next: Next): void => {
    const { address, userId } = socket.data;
    // The client left while the checks before this one ran: its `close` has fired already, and a count
    // taken now would never be given back.
    if (socket.conn.readyState !== 'open') return next(refusal('RATE_LIMITED', socket.data.lang));
    if (!limits.tryOpen(address, userId)) return next(refusal('RATE_LIMITED', socket.data.lang));
    // Counted from here on; released when the connection goes. `close` fires once, so a plain listener
    // does (`once` would add a wrapper per connection).
    socket.conn.on('close', () => limits.close(address, userId));
    next();
  };
}

/**
 * The handshake's fields, each checked on its own: one that is out of range (another client's long `lang`)
 * is dropped without dropping the others — the token above all, whose loss would mint a new identity.
 */
function handshakeFields(auth: unknown): HandshakeAuth {
  if (typeof auth !== 'object' || auth === null) return {};
  const fields: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(handshakeAuth.shape)) {
    const value = (auth as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const parsed = field.safeParse(value);
    if (parsed.success) fields[name] = parsed.data;
  }
  return fields as HandshakeAuth;
}
