/**
 * `GET /admin/export.csv` and `GET /admin/export.json[?format=ndjson]`, with the conversation filters;
 * `&pseudonymize=1` replaces every user ID with a pseudonym of that export alone.
 * The body is a stream pulled by the socket: a database page is read only when the previous one has been
 * written out (back-pressure), and a client that goes away stops the reading.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { actorOf } from './audit-log.js';
import type { AdminContext } from './context.js';
import { csvExport } from './export-csv.js';
import { jsonExport, type JsonExportFormat } from './export-json.js';
import { readExport } from './export-source.js';
import { createPseudonyms, keepIds, type Pseudonymize } from './pseudonyms.js';
import { describeFilters, exportQuerySchema, type RoomFilters } from './filters.js';
import { zonedDate } from './zoned-time.js';

type ExportFormat = 'csv' | JsonExportFormat;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export async function registerExportRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const querystring = exportQuerySchema(ctx.timezone);
  const downloads = new Set<FastifyReply>();
  // A client that stops reading but keeps its connection would otherwise hold shutdown open for ever.
  app.addHook('preClose', async () => {
    for (const reply of downloads) reply.raw.destroy();
  });

  const handle = (pathFormat: 'csv' | 'json') => async (request: { query: z.output<typeof querystring>; ip: string }, reply: FastifyReply) => {
    const { format: requested, pseudonymize, ...filters } = request.query;
    const format: ExportFormat = pathFormat === 'csv' ? 'csv' : (requested ?? 'json');
    const pseudonymized = pseudonymize === '1';
    await ctx.audit.record({
      action: 'export',
      ...actorOf(request),
      detail: { format, filters: describeFilters(filters), ...(pseudonymized ? { pseudonymized: true } : {}) },
    });
    return reply
      .header('content-type', CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${fileName(ctx, format)}"`)
      .header('cache-control', 'no-store')
      .send(exportStream(ctx, filters, format, reply, downloads, pseudonymized ? createPseudonyms() : keepIds));
  };

  // No automatic HEAD routes: a HEAD would run (and audit) a whole export only to throw the body away.
  // No response schema: the body is a byte stream (CSV, JSON, NDJSON), which no serializer touches.
  const options = { exposeHeadRoute: false, schema: { querystring } };
  app.get('/export.csv', options, handle('csv'));
  app.get('/export.json', options, handle('json'));
}

function exportStream(
  ctx: AdminContext,
  filters: RoomFilters,
  format: ExportFormat,
  reply: FastifyReply,
  downloads: Set<FastifyReply>,
  pseudonym: Pseudonymize,
): Readable {
  const abort = new AbortController();
  downloads.add(reply);
  // A download that makes no progress for this long is dead; dropping it frees its page and its connection.
  reply.raw.setTimeout(ctx.tuning.exportIdleTimeoutMs, () => reply.raw.destroy());
  // 'close' also fires after a complete response; aborting then is harmless.
  reply.raw.once('close', () => {
    downloads.delete(reply);
    abort.abort();
  });
  const pages = readExport(ctx.database, filters, abort.signal, ctx.tuning.exportBatch);
  const bytes = format === 'csv' ? csvExport(pages, ctx.timezone, pseudonym) : jsonExport(pages, ctx.timezone, format, pseudonym);
  // Not object mode: the stream buffers by bytes (16 KiB), so it pulls the next page only when that has drained.
  return Readable.from(bytes, { objectMode: false });
}

function fileName(ctx: AdminContext, format: ExportFormat): string {
  return `chat-export-${zonedDate(ctx.clock.now(), ctx.timezone)}.${format}`;
}
