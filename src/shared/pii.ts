/**
 * Contact details in a message — a phone number (Chinese mobiles included), an e-mail address, a WeChat,
 * QQ, Line or Telegram handle. Shared by the page (which warns before sending: 不要向陌生人透露联系方式)
 * and the server (which flags such messages, and tells a client that did not warn).
 */
import { findPhoneNumbersInText } from 'libphonenumber-js/min';

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

/** Fewer digits than this cannot be a phone number: the (costly) phone parser is not even asked. */
const MIN_PHONE_DIGITS = 7;
const DIGIT = /[0-9０-９]/gu;

/** The kinds of contact details found in `text` (empty when none). */
export function findPii(text: string): PiiKind[] {
  const found = new Set<PiiKind>();
  if (text.includes('@') && EMAIL.test(text)) found.add('email');
  const digits = text.match(DIGIT)?.length ?? 0;
  if (digits >= MIN_PHONE_DIGITS && (CN_MOBILE.test(text) || findPhoneNumbersInText(text, 'CN').length > 0)) found.add('phone');
  if (HANDLES.some((pattern) => pattern.test(text))) found.add('handle');
  return [...found];
}
