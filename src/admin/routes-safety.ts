/**
 * The admin side of the safety loop: the reports queue, one report with its evidence, decisions on
 * reports, and sanctions listed, issued directly and lifted. Registered behind the session guard and the
 * cross-site check; every view of a report is audited, and every decision in its own transaction. Sanctions reach the people
 * concerned on every instance by themselves (the moderation service publishes them), and so does an offer of
 * support (the `support` decision: the crisis help card on the reported person's open connections).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActive } from '../moderation/sanction-repository.js';
import { reportVersion, type ReportRecord } from '../moderation/report-repository.js';
import { AppError, ErrorCode } from '../errors.js';
import { actorOf } from './audit-log.js';
import type { AdminContext } from './context.js';
import { encodeCursor } from './filters.js';
import { networkOf } from './reports-query.js';
import { oneSanctionSchema, reportDetailSchema, reportQueuePageSchema, resolveResultSchema, sanctionPageSchema } from './response-schemas.js';
import { idParamsSchema, reportListQuerySchema, resolveBodySchema, sanctionBodySchema, sanctionListQuerySchema } from './safety-schemas.js';
import { reportFull, sanctionScope, sanctionView } from './safety-views.js';
import { adminName, MODERATE, READ } from './team/roles.js';
import { refusals } from './refusals.js';

/** A report's version (`reportVersion`: its reason and priority) as an entity tag. */
const reportEtag = (report: ReportRecord): string => `"r${reportVersion(report)}"`;

/**
 * The version an `If-Match` names: its first tag, weak or not (nginx's gzip makes our tag weak), whatever a
 * proxy appended to it (`"r…-gzip"`). Undefined for a tag of no shape of ours: ignored, as if none was sent
 * — refusing it would leave an admin behind such a proxy unable to decide anything.
 */
function versionIn(ifMatch: string): string | undefined {
  return /^(?:W\/)?"r([0-9a-f]{16})/.exec(ifMatch.split(',')[0]!.trim())?.[1];
}

export async function registerSafetyRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const view = (sanction: Parameters<typeof sanctionView>[0]) => sanctionView(sanction, ctx.timezone, ctx.clock.now());

  app.get('/api/reports', { config: READ, schema: { querystring: reportListQuerySchema, response: { 200: reportQueuePageSchema } } }, async (request) => {
    const { status, reason, user, cursor, limit } = request.query;
    return ctx.reportsQuery.list(status, { after: cursor, limit }, { ...(reason ? { reason } : {}), ...(user ? { userId: user } : {}) });
  });

  app.get('/api/reports/:id', { config: READ, schema: { params: idParamsSchema, response: { 200: reportDetailSchema } } }, async (request, reply) => {
    const { id } = request.params;
    const report = await ctx.reportsQuery.report(id);
    if (!report) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noReport(id) });
    const detail = await ctx.reportsQuery.detail(report);
    await ctx.audit.record({ action: 'view_report', ...actorOf(request), detail: { report_id: id, room_id: report.roomId } });
    void reply.header('etag', reportEtag(report));
    return detail;
  });

  const resolveSchema = { params: idParamsSchema, body: resolveBodySchema, response: { 200: resolveResultSchema } };
  app.post('/api/reports/:id/resolve', { config: MODERATE, schema: resolveSchema }, async (request) => {
    const { id } = request.params;
    const { action, scope, duration_s: durationS, note } = request.body;
    const report = await ctx.reportsQuery.report(id);
    if (!report) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noReport(id) });
    if (report.status !== 'open') throw new AppError(ErrorCode.CONFLICT, { detail: refusals.reportDecided(id, report.status) });
    // `If-Match` with the report's tag as read (the page sends it; a script may leave it out): a report made
    // more urgent since — its reporter reported a minor, the policy flagged crisis words — is not decided on
    // what was seen.
    const ifMatch = request.headers['if-match'];
    const ifVersion = ifMatch === undefined ? undefined : versionIn(ifMatch);
    const changed = () => new AppError(ErrorCode.CONFLICT, { detail: refusals.reportMoreUrgent(id) });
    if (ifVersion !== undefined && ifVersion !== reportVersion(report)) throw changed();
    const sanctions = action !== 'dismiss' && action !== 'support';
    // Checked before deciding: the report must not be closed with a sanction that cannot be issued.
    if (sanctions && scope !== 'identity' && networkOf(await ctx.reports.room(report.roomId), report.reportedId) === null) {
      throw new AppError(ErrorCode.NO_NETWORK, { detail: refusals.noNetworkInRoom(report.reportedId, report.roomId) });
    }
    // Decided and audited in one transaction: a decision whose audit row cannot be written is not made.
    const decision = { action, scope, durationS: durationS ?? undefined, note, ...(ifVersion === undefined ? {} : { ifVersion }) };
    const outcome = await ctx.moderation.resolve(id, decision, adminName(request), (tx, decided) =>
      ctx.audit.record(
        {
          action: 'report_resolve',
          ...actorOf(request),
          detail: {
            report_id: id,
            room_id: report.roomId,
            reported_id: report.reportedId,
            action,
            ...(sanctions ? { scope, duration_s: durationS ?? null } : {}),
            note: note ?? null,
            sanction_id: decided.sanction?.id ?? null,
          },
        },
        tx,
      ),
    );
    // Someone else decided between the read above and this decision, or the report changed meanwhile.
    if (!outcome) {
      const now = await ctx.reportsQuery.report(id);
      throw now?.status === 'open' ? changed() : new AppError(ErrorCode.CONFLICT, { detail: refusals.reportDecidedMeanwhile(id) });
    }
    return {
      report: reportFull(outcome.report, ctx.timezone, ctx.clock.now()),
      sanction: outcome.sanction ? view(outcome.sanction) : null,
      automatic: outcome.automatic ? view(outcome.automatic) : null,
    };
  });

  app.get('/api/sanctions', { config: READ, schema: { querystring: sanctionListQuerySchema, response: { 200: sanctionPageSchema } } }, async (request) => {
    const { all, cursor, limit } = request.query;
    const rows = await ctx.sanctions.page({ activeAt: all ? undefined : ctx.clock.now(), beforeId: cursor, limit: limit + 1 });
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { sanctions: shown.map(view), next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null };
  });

  app.post('/api/sanctions', { config: MODERATE, schema: { body: sanctionBodySchema, response: { 201: oneSanctionSchema } } }, async (request, reply) => {
    const { user_id: userId, kind, scope, duration_s: durationS, reason } = request.body;
    // Only people who have chatted: a mistyped ID would otherwise be "sanctioned" without effect.
    const seen = await ctx.reports.latestNetworkOf(userId);
    if (!seen) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.neverInConversation(userId) });
    if (scope !== 'identity' && seen.networkHash === null) {
      throw new AppError(ErrorCode.NO_NETWORK, { detail: refusals.noNetwork(userId) });
    }
    const sanction = await ctx.moderation.issue(
      { userId, networkHash: seen.networkHash, scope, kind, reason, durationS: durationS ?? undefined, createdBy: adminName(request) },
      (tx, issued) =>
        ctx.audit.record(
          {
            action: 'sanction_create',
            ...actorOf(request),
            detail: { sanction_id: issued.id, user_id: userId, kind, scope, duration_s: durationS ?? null, reason },
          },
          tx,
        ),
    );
    return reply.code(201).send({ sanction: view(sanction) });
  });

  app.delete('/api/sanctions/:id', { config: MODERATE, schema: { params: idParamsSchema, response: { 200: oneSanctionSchema } } }, async (request) => {
    const { id } = request.params;
    const current = await ctx.sanctions.get(id);
    if (!current || !isActive(current, ctx.clock.now())) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noSanctionInForce(id) });
    const lifted = await ctx.moderation.lift(id, adminName(request), (tx, done) =>
      ctx.audit.record(
        {
          action: 'sanction_lift',
          ...actorOf(request),
          detail: { sanction_id: id, user_id: done.userId, kind: done.kind, scope: sanctionScope(done), report_id: done.reportId },
        },
        tx,
      ),
    );
    if (!lifted) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noSanctionInForce(id) });
    return { sanction: view(lifted) };
  });
}
