import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TermAutomaton, type TermHit } from '../../src/policy/term-automaton.js';

/** Every occurrence by `indexOf`, in the automaton's order: by end, then longer (earlier start) first, then term order. */
function naive(terms: readonly string[], text: string): TermHit<number>[] {
  const hits: (TermHit<number> & { order: number })[] = [];
  terms.forEach((term, index) => {
    if (term.length === 0) return;
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) hits.push({ start: at, end: at + term.length, data: index, order: index });
  });
  return hits.sort((a, b) => a.end - b.end || a.start - b.start || a.order - b.order).map(({ start, end, data }) => ({ start, end, data }));
}

function byEnd(hits: TermHit<number>[]): TermHit<number>[] {
  return [...hits].sort((a, b) => a.end - b.end || a.start - b.start || a.data - b.data);
}

function automatonOf(terms: readonly string[]): TermAutomaton<number> {
  return new TermAutomaton(terms.map((pattern, data) => ({ pattern, data })));
}

describe('TermAutomaton', () => {
  it('finds every occurrence, overlaps included, with code-unit offsets', () => {
    const automaton = automatonOf(['he', 'she', 'his', 'hers']);
    expect(byEnd(automaton.search('ushers'))).toEqual([
      { start: 1, end: 4, data: 1 },
      { start: 2, end: 4, data: 0 },
      { start: 2, end: 6, data: 3 },
    ]);
    expect(automaton.test('ushers')).toBe(true);
    expect(automaton.test('hi there')).toBe(true);
    expect(automaton.test('hi thxre')).toBe(false);
  });

  it('matches Chinese and letters beyond the BMP, at their UTF-16 positions', () => {
    const automaton = automatonOf(['微信', '不想活', '𝐚𝐛']);
    expect(byEnd(automaton.search('加我微信吧我不想活了𝐚𝐛'))).toEqual([
      { start: 2, end: 4, data: 0 },
      { start: 6, end: 9, data: 1 },
      { start: 10, end: 14, data: 2 },
    ]);
    expect(automaton.test('今天天气很好')).toBe(false);
  });

  it('follows failure links into shorter terms (a term inside a longer near-miss)', () => {
    const automaton = automatonOf(['abcd', 'bce', 'c']);
    expect(byEnd(automaton.search('abce'))).toEqual([
      { start: 2, end: 3, data: 2 },
      { start: 1, end: 4, data: 1 },
    ]);
  });

  it('an empty list matches nothing; an empty term is ignored; duplicates are both reported', () => {
    expect(automatonOf([]).test('anything')).toBe(false);
    expect(automatonOf(['']).search('abc')).toEqual([]);
    expect(byEnd(automatonOf(['ab', 'ab']).search('xab'))).toEqual([
      { start: 1, end: 3, data: 0 },
      { start: 1, end: 3, data: 1 },
    ]);
  });

  it('agrees with a naive search on random terms and texts (small alphabets, so matches are frequent)', () => {
    const unit = fc.constantFrom('a', 'b', 'c', '微', '信', '\u{1d41a}');
    const word = fc.array(unit, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), fc.array(unit, { maxLength: 40 }), (terms, parts) => {
        const text = parts.join('');
        const automaton = automatonOf(terms);
        const expected = naive(terms, text);
        expect(byEnd(automaton.search(text))).toEqual(byEnd(expected));
        expect(automaton.test(text)).toBe(expected.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});
