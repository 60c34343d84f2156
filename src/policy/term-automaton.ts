/**
 * Aho–Corasick over UTF-16 code units: every occurrence of many terms in one pass over a text, each
 * term carrying a value. Written here, not taken from a library, because of what the content policy
 * scans: text already folded to letters and digits (normalize.ts), where a code unit is as good a
 * symbol as a grapheme cluster. The library used before (modern-ahocorasick) splits every non-ASCII
 * text into grapheme clusters with `Intl.Segmenter` first, which made the scan ~10 % of the server's
 * busy time under load (BENCHMARKS.md, issue 17); this costs one array or map lookup per code unit.
 *
 * Transitions out of the root (where a clean text spends nearly all its time) are a dense table of all
 * 65,536 code units; the others are one map keyed by state and unit.
 */

export interface TermHit<T> {
  /** Code-unit offsets in the scanned text, `end` exclusive. */
  start: number;
  end: number;
  data: T;
}

const UNITS = 0x10000;

export class TermAutomaton<T> {
  /** The state reached from the root on each code unit (0: none). */
  private readonly root = new Int32Array(UNITS);
  /** Transitions of the other states: key `state * UNITS + unit`. */
  private readonly next = new Map<number, number>();
  private readonly failure: Int32Array;
  /** Terms (indices) that end at each state, through its failure chain too; undefined when none. */
  private readonly ends: (number[] | undefined)[];
  private readonly terms: { length: number; data: T }[] = [];

  /** Empty terms are ignored: they would match everywhere. */
  constructor(entries: Iterable<{ pattern: string; data: T }>) {
    const children: number[][] = [[]];
    const own: (number[] | undefined)[] = [undefined];
    for (const { pattern, data } of entries) {
      if (pattern.length === 0) continue;
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const unit = pattern.charCodeAt(i);
        let target = this.step(state, unit);
        if (target === 0) {
          target = children.length;
          children.push([]);
          own.push(undefined);
          children[state]!.push(unit);
          if (state === 0) this.root[unit] = target;
          else this.next.set(state * UNITS + unit, target);
        }
        state = target;
      }
      (own[state] ??= []).push(this.terms.length);
      this.terms.push({ length: pattern.length, data });
    }
    this.failure = new Int32Array(children.length);
    this.ends = own;
    // Breadth first: a state's failure is settled before its children's.
    const order: number[] = [0];
    for (let at = 0; at < order.length; at++) {
      const state = order[at]!;
      for (const unit of children[state]!) {
        const child = this.step(state, unit);
        order.push(child);
        if (state !== 0) {
          let fallback = this.failure[state]!;
          while (fallback !== 0 && this.step(fallback, unit) === 0) fallback = this.failure[fallback]!;
          this.failure[child] = this.step(fallback, unit);
        }
        const inherited = this.ends[this.failure[child]!];
        if (inherited) this.ends[child] = [...(this.ends[child] ?? []), ...inherited];
      }
    }
  }

  /** Whether any term occurs in `text`. */
  test(text: string): boolean {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.advance(state, text.charCodeAt(i));
      if (this.ends[state] !== undefined) return true;
    }
    return false;
  }

  /** Every occurrence, overlaps included, by where it ends. */
  search(text: string): TermHit<T>[] {
    const hits: TermHit<T>[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.advance(state, text.charCodeAt(i));
      const ending = this.ends[state];
      if (ending === undefined) continue;
      for (const index of ending) {
        const term = this.terms[index]!;
        hits.push({ start: i + 1 - term.length, end: i + 1, data: term.data });
      }
    }
    return hits;
  }

  /**
   * The terms that begin at unit `start` of a text whose units may each read several ways: `readings[i]` lists
   * the units position i may read as, each once ('' for any of a–z). `found` is told each term read, where it ends, and
   * whether a position in it was read as other than `text` has there. The walk is a tree (one state per path),
   * so one start visits each state at most once: the rare message read this way (leet-reading.ts) pays at
   * most the automaton's size per word.
   */
  readFrom(text: string, readings: readonly string[], start: number, found: (end: number, data: T, changed: boolean) => void): void {
    const walk = (state: number, at: number, changed: boolean): void => {
      const ending = this.ends[state];
      // Only the state's own terms, not those its failure chain adds: those begin later than `start`.
      if (ending) for (const index of ending) if (this.terms[index]!.length === at - start) found(at, this.terms[index]!.data, changed);
      if (at >= readings.length) return;
      const options = readings[at]!;
      const own = text.charCodeAt(at);
      if (options === '') {
        for (let unit = 0x61; unit <= 0x7a; unit++) {
          const target = this.step(state, unit);
          if (target !== 0) walk(target, at + 1, changed || unit !== own);
        }
        return;
      }
      for (let option = 0; option < options.length; option++) {
        const unit = options.charCodeAt(option);
        const target = this.step(state, unit);
        if (target !== 0) walk(target, at + 1, changed || unit !== own);
      }
    };
    walk(0, start, false);
  }

  private advance(state: number, unit: number): number {
    while (state !== 0) {
      const target = this.next.get(state * UNITS + unit);
      if (target !== undefined) return target;
      state = this.failure[state]!;
    }
    return this.root[unit]!;
  }

  /** The goto function alone (0: none). */
  private step(state: number, unit: number): number {
    return state === 0 ? this.root[unit]! : (this.next.get(state * UNITS + unit) ?? 0);
  }
}
