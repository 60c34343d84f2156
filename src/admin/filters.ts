/**
 * Query-string parameters of the conversations list, the exports and the audit log, as zod schemas the
 * routes declare (validation.ts turns bad input into one readable message, `from: …`, for a 400 answer).
 * The conversations list and the exports take only the parameters they know: an unknown one
 * (`room=1`, a misspelt filter) is a 400 naming it, since ignored it would widen the answer — an export
 * of every conversation instead of the one meant.
 */
import { z } from 'zod';
import { parseZonedTime } from './zoned-time.js';

/** Which conversations to show or export. Times filter on when the conversation started. */
export interface RoomFilters {
  /** Conversations started at or after this instant. */
  from?: Date | undefined;
  /** Conversations started before this instant (exclusive). */
  to?: Date | undefined;
  /** Either participant's ID. */
  user?: string | undefined;
  status?: 'active' | 'closed' | undefined;
  /** Text contained in at least one message (case-insensitive). */
  q?: string | undefined;
}

/** Page size of the conversations list and the audit log. */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;
const SEARCH_TEXT_MAX = 200;
/** Longest user ID a filter takes (an identity is shorter). */
export const USER_FILTER_MAX = 64;

/** Empty form fields (`?from=&q=`) mean "no filter". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

function timeField(zone: string) {
  return z.string().transform((value, ctx) => {
    const date = parseZonedTime(value, zone);
    if (!date) ctx.addIssue({ code: 'custom', message: `must be ISO 8601 with an offset or "YYYY-MM-DD HH:mm" (${zone})` });
    return date ?? new Date(Number.NaN);
  });
}

const cursorField = z.string().transform((value, ctx) => {
  const id = decodeCursor(value);
  if (id === undefined) ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
  return id ?? 0;
});

const limitField = z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT);

function roomFilterShape(zone: string) {
  return {
    from: optional(timeField(zone)),
    to: optional(timeField(zone)),
    user: optional(z.string().trim().min(1).max(USER_FILTER_MAX)),
    status: optional(z.enum(['active', 'closed'])),
    q: optional(z.string().min(1).max(SEARCH_TEXT_MAX)),
  };
}

export function roomListQuerySchema(zone: string) {
  return z.strictObject({ ...roomFilterShape(zone), cursor: optional(cursorField), limit: limitField });
}

export function exportQuerySchema(zone: string) {
  return z.strictObject({
    ...roomFilterShape(zone),
    format: optional(z.enum(['json', 'ndjson'])),
    /** `1`: user IDs replaced by pseudonyms of this export alone (pseudonyms.ts). */
    pseudonymize: optional(z.enum(['0', '1'])),
  });
}

export const auditQuerySchema = z.object({ cursor: optional(cursorField), limit: limitField });

export const roomIdSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Messages per page of one conversation: a long chat (thousands of messages) is read a page at a time. */
export const MESSAGE_PAGE_DEFAULT = 500;
export const MESSAGE_PAGE_MAX = 2_000;

/** `GET /admin/api/rooms/:id?cursor=&limit=`: messages in order, after the cursor. */
export const conversationQuerySchema = z.object({
  cursor: optional(cursorField),
  limit: z.coerce.number().int().min(1).max(MESSAGE_PAGE_MAX).default(MESSAGE_PAGE_DEFAULT),
});

/** Filters as recorded in the audit log and echoed to scripts: only the ones set, times as ISO strings. */
export function describeFilters(filters: RoomFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (filters.from) out['from'] = filters.from.toISOString();
  if (filters.to) out['to'] = filters.to.toISOString();
  if (filters.user) out['user'] = filters.user;
  if (filters.status) out['status'] = filters.status;
  if (filters.q) out['q'] = filters.q;
  return out;
}

/** Cursors are opaque to clients, so the keyset behind them can change without breaking links. */
export function encodeCursor(id: number): string {
  return Buffer.from(`k1:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | undefined {
  const match = /^k1:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const id = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
