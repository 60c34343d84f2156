/**
 * The anonymous identity over HTTP: the signed, HttpOnly `uid` cookie given (or renewed) when the chat
 * page loads, and `POST /api/identity/reset`, which gives the visitor a brand-new identity.
 *
 * New identities are limited per client network (see FloodControl): per-identity limits would mean
 * nothing if identities were free. Over the limit, the page still loads, without a new cookie.
 *
 * SameSite is `Lax`, not `Strict`: Strict would keep the cookie off a visit that arrives from a link on
 * another site, and the page would mint a second identity; the attack Strict would stop (a request made
 * for another site's page carrying the cookie) is refused by the Origin / Sec-Fetch-Site checks instead
 * (Socket.IO endpoint, this reset).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';
import { IDENTITY_COOKIE, IDENTITY_COOKIE_MAX_AGE_S, newUserId, type IdentitySigner } from '../identity.js';
import type { FloodControl } from '../realtime/flood-control.js';
import { isOriginAllowed, type OriginPolicy } from '../realtime/origin-check.js';

/** Pages that start a chat session, where the visitor gets (or keeps) an identity cookie. */
const PAGE_PATHS = new Set(['/', '/index.html']);

export interface IdentityRoutesOptions {
  signer: IdentitySigner;
  flood: FloodControl;
  originPolicy: OriginPolicy;
  /** The client network a request comes from (for the per-address limit). */
  addressOf: (request: FastifyRequest) => string;
}

export async function registerIdentityRoutes(app: FastifyInstance, options: IdentityRoutesOptions): Promise<void> {
  const { signer, flood } = options;

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !PAGE_PATHS.has(request.url.split('?')[0] ?? '')) return;
    const known = signer.verify(request.cookies[IDENTITY_COOKIE]);
    if (known !== undefined) return setIdentityCookie(request, reply, known);
    // Over the limit the page loads all the same; its connection will be refused with RATE_LIMITED.
    const allowed = await flood.checkNewIdentity(options.addressOf(request)).then(
      () => true,
      () => false,
    );
    if (allowed) setIdentityCookie(request, reply, newUserId());
  });

  /** A brand-new identity for this browser: the old one is no longer sent (nothing links the two). */
  app.post('/api/identity/reset', async (request, reply) => {
    if (!isOriginAllowed(request.raw, options.originPolicy)) throw new AppError(ErrorCode.CROSS_SITE_REQUEST);
    const allowed = await flood.checkNewIdentity(options.addressOf(request)).then(
      () => true,
      () => false,
    );
    if (!allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: 60_000 });
    const userId = newUserId();
    setIdentityCookie(request, reply, userId);
    return { user_id: userId };
  });
}

function setIdentityCookie(request: FastifyRequest, reply: FastifyReply, userId: string): void {
  void reply.setCookie(IDENTITY_COOKIE, userId, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: IDENTITY_COOKIE_MAX_AGE_S,
  });
}
