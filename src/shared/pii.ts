/**
 * Contact details in a message — a phone number (Chinese mobiles included), an e-mail address, a WeChat,
 * QQ, Line or Telegram handle. Shared by the page (which warns before sending: 不要向陌生人透露联系方式)
 * and the server (which flags such messages, and tells a client that did not warn).
 *
 * A nudge that fires on dates, prices or "I don't use WeChat anymore" teaches people to click it away, so
 * each form is narrow: a miss costs less than a false alarm. Every pattern is linear in the text — bounded
 * quantifiers, never two unbounded ones over the same characters side by side — because the server runs
 * them on every message.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export type PiiKind = 'phone' | 'email' | 'handle';

/** Starts only where a run of address characters starts, so a long run without an `@` is read once. */
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/u;

/**
 * A Chinese mobile, maybe after +86 / 0086: 1[3-9] and nine more digits, also spaced or dashed out in
 * groups (138 1234 5678) or digit by digit (1 3 8 1 …), or dotted in its three groups (138.1234.5678;
 * dots anywhere else are a decimal or a version).
 */
const CN_MOBILE =
  /(?<!\d)(?:(?:\+|00)?86[\s-]?)?1(?:[3-9](?:[\s-]?\d){9}|[\s-][3-9](?:[\s-]\d){9})(?!\d)|(?<![\d.])1[3-9]\d\.\d{4}\.\d{4}(?!\d|\.\d)/u;
/**
 * The same written in Chinese numerals (一三八一二三四五六七八, 幺 for 一, 两 for 二, 壹贰叁 …), maybe spaced:
 * eleven numerals in a row hardly occur in anything else.
 */
const NUMERAL = '[〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖]';
const CN_MOBILE_IN_NUMERALS = new RegExp(`(?<!${NUMERAL})[一幺壹]\\s?[三四五六七八九叁肆伍陆柒捌玖](?:\\s?${NUMERAL}){9}(?!\\s?${NUMERAL})`, 'u');
/**
 * A Chinese landline with its area code — 010, 02x or 0xxx, maybe in brackets — and a 7- or 8-digit local
 * number (never starting 0 or 1). Without the leading 0 an 8-digit local number is any price or date.
 */
const CN_LANDLINE = /(?<![\d.])(?:\(0(?:10|2\d|[3-9]\d\d)\)|0(?:10|2\d|[3-9]\d\d))[\s-]?[2-8]\d{2,3}[\s-]?\d{4}(?!\d|\.\d)/u;
/**
 * A North American number as Americans write it: (415) 555-2671, 415-555-2671, 415.555.2671, 415 555 2671
 * (the same mark between both groups: "450 700-2000" is a range; three round numbers with spaces, "300 500
 * 1000", are a list).
 */
const NORTH_AMERICAN = /(?<![\d+.])(?:\([2-9]\d\d\)\s?[2-9]\d\d[-. ]|(?![2-9]\d0 [2-9]\d0 \d{3}0(?!\d))[2-9]\d\d([-. ])[2-9]\d\d\1)\d{4}(?!\d|\.\d)/u;
/**
 * A number written with its country code, + or 00 (+44 20 7946 0958, 0044 …); libphonenumber decides
 * whether it is one.
 */
const INTERNATIONAL_CANDIDATE = /(?:\+|(?<![\d.])00)\d[\d\s().-]{5,20}\d/gu;
/** International candidates parsed per message: parsing costs up to a millisecond on digit-heavy text. */
const MAX_CANDIDATES = 5;
/** Dates and times (2024-03-15, 15.03.2024, 2024年3月15日, 14:00) are taken out before looking for numbers. */
const DATE_OR_TIME =
  /(?<!\d)(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)/gu;

/**
 * What may stand between an app's name and the handle: spaces, colons and the words people put there
 * (号, 号码, 是, id, is) — a few at most.
 */
const GAP = String.raw`(?:[\s:]|号码?|id|是|is){0,6}`;
/**
 * A word or mark that says a handle follows (微信号, QQ是, wechat id, tg:, telegram @). Only after one may a
 * handle be letters alone: "WeChat anymore" is a sentence, "微信号 wanglei" is not.
 */
const SAID = String.raw`(?:\s|is){0,3}(?::|@|号码?|id\b|是)`;
/** The app's names, also spaced out (微 信, wei xin, v 信). */
const WECHAT = String.raw`(?:[微威薇v]\s{0,2}信|wei\s{0,2}xin|wechat|vx|wx)`;
/** A WeChat ID: a letter, then 5–19 letters, digits, _ or -; `_WITH_MARK` has a digit, _ or - in it. */
const WECHAT_ID = String.raw`(?!wechat|weixin)[a-z][\w-]{5,19}`;
const WECHAT_ID_WITH_MARK = String.raw`[a-z](?=[a-z]{0,18}[\d_-])[\w-]{5,19}`;
/** A Telegram username: a letter, then 4–31 letters, digits or _. */
const TELEGRAM_NAME = String.raw`[a-z]\w{4,31}`;
const TELEGRAM_NAME_WITH_MARK = String.raw`[a-z](?=[a-z]{0,30}[\d_])\w{4,31}`;

const pattern = (source: string): RegExp => new RegExp(source, 'iu');

/**
 * What "my wechat is …" goes on with when it is no handle: words of state ("blocked", "not working",
 * "really slow", "amazing", "useless"), which a six-letter handle could otherwise be. Not every "-ing":
 * pinyin names end so (wangying).
 */
const NOT_A_HANDLE = String.raw`(?![a-z]*(?:ed|ly|ous|ful|less|ible|able)(?![\w-])|(?:working|updating|loading|acting|crashing|lagging|glitching|getting|going|being|better|always|pretty|still|private|chinese|english|broken|frozen|different|account|another|somehow|amazing|awesome|annoying|horrible|terrible|perfect)(?![\w-]))`;

/** A handle introduced by the name of the app it belongs to, the way people pass them on. */
const HANDLES = [
  pattern(`${WECHAT}${SAID}${GAP}${WECHAT_ID}`),
  pattern(`${WECHAT}${GAP}${WECHAT_ID_WITH_MARK}`),
  // "WeChat is great" is a sentence; "my wechat is wanglei" — as 我的微信是 — gives one.
  pattern(String.raw`\bmy\s{1,3}${WECHAT}(?:\s{0,3}id)?\s{1,3}is\s{1,3}${NOT_A_HANDLE}${WECHAT_ID}(?![\w-])`),
  // QQ numbers are digits, so whatever introduces them will do.
  pattern(`(?:q\\s{0,2}q|扣扣|企鹅)群?${GAP}[1-9]\\d{4,10}`),
  // "line:" starts many an English sentence ("Bottom line: …"): letters alone only after "line id".
  pattern(String.raw`\bline\s{0,3}id\b${GAP}[\w.-]{3,20}`),
  pattern(String.raw`\bline\s{0,3}:\s{0,3}[a-z](?=[a-z.]{0,18}[\d_-])[\w.-]{2,19}`),
  pattern(`t\\.me/${TELEGRAM_NAME}`),
  pattern(`telegram${SAID}${GAP}@?${TELEGRAM_NAME}`),
  pattern(`telegram${GAP}${TELEGRAM_NAME_WITH_MARK}`),
  pattern(`\\btg${SAID}${GAP}@?${TELEGRAM_NAME}`),
];

function hasPhoneNumber(text: string): boolean {
  const numbers = text.replace(DATE_OR_TIME, '#');
  if (CN_MOBILE.test(numbers) || CN_LANDLINE.test(numbers) || NORTH_AMERICAN.test(numbers)) return true;
  if (CN_MOBILE_IN_NUMERALS.test(text)) return true;
  let looked = 0;
  for (const [candidate] of numbers.matchAll(INTERNATIONAL_CANDIDATE)) {
    if (++looked > MAX_CANDIDATES) break;
    const international = candidate.replace(/^00/, '+');
    const digits = international.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15) continue;
    if (parsePhoneNumberFromString(international)?.isValid()) return true;
  }
  return false;
}

/** The kinds of contact details found in `text` (empty when none). */
export function findPii(text: string): PiiKind[] {
  // Full-width forms (ａｂｃ＠ｇｍａｉｌ．ｃｏｍ, 微信：, １３８…, the ideographic space) read as their ASCII selves.
  const normal = text.normalize('NFKC');
  const found = new Set<PiiKind>();
  // An ideographic full stop (NFKC makes the half-width ｡ one) is a Chinese keyboard's dot: abc@qq。com. One
  // that ends a sentence is no part of an address all the same, as nothing of one can follow it.
  if (normal.includes('@') && EMAIL.test(normal.replaceAll('。', '.'))) found.add('email');
  if (hasPhoneNumber(normal)) found.add('phone');
  if (HANDLES.some((handle) => handle.test(normal))) found.add('handle');
  return [...found];
}
