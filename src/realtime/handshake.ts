/**
 * Connection middleware, in order: where the client comes from (Origin), who it is (identity), whether it
 * may open one more connection, and whether it returns to a chat or wait it lost a moment ago.
 */
import type { IncomingMessage } from 'node:http';
import type { ChatService } from '../chat/chat-service.js';
import type { Activity } from '../chat/activity-registry.js';
import { identityFromCookieHeader, newUserId, type IdentitySigner } from '../identity.js';
import { errorText, parseLang, type ErrorCode } from '../shared/codes.js';
import { handshakeAuth, type SessionStatus } from '../shared/protocol.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { ChatSocket } from './types.js';

type Next = (err?: Error) => void;

/** What the handshake learned, for the connection handler. */
export interface HandshakeResult {
  status: SessionStatus;
  resumed?: Activity;
}

/** Errors refusing a handshake carry `data.code` for socket.io-client's `connect_error`. */
function refusal(code: ErrorCode): Error {
  return Object.assign(new Error(errorText['zh-CN'][code]), { data: { code, message: errorText['en'][code] } });
}

export function identityMiddleware(signer: IdentitySigner, addressOf: (req: IncomingMessage) => string) {
  return (socket: ChatSocket, next: Next): void => {
    const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
    const data = auth.success ? auth.data : {};
    socket.data.userId = signer.verify(data.token) ?? identityFromCookieHeader(signer, socket.handshake.headers.cookie) ?? newUserId();
    socket.data.lang = parseLang(data.lang ?? socket.handshake.headers['accept-language']?.split(',')[0]);
    socket.data.address = addressOf(socket.request);
    socket.data.lastMessageId = data.last_message_id;
    socket.data.resume = data.resume === true;
    next();
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

export function resumeMiddleware(chat: ChatService, results: WeakMap<ChatSocket, HandshakeResult>) {
  return (socket: ChatSocket, next: Next): void => {
    chat
      .attach({ userId: socket.data.userId, socketId: socket.id, lang: socket.data.lang }, { takeOver: socket.data.resume })
      .then((result) => {
        results.set(socket, result);
        next();
      })
      // The registry is unreachable (Redis down): connect anyway; nothing can be resumed right now.
      .catch(() => {
        results.set(socket, { status: 'idle' });
        next();
      });
  };
}
