/**
 * Contact details in a message — a phone number (Chinese mobiles included), an e-mail address, a WeChat,
 * QQ, Line or Telegram handle. Shared by the page (which warns before sending: 不要向陌生人透露联系方式)
 * and the server (which flags such messages, and tells a client that did not warn).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export type PiiKind = 'phone' | 'email' | 'handle';

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/u;
/** A Chinese mobile number, also when spaced or dashed out: 1[3-9] and nine more digits. */
const CN_MOBILE = /(?<!\d)1[3-9](?:[\s-]?\d){9}(?!\d)/u;
/** A handle introduced by the name of the app it belongs to, the way people pass them on. */
const HANDLES = [
  /(?:微信|威信|薇信|v信|weixin|wechat|vx|wx)\s*(?:号|id)?\s*[:：]?\s*[a-z][\w-]{5,19}/iu,
  /(?:qq|扣扣|企鹅)\s*(?:号)?\s*[:：]?\s*\d{5,11}/iu,
  /\bline\s*(?:id)?\s*[:：]\s*[\w.-]{3,20}/iu,
  /(?:t\.me\/|telegram\s*[:：@]?\s*@?|\btg\s*[:：]\s*@?)[a-z]\w{4,31}/iu,
];

/**
 * Runs of digits (with the separators people put in phone numbers) long enough to be one. Only these go
 * to the phone parser — scanning a whole text with it costs up to a millisecond on digit-heavy messages.
 */
const PHONE_CANDIDATE = /\+?[0-9０-９][0-9０-９\s().-]{5,20}[0-9０-９]/gu;
/** Candidates looked at per message. */
const MAX_CANDIDATES = 5;

function hasPhoneNumber(text: string): boolean {
  let looked = 0;
  for (const [candidate] of text.matchAll(PHONE_CANDIDATE)) {
    if (++looked > MAX_CANDIDATES) break;
    const digits = candidate.normalize('NFKC').replace(/\D/g, '').length;
    if (digits < 7 || digits > 15) continue;
    if (CN_MOBILE.test(candidate)) return true;
    if (parsePhoneNumberFromString(candidate.normalize('NFKC'), 'CN')?.isValid()) return true;
  }
  return false;
}

/** The kinds of contact details found in `text` (empty when none). */
export function findPii(text: string): PiiKind[] {
  const found = new Set<PiiKind>();
  if (text.includes('@') && EMAIL.test(text)) found.add('email');
  if (hasPhoneNumber(text)) found.add('phone');
  if (HANDLES.some((pattern) => pattern.test(text))) found.add('handle');
  return [...found];
}
