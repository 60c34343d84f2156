/**
 * The JSON API behind the admin pages (also usable by scripts): stats, conversations, one conversation,
 * the audit log. Registered behind the session guard.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, ErrorCode } from '../errors.js';
import { actorOf } from './audit-log.js';
import type { AdminContext } from './context.js';
import { READ } from './team/roles.js';
import { auditQuerySchema, conversationQuerySchema, describeFilters, encodeCursor, roomIdSchema, roomListQuerySchema } from './filters.js';
import { auditPageSchema, conversationSchema, dashboardStatsSchema, roomPageSchema } from './response-schemas.js';
import { refusals } from './refusals.js';

export async function registerApiRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  // Answers hold private conversations: no browser or proxy may keep them.
  app.addHook('onSend', async (_request, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-store');
  });

  app.get('/api/stats', { config: READ, schema: { response: { 200: dashboardStatsSchema } } }, async () => ctx.stats.get());

  app.get('/api/rooms', { config: READ, schema: { querystring: roomListQuerySchema(ctx.timezone), response: { 200: roomPageSchema } } }, async (request) => {
    const { cursor, limit, ...filters } = request.query;
    // Looking for what someone wrote, or for one person, is reading about people: audited, every page.
    if (filters.q !== undefined || filters.user !== undefined) {
      await ctx.audit.record({
        action: 'search_rooms',
        ...actorOf(request),
        detail: { filters: describeFilters(filters), ...(cursor === undefined ? {} : { next_page: true }) },
      });
    }
    return ctx.rooms.list(filters, { beforeId: cursor, limit });
  });

  app.get(
    '/api/rooms/:id',
    { config: READ, schema: { params: roomIdSchema, querystring: conversationQuerySchema, response: { 200: conversationSchema } } },
    async (request) => {
      const { id } = request.params;
      const { cursor, limit } = request.query;
      const conversation = await ctx.rooms.get(id, { afterId: cursor, limit });
      if (!conversation) throw new AppError(ErrorCode.NOT_FOUND, { detail: refusals.noConversation(id) });
      // Every page read is a view: the log says which part of the conversation was read.
      const first = conversation.messages[0]?.id;
      const detail = cursor === undefined ? { room_id: id } : { room_id: id, from_message_id: first ?? null };
      await ctx.audit.record({ action: 'view_room', ...actorOf(request), detail });
      return conversation;
    },
  );

  app.get('/api/audit', { schema: { querystring: auditQuerySchema, response: { 200: auditPageSchema } } }, async (request) => {
    const { entries, hasMore } = await ctx.audit.list({ beforeId: request.query.cursor, limit: request.query.limit });
    const last = entries.at(-1);
    return { entries, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
  });
}
