/**
 * An audit entry's detail as a short list a person reads — "举报：#12", "处理方式：提供帮助资源", "期限：7 天" —
 * instead of its raw JSON: known keys named in the admin's language, codes among the values (an action, a
 * sanction kind, a scope, a role) named too, ids marked with #, durations in words. A key or a value this page
 * does not know is shown as it is, so nothing recorded is hidden.
 */
import { isTextKey, t, type TextKey } from './i18n.js';

export interface DetailItem {
  label: string;
  value: string;
}

/** Keys whose value is an id, shown as `#12`. */
const ID_KEYS: ReadonlySet<string> = new Set(['report_id', 'room_id', 'sanction_id', 'invitation_id', 'admin_id', 'from_message_id']);

/** Keys whose value is a code named by an i18n key `<prefix><code>` (when there is one). */
const CODE_PREFIX: Readonly<Record<string, string>> = {
  action: 'action_',
  kind: 'kind_',
  scope: 'scope_',
  role: 'role_',
  was_role: 'role_',
  source: 'auditSource_',
  reason: 'auditReason_',
  status: 'auditStatus_',
  links: 'linkAction_',
  links_before: 'linkAction_',
  second_factor: 'auditSecondFactor_',
  cause: 'auditCause_',
};

/** Values recorded as words of the server's, named in the admin's language. */
const KNOWN_VALUES: Readonly<Record<string, Readonly<Record<string, TextKey>>>> = {
  who: { admin: 'auditWhoAdmin' },
  // The receipt holder's own erasure (receipt-routes.ts SELF_ERASURE_REASON).
  why: { 'self-service erasure': 'auditWhySelf' },
};

const SECONDS = { day: 86_400, hour: 3_600, minute: 60 } as const;

/** A duration in seconds in words: whole days, hours or minutes when it is one, seconds otherwise. */
export function durationText(seconds: number): string {
  for (const unit of ['day', 'hour', 'minute'] as const) {
    if (seconds >= SECONDS[unit] && seconds % SECONDS[unit] === 0) return t(`auditDuration_${unit}`, { n: seconds / SECONDS[unit] });
  }
  return t('auditDuration_second', { n: seconds });
}

function labelOf(key: string): string {
  const textKey = `auditKey_${key}`;
  return isTextKey(textKey) ? t(textKey) : key;
}

/** Entries whose `reason` is a moderator's own words, never a code: shown as written ("password" stays "password"). */
const WORDS_REASON_ACTIONS: ReadonlySet<string> = new Set(['sanction_create']);

function valueOf(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return t(value ? 'auditYes' : 'auditNo');
  if (typeof value === 'number') {
    if (ID_KEYS.has(key)) return `#${value}`;
    return key === 'duration_s' ? durationText(value) : String(value);
  }
  if (typeof value === 'string') {
    const known = KNOWN_VALUES[key]?.[value];
    if (known) return t(known);
    const prefix = CODE_PREFIX[key];
    const textKey = prefix === undefined ? undefined : `${prefix}${value}`;
    return textKey !== undefined && isTextKey(textKey) ? t(textKey as TextKey) : value;
  }
  // A list of records (skipped rooms, forced rooms): each in parentheses, so where one ends is clear.
  if (Array.isArray(value)) return value.map((item) => (isRecord(item) ? t('auditGroup', { v: valueOf(key, item) }) : valueOf(key, item))).join(t('listSeparator'));
  if (typeof value === 'object') {
    // A nested record (an export's filters, a forced room): its pairs on one line.
    const pairs = Object.entries(value as Record<string, unknown>).map(([k, v]) => pairText(labelOf(k), valueOf(k, v)));
    return pairs.length === 0 ? '—' : pairs.join(t('listSeparator'));
  }
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "label: value" in the admin's language (its colon). */
export function pairText(label: string, value: string): string {
  return t('auditPair', { k: label, v: value });
}

/**
 * The order keys are shown in (jsonb keeps its own, by key length): what it is about, what was done, what came of it.
 * Keys not listed follow, as stored.
 */
const KEY_ORDER: readonly string[] = [
  'report_id', 'room_id', 'reported_id', 'user_id', 'admin_id', 'name', 'invitation_id',
  'action', 'kind', 'scope', 'duration_s', 'strikes', 'source', 'role', 'was_role', 'note', 'reason', 'who', 'why', 'sanction_id',
];
const rank = (key: string) => {
  const at = KEY_ORDER.indexOf(key);
  return at === -1 ? KEY_ORDER.length : at;
};

/** The detail's pairs of an entry of `action`, the known keys in a readable order. */
export function auditDetailItems(detail: Record<string, unknown>, action = ''): DetailItem[] {
  const entries = Object.entries(detail).sort(([a], [b]) => rank(a) - rank(b));
  return entries.map(([key, value]) => ({
    label: labelOf(key),
    value:
      key === 'duration_s' && value === null
        ? noDuration(detail)
        : key === 'reason' && WORDS_REASON_ACTIONS.has(action) && typeof value === 'string'
          ? value
          : valueOf(key, value),
  }));
}

/** A decision or sanction recorded without a duration: a ban is for good, a warning or mute lasts the default 24 h. */
function noDuration(detail: Record<string, unknown>): string {
  return detail['action'] === 'ban' || detail['kind'] === 'banned' ? t('duration_forever') : t('auditDefaultDuration');
}
