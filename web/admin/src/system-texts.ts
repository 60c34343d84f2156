/**
 * What the server wrote in its own words, said in the admin's language: the content policy's notes on the
 * reports it files ("policy: crisis", "refused message held (#12)") and the reasons of sanctions it issued
 * (automatic ones, "automatic: 3 strikes in 30 days") or a decision stored without a note (the report's
 * reason, "harassment"). The server writes them as codes of a fixed shape (src/moderation/system-notes.ts,
 * read back here by the same module); rows stored before it have the same shapes. Anything else — a
 * person's note, a moderator's reason, a line of no known shape — is shown exactly as written. Also
 * what the server says of an offer of support (shown, waiting, lapsed), in words.
 */
import type { ReportDetail } from '../../../src/admin/reports-query.js';
import { parsePolicyNote, parseSanctionReason } from '../../../src/moderation/system-notes.js';
import type { SYSTEM_REPORTER as ServerSystemReporter } from '../../../src/policy/review-queue.js';
import { plainTime } from './dom.js';
import { isTextKey, t, type TextKey } from './i18n.js';

/** The server's `SYSTEM_REPORTER`, repeated (its module is server code); the type keeps the two equal. */
const SYSTEM_REPORTER: typeof ServerSystemReporter = 'system';

/** A finding of the content policy (`term`, `crisis`, …); one this page does not know, as it is. */
export function flagText(flag: string): string {
  const key = `flag_${flag}`;
  return isTextKey(key) ? t(key) : flag;
}

function noteLine(line: string): string {
  const note = parsePolicyNote(line);
  if (!note) return line;
  if (note.code === 'held') return t('noteHeld', { n: note.heldId });
  return t('noteFlagged', { n: note.flags.map(flagText).join(t('listSeparator')) });
}

/** A content-policy note, line by line (one per message it flagged or refused). */
export function policyNoteText(note: string): string {
  return note.split('\n').map(noteLine).join('\n');
}

/** A report's note as the admin reads it: the content policy's in their language, a person's as written. */
export function reportNoteText(note: string, reporterId: string): string {
  return reporterId === SYSTEM_REPORTER ? policyNoteText(note) : note;
}

/**
 * The queue's excerpt of a note (cut after so many characters, `…` at the cut). Of the content policy's:
 * each whole line in the admin's language, and a last line cut short, no longer of a known shape, as `…`
 * (half a code is English of the server's).
 */
export function noteExcerptText(excerpt: string, reporterId: string): string {
  if (reporterId !== SYSTEM_REPORTER) return excerpt;
  const lines = excerpt.split('\n');
  const last = lines.at(-1) ?? '';
  const cut = last.endsWith('…') && parsePolicyNote(last) === undefined;
  const whole = lines.slice(0, cut ? -1 : undefined).map(noteLine);
  return cut ? [...whole, '…'].join('\n') : whole.join('\n');
}

/** Who issued a sanction: an admin's name, or the strikes ledger (`automatic`) in the admin's language. */
export function createdByText(createdBy: string): string {
  return createdBy === 'automatic' ? t('createdByAutomatic') : createdBy;
}

/** A sanction's reason: the server's codes in the admin's language, a moderator's words as written. */
export function sanctionReasonText(sanction: { reason: string; created_by: string; report_id: number | null }): string {
  const code = parseSanctionReason(sanction.reason, { createdBy: sanction.created_by, reportId: sanction.report_id });
  if (!code) return sanction.reason;
  if (code.code === 'report_reason') return t(`reason_${code.reason}` as TextKey);
  return t(code.strikes === 1 ? 'reasonAutomaticOne' : 'reasonAutomatic', { n: code.strikes, days: code.days });
}

/** Whether an offer of support reached the person: shown (when), waiting for their next visit (until when), or lapsed. */
export function supportOfferText(offer: NonNullable<ReportDetail['report']['support_offer']>): string {
  if (offer.state === 'shown') return t('supportShown', { t: plainTime(offer.shown_at) });
  return offer.state === 'waiting' ? t('supportWaiting', { t: plainTime(offer.waits_until) }) : t('supportLapsed');
}
