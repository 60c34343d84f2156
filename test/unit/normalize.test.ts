import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeForMatching, normalizeWithPositions } from '../../src/policy/normalize.js';

// Characters from both sides of the fast path's boundary: ASCII, ideographs, the code points around
// their ranges, full-width forms, accented and other-script letters, an astral letter, punctuation.
const interesting = fc.constantFrom(
  ...'aZ09 .,!_-\t\n@#',
  '微', '信', '\u3400', '\u4dbf', '\u4e00', '\u9fff', '\u33ff', '\u4dc0', '\u9fa5', '\ua000',
  'ｗ', 'Ｅ', '１', 'é', 'É', 'ß', 'ﬁ', 'Ω', 'д', 'ا', '😀', '𝐀', '·', '\u00a0', '\u200b', '\u007f', '\u0080',
  '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', '\u034f', '가',
);

describe('normalizeForMatching', () => {
  it('folds plain ASCII and ideographs as the character walk does', () => {
    expect(normalizeForMatching('W.E.I X-I N 123')).toBe('weixin123');
    expect(normalizeForMatching('加 微 信: abc')).toBe('加微信abc');
  });

  it('takes the walk for anything else (full-width, ligatures, accents)', () => {
    expect(normalizeForMatching('ｗｅｉｘｉｎ')).toBe('weixin');
    expect(normalizeForMatching('ﬁne Café')).toBe('finecafé');
  });

  it('leaves out the blank look-alikes, Hangul fillers included (letters to Unicode that show nothing)', () => {
    expect(normalizeForMatching('约\u3164炮')).toBe('约炮');
    expect(normalizeForMatching('sex\uFFA0chat')).toBe('sexchat');
    expect(normalizeForMatching('s\u115Fe\u1160x\u2800c\u034Fhat')).toBe('sexchat');
    expect(normalizeWithPositions('约\u3164炮')).toEqual({ text: '约炮', from: [0, 2], to: [1, 3] });
    // Hangul itself is kept.
    expect(normalizeForMatching('안녕 하세요')).toBe('안녕하세요');
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
});
