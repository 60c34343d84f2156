/**
 * Connection middleware, in order: who the client is (identity) and whether it may open one more
 * connection. It only reads: taking over a chat or wait happens once the connection exists.
 */
import type { IncomingMessage } from 'node:http';
import { identityFromCookieHeader, newUserId, type IdentitySigner } from '../identity.js';
import { errorText, parseLang, type ErrorCode } from '../shared/codes.js';
import { handshakeAuth } from '../shared/protocol.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { FloodControl } from './flood-control.js';
import type { ChatSocket } from './types.js';

type Next = (err?: Error) => void;

/** Errors refusing a handshake carry `data.code` for socket.io-client's `connect_error`. */
export function refusal(code: ErrorCode): Error {
  return Object.assign(new Error(errorText['zh-CN'][code]), { data: { code, message: errorText['en'][code] } });
}

export function identityMiddleware(signer: IdentitySigner, addressOf: (req: IncomingMessage) => string, flood: FloodControl) {
  return (socket: ChatSocket, next: Next): void => {
    const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
    const data = auth.success ? auth.data : {};
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
    if (known !== undefined) {
      socket.data.userId = known;
      return next();
    }
    // A new identity: limited per address, or per-identity limits would mean nothing.
    flood.checkNewIdentity(socket.data.address).then(
      () => {
        socket.data.userId = newUserId();
        next();
      },
      () => next(refusal('RATE_LIMITED')),
    );
  };
}

export function connectionLimitMiddleware(limits: ConnectionLimits) {
  return (socket: ChatSocket, next: Next): void => {
    const { address, userId } = socket.data;
    if (!limits.tryOpen(address, userId)) return next(refusal('RATE_LIMITED'));
    // Counted from here on; released when the socket goes (or never connects). `close` fires once, so a
    // plain listener does (`once` would add a wrapper per connection).
    socket.conn.on('close', () => limits.close(address, userId));
    next();
  };
}
