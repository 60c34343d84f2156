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

/**
 * Phrases of self-harm, Chinese and English (matched after the same folding as the term lists; an English
 * one only where it begins a word, so "skill myself" is not "kill myself", and with any ending: "self
 * harmed", "suicides", "want to dieeee").
 */
export const CRISIS_TERMS: readonly string[] = [
  '自杀',
  '想死',
  '不想活',
  '活不下去',
  '轻生',
  '割腕',
  '跳楼',
  '结束生命',
  '结束自己',
  '寻死',
  'suicide',
  'suicidal',
  'kill myself',
  'killing myself',
  'want to die',
  'end my life',
  'self harm',
  'selfharm',
  'self harming',
  'cut myself',
];

/**
 * Everyday phrases a crisis phrase sits inside: a hit within one of these, written with a space or
 * punctuation only where the phrase has one, is no crisis. 想死你了 is "I miss you so much"; 跳楼价 a
 * clearance price; "want to diet" (and "dieting") no wish to die. Not 想死你 alone: "我想死，你别管我" folds
 * to the same letters. An English one, like the phrases, need only begin a word.
 */
export const CRISIS_EXCEPTIONS: readonly string[] = ['想死你了', '想死你啦', '想死你们了', '想死我了', '跳楼价', '跳楼甩卖', '跳楼大甩卖', 'want to diet'];

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
