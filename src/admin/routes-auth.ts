/**
 * `POST /admin/login` (JSON or form fields `name`, `password`, `code`), `POST /admin/logout`, and
 * `POST /admin/invitations/check` and `POST /admin/invitations/accept` (joining the team from an
 * invitation link). Login attempts are rate-limited per client network (an attempt that proves not to be
 * a guess is given back: auth/login-limit.ts), and by a budget of all networks together with few password
 * checks at once (auth/login-guard.ts); who is logging in and what answers they get is
 * team/account-login.ts. Every outcome is audited, never with the password, and a name no account has is not recorded (it may be a
 * password typed in the wrong field). The log gets one line per login (info) or refusal (warn), without
 * the client address: that is in the audit log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors.js';
import { ADMIN_PASSWORD_MAX } from '../shared/limits.js';
import { RECOVERY_CODE_MAX_INPUT } from '../shared/recovery-code.js';
import { hashPassword } from './auth/password.js';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './auth/session-cookie.js';
import type { AdminContext } from './context.js';
import { okSchema } from './response-schemas.js';
import type { AdminAccount } from './team/admin-accounts.js';
import { LoginRefused, type LoggedIn } from './team/account-login.js';
import { ROLES } from './team/roles.js';
import { accountNameSchema, newPasswordSchema } from './team/team-schemas.js';

const PASSWORD_REQUIRED = 'a non-empty string is required';
/** JSON or form fields (@fastify/formbody); other fields are ignored, as before. No name: the bootstrap owner. */
const loginBodySchema = z.object({
  name: z.string().max(64, 'at most 64 characters').optional(),
  password: z.string({ message: PASSWORD_REQUIRED }).min(1, PASSWORD_REQUIRED).max(ADMIN_PASSWORD_MAX, `at most ${ADMIN_PASSWORD_MAX} characters (no admin password is longer)`),
  code: z.string().max(RECOVERY_CODE_MAX_INPUT, `at most ${RECOVERY_CODE_MAX_INPUT} characters`).optional(),
});

/** A login's answer: which second factor it took (`none` without 2FA), so the page can say a recovery code was spent. */
const loginAnswerSchema = z.object({ ok: z.literal(true), second_factor: z.enum(['none', 'totp', 'recovery']) });

const checkBodySchema = z.object({ token: z.string().min(1, 'the invitation token is missing').max(128, 'not an invitation token') });
const invitationCheckSchema = z.object({ ok: z.literal(true), role: z.enum(ROLES) });

const acceptBodySchema = z.object({
  token: z.string().min(1, 'the invitation token is missing').max(128, 'not an invitation token'),
  name: accountNameSchema,
  password: newPasswordSchema,
});

export async function registerAuthRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  // Every attempt is counted before it is checked: counting only failures would let parallel guesses all
  // pass the check before any failure is recorded. An attempt that proves not to be a guess is given back
  // afterwards (ctx.loginLimit). Invitations are guessed no faster than passwords.
  const rateLimit = {
    max: ctx.tuning.loginAttemptsMax,
    timeWindow: ctx.tuning.loginWindowMs,
    errorResponseBuilder: (_request: FastifyRequest, context: { after: string; ttl: number }) =>
      new AppError(ErrorCode.RATE_LIMITED, { detail: `Too many login attempts; retry in ${context.after}`, retryAfterMs: context.ttl }),
  };

  app.post('/login', { schema: { body: loginBodySchema, response: { 200: loginAnswerSchema } }, config: { rateLimit } }, async (request, reply) => {
    let account: AdminAccount;
    let secondFactor: LoggedIn['secondFactor'];
    try {
      ({ account, secondFactor } = await ctx.team.login.login(request.body, ctx.devices?.recognise(request)));
    } catch (error) {
      if (error instanceof LoginRefused) {
        // Asked for the code: not a failure, the form asks for it. Only the right password gets this answer,
        // so it was no guess either: given back, and a 2FA login costs no more than one without.
        if (error.reason === 'totp_required' && error.account) await ctx.loginLimit.giveBack(request, error.account.id);
        else {
          const detail = { reason: error.reason, ...(error.secondFactor ? { second_factor: error.secondFactor } : {}) };
          await ctx.audit.record({ action: 'login_failure', clientAddress: request.ip, admin: error.account?.name, detail });
          request.log.warn({ event: 'admin_login_failure', reason: error.reason }, 'admin login refused');
        }
      }
      throw error;
    }
    await startSession(ctx, request, reply, account);
    // A login, not a guess: colleagues behind one address can all log in within the window.
    await ctx.loginLimit.giveBack(request, account.id);
    // A recovery code spent is worth seeing in the log: the phone may be lost, or the code stolen.
    const recovery = secondFactor === 'recovery' ? { recovery_code: true, recovery_codes_left: await ctx.team.recoveryCodes.left(account.id) } : undefined;
    await ctx.audit.record({ action: 'login_success', clientAddress: request.ip, admin: account.name, ...(recovery ? { detail: recovery } : {}) });
    request.log.info({ event: 'admin_login', ...(recovery ? { recoveryCode: true } : {}) }, 'admin logged in');
    return reply.header('cache-control', 'no-store').send({ ok: true as const, second_factor: secondFactor });
  });

  app.post('/invitations/accept', { schema: { body: acceptBodySchema, response: { 200: okSchema } }, config: { rateLimit } }, async (request, reply) => {
    const { token, name, password } = request.body;
    await ctx.team.invitations.assertOpen(token);
    // In the login's bounded queue: scrypt on libuv's pool, however many accepts arrive at once.
    const passwordHash = await ctx.login.queued(() => hashPassword(password));
    const { account } = await ctx.team.invitations.accept(token, { name, passwordHash }, (tx, joined) =>
      ctx.audit.record(
        {
          action: 'team_join',
          clientAddress: request.ip,
          admin: joined.account.name,
          detail: { invitation_id: joined.invitationId, role: joined.account.role, invited_by: joined.account.createdBy },
        },
        tx,
      ),
    );
    await startSession(ctx, request, reply, account);
    // The token proved right and is spent now: no guess, and it cannot be used again to get more back.
    await ctx.loginLimit.giveBack(request, account.id);
    request.log.info({ event: 'admin_joined', role: account.role }, 'an admin joined the team from an invitation');
    return reply.header('cache-control', 'no-store').send({ ok: true });
  });

  // Whether an invitation link still works, and for which role, before its page asks for a name and a
  // password (POST: the token stays out of request lines). Limited like logins, and a right token is not
  // given back: this read is what a guesser learns from, spends nothing, and can be repeated with the same
  // token, so a refund would make it unlimited for anyone holding one link. An invitee needs it once per
  // page, and its count is this route's own (a login's is not touched).
  app.post('/invitations/check', { schema: { body: checkBodySchema, response: { 200: invitationCheckSchema } }, config: { rateLimit } }, async (request, reply) => {
    const role = await ctx.team.invitations.assertOpen(request.body.token);
    return reply.header('cache-control', 'no-store').send({ ok: true as const, role });
  });

  app.post('/logout', { schema: { response: { 200: okSchema } } }, async (request, reply) => {
    const token = readSessionToken(request);
    const session = await ctx.sessions.find(token, { background: true });
    const ended = await ctx.sessions.destroy(token);
    if (ended) await ctx.audit.record({ action: 'logout', clientAddress: request.ip, admin: session?.admin.name });
    clearSessionCookie(request, reply);
    return reply.header('cache-control', 'no-store').send({ ok: true });
  });
}

/** A fresh token on every login; a session the browser still carried ends here (no fixation). */
async function startSession(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, account: AdminAccount): Promise<void> {
  const started = await ctx.sessions.create(account.id, account.passwordHash);
  if (!started) {
    await ctx.audit.record({ action: 'login_failure', clientAddress: request.ip, admin: account.name, detail: { reason: 'changed_meanwhile' } });
    throw new AppError(ErrorCode.INVALID_PASSWORD, { detail: 'The password was changed, or the account disabled, during this login: log in again' });
  }
  // The session the browser still carried ends only now, once the new one exists.
  await ctx.sessions.destroy(readSessionToken(request));
  setSessionCookie(request, reply, started.token);
  ctx.devices?.issue(request, reply);
  await ctx.team.accounts.recordLogin(account.id);
}
