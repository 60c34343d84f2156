/**
 * `GET /api/challenge`: a fresh ALTCHA challenge, signed by this server (no third party is asked), for a
 * client refused with CHALLENGE_REQUIRED. Never cached; limited per address (429 with Retry-After).
 * With `CHALLENGE=off` there is none (404).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BotChallenge } from '../door/bot-challenge.js';
import { AppError, ErrorCode } from '../errors.js';

export interface ChallengeRoutesOptions {
  challenge: BotChallenge;
  /** The client network a request comes from (for the per-address limit). */
  addressOf: (request: FastifyRequest) => string;
}

export async function registerChallengeRoutes(app: FastifyInstance, options: ChallengeRoutesOptions): Promise<void> {
  const { challenge } = options;
  app.get('/api/challenge', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (challenge.mode === 'off') throw new AppError(ErrorCode.NOT_FOUND, { detail: 'the bot challenge is off' });
    const issued = await challenge.issue(options.addressOf(request));
    if (!issued.ok) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: issued.retryAfterMs });
    return issued.challenge;
  });
}
