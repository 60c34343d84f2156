/** Codes people type: receipt codes and private-room keys, however an input method wrote them. */
import { describe, expect, it } from 'vitest';
import { canonicalCode } from '../../src/privacy/receipt-codes.js';
import { canonicalKey, newPrivateKey } from '../../src/private/private-keys.js';
import { canonicalCrockford, CROCKFORD_ALPHABET, crockfordProblem, findCrockfordCode } from '../../src/shared/crockford.js';

/** ASCII → its full-width form, as a Chinese input method in full-width mode types it. */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('typed codes', () => {
  const code = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345';
  const canonical = code.replaceAll('-', '');

  it('accepts the code as shown, in small letters, with spaces and with look-alikes', () => {
    expect(canonicalCrockford(code, canonical.length, 80)).toBe(canonical);
    expect(canonicalCrockford(code.toLowerCase(), canonical.length, 80)).toBe(canonical);
    expect(canonicalCrockford(code.replaceAll('-', ' '), canonical.length, 80)).toBe(canonical);
    expect(canonicalCrockford('OIL', 3, 10)).toBe('011');
  });

  it('accepts full-width letters, digits and dashes, and every kind of dash between the groups', () => {
    expect(canonicalCrockford(fullWidth(code), canonical.length, 80)).toBe(canonical);
    expect(canonicalCrockford(fullWidth(code.toLowerCase()), canonical.length, 80)).toBe(canonical);
    for (const dash of ['‐', '‑', '–', '—', '−', '－', '・', '　']) {
      expect(canonicalCrockford(code.replaceAll('-', dash), canonical.length, 80), `dash ${dash}`).toBe(canonical);
    }
  });

  it('still refuses what is no code: a letter outside the alphabet, a wrong length, too long an input', () => {
    expect(CROCKFORD_ALPHABET).not.toContain('U');
    expect(canonicalCrockford(code.replace('A', 'U'), canonical.length, 80)).toBeUndefined();
    expect(canonicalCrockford(fullWidth(code.replace('A', 'U')), canonical.length, 80)).toBeUndefined();
    expect(canonicalCrockford(code.slice(0, -1), canonical.length, 80)).toBeUndefined();
    expect(canonicalCrockford(`${code}${' '.repeat(80)}`, canonical.length, 80)).toBeUndefined();
  });

  it('says why a typed code is none: the first character no code has, else how many symbols it holds', () => {
    expect(crockfordProblem(code, canonical.length, 80)).toBeUndefined();
    expect(crockfordProblem(fullWidth(code.toLowerCase()), canonical.length, 80)).toBeUndefined();
    expect(crockfordProblem('uuuu-uuuu', canonical.length, 80)).toEqual({ kind: 'char', char: 'U' });
    expect(crockfordProblem(fullWidth(code.replace('A', 'U')), canonical.length, 80)).toEqual({ kind: 'char', char: 'U' });
    expect(crockfordProblem(`${code.slice(0, 4)}？`, canonical.length, 80)).toEqual({ kind: 'char', char: '?' });
    expect(crockfordProblem(code.slice(0, -1), canonical.length, 80)).toEqual({ kind: 'length', symbols: canonical.length - 1 });
    expect(crockfordProblem(`${code}-0`, canonical.length, 80)).toEqual({ kind: 'length', symbols: canonical.length + 1 });
    expect(crockfordProblem(`${code}${' '.repeat(80)}`, canonical.length, 80)).toEqual({ kind: 'tooLong' });
  });

  it('holds for a real private-room key and a receipt code shape', () => {
    const key = newPrivateKey();
    expect(canonicalKey(fullWidth(key))).toBe(canonicalKey(key));
    const receipt = Array.from({ length: 28 }, (_, i) => CROCKFORD_ALPHABET[i % 32]).join('');
    expect(canonicalCode(fullWidth(receipt))).toBe(canonicalCode(receipt));
    expect(canonicalCode(receipt)).toBeDefined();
  });
});

describe('a code inside a longer text (findCrockfordCode)', () => {
  const CODE = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345';
  it('finds it in a line copied from a downloaded file, the chat page’s link, or unbroken', () => {
    expect(findCrockfordCode(`回执码: ${CODE}`, 28)).toBe(CODE);
    expect(findCrockfordCode(`Receipt: ${CODE}`, 28)).toBe(CODE);
    expect(findCrockfordCode(`https://chat.example.com/my#${CODE}`, 28)).toBe(CODE);
    expect(findCrockfordCode(`code ${CODE.replaceAll('-', '').toLowerCase()} here`, 28)).toBe(CODE);
    expect(findCrockfordCode(`回执码：${CODE.replaceAll('-', '－')}`.normalize('NFKC'), 28)).toBe(CODE);
    expect(findCrockfordCode(`回执码：${CODE.replaceAll('-', ' ')}`, 28)).toBe(CODE);
  });
  it('none, two different ones, or a run inside a longer word: no guess', () => {
    expect(findCrockfordCode('回执码: ABCD-EFGH', 28)).toBeUndefined();
    expect(findCrockfordCode(`${CODE} ${CODE.replace('A', 'B')}`, 28)).toBeUndefined();
    expect(findCrockfordCode(`X${CODE.replaceAll('-', '')}`, 28)).toBeUndefined();
    // The same code twice is one code.
    expect(findCrockfordCode(`${CODE} / ${CODE}`, 28)).toBe(CODE);
    // A group too many, or one more joined in front, is not cut to fit (found by the review).
    expect(findCrockfordCode(`${CODE}-6789`, 28)).toBeUndefined();
    expect(findCrockfordCode(`1-${CODE}`, 28)).toBeUndefined();
    // A U has no place in a code: the run is not one.
    expect(findCrockfordCode(`回执码: ${CODE.replace('A', 'U')}`, 28)).toBeUndefined();
  });
});
