/**
 * The decision an admin is writing on a report (action, scope, duration, note), kept while it is unsent so
 * that nothing typed is lost when the session ends under their hands (session-end.ts reloads the page to
 * the login form) or they look at something else: it comes back when the report opens again in this tab,
 * and is dropped once the decision is sent or the admin clears the form. One on a report someone else
 * decided meanwhile is shown beside that decision (report-view.ts) and dropped once the admin dismisses it.
 * sessionStorage, keyed by report id: this tab only, gone with it — a note about a person has no business
 * outliving the tab (form-draft.ts, shared with a sanction's draft; a logout forgets both) — and for the
 * account that wrote it only: another admin logging in at this tab gets none, and it is deleted.
 */
import type { ReportAction } from '../../../src/moderation/report-repository.js';
import { createFormDrafts, DRAFT_PREFIXES, forgetAllDrafts, parseFields, sessionDraftStorage, type DraftStorage } from './form-draft.js';
import type { Scope } from './sanction-fields.js';

/** The server's decisions on a report. */
export type DecisionAction = ReportAction;

export interface DecisionDraft {
  /** Null while only the note is written. */
  action: DecisionAction | null;
  scope: Scope;
  /** Seconds; null for "permanent". */
  duration: number | null;
  note: string;
  /**
   * The report's version (its `ETag`) the choice was made on, or null. A draft brought back onto a report
   * made more urgent since keeps its note but not its action: the admin must look again, as a 409 asks.
   */
  tag: string | null;
  /**
   * Sent and refused because another admin decided the report first: shown beside their decision until
   * dismissed (unsent-decision.ts). A draft never sent, on a report decided meanwhile, goes silently.
   */
  refused?: true;
}

export interface DraftStore {
  load(reportId: number): DecisionDraft | undefined;
  /** Keeps it, or forgets it when there is nothing in it (no action, no note). */
  save(reportId: number, draft: DecisionDraft): void;
  clear(reportId: number): void;
}

export type { DraftStorage };
export { forgetAllDrafts, sessionDraftStorage };

/** Every action (a record: one the server adds must be added here). */
const ACTION_SET: Record<DecisionAction, true> = { dismiss: true, warn: true, mute: true, ban: true, support: true };
const ACTIONS: readonly string[] = Object.keys(ACTION_SET);
const SCOPES: readonly string[] = ['identity', 'address', 'both'];

/** A stored draft read back: anything else (an older shape, edited by hand) is no draft. */
export function parseDraft(text: string | null): DecisionDraft | undefined {
  const fields = parseFields(text);
  if (!fields) return undefined;
  const { action, scope, duration, note, tag = null, refused } = fields;
  if (!(action === null || (typeof action === 'string' && ACTIONS.includes(action)))) return undefined;
  if (typeof scope !== 'string' || !SCOPES.includes(scope)) return undefined;
  if (!(duration === null || (typeof duration === 'number' && Number.isSafeInteger(duration) && duration > 0))) return undefined;
  if (typeof note !== 'string' || !(tag === null || typeof tag === 'string')) return undefined;
  return { action: action as DecisionAction | null, scope: scope as Scope, duration, note, tag, ...(refused === true ? { refused: true as const } : {}) };
}

const isEmpty = (draft: DecisionDraft) => draft.action === null && draft.note.trim() === '';

/** `storage` undefined (blocked): nothing is kept, and nothing fails. */
export function createDraftStore(storage: DraftStorage | undefined): DraftStore {
  return createFormDrafts<number, DecisionDraft>(storage, DRAFT_PREFIXES.decision, { parse: parseDraft, isEmpty });
}
