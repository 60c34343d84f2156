/**
 * What the server itself writes into the free-text columns moderators read — the content policy's notes on
 * its own reports (`reports.note`) and the reason of an automatic sanction (`sanctions.reason`) — written
 * and read back here as codes of a fixed shape, so the admin page can say them in its own language rather
 * than show the server's English. The shapes are those rows have always had ("policy: term, masked"), so
 * rows stored before read the same; text of any other shape (a person's note, a moderator's reason) is not
 * a code and is shown as written.
 *
 * No runtime imports: the admin page bundles this module to read the codes.
 */
import type { ReportReason } from '../shared/protocol.js';

/** One line of a content-policy report's note (a note gathers one line per flagged or refused message). */
export type PolicyNote =
  /** A message the policy flagged, and what it found (`term`, `masked`, `link`, `pii`, `crisis`, `spam`). */
  | { code: 'flagged'; flags: string[] }
  /** A message the policy refused, kept aside for review as held message `heldId`. */
  | { code: 'held'; heldId: number };

/** The reason of a sanction, when it is one of the server's codes. */
export type SanctionReasonCode =
  /** Issued by the strikes ledger: `strikes` within `days`. */
  | { code: 'automatic'; strikes: number; days: number }
  /** Issued on a report without a note: the report's reason. */
  | { code: 'report_reason'; reason: ReportReason };

/** The note line for a flagged message. */
export function flaggedNote(flags: readonly string[]): string {
  return `policy: ${flags.join(', ')}`;
}

/** The note line for a refused (held) message. */
export function heldNote(heldId: number): string {
  return `refused message held (#${heldId})`;
}

/** The reason of an automatic sanction. */
export function automaticReason(strikes: number, days: number): string {
  return `automatic: ${strikes} strike${strikes === 1 ? '' : 's'} in ${days} days`;
}

const FLAGGED = /^policy: ([a-z_]+(?:, [a-z_]+)*)$/;
const HELD = /^refused message held \(#(\d{1,16})\)$/;
const AUTOMATIC = /^automatic: (\d{1,9}) strikes? in (\d{1,9}) days$/;
/** How a decision without a note named the report before the reason alone was stored: "report #10: harassment". */
const OLD_REPORT_REASON = /^report #\d{1,16}: ([a-z_]+)$/;

/** One line of a content-policy report's note, read back; undefined when it is not of a known shape. */
export function parsePolicyNote(line: string): PolicyNote | undefined {
  const flagged = FLAGGED.exec(line);
  if (flagged) return { code: 'flagged', flags: flagged[1]!.split(', ') };
  const held = HELD.exec(line);
  return held ? { code: 'held', heldId: Number(held[1]) } : undefined;
}

/**
 * A sanction's reason, read back; undefined for anyone's own words. `createdBy` and `reportId` as stored:
 * only an automatic sanction's reason can be the strikes code, only a report's sanction a report reason.
 */
export function parseSanctionReason(reason: string, source: { createdBy: string; reportId: number | null }): SanctionReasonCode | undefined {
  if (source.createdBy === 'automatic') {
    const automatic = AUTOMATIC.exec(reason);
    return automatic ? { code: 'automatic', strikes: Number(automatic[1]), days: Number(automatic[2]) } : undefined;
  }
  if (source.reportId === null) return undefined;
  const code = OLD_REPORT_REASON.exec(reason)?.[1] ?? reason;
  return isReportReason(code) ? { code: 'report_reason', reason: code } : undefined;
}

/** Every report reason (a record, so a reason added to the protocol must be added here); not the protocol's list, which brings zod. */
const REPORT_REASON_CODES: Record<ReportReason, true> = { spam: true, harassment: true, sexual: true, minor: true, hate: true, scam: true, self_harm: true, other: true };

function isReportReason(value: string): value is ReportReason {
  return Object.hasOwn(REPORT_REASON_CODES, value);
}
