/**
 * The admin team: what an admin sees and changes of their own account (`/api/me`: 2FA and its recovery
 * codes, password), and, for owners, the team (`/api/team`: accounts, roles, disabling, resetting 2FA,
 * invitations). Every change is audited with the admin who made it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, ErrorCode } from '../errors.js';
import { formatIso } from '../shared/time.js';
import { actorOf } from './audit-log.js';
import { hashPassword } from './auth/password.js';
import { RECENT_PASSWORD } from './auth/recent-password.js';
import type { AdminContext } from './context.js';
import { okSchema } from './response-schemas.js';
import type { AdminAccount } from './team/admin-accounts.js';
import { permissionsOf, READ, type AdminIdentity } from './team/roles.js';
import { wrongCode } from './team/account-login.js';
import {
  accountIdParamsSchema,
  accountChangeSchema,
  inviteBodySchema,
  passwordChangeSchema,
  passwordConfirmationSchema,
  secondFactorChangeSchema,
  totpChangeSchema,
} from './team/team-schemas.js';
import { invitationCreatedSchema, meSchema, recoveryCodesSchema, teamAccountSchema, teamSchema, totpSetupSchema } from './team/team-views.js';
import { newTotpSecret, totpStep } from './team/totp.js';

export async function registerTeamRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { accounts, invitations, login, recoveryCodes } = ctx.team;
  const view = (account: AdminAccount, codesLeft: number) => accountView(account, codesLeft, ctx.timezone);

  /** The account of the admin making the request (it may have been changed since the session began). */
  const me = async (admin: AdminIdentity | undefined): Promise<AdminAccount> => {
    const account = admin && (await accounts.byId(admin.id));
    if (!account) throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Admin login required' });
    return account;
  };

  /**
   * The admin's password, again, before a change of how they log in or a change that asks for it
   * (team/account-login.ts `recheck`). Each check holds one of the session's wrong-password slots until it
   * proves right; the third wrong one in a row ends the session (`SessionStore.holdPasswordCheck`), so a
   * stolen cookie's guesses — even sent at once — use at most three of the account's ten checks.
   */
  const checkPassword = async (request: FastifyRequest, account: AdminAccount, password: string, options: { auditWrong?: boolean } = {}): Promise<void> => {
    const session = request.adminSession;
    if (session === undefined || !(await ctx.sessions.holdPasswordCheck(session))) {
      throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Your session ended meanwhile: log in again' });
    }
    let right: boolean;
    try {
      right = await login.recheck(account, password);
    } catch (failure) {
      // Refused unchecked (the account's limit) or failed: not a wrong password of this session.
      await ctx.sessions.releasePasswordCheck(session);
      throw failure;
    }
    if (right) {
      await ctx.sessions.passwordRight(session);
      return;
    }
    // Typed only to confirm (someone at an unattended screen?): audited. The other routes audit what they change.
    if (options.auditWrong === true) {
      await ctx.audit.record({ action: 'password_confirm', ...actorOf(request), detail: { wrong_password: true } });
    }
    const counted = await ctx.sessions.wrongPassword(session);
    if (counted === undefined) throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Your session ended meanwhile: log in again' });
    if (counted.ended) {
      await ctx.audit.record({ action: 'session_end', ...actorOf(request), detail: { wrong_passwords: counted.count } });
      // Its own code (a 401 still): the page's login form then says why, not "your session expired".
      throw new AppError(ErrorCode.SESSION_ENDED_WRONG_PASSWORDS);
    }
    throw new AppError(ErrorCode.CURRENT_PASSWORD_WRONG, { detail: 'Your password is wrong' });
  };

  app.get('/api/me', { config: READ, schema: { response: { 200: meSchema } } }, async (request) => {
    const account = await me(request.admin);
    return {
      id: account.id,
      name: account.name,
      role: account.role,
      permissions: [...permissionsOf(account.role)],
      totp_enabled: account.totpSecret !== null,
      recovery_codes_left: account.totpSecret === null ? null : await recoveryCodes.left(account.id),
      password_managed: account.bootstrap ? ('environment' as const) : ('account' as const),
    };
  });

  app.post('/api/me/totp', { config: READ, schema: { response: { 200: totpSetupSchema } } }, async (request) => {
    const account = await me(request.admin);
    if (account.totpSecret !== null) throw new AppError(ErrorCode.CONFLICT, { detail: '2FA is already on: turn it off first to set up another device' });
    const setup = newTotpSecret(account.name);
    await accounts.setPendingTotp(account.id, setup.secret);
    return setup;
  });

  // The recovery codes are made in the same transaction as 2FA is turned on, and shown this once.
  app.post('/api/me/totp/confirm', { config: READ, schema: { body: totpChangeSchema, response: { 200: recoveryCodesSchema } } }, async (request, reply) => {
    const account = await me(request.admin);
    const pending = account.totpPendingSecret;
    if (account.totpSecret !== null || pending === null) throw new AppError(ErrorCode.CONFLICT, { detail: 'No 2FA set-up is waiting: start it again' });
    await checkPassword(request, account, request.body.password);
    await login.spendCodeAttempt(account.id);
    const step = totpStep(pending, request.body.code, ctx.clock.now().getTime());
    if (step === undefined) throw new AppError(ErrorCode.INVALID_TOTP, { detail: 'That code does not match: check the time on your phone and type the current code' });
    let codes: string[] = [];
    const enabled = await accounts.confirmTotp(account.id, pending, step, async (tx) => {
      codes = await recoveryCodes.replace(account.id, tx);
      await ctx.audit.record({ action: 'totp_enable', ...actorOf(request) }, tx);
    });
    if (!enabled) throw new AppError(ErrorCode.CONFLICT, { detail: 'The 2FA set-up changed meanwhile: start it again' });
    return reply.header('cache-control', 'no-store').send({ ok: true as const, recovery_codes: codes });
  });

  /**
   * The admin's password and a second factor (the app's code or a recovery code), spent; else the error.
   * What the audit entry says of it: which kind of code was spent.
   */
  const checkSecondFactor = async (request: FastifyRequest, account: AdminAccount, body: { code: string; password: string }): Promise<Record<string, unknown>> => {
    await checkPassword(request, account, body.password);
    const kind = await login.spendSecondFactor(account, body.code);
    if (kind === undefined) throw new AppError(ErrorCode.INVALID_TOTP, { detail: wrongCode(body.code) });
    return { second_factor: kind };
  };

  app.delete('/api/me/totp', { config: READ, schema: { body: secondFactorChangeSchema, response: { 200: okSchema } } }, async (request) => {
    const account = await me(request.admin);
    if (account.totpSecret === null) throw new AppError(ErrorCode.CONFLICT, { detail: '2FA is not on' });
    const detail = await checkSecondFactor(request, account, request.body);
    await accounts.clearTotp(account.id, (tx) => ctx.audit.record({ action: 'totp_disable', ...actorOf(request), detail }, tx));
    return { ok: true as const };
  });

  // Ten new recovery codes, the old ones no longer working (all used, or some seen by someone else).
  app.post('/api/me/totp/recovery-codes', { config: READ, schema: { body: secondFactorChangeSchema, response: { 200: recoveryCodesSchema } } }, async (request, reply) => {
    const account = await me(request.admin);
    if (account.totpSecret === null) throw new AppError(ErrorCode.CONFLICT, { detail: '2FA is not on: recovery codes come with it' });
    const detail = await checkSecondFactor(request, account, request.body);
    const codes = await ctx.database.transaction(async (tx) => {
      // 2FA turned off meanwhile (by an owner, or another session): no codes for an account without it.
      const still = await tx.query('SELECT id FROM admin_accounts WHERE id = $1 AND totp_secret IS NOT NULL FOR UPDATE', [account.id]);
      if (still.length === 0) return undefined;
      const made = await recoveryCodes.replace(account.id, tx);
      await ctx.audit.record({ action: 'totp_recovery_codes', ...actorOf(request), detail }, tx);
      return made;
    });
    if (codes === undefined) throw new AppError(ErrorCode.CONFLICT, { detail: '2FA was turned off meanwhile' });
    return reply.header('cache-control', 'no-store').send({ ok: true as const, recovery_codes: codes });
  });

  app.post('/api/me/password', { config: READ, schema: { body: passwordChangeSchema, response: { 200: okSchema } } }, async (request) => {
    const account = await me(request.admin);
    if (account.bootstrap) throw new AppError(ErrorCode.CONFLICT, { detail: "This account's password is the server's ADMIN_PASSWORD: change it there" });
    await checkPassword(request, account, request.body.current);
    if (request.body.password === request.body.current) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: 'password: the new password must differ from the current one' });
    await accounts.setPassword(account.id, await hashPassword(request.body.password), request.adminSession, (tx) =>
      ctx.audit.record({ action: 'password_change', ...actorOf(request) }, tx),
    );
    // Typed just now, the current one and the new: a team change right after does not ask again.
    if (request.adminSession) await ctx.sessions.confirmPassword(request.adminSession);
    return { ok: true as const };
  });

  // The password typed again, so that the team's changes go through for a while (auth/recent-password.ts).
  // Any role may: the session's record of it is all that changes. A wrong one is audited (someone at an
  // unattended screen?) and counted per account like any password check asked again (`recheck`), and per
  // session: the third wrong one in a row ends it (`checkPassword`).
  app.post('/api/me/password-confirmation', { config: READ, schema: { body: passwordConfirmationSchema, response: { 200: okSchema } } }, async (request) => {
    const account = await me(request.admin);
    await checkPassword(request, account, request.body.password, { auditWrong: true });
    if (!request.adminSession || !(await ctx.sessions.confirmPassword(request.adminSession))) {
      throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Your session ended meanwhile: log in again' });
    }
    await ctx.audit.record({ action: 'password_confirm', ...actorOf(request) });
    return { ok: true as const };
  });

  // The team: owners only (no declared permission: `manage`). Its changes ask for a recent password.
  app.get('/api/team', { schema: { response: { 200: teamSchema } } }, async () => {
    // Read side by side, not in one snapshot: a 2FA change landing between them shows for one read only
    // (2FA on with its codes not yet counted, say), and the next read of the list has it right.
    const [admins, codesLeft, open] = await Promise.all([accounts.list(), recoveryCodes.leftByAccount(), invitations.open()]);
    return {
      admins: admins.map((account) => view(account, codesLeft.get(account.id) ?? 0)),
      invitations: open.map((i) => ({
        id: i.id,
        role: i.role,
        created_by: i.createdBy,
        created_at: formatIso(i.createdAt, ctx.timezone),
        expires_at: formatIso(i.expiresAt, ctx.timezone),
      })),
    };
  });

  app.post('/api/team/invitations', { config: RECENT_PASSWORD, schema: { body: inviteBodySchema, response: { 201: invitationCreatedSchema } } }, async (request, reply) => {
    const by = await me(request.admin);
    const { invitation, token } = await invitations.create(request.body.role, by.name, (tx, made) =>
      ctx.audit.record({ action: 'team_invite', ...actorOf(request), detail: { invitation_id: made.id, role: made.role } }, tx),
    );
    return reply.code(201).header('cache-control', 'no-store').send({
      id: invitation.id,
      role: invitation.role,
      token,
      // In the fragment: the token never travels in a request line, so no access log keeps it.
      path: `/admin/invite#${token}`,
      expires_at: formatIso(invitation.expiresAt, ctx.timezone),
    });
  });

  app.delete('/api/team/invitations/:id', { schema: { params: accountIdParamsSchema, response: { 200: okSchema } } }, async (request) => {
    const revoked = await invitations.revoke(request.params.id, (tx, id) => ctx.audit.record({ action: 'team_invite_revoke', ...actorOf(request), detail: { invitation_id: id } }, tx));
    if (!revoked) throw new AppError(ErrorCode.NOT_FOUND, { detail: `No open invitation ${request.params.id}` });
    return { ok: true as const };
  });

  app.patch('/api/team/:id', { config: RECENT_PASSWORD, schema: { params: accountIdParamsSchema, body: accountChangeSchema, response: { 200: teamAccountSchema } } }, async (request) => {
    const after = await accounts.update(request.params.id, request.body, (tx, { before, after: changed, invitationsWithdrawn }) =>
      ctx.audit.record(
        {
          action: 'team_update',
          ...actorOf(request),
          detail: {
            admin_id: changed.id,
            name: changed.name,
            role: changed.role,
            was_role: before.role,
            disabled: changed.disabledAt !== null,
            was_disabled: before.disabledAt !== null,
            ...(invitationsWithdrawn > 0 ? { invitations_withdrawn: invitationsWithdrawn } : {}),
          },
        },
        tx,
      ),
    );
    if (!after) throw new AppError(ErrorCode.NOT_FOUND, { detail: `No admin ${request.params.id}` });
    return view(after, after.totpSecret === null ? 0 : await recoveryCodes.left(after.id));
  });

  // Another admin's 2FA (a lost phone), their sessions ended with it. One's own is turned off on the Account page, with a code and the
  // password (`DELETE /api/me/totp`): else a session left open could remove it here with one click.
  app.delete('/api/team/:id/totp', { config: RECENT_PASSWORD, schema: { params: accountIdParamsSchema, response: { 200: okSchema } } }, async (request) => {
    if (request.params.id === request.admin?.id) {
      throw new AppError(ErrorCode.CONFLICT, { detail: 'Your own 2FA is turned off on the Account page, with a code and your password' });
    }
    const account = await accounts.byId(request.params.id);
    const reset =
      account !== undefined &&
      (await accounts.clearTotp(
        account.id,
        (tx, { sessionsEnded }) => ctx.audit.record({ action: 'team_reset_totp', ...actorOf(request), detail: { admin_id: account.id, name: account.name, sessions_ended: sessionsEnded } }, tx),
        // The phone is lost, perhaps stolen: what logged in with it logs in again (with the password, then a new 2FA).
        { endSessions: true },
      ));
    if (!reset) throw new AppError(ErrorCode.NOT_FOUND, { detail: `No admin ${request.params.id}` });
    return { ok: true as const };
  });
}

/** An admin as the Team list shows them; `codesLeft`, their unused recovery codes, is said only while 2FA is on. */
function accountView(account: AdminAccount, codesLeft: number, timezone: string) {
  const totpEnabled = account.totpSecret !== null;
  return {
    id: account.id,
    name: account.name,
    role: account.role,
    totp_enabled: totpEnabled,
    recovery_codes_left: totpEnabled ? codesLeft : null,
    disabled: account.disabledAt !== null,
    bootstrap: account.bootstrap,
    created_at: formatIso(account.createdAt, timezone),
    last_login_at: account.lastLoginAt === null ? null : formatIso(account.lastLoginAt, timezone),
  };
}
