/**
 * The `admin_sid` cookie: HttpOnly (scripts can't read it), SameSite=Strict (never sent on cross-site
 * requests), Secure over HTTPS, scoped to /admin. It lasts for the browser session; the server decides
 * expiry (see `session-store.ts`).
 */
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError, ErrorCode } from '../../errors.js';
import type { SessionStore } from './session-store.js';

export const SESSION_COOKIE = 'admin_sid';

function cookieOptions(request: FastifyRequest): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/admin' };
}

export function readSessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(request));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/**
 * Sent by a page's own periodic refresh (the dashboard's figures): the request is served, but it is no
 * activity — an admin page left open still ends after the idle timeout.
 */
export const BACKGROUND_HEADER = 'x-admin-background';

/**
 * A hook answering 401 `UNAUTHORIZED` unless the request carries a live session — on the request, before
 * its body is read: nobody without a session makes the server parse a large body. It tells the request
 * who the admin is (`request.admin`) and which session (`request.adminSession`, the token's hash), and when it last proved the password (`request.adminPasswordAt`).
 */
export function requireSession(sessions: SessionStore): onRequestAsyncHookHandler {
  return async (request) => {
    const session = await sessions.find(readSessionToken(request), { background: request.headers[BACKGROUND_HEADER] === '1' });
    if (!session) throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Admin login required' });
    request.admin = session.admin;
    request.adminSession = session.tokenHash;
    request.adminPasswordAt = session.passwordAt;
  };
}
