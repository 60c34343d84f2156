/**
 * What each admin JSON route answers on success, as zod schemas declared on the route (validation.ts):
 * the serializer writes exactly these fields and refuses (500) an answer that does not fit them.
 *
 * The page and the tests read the interfaces next to the queries (rooms-query.ts, safety-views.ts, …);
 * every schema here is checked below to have exactly the fields and types of its interface, so a field
 * added to an interface but not here fails the type check instead of silently vanishing from the answer
 * (serializing a zod object drops keys it does not declare).
 *
 * Plain shapes only: no `transform`/`preprocess`, which cannot run in the serializing direction.
 */
import { z } from 'zod';
import type { AuditView } from './audit-log.js';
import { AUDIT_ACTIONS } from './audit-log.js';
import { REPORT_ACTIONS, REPORT_STATUSES } from '../moderation/report-repository.js';
import { LINK_ACTIONS, POLICY_ACTIONS, type PolicyDocument } from '../policy/policy-document.js';
import { REPORT_REASONS } from '../shared/protocol.js';
import type { HeldMessage, MarkedMessage, PersonHistory, ReportDetail, ReportQueuePage } from './reports-query.js';
import type { Conversation, ConversationMessage, RoomPage, RoomSummary } from './rooms-query.js';
import type { ReportFull, ReportItem, ReportQueueItem, SanctionView } from './safety-views.js';
import type { DashboardStats } from './stats-query.js';

const count = z.number().int().nonnegative();
/** ISO 8601 with the configured zone's offset (formatted by the server, not checked again here). */
const time = z.string();
const nextCursor = z.string().nullable();

export const roomSummarySchema = z.object({
  id: z.number().int(),
  user1_id: z.string(),
  user2_id: z.string(),
  created_at: time,
  ended_at: time.nullable(),
  is_active: z.boolean(),
  end_reason: z.string().nullable(),
  message_count: count,
});

export const roomPageSchema = z.object({ rooms: z.array(roomSummarySchema), next_cursor: nextCursor });

export const conversationMessageSchema = z.object({
  id: z.number().int(),
  sender_id: z.string(),
  sender: z.enum(['user1', 'user2']),
  content: z.string(),
  timestamp: time,
  erased_at: time.optional(),
  erased_by: z.enum(['sender', 'admin']).optional(),
});

export const conversationSchema = z.object({ room: roomSummarySchema, messages: z.array(conversationMessageSchema), next_cursor: nextCursor });

export const auditViewSchema = z.object({
  id: z.number().int(),
  time,
  action: z.enum(AUDIT_ACTIONS),
  client_address: z.string().nullable(),
  admin: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const auditPageSchema = z.object({ entries: z.array(auditViewSchema), next_cursor: nextCursor });

const dayCount = z.object({ day: z.string(), count });

export const dashboardStatsSchema = z.object({
  total_rooms: count,
  total_messages: count,
  active_rooms: count,
  online_now: count,
  waiting_now: count,
  messages_24h: count,
  messages_per_hour: z.array(z.object({ hour: z.string(), start: time, count })),
  open_reports: count,
  open_priority_reports: count,
  active_bans: count,
  reports_per_day: z.array(dayCount),
  retention: z
    .object({
      days: z.number(),
      last_run: z.object({ started: time, finished: time, rooms: count, messages: count, error: z.string().nullable() }).nullable(),
      last_success: time.nullable(),
      next_run: time.nullable(),
      failing: z.boolean(),
    })
    .nullable(),
  timezone: z.string(),
  generated_at: time,
});

export const reportItemSchema = z.object({
  id: z.number().int(),
  room_id: z.number().int(),
  reporter_id: z.string(),
  reported_id: z.string(),
  reason: z.enum(REPORT_REASONS),
  note_excerpt: z.string().nullable(),
  priority: z.number().int(),
  status: z.enum(REPORT_STATUSES),
  created_at: time,
  updated_at: time,
  resolved_at: time.nullable(),
  resolved_by: z.string().nullable(),
  resolution: z.enum(REPORT_ACTIONS).nullable(),
  reported_message_count: count,
});

export const reportQueueItemSchema = reportItemSchema.extend({
  counts: z.object({ messages: count, reports_about_reported: count, reports_by_reporter: count }),
});

export const reportQueuePageSchema = z.object({ reports: z.array(reportQueueItemSchema), next_cursor: nextCursor, total: z.number().int() });

export const reportFullSchema = reportItemSchema.extend({
  other_reasons: z.array(z.enum(REPORT_REASONS)),
  note: z.string().nullable(),
  message_ids: z.array(z.number().int()),
  resolution_note: z.string().nullable(),
  support_offer: z.object({ state: z.enum(['shown', 'waiting', 'lapsed']), shown_at: time.nullable(), waits_until: time }).nullable(),
});

export const sanctionViewSchema = z.object({
  id: z.number().int(),
  user_id: z.string().nullable(),
  scope: z.enum(['identity', 'address', 'both']),
  network_tag: z.string().nullable(),
  kind: z.enum(['warning', 'muted', 'banned']),
  reason: z.string(),
  starts_at: time,
  ends_at: time.nullable(),
  created_by: z.string(),
  report_id: z.number().int().nullable(),
  lifted_at: time.nullable(),
  lifted_by: z.string().nullable(),
  active: z.boolean(),
});

export const personHistorySchema = z.object({
  user_id: z.string(),
  network_known: z.boolean(),
  reports_filed: z.array(reportItemSchema),
  reports_received: z.array(reportItemSchema),
  sanctions: z.array(sanctionViewSchema.extend({ matched_by: z.enum(['identity', 'address']) })),
  counts: z.object({ reports_filed: count, reports_received: count, sanctions: count, active_sanctions: count }),
});

export const heldMessageSchema = z.object({ id: z.number().int(), sender_id: z.string(), content: z.string(), reasons: z.array(z.string()), timestamp: time });

export const markedMessageSchema = conversationMessageSchema.extend({ reported: z.boolean() });

export const reportDetailSchema = z.object({
  report: reportFullSchema,
  room: roomSummarySchema.nullable(),
  messages: z.array(markedMessageSchema),
  next_cursor: nextCursor,
  reported_messages: z.array(conversationMessageSchema),
  held_messages: z.array(heldMessageSchema),
  people: z.object({ reporter: personHistorySchema, reported: personHistorySchema }),
});

export const resolveResultSchema = z.object({ report: reportFullSchema, sanction: sanctionViewSchema.nullable(), automatic: sanctionViewSchema.nullable() });

export const sanctionPageSchema = z.object({ sanctions: z.array(sanctionViewSchema), next_cursor: nextCursor });

export const oneSanctionSchema = z.object({ sanction: sanctionViewSchema });

/** The policy as answered (the request side is `policyUpdateSchema`, which trims and refuses more). */
export const policyViewSchema = z.object({
  terms: z.array(z.object({ term: z.string(), action: z.enum(POLICY_ACTIONS) })),
  links: z.enum(LINK_ACTIONS),
});

export const okSchema = z.object({ ok: z.literal(true) });

// Each schema against the interface the page reads: identical types, so neither can gain or lose a field
// (or narrow one) without the other. `Same` is the strict identity check, not mutual assignability,
// which would let an optional field go missing.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expand<T> = T extends readonly (infer E)[] ? Expand<E>[] : T extends object ? { [K in keyof T]: Expand<T[K]> } : T;
type Agrees<S extends z.ZodType, T> = Same<Expand<z.output<S>>, Expand<T>>;
type Assert<T extends true> = T;
type SchemasAgree = [
  Assert<Agrees<typeof roomSummarySchema, RoomSummary>>,
  Assert<Agrees<typeof roomPageSchema, RoomPage>>,
  Assert<Agrees<typeof conversationMessageSchema, ConversationMessage>>,
  Assert<Agrees<typeof conversationSchema, Conversation>>,
  Assert<Agrees<typeof auditViewSchema, AuditView>>,
  Assert<Agrees<typeof dashboardStatsSchema, DashboardStats>>,
  Assert<Agrees<typeof reportItemSchema, ReportItem>>,
  Assert<Agrees<typeof reportQueueItemSchema, ReportQueueItem>>,
  Assert<Agrees<typeof reportQueuePageSchema, ReportQueuePage>>,
  Assert<Agrees<typeof reportFullSchema, ReportFull>>,
  Assert<Agrees<typeof sanctionViewSchema, SanctionView>>,
  Assert<Agrees<typeof personHistorySchema, PersonHistory>>,
  Assert<Agrees<typeof heldMessageSchema, HeldMessage>>,
  Assert<Agrees<typeof markedMessageSchema, MarkedMessage>>,
  Assert<Agrees<typeof reportDetailSchema, ReportDetail>>,
  Assert<Agrees<typeof policyViewSchema, PolicyDocument>>,
];
export type { SchemasAgree as _SchemasAgree };
