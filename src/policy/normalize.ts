/**
 * Text as the content policy compares it: compatibility forms folded (full-width ｗｅｉｘｉｎ, ligatures),
 * lower case, and everything but visible letters and digits left out — so "w e i x i n", "W.E.I.X.I.N" and
 * "微 信" all read as the term they spell. Where each character of the result came from in the original
 * is worked out only when asked (`normalizeWithPositions`), for a message that has something to mask:
 * every other message pays for the folded text alone.
 */
import { BLANK_LOOKALIKES } from '../shared/limits.js';

export interface Normalized {
  text: string;
  /** For UTF-16 unit i of `text`: where its source starts and ends in the original (UTF-16 offsets). */
  from: number[];
  to: number[];
}

/*
 * A letter or digit that shows. The Hangul fillers (U+3164 and U+FFA0 fold to U+1160) are letters to
 * Unicode yet show nothing: kept, "约\u3164炮" would not read as the term it looks like. The other blank
 * look-alikes are not letters anyway; one shared list keeps this and the empty-message check in step.
 */
const VISIBLE_LETTER_OR_DIGIT = new RegExp(`^(?![${BLANK_LOOKALIKES}])[\\p{L}\\p{N}]`, 'u');

/*
 * Most messages are ASCII and CJK ideographs only. For those, folding is lower-casing ASCII and leaving out
 * everything but a–z, 0–9 and the ideographs: two native string operations instead of a walk that builds
 * the result a character at a time (which was the largest allocation of the per-message path).
 */
const ASCII_OR_IDEOGRAPHS = /^[\u0000-\u007f\u3400-\u4dbf\u4e00-\u9fff]*$/;
const NOT_KEPT = /[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+/g;

/** The folded text of a message. */
export function normalizeForMatching(original: string): string {
  if (ASCII_OR_IDEOGRAPHS.test(original)) return original.toLowerCase().replace(NOT_KEPT, '');
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

function fold(original: string, positions: { from: number[]; to: number[] } | undefined): string {
  let out = '';
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    // ASCII fast path: most messages are mostly ASCII or CJK, which need no folding.
    if (code < 0x80) {
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)) push(original[i]!, i, i + 1);
      else if (code >= 0x41 && code <= 0x5a) push(String.fromCharCode(code + 32), i, i + 1);
      i += 1;
      continue;
    }
    // CJK ideographs need no folding (the bulk of Chinese text).
    if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf)) {
      push(original[i]!, i, i + 1);
      i += 1;
      continue;
    }
    const point = original.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const folded = String.fromCodePoint(point).normalize('NFKC').toLowerCase();
    for (const char of folded) if (VISIBLE_LETTER_OR_DIGIT.test(char)) push(char, i, i + width);
    i += width;
  }
  return out;

  function push(char: string, start: number, end: number): void {
    out += char;
    if (!positions) return;
    // One entry per UTF-16 unit of the result (a letter beyond the BMP takes two).
    for (let unit = 0; unit < char.length; unit++) {
      positions.from.push(start);
      positions.to.push(end);
    }
  }
}
