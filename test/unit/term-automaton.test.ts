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

  it('reads terms from a start where a position may read several ways, saying which read as other than written', () => {
    const automaton = automatonOf(['sex', 'sexchat', 'fuck', 'ex']);
    const found: [number, number, boolean][] = [];
    // "s3x chat" folded: the 3 may read as e or as itself.
    automaton.readFrom('s3xchat', ['s', 'e3', 'x', 'c', 'h', 'a', 't'], 0, (end, data, changed) => found.push([end, data, changed]));
    expect(found).toEqual([
      [3, 0, true],
      [7, 1, true],
    ]);
    // Only terms that begin at the start: "ex" begins later and is not told.
    const plain: [number, number, boolean][] = [];
    automaton.readFrom('sexchat', [...'sexchat'], 0, (end, data, changed) => plain.push([end, data, changed]));
    expect(plain).toEqual([
      [3, 0, false],
      [7, 1, false],
    ]);
    // A star ('') reads as any small letter.
    const star: number[] = [];
    automaton.readFrom('f*ck', ['f', '', 'c', 'k'], 0, (_end, data) => star.push(data));
    expect(star).toEqual([2]);
  });

  it('reading several ways agrees with a naive check of every term at the start', () => {
    const letter = fc.constantFrom('a', 'b', 'c');
    const term = fc.array(letter, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    // Each position: its own letter, with a few more readings or any letter ('').
    const position = fc.tuple(letter, fc.constantFrom('', 'a', 'b', 'ab', 'bc', 'abc', null));
    fc.assert(
      fc.property(fc.array(term, { maxLength: 8 }), fc.array(position, { minLength: 1, maxLength: 8 }), fc.nat(7), (terms, positions, at) => {
        const start = at % positions.length;
        const text = positions.map(([own]) => own).join('');
        // Each unit once, as leet-reading.ts lists them.
        const readings = positions.map(([own, more]) => (more === null ? own : more === '' ? '' : [...new Set(own + more)].join('')));
        const automaton = automatonOf(terms);
        const found: string[] = [];
        automaton.readFrom(text, readings, start, (end, data, changed) => found.push(`${data}:${end}:${changed}`));
        const expected: string[] = [];
        terms.forEach((candidate, index) => {
          if (start + candidate.length > text.length) return;
          const fits = [...candidate].every((char, i) => readings[start + i] === '' || readings[start + i]!.includes(char));
          // A reading lists its letters once, so each term is read at most one way.
          const changed = [...candidate].some((char, i) => char !== text[start + i]);
          if (fits) expected.push(`${index}:${start + candidate.length}:${changed}`);
        });
        expect([...found].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 500 },
    );
  });
});
