/**
 * Handshake middleware of the bot challenge: after the identity is known, before the connection counts.
 * Refused with `connect_error` data.code CHALLENGE_REQUIRED (its message in the connection's language)
 * when a solution is needed and the handshake carries none, a bad one, an expired one or one already
 * used; the client fetches a challenge from `GET /api/challenge`, solves it and connects again with
 * `auth.altcha`.
 */
import { handshakeAuth } from '../shared/protocol.js';
import { refusal } from '../realtime/handshake.js';
import type { ChatSocket } from '../realtime/types.js';
import type { BotChallenge } from './bot-challenge.js';

type Next = (err?: Error) => void;

const altchaField = handshakeAuth.shape.altcha;

export function challengeMiddleware(challenge: BotChallenge) {
  return (socket: ChatSocket, next: Next): void => {
    if (challenge.mode === 'off') return next();
    const auth: unknown = socket.handshake.auth;
    const raw = typeof auth === 'object' && auth !== null && 'altcha' in auth ? auth.altcha : undefined;
    const payload = altchaField.safeParse(raw);
    challenge.admit(socket.data.userId, socket.data.address, payload.success ? payload.data : undefined).then(
      // In the connection's language (read by the identity middleware before this one).
      (admission) => next(admission === 'not_required' || admission === 'solved' ? undefined : refusal('CHALLENGE_REQUIRED', socket.data.lang)),
      () => next(refusal('INTERNAL_ERROR', socket.data.lang)),
    );
  };
}
