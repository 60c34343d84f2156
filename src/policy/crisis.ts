/**
 * Crisis help: words of self-harm make the sender see a help card with hotlines for their language, and
 * the conversation go to the top of the moderation queue. Nothing is blocked for it.
 *
 * The hotlines can be replaced with a JSON file (`CRISIS_HOTLINES_FILE`): `{"zh-CN": [{name, phone?,
 * url?}], "en": [...]}`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { noticeText, type Lang } from '../shared/codes.js';
import type { Hotline, NoticePayload } from '../shared/protocol.js';

/** 活着没意思 "living is pointless", and 活着真的没意思, 活着没有意义 …: how much is said several ways. */
const LIFE_IS_POINTLESS = ['', '真', '真的', '好', '太', '很', '都', '也'].flatMap((how) =>
  ['没意思', '没有意思', '没什么意思', '没意义', '没有意义'].map((pointless) => `活着${how}${pointless}`),
);

/**
 * Phrases of self-harm, Chinese and English, as people write them (matched after the same folding as the
 * term lists — case, full-width, spaces and punctuation, so "don’t" is "dont" — an English one only where it
 * begins a word, so "skill myself" is not "kill myself", and with any ending: "self harmed", "suicides",
 * "want to dieeee"). Only phrases that say it: 笑死, 累死了 and "this exam will kill me" are everyday talk;
 * 吃安眠药 or "hurt myself" alone are not either ("I hurt myself playing football"), "want to" before them is.
 */
const PHRASES: readonly string[] = [
  // Chinese
  '自杀',
  '想死',
  '想去死',
  '不想活',
  '不想再活',
  '活不下去',
  '没有活下去',
  ...LIFE_IS_POINTLESS,
  '活着有什么意思',
  '活着有什么意义',
  '活着好累',
  '活着太累',
  '死了算了',
  '死掉算了',
  '去死算了',
  '还不如死',
  '一死了之',
  '轻生',
  '寻死',
  '结束生命',
  '结束自己',
  '想结束这一切',
  '要结束这一切',
  '自我了断',
  '了断自己',
  '了结自己',
  '想离开这个世界',
  '自残',
  '割腕',
  '割手腕',
  '割了手腕',
  '割了腕',
  '割脉',
  '割了脉',
  '想吃安眠药',
  '吞安眠药',
  '一瓶安眠药',
  '喝农药',
  '想上吊',
  '想跳河',
  '想卧轨',
  '跳楼',
  // English
  'suicide',
  'suicidal',
  'sucide',
  'suicde',
  'suiside',
  'sewer slide',
  'kill myself',
  'killing myself',
  // "kms" alone is kilometres and Windows' activation service (kms激活) as often: only as something one means to do.
  'wanna kms',
  'want to kms',
  'gonna kms',
  'going to kms',
  'about to kms',
  'might kms',
  'unalive myself',
  'unaliving myself',
  'want to die',
  'wanna die',
  'wish i was dead',
  'wish i were dead',
  'better off dead',
  'end my life',
  // Not "end it all" alone: "in the end it all worked out".
  'want to end it all',
  'wanna end it all',
  'gonna end it all',
  'going to end it all',
  'take my own life',
  'want to live anymore',
  'want to live any more',
  'wanna live anymore',
  'dont want to be alive',
  'do not want to be alive',
  'dont wanna be alive',
  'no reason to live',
  'nothing to live for',
  'want to hurt myself',
  'wanna hurt myself',
  'harm myself',
  'harming myself',
  'self harm',
  'selfharm',
  'self harming',
  'cut myself',
  'cutting myself',
];

/** Digits written for the letters they look like ("su1cide", "k1ll mys3lf"). */
const LEET: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', l: '1', o: '0', s: '5', t: '7' };
/** A phrase with more letters that have a digit for them than this gets at most two digits, not every mix. */
const LEET_ALL_MIXES_MAX = 8;

/**
 * An English phrase with digits for some of its letters: every mix for a short one, up to two digits for a
 * long one (the automaton grows with each; nobody writes "w4n7 70 1iv3 4nym0r3"). Not for "kms": "km5".
 */
function leetVariants(phrase: string): string[] {
  const at = [...phrase].flatMap((char, index) => (LEET[char] ? [index] : []));
  if (!/^[a-z ]+$/.test(phrase) || phrase.length < 4 || at.length === 0) return [];
  const mixes: number[][] = [];
  if (at.length <= LEET_ALL_MIXES_MAX) {
    for (let mask = 1; mask < 1 << at.length; mask++) mixes.push(at.filter((_, bit) => mask & (1 << bit)));
  } else {
    for (let first = 0; first < at.length; first++) {
      mixes.push([at[first]!]);
      for (let second = first + 1; second < at.length; second++) mixes.push([at[first]!, at[second]!]);
    }
  }
  return mixes.map((indices) => [...phrase].map((char, index) => (indices.includes(index) ? LEET[char]! : char)).join(''));
}

/** The phrases of self-harm, and their English ones with digits for letters. */
export const CRISIS_TERMS: readonly string[] = [...new Set(PHRASES.flatMap((phrase) => [phrase, ...leetVariants(phrase)]))];

/**
 * Everyday phrases a crisis phrase sits inside: a hit within one of these, written with a space or
 * punctuation only where the phrase has one, is no crisis. 想死你了 is "I miss you so much"; 跳楼价 a
 * clearance price; 想去死海 a trip to the Dead Sea; "want to diet" (and "dieting") no wish to die, "want to
 * die my hair" a misspelt dye. Not 想死你 alone: "我想死，你别管我" folds to the same letters. An English one,
 * like the phrases, need only begin a word.
 */
export const CRISIS_EXCEPTIONS: readonly string[] = [
  '想死你了',
  '想死你啦',
  '想死你们了',
  '想死我了',
  '想去死海',
  '跳楼价',
  '跳楼甩卖',
  '跳楼大甩卖',
  '还不如死心',
  '想去死亡谷',
  '笑死了算了',
  'want to diet',
  'wanna diet',
  'want to die my hair',
  'wanna die my hair',
  'cut myself some slack',
  'cutting myself some slack',
];

/** Defaults: mainland China's lines for Chinese, and international directories for English. */
export const DEFAULT_HOTLINES: Record<Lang, Hotline[]> = {
  'zh-CN': [
    { name: '全国心理援助热线', phone: '12356' },
    { name: '希望24热线（生命教育与危机干预）', phone: '400-161-9995' },
    { name: '北京心理危机研究与干预中心', phone: '010-82951332' },
  ],
  en: [
    { name: 'Find a helpline in your country (free, confidential)', url: 'https://findahelpline.com' },
    { name: 'US: 988 Suicide & Crisis Lifeline', phone: '988' },
    { name: 'UK & Ireland: Samaritans', phone: '116 123' },
  ],
};

const hotline = z.strictObject({ name: z.string().min(1).max(200), phone: z.string().max(40).optional(), url: z.string().url().max(300).optional() });
const hotlinesFile = z.strictObject({ 'zh-CN': z.array(hotline).min(1), en: z.array(hotline).min(1) });

/**
 * The help card's notice for a connection in `lang`: its lines, and every language's for a page that
 * switches. The same whether the person's own message had crisis words or a moderator offered support.
 */
export function crisisNotice(lang: Lang, hotlines: Record<Lang, Hotline[]>): NoticePayload {
  return { kind: 'crisis', message: noticeText[lang].crisis, hotlines: hotlines[lang], hotlines_by_lang: hotlines };
}

/** The hotlines to show: from the operator's file when given, else the defaults. Throws with the file's problem. */
export function loadHotlines(file: string | undefined): Record<Lang, Hotline[]> {
  if (!file) return DEFAULT_HOTLINES;
  const parsed = hotlinesFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`CRISIS_HOTLINES_FILE ${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
