/**
 * Contact details in a message — a phone number (Chinese and UK mobiles included), an e-mail address (also
 * spelled out: bob at gmail dot com, bob[at]gmail[dot]com, bob at mycompany dot com, bob艾特mycompany点com),
 * a WeChat, QQ, Line, Telegram, Snapchat, Instagram or Discord handle, a street address. Shared by the page (which warns before sending:
 * 不要向陌生人透露联系方式) and the server (which flags such messages, and tells a client that did not warn).
 *
 * A nudge that fires on dates, prices or "I don't use WeChat anymore" teaches people to click it away, so
 * each form is narrow: a miss costs less than a false alarm. Every pattern is linear in the text — bounded
 * quantifiers, never two unbounded ones over the same characters side by side — because the server runs
 * them on every message.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { BLANK_LOOKALIKES } from './limits.js';

export type PiiKind = 'phone' | 'email' | 'handle' | 'address';

/** The order kinds are reported in, whichever reading of a message found them. */
const KINDS: readonly PiiKind[] = ['email', 'phone', 'handle', 'address'];

/**
 * Characters that show nothing, left out before looking: format characters (zero-width space, non-joiner
 * and joiner, word joiner, BOM, soft hyphen, direction marks), the other default-ignorable ones (variation
 * selectors, tags), the blank look-alikes the content policy also leaves out (limits.ts: Hangul fillers,
 * the blank Braille pattern, the combining grapheme joiner), and the keycap mark (1️⃣ reads as 1).
 * "138\u200b1234\u200b5678" is 13812345678 to whoever reads it.
 */
const INVISIBLE = new RegExp(`[\\p{Cf}\\p{Default_Ignorable_Code_Point}${BLANK_LOOKALIKES}\\u20e3]`, 'gu');
/** Blank look-alikes may show as a space as well as nothing: a message with one is read both ways. */
const BLANK = new RegExp(`[${BLANK_LOOKALIKES}]`, 'gu');
const HAS_BLANK = new RegExp(`[${BLANK_LOOKALIKES}]`, 'u');

/** Starts only where a run of address characters starts, so a long run without an `@` is read once. */
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/u;

/**
 * An address with its @ or its dots spelled out or bracketed, the way people write one to get it past a
 * filter: bob[at]gmail[dot]com, bob(at)gmail.com, bob@gmail dot com. The brackets (or the real @) are
 * what says it is an address, so any domain will do.
 */
const BRACKETED = (word: string): string => String.raw`\s{0,2}[\[(<{【]\s{0,2}(?:${word})\s{0,2}[\])>}】]\s{0,2}`;
const SPELLED_DOT = String.raw`(?:${BRACKETED(String.raw`dot|\.|点`)}|\s{1,3}dot\s{1,3})`;
const ANY_DOT = String.raw`(?:\.|${SPELLED_DOT})`;
const LOCAL_PART = String.raw`(?<![\w.+-])[\w.+-]{1,64}`;
const LABEL = String.raw`[a-z0-9][\w-]{0,62}`;
const TOP_LEVEL = String.raw`[a-z]{2,12}(?![\w-])`;
const SPELLED_EMAILS = [
  new RegExp(String.raw`${LOCAL_PART}${BRACKETED(String.raw`at|@`)}${LABEL}(?:${ANY_DOT}${LABEL}){0,2}${ANY_DOT}${TOP_LEVEL}`, 'iu'),
  new RegExp(String.raw`${LOCAL_PART}@${LABEL}(?:${ANY_DOT}${LABEL}){0,2}${SPELLED_DOT}${TOP_LEVEL}`, 'iu'),
];
/**
 * "bob at gmail dot com", "bob at qq.com": a bare "at" is a word of every other sentence ("look at
 * google.com", "I'm at gmail's office"), so only a mail provider's domain after it counts, and not after
 * the words that go before a site ("sign up at gmail.com"), nor after an apostrophe ("I'm at gmail.com").
 */
const MAIL_PROVIDER = String.raw`(?:g(?:oogle)?mail|hotmail|outlook|yahoo|ymail|icloud|aol|proton(?:mail)?|gmx|yandex|qq|foxmail|163|126|yeah|sina|sohu|aliyun|139|naver|daum)`;
const NOT_A_MAILBOX = String.raw`(?!(?:up|in|on|it|me|us|him|her|them|you|we|they|i|account|mail|email|inbox|login|here|there|look|check|visit|or|and|is|are|was|be|am|work|works|worked|job)\s)`;
const WORDED_EMAIL = new RegExp(String.raw`(?<![\w.+'’-])${NOT_A_MAILBOX}[\w.+-]{1,64}\s{1,3}at\s{1,3}${MAIL_PROVIDER}${ANY_DOT}${TOP_LEVEL}`, 'iu');

/**
 * Any domain with its @ and its dot both said in words or marks: "bob at mycompany dot com", "bob艾特
 * mycompany点com", "bob 圈a mycompany 点 com", "bob @ mycompany . com". Without a mail provider's name, what
 * says it is an address is the whole shape, so each part is narrowed where chat looks like it:
 * - the top level is one of the common ones, not any two letters: a list is what keeps "waved at gym dot
 *   later" or "meet at 5 dot 30" out (the bracketed forms above, whose brackets already say "address",
 *   take any);
 * - a bare "at" (not 艾特/圈a/@, which say @ and nothing else) only after a word that is not a verb or
 *   pronoun that goes before "at" ("look at", "stay at", "I'm at"); after any of them, a domain that is not
 *   a word that goes after "at" ("at this", "at home", "@ work") nor a site people name ("shop at amazon
 *   dot com");
 * - a dot only as "dot", 点, a bracketed dot, or a real one with spaces both sides (". Com" ends a sentence);
 *   a bare "." or 。 after a worded "at" is left to the mail-provider form: "sign up at example.com" is a site.
 */
const COMMON_TLD = String.raw`(?:com|net|org|edu|gov|info|biz|xyz|top|vip|site|online|app|dev|io|me|co|cn|hk|tw|uk|us|ca|au|de|fr|jp|kr|ru|sg|nl|eu|in)(?![\w-])`;
const WORD_DOT = String.raw`(?:\s{1,3}dot\s{1,3}|\s{0,3}点\s{0,3}|${BRACKETED(String.raw`dot|\.|点`)})`;
const MARK_DOT = String.raw`(?:${WORD_DOT}|\s{1,3}\.\s{1,3}|\.)`;
const NOT_BEFORE_AT = String.raw`(?!(?:look|looks|looked|looking|stare|staring|laugh|laughing|laughed|smile|smiling|point|pointing|aim|arrive|arrived|stay|stayed|staying|stop|meet|met|live|lives|lived|shop|buy|bought|order|sign|found|find|see|seen|saw|good|bad|great|better|best|worse|worst|back|home|out|off|down|over|again|even|only|just|right|left|not|all|still|now|then|least|this|that|im|was|were|been|being|got|get|at)\s)`;
const NOT_AFTER_AT = String.raw`(?!(?:the|this|that|these|those|a|an|my|your|our|their|his|her|its|it|me|you|him|them|us|one|some|any|all|least|last|first|once|home|work|school|night|noon|church|college|uni|office|hotel|lunch|dinner|amazon|google|youtube|ebay|taobao|baidu|booking|hotels|expedia|github)\s)`;
const WORD_BEFORE = String.raw`(?<![\w.+'’-])`;
const SAID_EMAILS = [
  new RegExp(String.raw`${WORD_BEFORE}${NOT_BEFORE_AT}${NOT_A_MAILBOX}[\w.+-]{1,64}\s{1,3}at\s{1,3}${NOT_AFTER_AT}${LABEL}(?:${WORD_DOT}${LABEL}){0,2}${WORD_DOT}${COMMON_TLD}`, 'iu'),
  new RegExp(String.raw`${WORD_BEFORE}[\w.+-]{1,64}\s{0,3}(?:艾特|圈\s{0,2}a|\s@\s)\s{0,3}${NOT_AFTER_AT}${LABEL}(?:${MARK_DOT}${LABEL}){0,2}${MARK_DOT}${COMMON_TLD}`, 'iu'),
];

/**
 * A Chinese mobile, maybe after +86 / 0086: 1[3-9] and nine more digits, also spaced or dashed out in
 * groups (138 1234 5678) or digit by digit (1 3 8 1 …), or dotted in its three groups (138.1234.5678;
 * dots anywhere else are a decimal or a version).
 */
const CN_MOBILE =
  /(?<!\d)(?:(?:\+|00)?86[\s-]?)?1(?:[3-9](?:[\s-]?\d){9}|[\s-][3-9](?:[\s-]\d){9})(?!\d)|(?<![\d.])1[3-9]\d\.\d{4}\.\d{4}(?!\d|\.\d)/u;
/**
 * The same written in Chinese numerals (一三八一二三四五六七八, 幺 for 一, 两 for 二, 壹贰叁 …) or in numerals
 * and digits mixed (138 一二三四 5678), maybe spaced: eleven numerals in a row hardly occur in anything else.
 * At least one is a Chinese numeral (digits alone are CN_MOBILE's).
 */
const NUMERAL = '[〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖]';
const NUMERAL_OR_DIGIT = '[0-9〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖]';
const HAS_NUMERAL = String.raw`(?=[\d\s-]{0,30}${NUMERAL})`;
const CN_MOBILE_IN_NUMERALS = new RegExp(
  String.raw`(?<!${NUMERAL_OR_DIGIT})${HAS_NUMERAL}[1一幺壹][\s-]?[3-9三四五六七八九叁肆伍陆柒捌玖](?:[\s-]?${NUMERAL_OR_DIGIT}){9}(?![\s-]?${NUMERAL_OR_DIGIT})`,
  'u',
);
/**
 * A run of numerals (some Chinese) right after a word that says a number follows: 电话/手机 (seven or more:
 * a landline or a mobile) and QQ/微信/vx/加我 (five or more: a QQ number, or the number a WeChat account is
 * found by; never starting with 〇/零, which after 电话 may start an area code). "一五一十", "三三两两" or a
 * count after 手机 (手机 三四千块) are too short or not after one.
 */
const NUMERAL_RUN = (first: string, least: number): string =>
  String.raw`${HAS_NUMERAL}${first}(?:[\s-]?${NUMERAL_OR_DIGIT}){${least - 1},13}`;
const GAP_BEFORE_NUMBER = String.raw`(?:[\s:]|号码?|是|is){0,6}`;
const PHONE_IN_NUMERALS = new RegExp(String.raw`(?:电话|手机)${GAP_BEFORE_NUMBER}${NUMERAL_RUN(NUMERAL_OR_DIGIT, 7)}`, 'u');
/**
 * A UK mobile: 07 and nine digits (07700 900123, 07700 900 123), or +44 7… The 07700 900xxx numbers are
 * the ones set aside for films and examples, so libphonenumber calls them invalid: they are what a tester
 * types, and a real number looks the same.
 */
const UK_MOBILE = /(?<![\d+.])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|0)7[1-9]\d{2}[\s-]?\d{3}[\s-]?\d{3}(?!\d|\.\d)/u;
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
/**
 * Snapchat, Instagram, Discord, Kik, Skype. "snap peas", "insta is great", "discord server": only a name
 * with a digit, _ or an inner dot in it (bob_99, bob.smith), after @, or Discord's bob#1234, is a handle.
 */
// The name whole (not "snapshot_v2", "instant_noodles", "the instance_id").
const SOCIAL = String.raw`\b(?:snap(?:chat)?|insta(?:gram)?|ig|discord|kik|skype)(?![a-z])`;
const SOCIAL_NAME_WITH_MARK = String.raw`[a-z](?=[a-z]{0,29}(?:[\d_]|\.[a-z\d]))[\w.]{3,30}`;

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
  // WeChat IDs are six letters or more, but "vx: bob99" is meant as one all the same.
  pattern(String.raw`${WECHAT}${SAID}${GAP}[a-z](?=[a-z]{0,3}[\d_-])[\w-]{4}(?![\w-])`),
  pattern(`${SOCIAL}${GAP}@[a-z][\\w.]{1,29}`),
  pattern(`${SOCIAL}${GAP}${SOCIAL_NAME_WITH_MARK}`),
  pattern(String.raw`\bdiscord${GAP}@?[\w.]{2,32}#\d{4}(?!\d)`),
  // A QQ number, or the number a WeChat account is found by, in Chinese numerals (QQ：一二三四五六七八九).
  pattern(String.raw`(?:q\s{0,2}q|扣扣|企鹅|${WECHAT}|加我)${GAP_BEFORE_NUMBER}${NUMERAL_RUN('[1-9一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖]', 5)}`),
];

/**
 * A street address with its number: 北京市朝阳区建国路88号 (a district or county, a 路/街/大道/巷/弄/胡同 and a
 * 号 number — not 3号线, a metro line), 221B Baker Street (a number, one to three capitalised words and
 * Street, Road, Avenue, Lane, Boulevard — St, Rd … only where no word follows: "17 Happy St Patrick's" —
 * capitalised as an address is: "30 miles down the road" is not one).
 */
const ADDRESSES = [
  // Not 小区 (an estate, everyday talk), nor a day of the month (这条路15号通车).
  /(?<!小)[区县][\p{Script=Han}]{1,12}?(?:路|街|大道|巷|弄|胡同)\s?[\d一二三四五六七八九十百零〇]{1,6}\s?号(?![线前后开通到起左右那晚早上下中])/u,
  /(?<![\w.,])\d{1,5}[A-Za-z]?\s{1,2}(?:[A-Z][a-z]+\s{1,2}){1,3}(?:(?:Street|Road|Avenue|Lane|Boulevard)\b|(?:St|Rd|Ave|Ln|Blvd)\b(?!\s?[A-Za-z]))/u,
];

/**
 * Each spelled-out address has an @, 艾特, 圈a or "at" as a word ("bob at", "(at)", "[at]"), and a dot,
 * 点 or "dot": most messages lack one of the two ("what", "that" are no "at"), and pay two scans at most.
 */
const AT = /@|(?<![a-z])at(?![a-z])|艾特|圈\s{0,2}a/i;
const DOT = /\.|dot|点/i;

function hasPhoneNumber(text: string): boolean {
  const numbers = text.replace(DATE_OR_TIME, '#');
  if (CN_MOBILE.test(numbers) || CN_LANDLINE.test(numbers) || NORTH_AMERICAN.test(numbers) || UK_MOBILE.test(numbers)) return true;
  if (CN_MOBILE_IN_NUMERALS.test(numbers) || PHONE_IN_NUMERALS.test(numbers)) return true;
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
  const found = new Set<PiiKind>();
  // What does not show is left out; a blank look-alike is also read as the space it may show as, so
  // "my⠀wechat⠀is⠀wanglei" reads as the sentence it looks like, and "bob⠀@gmail.com" as an address.
  look(text.replace(INVISIBLE, ''), found);
  if (HAS_BLANK.test(text)) look(text.replace(BLANK, ' ').replace(INVISIBLE, ''), found);
  return KINDS.filter((kind) => found.has(kind));
}

function look(text: string, found: Set<PiiKind>): void {
  // Full-width forms (ａｂｃ＠ｇｍａｉｌ．ｃｏｍ, 微信：, １３８…, the ideographic space) read as their ASCII selves.
  const normal = text.normalize('NFKC');
  // An ideographic full stop (NFKC makes the half-width ｡ one) is a Chinese keyboard's dot: abc@qq。com. One
  // that ends a sentence is no part of an address all the same, as nothing of one can follow it.
  const dotted = normal.replaceAll('。', '.');
  if ((normal.includes('@') && EMAIL.test(dotted)) || hasSpelledEmail(dotted)) found.add('email');
  if (hasPhoneNumber(normal)) found.add('phone');
  if (HANDLES.some((handle) => handle.test(normal))) found.add('handle');
  if (ADDRESSES.some((address) => address.test(normal))) found.add('address');
}

function hasSpelledEmail(text: string): boolean {
  if (!AT.test(text) || !DOT.test(text)) return false;
  return SPELLED_EMAILS.some((email) => email.test(text)) || WORDED_EMAIL.test(text) || SAID_EMAILS.some((email) => email.test(text));
}
