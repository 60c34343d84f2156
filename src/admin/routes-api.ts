/**
 * The JSON API behind the admin pages (also usable by scripts): stats, conversations, one conversation,
 * the audit log. Registered behind the session guard.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError, ErrorCode } from '../errors.js';
import type { AdminContext } from './context.js';
import { auditQuerySchema, conversationQuerySchema, encodeCursor, parseQuery, roomIdSchema, roomListQuerySchema } from './filters.js';

export async function registerApiRoutes(app: FastifyInstance, ctx: AdminContext): Promise<void> {
  const roomListSchema = roomListQuerySchema(ctx.timezone);
  // Answers hold private conversations: no browser or proxy may keep them.
  app.addHook('onSend', async (_request, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-store');
  });

  app.get('/api/stats', async () => ctx.stats.get());

  app.get('/api/rooms', async (request) => {
    const query = parseQuery(roomListSchema, request.query);
    if (!query.ok) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: query.message });
    const { cursor, limit, ...filters } = query.value;
    return ctx.rooms.list(filters, { beforeId: cursor, limit });
  });

  app.get('/api/rooms/:id', async (request) => {
    const params = parseQuery(roomIdSchema, request.params);
    if (!params.ok) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: params.message });
    const query = parseQuery(conversationQuerySchema, request.query);
    if (!query.ok) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: query.message });
    const { cursor, limit } = query.value;
    const conversation = await ctx.rooms.get(params.value.id, { afterId: cursor, limit });
    if (!conversation) throw new AppError(ErrorCode.NOT_FOUND, { detail: `No conversation ${params.value.id}` });
    // Every page read is a view: the log says which part of the conversation was read.
    const first = conversation.messages[0]?.id;
    const detail = cursor === undefined ? { room_id: params.value.id } : { room_id: params.value.id, from_message_id: first ?? null };
    await ctx.audit.record({ action: 'view_room', clientAddress: request.ip, detail });
    return conversation;
  });

  app.get('/api/audit', async (request) => {
    const query = parseQuery(auditQuerySchema, request.query);
    if (!query.ok) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: query.message });
    const { entries, hasMore } = await ctx.audit.list({ beforeId: query.value.cursor, limit: query.value.limit });
    const last = entries.at(-1);
    return { entries, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
  });
}
