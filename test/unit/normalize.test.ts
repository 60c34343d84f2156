import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeForMatching, normalizeWithPositions } from '../../src/policy/normalize.js';

// Characters from both sides of the fast path's boundary: ASCII, ideographs (Traditional ones with a
// Simplified form among them, one beyond the BMP, a compatibility ideograph and a radical), the code points
// around their ranges, full-width forms, accented and other-script letters, an astral letter, punctuation.
const interesting = fc.constantFrom(
  ...'aZ09 .,!_-\t\n@#',
  '微', '信', '\u3400', '\u4dbf', '\u4e00', '\u9fff', '\u33ff', '\u4dc0', '\u9fa5', '\ua000',
  '賣', '卖', '號', '㑯', '𡻕', '𠀀', '\uf978', '⾨', '，',
  'ｗ', 'Ｅ', '１', 'é', 'É', 'ß', 'ﬁ', 'Ω', 'д', 'ا', '😀', '𝐀', '·', '\u00a0', '\u200b', '\u007f', '\u0080',
  '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', '\u034f', '가',
  '\u0301', '\u0308', 'а', 'ѕ', 'Α', 'ο', 'İ', 'ｶ', 'ﾞ',
);

// Text with letters that have both a precomposed and a decomposed form.
const accented = fc.constantFrom(...'aeiouAEIOU cnsz.', 'é', 'ü', 'Å', 'ñ', 'ç', '\u0301', '\u0308', '\u030a', 'ǅ', 'ẞ', 'ṩ');

describe('normalizeForMatching', () => {
  it('folds plain ASCII and ideographs as the character walk does', () => {
    expect(normalizeForMatching('W.E.I X-I N 123')).toBe('weixin123');
    expect(normalizeForMatching('加 微 信: abc')).toBe('加微信abc');
  });

  it('takes the walk for anything else (full-width, ligatures, accents)', () => {
    expect(normalizeForMatching('ｗｅｉｘｉｎ')).toBe('weixin');
    // Accents are left out (NFKD, then the combining marks dropped): "café" is "cafe" however it is typed.
    expect(normalizeForMatching('ﬁne Café')).toBe('finecafe');
  });

  it('folds a precomposed accent and a combining one alike', () => {
    expect(normalizeForMatching('fúck bítch')).toBe('fuckbitch');
    expect(normalizeForMatching('fu\u0301ck bi\u0301tch')).toBe('fuckbitch');
    expect(normalizeForMatching('CAFÉ')).toBe(normalizeForMatching('cafe\u0301'));
    expect(normalizeForMatching('İstanbul ÅNGSTRÖM')).toBe('istanbulangstrom');
  });

  it('reads Cyrillic and Greek letters that look Latin as the Latin ones', () => {
    expect(normalizeForMatching('\u0455\u0435\u0445 \u0441\u04bb\u0430t')).toBe('sexchat');
    expect(normalizeForMatching('\u0412\u0406TCH')).toBe('bitch');
    expect(normalizeForMatching('\u03bf\u039a \u03c1\u03b1\u03c1\u03b1')).toBe('okpapa');
    // Other letters of those scripts stay what they are.
    expect(normalizeForMatching('дж λ')).toBe('джλ');
  });

  it('folds a capital and its small letter alike, look-alikes included (case first, then the look-alike)', () => {
    expect(normalizeForMatching('СЕКС')).toBe(normalizeForMatching('секс'));
    expect(normalizeForMatching('КМТНВ')).toBe(normalizeForMatching('кмтнв'));
    expect(normalizeForMatching('ΝΥΗΜΖΒ')).toBe(normalizeForMatching('νυημζβ'));
    // Every letter of the Greek and Cyrillic blocks with a one-letter small form.
    for (let point = 0x0370; point <= 0x04ff; point++) {
      const char = String.fromCodePoint(point);
      const small = char.toLowerCase();
      if (small !== char && [...small].length === 1) expect(normalizeForMatching(char), char).toBe(normalizeForMatching(small));
    }
  });

  it('keeps Hangul syllables whole (NFKD alone would split them into letters)', () => {
    expect(normalizeForMatching('한국어 Ａ')).toBe('한국어a');
  });

  it('a combining mark belongs to the letter before it: masking the letter masks its accent', () => {
    expect(normalizeWithPositions('fu\u0301ck')).toEqual({ text: 'fuck', from: [0, 1, 3, 4], to: [1, 3, 4, 5] });
    expect(normalizeWithPositions('o\u0301\u0302k')).toEqual({ text: 'ok', from: [0, 3], to: [3, 4] });
    // A mark after something left out (a space) belongs to nothing.
    expect(normalizeWithPositions('a \u0301b')).toEqual({ text: 'ab', from: [0, 3], to: [1, 4] });
    // A ligature is two letters from one character.
    expect(normalizeWithPositions('ﬁx')).toEqual({ text: 'fix', from: [0, 0, 1], to: [1, 1, 2] });
  });

  it('leaves out the blank look-alikes, Hangul fillers included (letters to Unicode that show nothing)', () => {
    expect(normalizeForMatching('约\u3164炮')).toBe('约炮');
    expect(normalizeForMatching('sex\uFFA0chat')).toBe('sexchat');
    expect(normalizeForMatching('s\u115Fe\u1160x\u2800c\u034Fhat')).toBe('sexchat');
    expect(normalizeWithPositions('约\u3164炮')).toEqual({ text: '约炮', from: [0, 2], to: [1, 3] });
    // Hangul itself is kept.
    expect(normalizeForMatching('안녕 하세요')).toBe('안녕하세요');
  });

  it('reads Traditional Chinese as Simplified, ASCII and Simplified text left as they were', () => {
    expect(normalizeForMatching('賣淫')).toBe('卖淫');
    expect(normalizeForMatching('資訊 號碼 殺')).toBe('资讯号码杀');
    // Simplified, and the characters both scripts share, stay as they are.
    expect(normalizeForMatching('卖淫 资讯 号码 杀')).toBe('卖淫资讯号码杀');
    expect(normalizeForMatching('加我微信')).toBe('加我微信');
    // Both scripts and ASCII in one message, on the fast path and on the walk (full-width punctuation).
    expect(normalizeForMatching('加我微信 約炮 OK')).toBe('加我微信约炮ok');
    expect(normalizeForMatching('加我微信，約炮？OK')).toBe('加我微信约炮ok');
    expect(normalizeForMatching('Hello, World 123')).toBe('helloworld123');
  });

  it('reads Hong Kong and Taiwan variant characters as Simplified too, but not the mainland characters Taiwan reads otherwise', () => {
    // 衞 (Hong Kong) is 衛 is 卫; 敍 is 敘 is 叙; 粧 is 妝 is 妆; 衹 is 只.
    expect(normalizeForMatching('衞生 敍述 化粧 衹有')).toBe('卫生叙述化妆只有');
    expect(normalizeForMatching('卫生叙述化妆只有')).toBe('卫生叙述化妆只有');
    // 么 and 著 are characters of their own in Simplified: 什么 is not 什幺, 著名 is not 着名; 麼 is still 么.
    expect(normalizeForMatching('什么 著名 什麼')).toBe('什么著名什么');
    // A standard Traditional character keeps its standard Simplified form (not Taiwan's 顎 → 齶 → 腭).
    expect(normalizeForMatching('顎 鯰')).toBe('颚鲶');
  });

  it('a Traditional character keeps its place: positions point at the original characters', () => {
    // What a mask covers is the Traditional characters themselves, where they are, punctuation or not.
    expect(normalizeWithPositions('你這個操你媽')).toEqual({ text: '你这个操你妈', from: [0, 1, 2, 3, 4, 5], to: [1, 2, 3, 4, 5, 6] });
    expect(normalizeWithPositions('這，媽！ok')).toEqual({ text: '这妈ok', from: [0, 2, 4, 5], to: [1, 3, 5, 6] });
  });

  it('folds characters beyond the BMP by code point, never half of a pair', () => {
    // 𡻕 (U+21ED5) is a Traditional form of 岁: one unit read from the two of the pair.
    expect(normalizeWithPositions('我𡻕了')).toEqual({ text: '我岁了', from: [0, 1, 3], to: [1, 3, 4] });
    expect(normalizeForMatching('𡻕 歲')).toBe('岁岁');
    // One with no Simplified form stays whole.
    expect(normalizeWithPositions('𠀀a')).toEqual({ text: '𠀀a', from: [0, 0, 2], to: [2, 2, 3] });
  });

  it('a compatibility ideograph or a radical reads as the Simplified form of the character it stands for', () => {
    // U+F978 is 兩, the Kangxi radical ⾨ (U+2FA8) is 門.
    expect(normalizeForMatching('\uf978 ⾨')).toBe('两门');
  });

  it('every BMP ideograph folds to one ideograph, alike on both walks, and folding twice changes nothing', () => {
    let changed = 0;
    const wrong: string[] = [];
    for (let code = 0x3400; code <= 0x9fff; code++) {
      const char = String.fromCharCode(code);
      const folded = normalizeForMatching(char);
      // A symbol between the ideograph blocks (U+4DC0–U+4DFF, hexagrams) is left out, as before.
      if (folded.length === 0) continue;
      if (folded !== char) changed++;
      // One unit, the walk (taken for the full-width comma) agrees, and a Simplified form is its own.
      if (folded.length !== 1 || normalizeWithPositions(`${char}，`).text !== folded || normalizeForMatching(folded) !== folded) wrong.push(char);
    }
    expect(wrong).toEqual([]);
    // OpenCC's single-character table: some 3,000 Traditional characters.
    expect(changed).toBeGreaterThan(2_500);
  });

  it('gives the same text as the walk that also tracks positions, for any string', () => {
    fc.assert(
      fc.property(fc.array(interesting, { maxLength: 40 }).map((chars) => chars.join('')), (text) => {
        expect(normalizeForMatching(text)).toBe(normalizeWithPositions(text).text);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(normalizeForMatching(text)).toBe(normalizeWithPositions(text).text);
      }),
      { numRuns: 2000 },
    );
  });

  it('folds the composed and the decomposed form of any text alike, and maps every letter back in order', () => {
    fc.assert(
      fc.property(fc.array(accented, { maxLength: 30 }).map((chars) => chars.join('')), (text) => {
        expect(normalizeForMatching(text.normalize('NFC'))).toBe(normalizeForMatching(text.normalize('NFD')));
        const { from, to } = normalizeWithPositions(text);
        from.forEach((start, unit) => {
          expect(start).toBeLessThan(to[unit]!);
          if (unit > 0) expect(start).toBeGreaterThanOrEqual(from[unit - 1]!);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
