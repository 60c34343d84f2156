/**
 * Interests as people type them → the tags matching compares. Shared by the server (which decides) and
 * the page (which shows the tags it will be matched on); no dependency beyond `Intl.Segmenter` (ICU, in
 * Node and every current browser).
 *
 * Normalising: NFKC (full-width letters and digits become half-width), case-folded, inner spaces
 * collapsed, surrounding spaces and punctuation trimmed, duplicates dropped. One entry may hold several
 * interests: list separators (`,` `，` `、` `;` `/` `|` …) split it. A part with Chinese characters is
 * free text and is cut into words (`Intl.Segmenter`, locale zh, granularity 'word'): word-like segments
 * are kept, particles, pronouns and verbs of liking/doing (喜欢, 和, 的, 我, 看, 打, …) dropped, so
 * "喜欢看电影和打篮球" gives 电影 and 篮球. ICU's dictionary splits words it does not know (动漫 → 动 漫,
 * 周杰伦 → 周 杰 伦) into single characters; adjacent single characters are joined again, and a lone
 * character is attached to the word before or after it (狼人 杀 → 狼人杀, 小 猫咪 → 小猫咪). Compound names
 * the dictionary knows as words stay words (王者荣耀 → 王者, 荣耀: two people typing it share both). A run of other text inside Chinese text
 * ("我喜欢 Taylor Swift") stays one interest ("taylor swift").
 */

/** Most interests one person may have (after normalising; more are dropped, first ones kept). */
export const MAX_INTERESTS = 10;
/** Longest interest as sent, in characters (UTF-16 units, as the schema counts). */
export const MAX_INTEREST_INPUT_CHARS = 32;
/** Longest interest after normalising, in code points (NFKC can lengthen text: ㍿ → 株式会社). */
export const MAX_INTEREST_CHARS = 32;

/** Words of Chinese free text that say nothing about the interest itself. */
const STOP_WORDS = new Set(
  (
    '喜欢 爱 爱好 兴趣 热爱 喜爱 迷 还有 和 与 跟 同 及 以及 或 或者 还 也 都 很 挺 太 非常 特别 比较 最 超 超级 ' +
    '的 地 得 了 着 过 是 在 有 没有 我 我们 你 你们 他 她 它 他们 她们 自己 我的 你的 看 打 玩 听 吃 去 做 搞 弄 学 ' +
    '想 要 会 能 可以 就 啊 呀 吧 呢 吗 嘛 哦 喔 啦 哈 嗯 等 等等 之类 什么 一些 一点 一下 东西 平时 经常 偶尔 ' +
    '一起 一个 个 些 这 那 这个 那个 这些 那些 各种 其他 其它 比如 例如 包括'
  ).split(' '),
);

/**
 * Words of a sentence around its interests — what joins its clauses, says when or how much, thinks, wishes
 * or meets: "我喜欢看电影，然后周末一起去爬山" is about 电影 and 爬山, not 然后, 周末 or 一起去. Dropped only
 * in a sentence (three words or more: 交友软件, 天天向上 are names), and not before a single character: ICU
 * cuts a name it does not know into single characters after them (聊天 室, 有点 甜, 刚刚 好), which would
 * be left as a tag of one character (one before them is a word of its own: 猫 所以). Typed alone (周末,
 * 交友) they are the interest.
 */
const CLAUSE_WORDS = new Set(
  (
    '然后 而且 并且 但是 可是 不过 因为 所以 如果 虽然 其实 就是 还是 或是 ' +
    '觉得 感觉 认为 希望 想要 需要 认识 找人 聊天 交友 一起去 ' +
    '最近 现在 以前 之前 以后 平常 有时 有时候 时候 周末 每天 天天 今天 明天 已经 正在 刚刚 ' +
    '挺好 不错 还行 真的 有点 一直 总是 主要 尤其'
  ).split(' '),
);

/**
 * 会 is a stop word ("can": 我会弹钢琴, 唱歌会跳舞), but after these words and at the end of what they say
 * it is the interest itself: 演唱会, 读书会 (ICU gives 演唱 会).
 */
const BEFORE_HUI = new Set(['演唱', '读书', '音乐', '运动', '观影', '桌游', '茶话', '博览', '歌友', '书友', '影友', '见面', '分享', '交流', '舞']);

/** Separators between interests inside one entry (after NFKC, so full-width ones are ASCII already). */
const LIST_SEPARATORS = /[,;/|\n\r\t、。·•]+/u;
const HAN = /\p{Script=Han}/u;

/**
 * One entry as typed, cut where `normalizeInterests` cuts it into interests (NFKC first): the page measures
 * each part against MAX_INTEREST_INPUT_CHARS as the server will take it.
 */
export function splitInterestList(text: string): string[] {
  return text.normalize('NFKC').split(LIST_SEPARATORS);
}
/** Spaces, punctuation and control characters trimmed from both ends of an interest. */
const EDGES = /^[\s\p{P}\p{Cc}\p{Cf}]+|[\s\p{P}\p{Cc}\p{Cf}]+$/gu;

let segmenter: Intl.Segmenter | undefined;
function chineseWords(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return segmenter.segment(text);
}

/** One interest cleaned up: case, width, spacing and surrounding punctuation. Empty when nothing is left. */
export function cleanInterest(raw: string): string {
  const folded = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .replace(EDGES, '');
  return [...folded].slice(0, MAX_INTEREST_CHARS).join('').replace(EDGES, '');
}

/** The interests in one part of Chinese free text (see the module comment). */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  /** Words of the current stretch of Chinese text (no stop word or separator in between). */
  let stretch: string[] = [];
  /** Other text (Latin words, digits and what lies between them) inside the Chinese text. */
  let other = '';
  const endStretch = (): void => {
    words.push(...joinFragments(stretch));
    stretch = [];
  };
  const endOther = (): void => {
    const cleaned = cleanInterest(other);
    if (cleaned) words.push(cleaned);
    other = '';
  };
  const segments = [...chineseWords(text)];
  const wordCount = segments.filter((s) => s.isWordLike).length;
  /** A word of one Han character that is no stop word: a piece of a name ICU did not know. */
  const fragment = (i: number): boolean => {
    const s = segments[i];
    return s !== undefined && s.isWordLike === true && [...s.segment].length === 1 && HAN.test(s.segment) && !STOP_WORDS.has(s.segment);
  };
  /** What follows ends what is said: the end, punctuation or a stop word. */
  const endsAfter = (i: number): boolean => {
    const s = segments[i + 1];
    return s === undefined || !s.isWordLike || STOP_WORDS.has(s.segment) || CLAUSE_WORDS.has(s.segment);
  };
  for (const [i, { segment, isWordLike }] of segments.entries()) {
    if (HAN.test(segment)) {
      endOther();
      const last = stretch.at(-1);
      const dropped = STOP_WORDS.has(segment) || (CLAUSE_WORDS.has(segment) && wordCount > 2 && !fragment(i + 1));
      if (segment === '会' && last !== undefined && BEFORE_HUI.has(last) && endsAfter(i)) stretch.push(`${stretch.pop()!}${segment}`);
      else if (isWordLike && !dropped) stretch.push(segment);
      else endStretch();
    } else {
      endStretch();
      other += segment;
      if (!isWordLike && !/^\s+$/u.test(segment) && !/^[-+#&.'_]+$/u.test(segment)) endOther();
    }
  }
  endStretch();
  endOther();
  return words;
}

/**
 * Adjacent single characters are one word the dictionary did not know (动 漫 → 动漫); a lone single
 * character belongs to the word before it (狼人 杀 → 狼人杀), or else to the word after it (小 猫咪 → 小猫咪).
 */
function joinFragments(stretch: string[]): string[] {
  const items: { text: string; lone: boolean }[] = [];
  let singles = '';
  const flush = (): void => {
    if (singles) items.push({ text: singles, lone: [...singles].length === 1 });
    singles = '';
  };
  for (const word of stretch) {
    if ([...word].length === 1) singles += word;
    else {
      flush();
      items.push({ text: word, lone: false });
    }
  }
  flush();
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const next = items[i + 1];
    if (item.lone && out.length > 0 && !items[i - 1]!.lone) out[out.length - 1] += item.text;
    else if (item.lone && next && !next.lone) {
      out.push(item.text + next.text);
      i++;
    } else out.push(item.text);
  }
  return out;
}

/**
 * The tags of a list of interests as typed: normalised, Chinese free text cut into words, duplicates
 * dropped, at most `MAX_INTERESTS` (the first ones).
 */
export function normalizeInterests(raw: readonly string[]): string[] {
  const tags = new Set<string>();
  for (const entry of raw) {
    for (const part of entry.normalize('NFKC').split(LIST_SEPARATORS)) {
      const found = HAN.test(part) ? wordsOf(part) : [cleanInterest(part)];
      for (const tag of found) {
        const cleaned = cleanInterest(tag);
        if (cleaned) tags.add(cleaned);
        if (tags.size >= MAX_INTERESTS) return [...tags];
      }
    }
  }
  return [...tags];
}

/** The interests two people share, in the order of the first list. */
export function commonInterests(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  if (!a?.length || !b?.length) return [];
  const other = new Set(b);
  return a.filter((tag) => other.has(tag));
}
