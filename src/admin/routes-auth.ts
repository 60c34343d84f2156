/**
 * `POST /admin/login` (JSON or form field `password`) and `POST /admin/logout`. Login attempts are
 * rate-limited per client network, and by a budget of all networks together with few password checks
 * at once (auth/login-guard.ts); every outcome is audited, never with the password. The log gets one
 * line per login (info) or refused password (warn), without the client address: that is in the audit log.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors.js';
import { ADMIN_PASSWORD_MAX } from '../shared/limits.js';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './auth/session-cookie.js';
import type { AdminContext } from './context.js';
import { okSchema } from './response-schemas.js';

const PASSWORD_REQUIRED = 'a non-empty string is required';
/** JSON or a form field (@fastify/formbody); other fields are ignored, as before. */
const loginBodySchema = z.object({
  password: z.string({ message: PASSWORD_REQUIRED }).min(1, PASSWORD_REQUIRED).max(ADMIN_PASSWORD_MAX, `at most ${ADMIN_PASSWORD_MAX} characters (no admin password is longer)`),
});

export async function registerAuthRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/login',
    {
      schema: { body: loginBodySchema, response: { 200: okSchema } },
      config: {
        // Every attempt counts, successful ones too: counting only failures would let parallel guesses
        // all pass the check before any failure is recorded.
        rateLimit: {
          max: ctx.tuning.loginAttemptsMax,
          timeWindow: ctx.tuning.loginWindowMs,
          errorResponseBuilder: (_request, context) =>
            new AppError(ErrorCode.RATE_LIMITED, { detail: `Too many login attempts; retry in ${context.after}`, retryAfterMs: context.ttl }),
        },
      },
    },
    async (request, reply) => {
      if (!(await ctx.login.verify(request.body.password, ctx.devices?.recognise(request)))) {
        await ctx.audit.record({ action: 'login_failure', clientAddress: request.ip });
        request.log.warn({ event: 'admin_login_failure' }, 'admin login refused: wrong password');
        throw new AppError(ErrorCode.INVALID_PASSWORD, { detail: 'Wrong password' });
      }
      // A fresh token on every login; a session the browser still carried ends here (no fixation).
      await ctx.sessions.destroy(readSessionToken(request));
      const { token } = await ctx.sessions.create();
      setSessionCookie(request, reply, token);
      ctx.devices?.issue(request, reply);
      await ctx.audit.record({ action: 'login_success', clientAddress: request.ip });
      request.log.info({ event: 'admin_login' }, 'admin logged in');
      return reply.header('cache-control', 'no-store').send({ ok: true });
    },
  );

  app.post('/logout', { schema: { response: { 200: okSchema } } }, async (request, reply) => {
    const ended = await ctx.sessions.destroy(readSessionToken(request));
    if (ended) await ctx.audit.record({ action: 'logout', clientAddress: request.ip });
    clearSessionCookie(request, reply);
    return reply.header('cache-control', 'no-store').send({ ok: true });
  });
}
