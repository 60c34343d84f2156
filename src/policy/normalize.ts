/**
 * Text as the content policy compares it: compatibility forms and accents folded (NFKD, combining marks
 * left out: full-width ｗｅｉｘｉｎ, ligatures, "fúck" and "fu\u0301ck" alike), lower case, Cyrillic and Greek
 * letters that look Latin read as the Latin ones, Traditional Chinese characters read as Simplified ones
 * (simplified-chinese.ts: 賣淫 as 卖淫, one character for one), and everything but visible letters and digits
 * left out — so "w e i x i n", "W.E.I.X.I.N", "微 信" and "約 炮" all read as the term they spell, in
 * whichever script the term was entered. Where each character of the result came from in the original is
 * worked out only when asked (`normalizeWithPositions`), for a message with a hit to check or mask: every
 * other message pays for the folded text alone.
 *
 * Digits stay digits and symbols are left out here, so "s3x" and "f*ck" fold to "s3x" and "fck". Reading
 * digits and symbols as letters ("b1tch", "f*ck", "$ex") is not folding — "2023" and "room 101" must stay
 * numbers — but a second reading, made only for a message with a digit or symbol inside a Latin word
 * (leet-reading.ts, judged in term-matcher.ts); stand-ins for a Chinese character (约pao, 傻13) are terms
 * of their own (term-variants.ts).
 */
import { BLANK_LOOKALIKES } from '../shared/limits.js';
import { simplifiedAt, simplifiedChar, simplifyIdeographs } from './simplified-chinese.js';

export interface Normalized {
  text: string;
  /**
   * For UTF-16 unit i of `text`: where its source starts and ends in the original (UTF-16 offsets). The
   * combining marks after a character belong to it: they end where its last mark ends.
   */
  from: number[];
  to: number[];
}

/*
 * A letter or digit that shows. The Hangul fillers (U+3164 and U+FFA0 fold to U+1160) are letters to
 * Unicode yet show nothing: kept, "约\u3164炮" would not read as the term it looks like. The other blank
 * look-alikes are not letters anyway; one shared list keeps this and the empty-message check in step.
 */
const VISIBLE_LETTER_OR_DIGIT = new RegExp(`^(?![${BLANK_LOOKALIKES}])[\\p{L}\\p{N}]$`, 'u');
const MARK = /^\p{M}$/u;

/*
 * Letters of other scripts that look like Latin ones ("ѕех" in Cyrillic), by their small letter: a character
 * is lower-cased first and only then looked up, so a capital and its small letter always read alike ("СЕКС"
 * and "секс", and so an operator's Russian term and a message typed in capitals, fold to the same text).
 * Where the capital looks like one Latin letter and the small one like another, the small one's reading is
 * kept if it had one (ν v, not Ν n; υ u, not Υ y), else the capital's (к k, н h, в b, η h, μ m). The
 * final sigma is the sigma a capital Σ lower-cases to.
 */
const LOOKALIKES = new Map(
  Object.entries({
    // Cyrillic
    а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l',
    // Greek
    α: 'a', β: 'b', ς: 'σ', ε: 'e', ζ: 'z', η: 'h', ι: 'i', κ: 'k', μ: 'm', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
    // Latin letters that read as plain ones
    ı: 'i', ɑ: 'a', ſ: 's',
  }),
);

/*
 * Most messages are ASCII and CJK ideographs only. For those, folding is lower-casing ASCII and leaving out
 * everything but a–z, 0–9 and the ideographs: two native string operations instead of a walk that builds
 * the result a character at a time (which was the largest allocation of the per-message path). ASCII is
 * told apart first, so that it pays nothing for Chinese; the ideographs then pay one scan for Traditional
 * characters, and a copy only when they have one.
 */
const ASCII = /^[\u0000-\u007f]*$/;
const ASCII_OR_IDEOGRAPHS = /^[\u0000-\u007f\u3400-\u4dbf\u4e00-\u9fff]*$/;
const NOT_KEPT = /[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+/g;

/** The folded text of a message. */
export function normalizeForMatching(original: string): string {
  if (ASCII.test(original)) return original.toLowerCase().replace(NOT_KEPT, '');
  if (ASCII_OR_IDEOGRAPHS.test(original)) return simplifyIdeographs(original.toLowerCase().replace(NOT_KEPT, ''));
  return fold(original, undefined);
}

/** The folded text and, for each of its UTF-16 units, the span of the original it came from. */
export function normalizeWithPositions(original: string): Normalized {
  const positions = { from: [] as number[], to: [] as number[] };
  const text = fold(original, positions);
  return { text, ...positions };
}

/** A term as the policy stores and matches it: the same folding as for messages. */
export const normalizeTerm = normalizeForMatching;

/*
 * A Latin letter or digit, once folded. The word-edge check of an English term asks this of the characters
 * around a hit: "Essex chat" is not "sex chat". Letters and digits are words of their own: "sexchat4u" and
 * "1sex chat" have the term as a word.
 */
const LATIN_WORD = /^[\p{Script=Latin}\p{Nd}]+$/u;
const LATIN_LETTER_FIRST = /^\p{Script=Latin}/u;
const DIGIT_FIRST = /^\p{Nd}/u;

/** What a character counts as next to an English term: part of a word of letters, of digits, or neither (undefined). */
export type WordChar = 'letter' | 'digit';

/** Whether `folded` (a term) is Latin letters and digits from end to end: only such a term needs word edges. */
export function isLatinWord(folded: string): boolean {
  return LATIN_WORD.test(folded);
}

/** What the first character of `folded` counts as (undefined for anything but a Latin letter or digit). */
export function wordCharOf(folded: string): WordChar | undefined {
  if (LATIN_LETTER_FIRST.test(folded)) return 'letter';
  return DIGIT_FIRST.test(folded) ? 'digit' : undefined;
}

/**
 * What the original character just before offset `at` counts as, as folded (full-width and Cyrillic
 * look-alikes count as letters). A combining mark there is read as the letter it sits on.
 */
export function wordCharBefore(original: string, at: number): WordChar | undefined {
  let index = at - 1;
  while (index >= 0) {
    const code = original.charCodeAt(index);
    if (code < 0x80) return asciiWordChar(code);
    const start = index > 0 && isLowSurrogate(code) ? index - 1 : index;
    const folded = foldPoint(original.codePointAt(start)!);
    if (folded !== null) return wordCharOf(folded);
    index = start - 1;
  }
  return undefined;
}

/** What the original character at offset `at` (just after a span) counts as, as folded. */
export function wordCharAt(original: string, at: number): WordChar | undefined {
  if (at >= original.length) return undefined;
  const code = original.charCodeAt(at);
  if (code < 0x80) return asciiWordChar(code);
  const folded = foldPoint(original.codePointAt(at)!);
  return folded === null ? undefined : wordCharOf(folded);
}

function asciiWordChar(code: number): WordChar | undefined {
  if (code >= 0x30 && code <= 0x39) return 'digit';
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) ? 'letter' : undefined;
}

/*
 * Keep this function short: V8 inlines it into normalizeForMatching only while its bytecode is small (under
 * 460 bytes), and a message that takes the walk costs ~100 ns more when it does not (measured on Node 20).
 */
function fold(original: string, positions: { from: number[]; to: number[] } | undefined): string {
  let out = '';
  // Where in `positions` the last character pushed begins (its marks extend it).
  let lastPushed = -1;
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    // ASCII fast path: most messages are mostly ASCII or CJK, which need no folding.
    if (code < 0x80) {
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)) push(original[i]!, i, i + 1);
      else if (code >= 0x41 && code <= 0x5a) push(String.fromCharCode(code + 32), i, i + 1);
      i += 1;
      continue;
    }
    // CJK ideographs need only their Simplified form, one unit for one; Hangul syllables no folding (NFKD
    // would split a syllable into its letters).
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xac00 && code <= 0xd7a3)) {
      push(simplifiedAt(original, i), i, i + 1);
      i += 1;
      continue;
    }
    const point = original.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const folded = foldPoint(point);
    if (folded === null) {
      // A combining mark: part of the character before it (masked with it), unless something else came between.
      if (positions && lastPushed >= 0 && positions.to[positions.to.length - 1] === i) {
        for (let unit = lastPushed; unit < positions.to.length; unit++) positions.to[unit] = i + width;
      }
    } else if (folded.length > 0) {
      push(folded, i, i + width);
    }
    i += width;
  }
  return out;

  function push(chars: string, start: number, end: number): void {
    out += chars;
    if (!positions) return;
    lastPushed = positions.from.length;
    // One entry per UTF-16 unit of the result (a ligature gives several, a letter beyond the BMP two).
    for (let unit = 0; unit < chars.length; unit++) {
      positions.from.push(start);
      positions.to.push(end);
    }
  }
}

/*
 * What one code point folds to, kept: a text repeats the same few hundred characters, and folding one takes
 * a normalisation and a few regular expressions. Bounded: emptied when full.
 */
const FOLDED = new Map<number, string | null>();
const FOLDED_MAX = 4_096;

/** The letters and digits a code point folds to ('' for none), or null for a combining mark. */
export function foldPoint(point: number): string | null {
  const known = FOLDED.get(point);
  if (known !== undefined) return known;
  const char = String.fromCodePoint(point);
  let folded: string | null = '';
  if (MARK.test(char)) folded = null;
  else {
    // Case first, then compatibility forms, then look-alikes (see LOOKALIKES) and Simplified forms (of an
    // ideograph beyond the BMP, or one a compatibility form decomposes to: 兩 U+F978, the radical ⾨):
    // lower-cased again, as a compatibility form may decompose to capitals (㎆ is "MB").
    for (const part of char.toLowerCase().normalize('NFKD')) {
      if (MARK.test(part)) continue;
      for (const small of part.toLowerCase()) {
        const reading = LOOKALIKES.get(small) ?? simplifiedChar(small);
        if (VISIBLE_LETTER_OR_DIGIT.test(reading)) folded += reading;
      }
    }
  }
  if (FOLDED.size >= FOLDED_MAX) FOLDED.clear();
  FOLDED.set(point, folded);
  return folded;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
