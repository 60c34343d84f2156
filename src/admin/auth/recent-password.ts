/**
 * Changes of the team, erasures and replacing the content policy ask for the password again when the
 * session's last proof of it is not recent (`SessionPolicy.recentPasswordMs`, 10 minutes): a session left
 * open on an unattended screen, or a stolen cookie, cannot make an invitation (a new owner), change a role,
 * reset someone's 2FA, erase conversations (for good) or turn the content policy off. The
 * admin types the password (`POST /admin/api/me/password-confirmation`, routes-team.ts), the session
 * records it, and the change goes through for the next ten minutes. A route asks for it by declaring
 * `config: { ...RECENT_PASSWORD }`; the hook runs after the session and role checks, before the body is read.
 */
import type { onRequestAsyncHookHandler } from 'fastify';
import { AppError, ErrorCode } from '../../errors.js';
import type { SessionStore } from './session-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes who can do what, or cannot be undone: the password must have been typed recently. */
    recentPassword?: true;
  }
  interface FastifyRequest {
    /** When this admin's session last proved the password (login, or typed again). */
    adminPasswordAt?: Date;
  }
}

/** Route config of a change that asks for a recent password. */
export const RECENT_PASSWORD = { recentPassword: true } as const;

/** A hook answering 403 `PASSWORD_CONFIRMATION_REQUIRED` on a declaring route when the password is not recent. */
export function requireRecentPassword(sessions: Pick<SessionStore, 'passwordIsRecent'>): onRequestAsyncHookHandler {
  return async (request) => {
    if (request.routeOptions.config.recentPassword !== true) return;
    if (request.adminPasswordAt === undefined || !sessions.passwordIsRecent(request.adminPasswordAt)) {
      throw new AppError(ErrorCode.PASSWORD_CONFIRMATION_REQUIRED, { detail: 'Type your password again to confirm this change (POST /admin/api/me/password-confirmation)' });
    }
  };
}
