/**
 * How reports and sanctions look in the admin API: snake_case, times as ISO 8601 in the configured zone.
 * A network is never shown as its hash: a sanction says whether it applies by identity, by address or
 * both, with a short tag of the network to tell two address sanctions apart.
 */
import type { SanctionScope } from '../moderation/moderation-service.js';
import type { ReportAction, ReportRecord, ReportStatus } from '../moderation/report-repository.js';
import { isActive, type Sanction } from '../moderation/sanction-repository.js';
import { SUPPORT_OFFER_KEEP_MS } from '../moderation/support-offers.js';
import type { ReportReason, SanctionKind } from '../shared/protocol.js';
import { formatIso } from '../shared/time.js';

/** Characters of a report's note shown in the queue. */
export const NOTE_EXCERPT_CHARS = 120;

/** A report as the queue lists it. */
export interface ReportItem {
  id: number;
  room_id: number;
  reporter_id: string;
  reported_id: string;
  reason: ReportReason;
  /** The first characters of the reporter's note (whole characters, `…` when cut), or null. */
  note_excerpt: string | null;
  priority: number;
  status: ReportStatus;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: ReportAction | null;
  /** How many messages the reporter pointed at. */
  reported_message_count: number;
}

/** A queue row: the report and how much lies behind it. */
export interface ReportQueueItem extends ReportItem {
  counts: {
    /** Messages in the reported conversation. */
    messages: number;
    /** Every report ever filed about the reported person (this one included). */
    reports_about_reported: number;
    /** Every report the reporter ever filed (this one included). */
    reports_by_reporter: number;
  };
}

/** The whole report (the detail view). */
export interface ReportFull extends ReportItem {
  /** The other reasons its reporter gave, in reports added to this one (`reason` is the most urgent). */
  other_reasons: ReportReason[];
  note: string | null;
  message_ids: number[];
  resolution_note: string | null;
  /** A `support` decision's help card; null for any other report. */
  support_offer: SupportOfferView | null;
}

/**
 * Whether an offer of support reached the person: `shown` (on a page open at the decision, or on their next
 * connection), `waiting` for their next connection until `waits_until`, or `lapsed` — they did not come back
 * in time.
 */
export interface SupportOfferView {
  state: 'shown' | 'waiting' | 'lapsed';
  shown_at: string | null;
  waits_until: string;
}

export interface SanctionView {
  id: number;
  /** Null for a sanction by address only. */
  user_id: string | null;
  scope: SanctionScope;
  /** The first characters of the network's HMAC (never the address), when it applies by address. */
  network_tag: string | null;
  kind: SanctionKind;
  reason: string;
  starts_at: string;
  /** Null: for good. */
  ends_at: string | null;
  created_by: string;
  report_id: number | null;
  lifted_at: string | null;
  lifted_by: string | null;
  /** In force now (not lifted, started, not ended). */
  active: boolean;
}

const NETWORK_TAG_CHARS = 8;

export function excerpt(text: string | null, chars = NOTE_EXCERPT_CHARS): string | null {
  if (text === null) return null;
  const points = [...text];
  return points.length <= chars ? text : `${points.slice(0, chars).join('')}…`;
}

export function reportItem(report: ReportRecord, zone: string): ReportItem {
  return {
    id: report.id,
    room_id: report.roomId,
    reporter_id: report.reporterId,
    reported_id: report.reportedId,
    reason: report.reason,
    note_excerpt: excerpt(report.note),
    priority: report.priority,
    status: report.status,
    created_at: formatIso(report.createdAt, zone),
    updated_at: formatIso(report.updatedAt, zone),
    resolved_at: report.resolvedAt ? formatIso(report.resolvedAt, zone) : null,
    resolved_by: report.resolvedBy,
    resolution: report.resolution,
    reported_message_count: report.messageIds.length,
  };
}

export function reportFull(report: ReportRecord, zone: string, now: Date): ReportFull {
  return {
    ...reportItem(report, zone),
    other_reasons: report.otherReasons,
    note: report.note,
    message_ids: report.messageIds,
    resolution_note: report.resolutionNote,
    support_offer: supportOfferView(report, zone, now),
  };
}

function supportOfferView(report: ReportRecord, zone: string, now: Date): SupportOfferView | null {
  if (report.resolution !== 'support' || report.resolvedAt === null) return null;
  const waitsUntil = new Date(report.resolvedAt.getTime() + SUPPORT_OFFER_KEEP_MS);
  const shownAt = report.supportShownAt;
  return {
    state: shownAt ? 'shown' : waitsUntil > now ? 'waiting' : 'lapsed',
    shown_at: shownAt ? formatIso(shownAt, zone) : null,
    waits_until: formatIso(waitsUntil, zone),
  };
}

export function sanctionScope(sanction: Pick<Sanction, 'userId' | 'networkHash'>): SanctionScope {
  if (sanction.networkHash === null) return 'identity';
  return sanction.userId === null ? 'address' : 'both';
}

export function sanctionView(sanction: Sanction, zone: string, now: Date): SanctionView {
  return {
    id: sanction.id,
    user_id: sanction.userId,
    scope: sanctionScope(sanction),
    network_tag: sanction.networkHash?.slice(0, NETWORK_TAG_CHARS) ?? null,
    kind: sanction.kind,
    reason: sanction.reason,
    starts_at: formatIso(sanction.startsAt, zone),
    ends_at: sanction.endsAt ? formatIso(sanction.endsAt, zone) : null,
    created_by: sanction.createdBy,
    report_id: sanction.reportId,
    lifted_at: sanction.liftedAt ? formatIso(sanction.liftedAt, zone) : null,
    lifted_by: sanction.liftedBy,
    active: isActive(sanction, now),
  };
}
