/** Texts of the interests on the chat page (tag input, wait, match line), in zh-CN and English. */
import { createTranslator, getLang } from '../shared/translator.js';

const zh = {
  interestsLabel: '兴趣（可选）',
  interestsPlaceholder: '如：电影、篮球，按回车添加',
  interestsHint: '最多 10 个，按回车或逗号添加。我们会先为你寻找兴趣相同的人。',
  interestsListLabel: '你的兴趣',
  interestRemove: '移除 {n}',
  interestsFull: '最多 10 个兴趣',
  interestsFullKept: '最多 10 个兴趣：没加上的还在输入框里，先删掉一个再按回车',
  interestsNothing: '没有找到可以匹配的兴趣词',
  interestsAdded: '已添加：{n}',
  interestsAddedShortened: '已添加：{n}。兴趣最多 32 个字，已截短',
  interestsShortened: '兴趣最多 32 个字，已截短',
  interestRemoved: '已移除：{n}',
  interestWaitTitle: '按兴趣寻找：',
  interestCountdown: '{n} 秒后匹配任何人',
  interestAnyone: '还没有兴趣相同的人，正在匹配任何人',
  matchAnyoneNow: '现在匹配任何人',
  commonInterests: '你们都喜欢：{n}',
  randomNoShared: '没有人与你兴趣相同，这位是随机匹配的陌生人',
} as const;

export type InterestTextKey = keyof typeof zh;

const en: Record<InterestTextKey, string> = {
  interestsLabel: 'Interests (optional)',
  interestsPlaceholder: 'e.g. movies, basketball — press Enter',
  interestsHint: 'Up to 10; Enter or a comma adds one. We look for someone who shares one first.',
  interestsListLabel: 'Your interests',
  interestRemove: 'Remove {n}',
  interestsFull: 'At most 10 interests',
  interestsFullKept: 'At most 10 interests: what did not fit is still in the field — remove one, then press Enter',
  interestsNothing: 'No interest found in that text',
  interestsAdded: 'Added: {n}',
  interestsAddedShortened: 'Added: {n}. Interests are at most 32 characters: shortened',
  interestsShortened: 'Interests are at most 32 characters: shortened',
  interestRemoved: 'Removed: {n}',
  interestWaitTitle: 'Looking for: ',
  interestCountdown: 'Matching anyone in {n} s',
  interestAnyone: 'Nobody with the same interests yet — matching anyone now',
  matchAnyoneNow: 'Match anyone now',
  commonInterests: 'You both like: {n}',
  randomNoShared: 'Nobody shared your interests, so this stranger is random',
};

export const interestTexts = createTranslator<InterestTextKey>({ 'zh-CN': zh, en });

/** A list of interests in a sentence of the current language (电影、篮球 / movies, basketball). */
export function listOf(interests: readonly string[]): string {
  return interests.join(getLang() === 'en' ? ', ' : '、');
}

/**
 * Sets an element's text to one of these texts, with `{n}` a number or a list of interests; kept on the
 * element so `retranslate` renders it again in another language (lists with that language's separator).
 */
export function showInterestText(el: HTMLElement, key: InterestTextKey, n?: number | readonly string[]): void {
  el.dataset['interestText'] = key;
  if (n === undefined) delete el.dataset['interestN'];
  else el.dataset['interestN'] = JSON.stringify(n);
  render(el);
}

function render(el: HTMLElement): void {
  const key = el.dataset['interestText'] as InterestTextKey;
  const raw = el.dataset['interestN'];
  const n: unknown = raw === undefined ? undefined : JSON.parse(raw);
  el.textContent = interestTexts.t(key, { n: Array.isArray(n) ? listOf(n as string[]) : (n as number | undefined) });
}

/** Renders every interests text under `root` (markup with `data-i18n` and texts set by `showInterestText`) in the current language. */
export function retranslateInterests(root: ParentNode): void {
  interestTexts.translate(root);
  for (const el of root.querySelectorAll<HTMLElement>('[data-interest-text]')) render(el);
}
