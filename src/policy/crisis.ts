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
 * Every phrase made of one word or phrase from each list in turn, joined with `by` (a space for English,
 * nothing for Chinese): `every(' ', ['want to', 'gonna'], ['overdose'])` is "want to overdose" and "gonna
 * overdose". For a way of saying it that is an intent and a method, each of which is said several ways.
 */
function every(by: string, ...parts: readonly (readonly string[])[]): string[] {
  return parts.reduce<string[]>((phrases, words) => phrases.flatMap((phrase) => words.map((word) => (phrase && word ? phrase + by + word : phrase + word))), ['']);
}

/*
 * Saying one means to do it, before a way of doing it that without it is everyday talk: 想/要/准备/打算/决定
 * and 今晚 (要 covers 想要), with or without 去 (要去上吊). "going to" covers "I'm going to" and
 * "I am going to"; "i will" and "i'll" (written so, an exception with it also excuses "i’ll" and "ill")
 * stand for "will", which alone is too often a thing's ("this goal will end it").
 */
const ZH_MEANING = ['想', '要', '准备', '打算', '决定', '今晚', '今晚就', '今天晚上', '今天就', '现在就'];
const ZH_MEANING_TO = every('', ZH_MEANING, ['', '去']);
const EN_MEANING_TO = ['want to', 'wanna', 'going to', 'gonna', 'about to', 'ready to', 'plan to', 'planning to', 'decided to', 'i will', "i'll"];

/** 吃/吞 (了) with a lot of 安眠药 says it; 吃安眠药 alone is how one sleeps ("我要吃安眠药才睡得着"). */
const ZH_MANY_PILLS = every(
  '',
  ['吃', '吞', '吃了', '吞了', '吃掉', '吞下', '吞下了'],
  ['很多', '好多', '大量', '一把', '一大把', '一堆', '一大堆', '整瓶', '一整瓶', '一瓶', '一盒', '一整盒', '所有的', '全部的', '全部'],
  ['安眠药'],
);
/**
 * "took a whole bottle of pills", "swallowed all my sleeping pills": taken at once. "Take all my pills" is
 * also keeping to a prescription ("I need to take all my pills"): only after a word of meaning to
 * (EN_METHODS). "Took all my pills" stays alone: it may be this morning's dose, but it is what is said after
 * an overdose, and a card too many is the lesser harm.
 */
const PILLS = ['pills', 'sleeping pills', 'painkillers'];
const EN_MANY_PILLS = [
  ...every(' ', ['take', 'taking', 'swallow', 'swallowing'], ['a whole bottle of', 'the whole bottle of', 'a handful of'], PILLS),
  ...every(' ', ['took', 'swallowed'], ['a whole bottle of', 'the whole bottle of', 'a bottle of', 'a handful of', 'a bunch of', 'too many', 'all my', 'all of my', 'all the'], PILLS),
];

/*
 * Ways of doing it that say it only after a word of meaning to. 上吊 alone is in 他马上吊起来了 and 装上吊灯;
 * 烧炭 lights a barbecue or a stove; 跳河 and 跳海 are a summer swim too (想去跳海 may be cliff jumping on a
 * holiday: the card is the lesser harm). "Overdose" alone is news or medicine ("a heroin overdose"); "jump
 * off" only from a height ("jump off the diving board" is a swim, "jump off a bridge" is not); "end it"
 * after a word of meaning to is nearly always this, and its everyday endings are exceptions ("want to end
 * it with him").
 */
const ZH_METHODS = ['上吊', '烧炭', '跳河', '跳江', '跳海', '卧轨'];
/** Heights one says 从…跳下去 from (从楼顶跳下去, 从天台往下跳): after a word of meaning to, as a cat jumps from a balcony too. */
const ZH_HEIGHTS = ['楼顶', '楼上', '顶楼', '天台', '阳台', '窗户', '窗口', '窗台', '桥上', '大桥', '高楼', '高处', '悬崖'];
const EN_HEIGHTS = every(' ', ['a', 'the', 'this', 'that', 'my', 'the top of a', 'the top of the', 'the top of my'], ['building', 'bridge', 'roof', 'cliff', 'balcony', 'tower', 'skyscraper']);
const EN_METHODS = [
  'overdose',
  'end it',
  ...every(' ', ['jump off', 'jump from'], EN_HEIGHTS),
  ...every(' ', ['jump out of', 'jump out'], ['a window', 'the window', 'my window']),
  ...every(' ', ['jump in front of', 'step in front of'], ['a', 'the'], ['train', 'bus', 'truck', 'lorry', 'car']),
  ...every(' ', ['take', 'swallow'], ['all my', 'all of my', 'all the'], PILLS),
];

/** "nobody would care if I died", "my parents wouldn't notice if I was gone". */
const NOBODY_WOULD_CARE = [
  ...every(' ', ['care', 'notice', 'miss me'], ['if i died', 'if i was dead', 'if i were dead', 'if i was gone', 'if i were gone', 'if i killed myself']),
  ...every(' ', ['nobody', 'no one', 'noone'], ['would care', 'will care', 'cares', 'would notice', 'will notice', 'would miss me', 'will miss me'], ['if i die']),
  ...every(' ', ['better off'], ['without me', 'if i was dead', 'if i were dead', 'if i was gone', 'if i were gone', 'if i wasnt here', 'if i wasnt around', 'if i didnt exist']),
  'be better without me',
];

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
  ...every('', ['准备', '打算', '决定'], ['吃', '吞'], ['安眠药']),
  '吞安眠药',
  '一瓶安眠药',
  ...ZH_MANY_PILLS,
  '安眠药全吃了',
  '安眠药全部吃了',
  '安眠药都吃了',
  '安眠药全吞了',
  '安眠药都吞了',
  '喝农药',
  // 想上吊, 要去上吊, 准备上吊了, 今晚烧炭, 我要跳河; 我要去死了 (想死 alone is above, 要死 is 热得要死).
  ...every('', ZH_MEANING_TO, ZH_METHODS),
  ...every('', ZH_MEANING, ['去死']),
  ...every('', ZH_MEANING, ['从'], ZH_HEIGHTS, ['', '上'], ['跳', '往下跳']),
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
  // A way that says it alone: "hang myself" (not "hang out", "hang my coat"), "cut my wrists".
  'hang myself',
  'hanging myself',
  'cut my wrists',
];

/**
 * English phrases without digits for letters. Digits are written to get a word past a filter ("su1cide",
 * "k1ll"), seldom a longer phrase or a sentence of intent, and each phrase's mixes of digits are states of
 * the automaton that every message walks: the combined phrases alone are over a thousand (with digits the
 * automaton was 400 MB and took ten seconds to build); as it is, the crisis phrases are some 24,000 states.
 */
const EN_NO_DIGITS: readonly string[] = [
  'hanged myself',
  'hung myself',
  'slit my wrist',
  'slitting my wrist',
  'slash my wrist',
  'slashing my wrist',
  'cutting my wrists',
  'slit my throat',
  'jump to my death',
  'jumping to my death',
  'throw myself in front of',
  'take an overdose',
  'took an overdose',
  'taking an overdose',
  ...every(' ', ['throw myself off', 'throw myself from'], EN_HEIGHTS),
  'i overdosed',
  ...EN_MANY_PILLS,
  ...NOBODY_WOULD_CARE,
  // "I'm going to overdose", "I want to end it", "I am going to jump off a building".
  ...every(' ', EN_MEANING_TO, EN_METHODS),
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

/** The phrases of self-harm, their English ones with digits for letters, and those English ones without. */
export const CRISIS_TERMS: readonly string[] = [...new Set([...PHRASES.flatMap((phrase) => [phrase, ...leetVariants(phrase)]), ...EN_NO_DIGITS])];

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
  '跳楼价',
  '跳楼甩卖',
  '跳楼大甩卖',
  '还不如死心',
  '笑死了算了',
  'want to diet',
  'wanna diet',
  'want to die my hair',
  'wanna die my hair',
  'cut myself some slack',
  'cutting myself some slack',
  // 上吊 before 吊灯 (a ceiling lamp), 吊顶 (a false ceiling), 吊床 (a hammock), 吊桥, 吊车, 吊篮, 吊椅: 要上吊床睡觉.
  ...every('', ZH_MEANING_TO, ['上吊'], ['灯', '顶', '床', '桥', '车', '篮', '椅']),
  // 烧炭 for a barbecue: 今晚烧炭烤肉.
  ...every('', ZH_MEANING_TO, ['烧炭'], ['烤', '烧烤']),
  // 要去死海, 想去死亡谷, 我要去死磕这道题 (死磕: to stick at it).
  ...every('', ZH_MEANING, ['去死'], ['海', '亡谷', '磕']),
  // Ending something else: "I want to end it with him", "going to end it on a high note", "end its contract".
  // Only with what follows named: "going to end it with a rope" or "…on a bridge tonight" is what it says.
  ...every(' ', EN_MEANING_TO, ['end it with'], ['him', 'her', 'them', 'you', 'my boyfriend', 'my girlfriend', 'my partner', 'my ex', 'my husband', 'my wife']),
  ...every(' ', EN_MEANING_TO, ['end it on a'], ['high', 'good', 'positive', 'happy']),
  ...every(' ', EN_MEANING_TO, ['end its']),
  // A goodbye in a chat: "I'll end it here, thanks for chatting" ("…end it now" is not one).
  ...every(' ', EN_MEANING_TO, ['end it here', 'end it there', 'end it for today', 'end it for tonight']),
  "i overdosed on coffee",
  // Telling someone not to: 千万不要跳河, 你不要去跳海.
  ...every('', ['不要', '不想', '不打算', '不准备'], ['', '去'], ZH_METHODS),
  // "I'm going to overdose on coffee".
  ...every(' ', EN_MEANING_TO, ['overdose on'], ['coffee', 'caffeine', 'sugar', 'chocolate', 'candy', 'cake', 'carbs']),
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
