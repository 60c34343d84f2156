/**
 * Digits and symbols written for letters inside a Latin word — "s3x chat", "b1tch", "f*ck you", "@ss" — read
 * back as letters, for the rare message that has one. Folding (normalize.ts) keeps a digit as a digit and
 * leaves symbols out, so "s3x" folds to "s3x" and "f*ck" to "fck": neither is the term. Such a message is read
 * a second way here, one unit per letter, digit or symbol that shows, where a unit of a mixed word (Latin
 * letters with digits or these symbols in one word) may read as several letters:
 *
 *   0 o · 1 i or l · 3 e · 4 a · 5 s · 7 t (each digit also as itself) · @ a · $ s · and `*` or `#` between
 *   letters as any one letter (a run of up to three, one letter each: "f**k").
 *
 * A word without a letter is read as folding reads it: "2023", "room 101", "5 cats" and "$100" have no letters
 * to hide. A star or hash at a word's edge ("*bold*", "#tag") stands for no letter and is left out. The matcher
 * (term-matcher.ts) counts what this reading finds only for an operator's Latin term, as a whole word (nothing
 * of the word goes on before or after it), and only where a digit or symbol was read as a letter: "h3llo",
 * "b1tches" and "sc*nthorpe" are no term. Only ASCII letters and digits (and their full-width forms) make a word
 * mixed, not look-alikes from other scripts: a message whose words have no digit or symbol beside such a
 * letter — nearly every message — pays one regular expression test (`mayHideLetters`) and nothing else.
 */
import { foldPoint, type Normalized } from './normalize.js';

/** Whether a digit or one of the symbols read here stands beside an ASCII (or full-width) letter: only then is a reading made. */
export function mayHideLetters(original: string): boolean {
  return MIXED.test(original);
}
/*
 * Full-width letters and digits too: they fold to ASCII ones (normalize.ts). The digit or symbol is matched
 * first and only then its neighbours looked at: half the time of an alternation that begins with a letter
 * (0.06 µs against 0.1 µs over the bench's lines), as most messages have far fewer digits than letters.
 */
const MIXED = /[\d\uff10-\uff19@$*#](?:(?<=[a-z\uff21-\uff3a\uff41-\uff5a].)|(?=[a-z\uff21-\uff3a\uff41-\uff5a]))/i;

/** The letters a digit or symbol of a mixed word reads as (a digit also as itself; '' for a star: any letter). */
const LETTERS_FOR: Readonly<Record<string, string>> = { '0': 'o0', '1': 'il1', '3': 'e3', '4': 'a4', '5': 's5', '7': 't7', '@': 'a', $: 's', '*': '', '#': '' };
/** Longest run of stars or hashes read as letters; a longer one is decoration, left out. */
const MAX_HIDDEN_RUN = 3;

type Kind = 'letter' | 'digit' | 'symbol' | 'star' | 'other';

/** A message read with digits and symbols for letters; `from`/`to` as in normalize.ts, one entry per unit of `text`. */
export interface LeetReading extends Normalized {
  /** `text` with the symbols it keeps (`@$*#`) as written, letters folded. */
  text: string;
  /** What each unit may read as: its own unit, or for a digit or symbol of a mixed word the letters it stands for ('' any of a–z). */
  readings: string[];
  /** Whether each unit belongs to a Latin word (a letter, a digit, a symbol kept). */
  inWord: boolean[];
}

/** The reading of a message; undefined when no word in it mixes letters with digits or symbols. */
export function leetReading(original: string): LeetReading | undefined {
  const units = unitsOf(original);
  const n = units.text.length;
  const keep: boolean[] = new Array<boolean>(n).fill(true);
  const readings: string[] = [];
  let mixedAny = false;
  for (let start = 0; start < n; ) {
    if (units.kind[start] === 'other') {
      readings.push(units.text[start]!);
      start += 1;
      continue;
    }
    let end = start + 1;
    while (end < n && units.kind[end] !== 'other' && !brokenAt(end, units)) end++;
    // A star at a word's edge is no letter; nor is a run longer than MAX_HIDDEN_RUN.
    let first = start;
    let last = end;
    while (first < last && units.kind[first] === 'star') keep[first++] = false;
    while (last > first && units.kind[last - 1] === 'star') keep[--last] = false;
    for (let at = first; at < last; ) {
      let run = at;
      while (run < last && units.kind[run] === 'star') run++;
      if (run - at > MAX_HIDDEN_RUN) for (let unit = at; unit < run; unit++) keep[unit] = false;
      at = run > at ? run : at + 1;
    }
    let letters = false;
    let others = false;
    for (let unit = first; unit < last; unit++) {
      if (!keep[unit]) continue;
      if (units.kind[unit] === 'letter') letters = true;
      else others = true;
    }
    const mixed = letters && others;
    mixedAny ||= mixed;
    for (let unit = start; unit < end; unit++) {
      const kind = units.kind[unit]!;
      const char = units.text[unit]!;
      // Outside a mixed word a symbol is left out, as folding does.
      if (!mixed && (kind === 'symbol' || kind === 'star')) keep[unit] = false;
      readings.push(mixed && kind !== 'letter' ? (LETTERS_FOR[char] ?? char) : char);
    }
    start = end;
  }
  if (!mixedAny) return undefined;
  const reading: LeetReading = { text: '', readings: [], inWord: [], from: [], to: [] };
  for (let unit = 0; unit < n; unit++) {
    if (!keep[unit]) continue;
    reading.text += units.text[unit]!;
    reading.readings.push(readings[unit]!);
    reading.inWord.push(units.kind[unit] !== 'other');
    reading.from.push(units.from[unit]!);
    reading.to.push(units.to[unit]!);
  }
  return reading;
}

/** Whether the original has something left out between units `unit - 1` and `unit` (as term-matcher.ts reads it). */
export function brokenAt(unit: number, { from, to }: Pick<Normalized, 'from' | 'to'>): boolean {
  return from[unit] !== to[unit - 1] && from[unit] !== from[unit - 1];
}

/** Whether a word of the reading begins at `unit`. */
export function wordStartsAt(reading: LeetReading, unit: number): boolean {
  return reading.inWord[unit] === true && (unit === 0 || !reading.inWord[unit - 1] || brokenAt(unit, reading));
}

/** Whether a word of the reading ends just before `unit` (its end, exclusive). */
export function wordEndsAt(reading: LeetReading, unit: number): boolean {
  return unit >= reading.text.length || !reading.inWord[unit] || brokenAt(unit, reading);
}

/** The message as letters, digits and the symbols read here, with where each unit came from and what it is. */
function unitsOf(original: string): { text: string; kind: Kind[]; from: number[]; to: number[] } {
  const units = { text: '', kind: [] as Kind[], from: [] as number[], to: [] as number[] };
  // Where the last character pushed begins in the units (its combining marks extend it).
  let lastPushed = -1;
  for (let i = 0; i < original.length; ) {
    const code = original.charCodeAt(i);
    if (code < 0x80) {
      const char = original[i]!.toLowerCase();
      if (char >= 'a' && char <= 'z') push(char, 'letter', i, i + 1);
      else if (char >= '0' && char <= '9') push(char, 'digit', i, i + 1);
      else if (char === '@' || char === '$') push(char, 'symbol', i, i + 1);
      else if (char === '*' || char === '#') push(char, 'star', i, i + 1);
      i += 1;
      continue;
    }
    const point = original.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const folded = foldPoint(point);
    if (folded === null) {
      if (lastPushed >= 0 && units.to[units.to.length - 1] === i) for (let unit = lastPushed; unit < units.to.length; unit++) units.to[unit] = i + width;
    } else if (folded.length > 0) {
      lastPushed = units.from.length;
      for (let unit = 0; unit < folded.length; unit++) {
        const char = folded[unit]!;
        const kind: Kind = char >= 'a' && char <= 'z' ? 'letter' : char >= '0' && char <= '9' ? 'digit' : 'other';
        units.text += char;
        units.kind.push(kind);
        units.from.push(i);
        units.to.push(i + width);
      }
    }
    i += width;
  }
  return units;

  function push(char: string, kind: Kind, start: number, end: number): void {
    lastPushed = units.from.length;
    units.text += char;
    units.kind.push(kind);
    units.from.push(start);
    units.to.push(end);
  }
}
