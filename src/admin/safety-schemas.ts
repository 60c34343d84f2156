/**
 * Inputs of the safety-loop routes (the reports queue, decisions, sanctions), validated with zod. Bodies
 * are strict: an unknown field (`duration` for `duration_s`) is a 400, not silently ignored. The routes
 * declare them (validation.ts), which turns bad input into one readable message.
 */
import { z } from 'zod';
import { REPORT_ACTIONS, REPORT_STATUSES } from '../moderation/report-repository.js';
import { MAX_REPORT_NOTE_CHARS, REPORT_REASONS } from '../shared/protocol.js';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, USER_FILTER_MAX, decodeCursor } from './filters.js';

/** Longest decision note or sanction reason, in characters (the same as a chatter's report note). */
export const DECISION_TEXT_MAX = MAX_REPORT_NOTE_CHARS;
/** Shortest and longest sanction: a minute, five years (longer is "for good": leave `duration_s` out). */
export const DURATION_MIN_S = 60;
export const DURATION_MAX_S = 5 * 365 * 86_400;

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const limitField = z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT);
const idField = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Where the next page of the queue starts: after this (priority, id). */
export interface ReportQueueCursor {
  priority: number;
  id: number;
}

/** Opaque to clients, like the conversations cursor; the queue's keyset is (priority, id). */
export function encodeReportCursor(cursor: ReportQueueCursor): string {
  return Buffer.from(`q1:${cursor.priority}:${cursor.id}`).toString('base64url');
}

export function decodeReportCursor(text: string): ReportQueueCursor | undefined {
  const match = /^q1:(\d{1,4}):(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const [priority, id] = [Number(match[1]), Number(match[2])];
  return Number.isSafeInteger(id) && id > 0 && priority <= 32_767 ? { priority, id } : undefined;
}

/** `GET /admin/api/reports?status=&reason=&user=&cursor=&limit=` */
export const reportListQuerySchema = z.object({
  status: optional(z.enum(REPORT_STATUSES)).transform((status) => status ?? 'open'),
  reason: optional(z.enum(REPORT_REASONS)),
  /** The reporter or the person reported, as the conversations' filter takes a user ID. */
  user: optional(z.string().trim().min(1).max(USER_FILTER_MAX)),
  cursor: optional(
    z.string().transform((value, ctx) => {
      const cursor = decodeReportCursor(value);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return cursor ?? { priority: 0, id: 0 };
    }),
  ),
  limit: limitField,
});

export const idParamsSchema = z.object({ id: idField });

const durationField = z
  .number({ message: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(DURATION_MIN_S, `must be at least ${DURATION_MIN_S} seconds`)
  .max(DURATION_MAX_S, `must be at most ${DURATION_MAX_S} seconds (leave it out for good)`);

/** Free text from the admin: trimmed, not blank. */
const decisionText = z.string().trim().min(1, 'must not be empty').max(DECISION_TEXT_MAX, `must be at most ${DECISION_TEXT_MAX} characters`);

const scopeField = z.enum(['identity', 'address', 'both']);

/**
 * `POST /admin/api/reports/:id/resolve`. `support` offers the reported person the crisis help card: no
 * sanction, so, like a dismissal, no duration (and `scope` is not used).
 */
export const resolveBodySchema = z
  .strictObject({
    action: z.enum(REPORT_ACTIONS),
    scope: scopeField.default('identity'),
    // null is "for good" (a ban) or the default (a warning or mute lasts 24 h), as when it is left out.
    duration_s: durationField.nullish(),
    note: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), decisionText.optional()),
  })
  .refine((body) => body.action !== 'dismiss' || body.duration_s == null, { message: 'a dismissal has no duration', path: ['duration_s'] })
  .refine((body) => body.action !== 'support' || body.duration_s == null, { message: 'an offer of support has no duration', path: ['duration_s'] });
export type ResolveBody = z.output<typeof resolveBodySchema>;

/** `GET /admin/api/sanctions?all=1&cursor=&limit=` */
export const sanctionListQuerySchema = z.object({
  all: optional(z.enum(['0', '1', 'true', 'false'])).transform((all) => all === '1' || all === 'true'),
  cursor: optional(
    z.string().transform((value, ctx) => {
      const id = decodeCursor(value);
      if (id === undefined) ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return id ?? 0;
    }),
  ),
  limit: limitField,
});

/** `POST /admin/api/sanctions` */
export const sanctionBodySchema = z.strictObject({
  user_id: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  kind: z.enum(['warning', 'muted', 'banned']),
  scope: scopeField,
  duration_s: durationField.nullish(),
  reason: decisionText,
});
export type SanctionBody = z.output<typeof sanctionBodySchema>;
