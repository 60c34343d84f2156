/** The report reasons' names on the page, and a sanction's reason shown by name when it is one of them. */
import type { ReportReason } from '../../src/shared/protocol.js';
import { showText, type TextKey } from './i18n.js';

/** Every reason (the type makes sure none is missing), in the order the report dialog lists them. */
export const REASON_TEXT: Record<ReportReason, TextKey> = {
  spam: 'reasonSpam',
  harassment: 'reasonHarassment',
  sexual: 'reasonSexual',
  minor: 'reasonMinor',
  hate: 'reasonHate',
  scam: 'reasonScam',
  self_harm: 'reasonSelfHarm',
  other: 'reasonOther',
};

// protocol.ts is imported for types only (its values would bring zod into the page).
export const REPORT_REASONS = Object.keys(REASON_TEXT) as ReportReason[];

function isReportReason(value: string): value is ReportReason {
  return Object.hasOwn(REASON_TEXT, value);
}

/** The reason an automatic sanction is told with (AUTOMATIC_SANCTION_REASON in protocol.ts). */
const AUTOMATIC_REASON = 'rule_breaks';
/** The reason of one reaching the person only through their network (NETWORK_SANCTION_REASON in protocol.ts). */
const NETWORK_REASON = 'shared_network';

/**
 * A sanction's reason: a report reason, an automatic sanction's, or one on the person's network, in the
 * page's language; anything else as the moderator wrote it.
 */
export function showReason(el: HTMLElement, reason: string): void {
  if (isReportReason(reason)) showText(el, REASON_TEXT[reason]);
  else if (reason === AUTOMATIC_REASON) showText(el, 'reasonRuleBreaks');
  else if (reason === NETWORK_REASON) showText(el, 'reasonSharedNetwork');
  else showText(el, null, undefined, reason);
}
