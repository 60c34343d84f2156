/**
 * A sanction being written and not yet issued — on the Sanctions page's form (user ID included), or in the
 * dialog opened for one person (kept per user ID: reopened for them it comes back, for someone else the
 * dialog starts empty) — kept as a decision's draft is (form-draft.ts: this tab's sessionStorage, for the
 * account that wrote it only, forgotten at a logout), so a session that ends or a reload does not lose a
 * long reason. Dropped once the sanction is issued, or the admin cancels the dialog.
 */
import type { SanctionKind } from '../../../src/shared/protocol.js';
import { createFormDrafts, DRAFT_PREFIXES, parseFields, type DraftStorage, type FormDrafts } from './form-draft.js';
import { DURATION_PRESETS_S, type Scope } from './sanction-fields.js';

export interface SanctionDraft {
  /** As typed on the Sanctions page (trimmed when sent); the dialog's person is its key instead, and this ''. */
  userId: string;
  kind: SanctionKind;
  scope: Scope;
  /** Seconds, one of the presets; null for "permanent". */
  duration: number | null;
  reason: string;
}

/** Which form: the Sanctions page's, or the dialog for one user ID. */
export type SanctionDraftKey = 'page' | `user:${string}`;

export type SanctionDrafts = FormDrafts<SanctionDraftKey, SanctionDraft>;

export const dialogDraftKey = (userId: string): SanctionDraftKey => `user:${userId}`;

const KINDS: readonly string[] = ['warning', 'muted', 'banned'] satisfies SanctionKind[];
const SCOPES: readonly string[] = ['identity', 'address', 'both'] satisfies Scope[];
const DURATIONS: readonly number[] = DURATION_PRESETS_S;

/** A stored draft read back: anything else (an older shape, edited by hand) is no draft. */
export function parseSanctionDraft(text: string | null): SanctionDraft | undefined {
  const fields = parseFields(text);
  if (!fields) return undefined;
  const { userId, kind, scope, duration, reason } = fields;
  if (typeof userId !== 'string' || typeof reason !== 'string') return undefined;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return undefined;
  if (typeof scope !== 'string' || !SCOPES.includes(scope)) return undefined;
  // A select cannot show another duration; "permanent" only for a ban, as the form allows.
  if (duration === null ? kind !== 'banned' : !(typeof duration === 'number' && DURATIONS.includes(duration))) return undefined;
  return { userId, kind: kind as SanctionKind, scope: scope as Scope, duration: duration as number | null, reason };
}

/**
 * Nothing typed is nothing kept: the selects alone are a click each to choose again, and a draft of them
 * alone would bring back choices the admin never meant to keep.
 */
const isEmpty = (draft: SanctionDraft) => draft.userId.trim() === '' && draft.reason.trim() === '';

/** `storage` undefined (blocked): nothing is kept, and nothing fails. */
export function createSanctionDrafts(storage: DraftStorage | undefined): SanctionDrafts {
  return createFormDrafts<SanctionDraftKey, SanctionDraft>(storage, DRAFT_PREFIXES.sanction, { parse: parseSanctionDraft, isEmpty });
}
