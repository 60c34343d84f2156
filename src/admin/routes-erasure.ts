/**
 * Erasure from the back office: `DELETE /admin/api/rooms/:id` empties every message of an ended
 * conversation, `DELETE /admin/api/users/:id/rooms` every ended conversation one identity took part in.
 * Both need a reason in the body (`{reason, force?}`); a conversation with an open report is evidence and
 * is refused (409 `report_open`; skipped, for an identity) unless `force: true`. Messages stay as markers
 * (erased by `admin`, and when); those a sender erased earlier keep their own marker. Every erasure is
 * audited with who and why. Registered behind the session guard and the cross-site check. An erasure cannot
 * be undone, so it asks for the password typed in the last ten minutes, as the team's changes do
 * (auth/recent-password.ts): a session left open on someone else's screen cannot erase evidence.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConversationErasure, type UserErasure } from '../privacy/erasure.js';
import { formatIso } from '../shared/time.js';
import { AppError, ErrorCode } from '../errors.js';
import { RECENT_PASSWORD } from './auth/recent-password.js';
import { actorOf } from './audit-log.js';
import type { AdminContext } from './context.js';
import { roomIdSchema } from './filters.js';
import { refusals } from './refusals.js';

/** Longest reason for an erasure, in characters. */
export const MAX_ERASURE_REASON_CHARS = 500;

const erasureBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'a reason is required').max(MAX_ERASURE_REASON_CHARS),
  /** Erase even a conversation with an open report (it is evidence: only on purpose). */
  force: z.boolean().optional(),
});

const userParamsSchema = z.object({ id: z.string().trim().min(1).max(64) });

// What the two routes answer (the page reads `erased` and `skipped`: web/admin/src/erase-dialog.ts).
const roomErasedSchema = z.object({ room_id: z.number().int(), erased: z.number().int(), erased_at: z.string() });
const userRoomsErasedSchema = z.object({
  user_id: z.string(),
  rooms: z.array(z.number().int()),
  erased: z.number().int(),
  skipped: z.array(z.object({ room_id: z.number().int(), reason: z.enum(['report_open', 'active']) })),
  erased_at: z.string(),
});

export async function registerErasureRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const erasure = new ConversationErasure(ctx.database);

  app.delete('/api/rooms/:id', { config: RECENT_PASSWORD, schema: { params: roomIdSchema, body: erasureBodySchema, response: { 200: roomErasedSchema } } }, async (request) => {
    const { id } = request.params;
    const { reason, force = false } = request.body;
    const at = ctx.clock.now();
    // Erased and audited in one transaction: an audit row that cannot be written erases nothing.
    const outcome = await erasure.eraseRoom(id, at, force, (tx, erased) =>
      ctx.audit.record(
        {
          action: 'erase_room',
          ...actorOf(request),
          detail: { room_id: id, who: 'admin', why: reason, messages: erased.messages, ...(erased.openReports > 0 ? { forced: true, open_reports: erased.openReports } : {}) },
        },
        tx,
      ),
    );
    if (outcome.status === 'not_found') throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noConversation(id) });
    if (outcome.status === 'active') throw new AppError(ErrorCode.CONFLICT, { detail: refusals.conversationGoingOn(id) });
    if (outcome.status === 'report_open') {
      throw new AppError(ErrorCode.REPORT_OPEN, { detail: refusals.conversationReported(id, outcome.openReports) });
    }
    return { room_id: id, erased: outcome.messages, erased_at: formatIso(at, ctx.timezone) };
  });

  app.delete('/api/users/:id/rooms', { config: RECENT_PASSWORD, schema: { params: userParamsSchema, body: erasureBodySchema, response: { 200: userRoomsErasedSchema } } }, async (request) => {
    const userId = request.params.id;
    const { reason, force = false } = request.body;
    const at = ctx.clock.now();
    const skippedOf = (erased: UserErasure) => erased.skipped.map((s) => ({ room_id: s.roomId, reason: s.reason }));
    // Every room erased and the audit row in one transaction: all of it, recorded, or nothing.
    const result = await erasure.eraseUserRooms(userId, at, force, (tx, erased) =>
      ctx.audit.record(
        {
          action: 'erase_user_rooms',
          ...actorOf(request),
          detail: {
            user_id: userId,
            who: 'admin',
            why: reason,
            rooms: erased.rooms,
            messages: erased.messages,
            skipped: skippedOf(erased),
            ...(force ? { forced: true, forced_rooms: erased.forced.map((f) => ({ room_id: f.roomId, open_reports: f.openReports })) } : {}),
          },
        },
        tx,
      ),
    );
    if (!result) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.neverInConversation(userId) });
    const skipped = skippedOf(result);
    return { user_id: userId, rooms: result.rooms, erased: result.messages, skipped, erased_at: formatIso(at, ctx.timezone) };
  });
}
