/**
 * Connection middleware: every socket gets an identity before its first event. A valid signed cookie
 * or `auth.token` keeps the ID; anything else gets a fresh one, which the client learns from `session`.
 */
import { newUserId, identityFromCookieHeader, type IdentitySigner } from '../identity.js';
import { parseLang } from '../shared/codes.js';
import { handshakeAuth } from '../shared/protocol.js';
import type { ChatSocket } from './types.js';

export function identityMiddleware(signer: IdentitySigner) {
  return (socket: ChatSocket, next: (err?: Error) => void): void => {
    const auth = handshakeAuth.safeParse(socket.handshake.auth ?? {});
    const token = auth.success ? auth.data.token : undefined;
    const userId = signer.verify(token) ?? identityFromCookieHeader(signer, socket.handshake.headers.cookie) ?? newUserId();
    const acceptLanguage = socket.handshake.headers['accept-language'];
    socket.data.userId = userId;
    socket.data.lang = parseLang(auth.success && auth.data.lang ? auth.data.lang : acceptLanguage?.split(',')[0]);
    next();
  };
}
