/**
 * `POST /admin/login` (JSON or form field `password`) and `POST /admin/logout`. Login attempts are
 * rate-limited per client address; every outcome is audited, never with the password. The log gets one
 * line per login (info) or refused password (warn), without the client address: that is in the audit log.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './auth/session-cookie.js';
import type { AdminContext } from './context.js';
import { AdminHttpError, sendError } from './http-errors.js';

const loginBodySchema = z.object({ password: z.string().min(1).max(1_024) });

export async function registerAuthRoutes(app: FastifyInstance, ctx: AdminContext): Promise<void> {
  app.post(
    '/login',
    {
      config: {
        // Every attempt counts, successful ones too: counting only failures would let parallel guesses
        // all pass the check before any failure is recorded.
        rateLimit: {
          max: ctx.tuning.loginAttemptsMax,
          timeWindow: ctx.tuning.loginWindowMs,
          errorResponseBuilder: (_request, context) =>
            new AdminHttpError(429, 'rate_limited', `Too many login attempts; retry in ${context.after}`),
        },
      },
    },
    async (request, reply) => {
      const body = loginBodySchema.safeParse(request.body);
      if (!body.success) return sendError(reply, 400, 'invalid_request', 'password: a non-empty string is required');
      if (!(await ctx.password.verify(body.data.password))) {
        await ctx.audit.record({ action: 'login_failure', clientAddress: request.ip });
        request.log.warn({ event: 'admin_login_failure' }, 'admin login refused: wrong password');
        return sendError(reply, 401, 'invalid_password', 'Wrong password');
      }
      // A fresh token on every login; a session the browser still carried ends here (no fixation).
      await ctx.sessions.destroy(readSessionToken(request));
      const { token } = await ctx.sessions.create();
      setSessionCookie(request, reply, token);
      await ctx.audit.record({ action: 'login_success', clientAddress: request.ip });
      request.log.info({ event: 'admin_login' }, 'admin logged in');
      return reply.header('cache-control', 'no-store').send({ ok: true });
    },
  );

  app.post('/logout', async (request, reply) => {
    const ended = await ctx.sessions.destroy(readSessionToken(request));
    if (ended) await ctx.audit.record({ action: 'logout', clientAddress: request.ip });
    clearSessionCookie(request, reply);
    return reply.header('cache-control', 'no-store').send({ ok: true });
  });
}
