/**
 * The anonymous identity over HTTP: the signed, HttpOnly `uid` cookie given (or renewed) when the chat
 * page loads, and `POST /api/identity/reset`, which gives the visitor a brand-new identity.
 *
 * New identities are limited per client network (see FloodControl): per-identity limits would mean
 * nothing if identities were free. Over the limit, the page still loads, without a new cookie.
 *
 * A reset is refused (409 CONFLICT) while the identity in the cookie chats or waits — in the queue or in a
 * private room, on any instance, or within its grace period after a lost connection: the cookie is the
 * browser's, not the tab's, so another tab's chat would come back as the new identity at its next
 * reconnect, and its receipt and the chance to report it would be lost. An accepted reset closes the old
 * identity's connections everywhere (src/realtime/identity-retirement.ts).
 *
 * It is refused too (409 SANCTION_IN_FORCE) while a mute or a ban is in force on the identity or its
 * network: a new identity would carry none of it, and one click took a mute away (found by trying it).
 * Clearing the browser's cookies still gives a new identity — an anonymous service cannot stop that; a
 * network ban is the answer to someone who does it to get around one.
 *
 * SameSite is `Lax`, not `Strict`: Strict would keep the cookie off a visit that arrives from a link on
 * another site, and the page would mint a second identity; the attack Strict would stop (a request made
 * for another site's page carrying the cookie) is refused by the Origin / Sec-Fetch-Site checks instead
 * (Socket.IO endpoint, this reset).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Activity } from '../chat/activity-registry.js';
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
  /** The identity's chat or wait, wherever it is held (the activity registry); undefined when idle. */
  activityOf: (userId: string) => Promise<Activity | undefined>;
  /** Closes the connections of an identity just replaced, on every instance. */
  retireConnections: (userId: string) => void;
  /** The strongest sanction in force on the identity or its network (`addressOf`'s hash), if any. */
  sanctionOf: (userId: string, networkHash: string) => 'warning' | 'muted' | 'banned' | undefined;
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
    const current = signer.verify(request.cookies[IDENTITY_COOKIE]);
    // Before the limit: a refusal costs no new identity.
    if (current !== undefined) {
      const sanction = options.sanctionOf(current, options.addressOf(request));
      if (sanction === 'muted' || sanction === 'banned') {
        throw new AppError(ErrorCode.SANCTION_IN_FORCE, { detail: `a ${sanction === 'muted' ? 'mute' : 'ban'} is in force on this identity: it ends at its time, not with a new identity` });
      }
      await refuseWhileActive(current);
    }
    const allowed = await flood.checkNewIdentity(options.addressOf(request)).then(
      () => true,
      () => false,
    );
    if (!allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: 60_000 });
    const userId = newUserId();
    setIdentityCookie(request, reply, userId);
    if (current !== undefined) options.retireConnections(current);
    return { user_id: userId };
  });

  async function refuseWhileActive(userId: string): Promise<void> {
    const activity = await options.activityOf(userId).catch((err: unknown) => {
      // Redis unreachable: whether a chat goes on cannot be known, so nothing is changed.
      throw new AppError(ErrorCode.MATCHING_UNAVAILABLE, { cause: err });
    });
    if (activity === undefined) return;
    throw new AppError(ErrorCode.CONFLICT, {
      detail: activity.kind === 'chatting' ? 'this identity is in a chat (another tab?): end it first' : 'this identity is waiting for a chat (another tab?): stop waiting first',
    });
  }
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
