/**
 * The operator's terms and the crisis phrases, compiled into one Aho–Corasick automaton
 * (term-automaton.ts) over folded text (normalize.ts), and the rules a hit must pass to count:
 *
 * - **Whole words for English.** Folding leaves spaces and punctuation out, so on its own the automaton
 *   finds "sex chat" in "I'm from Essex, chat later?" and "whatsapp me" in "whatsapp message". A term of
 *   Latin letters and digits from end to end counts only where the original character just before (after)
 *   the hit is not of the same kind as the term's first (last) one: a letter next to a letter, a digit next
 *   to a digit, continue a word; a digit next to a letter does not ("sexchat4u", "1sex chat"). Spelling
 *   tricks inside the hit ("s e x chat", "s\u200bex", full-width) still match. A term with anything else in
 *   it — Chinese, written without spaces, or "加qq" — matches anywhere ("加qq12345678", "傻bb").
 * - **Crisis phrases need only begin a word**: English has endings ("self harmed", "suicides", "want to
 *   dieeee"); the few everyday words that begin with a phrase are exceptions ("want to diet").
 * - **Exceptions**: a term hit inside a hit of an allowed phrase does not count ("essex chat" allowed,
 *   "sex chat" blocked), nor a crisis phrase inside one of `CRISIS_EXCEPTIONS` (想死你了, 跳楼价, "want to
 *   diet"). An exception counts only as the phrase is written: the original may have a space or punctuation
 *   only where the phrase has one. Spacing hides nothing then: "es sex chat" has "sex chat" as a word of its
 *   own, not inside "Essex chat"; "我想死，你了解吗" is not 想死你了; "I want to die. Too" is not "diet".
 *
 * - **Digits and symbols for letters** ("s3x chat", "b1tch", "f*ck you"): a message with a digit or symbol
 *   beside a Latin letter is read a second time with them as letters (leet-reading.ts). What that reading
 *   finds counts only for a Latin term (and its allowed phrases), as a whole word on both sides, and only
 *   where a digit or symbol was read as a letter; the rules above apply to it as to any hit. Crisis phrases
 *   carry their own digit spellings (crisis.ts) and are not read this way.
 * - **Stand-ins for a character** of a Chinese term (约pao, 傻13; term-variants.ts): compiled as more terms,
 *   the stand-in a whole word where it begins or ends the term.
 *
 * A clean message costs one pass of the automaton; where each folded character came from is worked out
 * only for a message with a hit.
 */
import { CRISIS_EXCEPTIONS, CRISIS_TERMS } from './crisis.js';
import { brokenAt, leetReading, mayHideLetters, wordEndsAt, wordStartsAt } from './leet-reading.js';
import { isLatinWord, normalizeTerm, normalizeWithPositions, wordCharAt, wordCharBefore, wordCharOf, type Normalized, type WordChar } from './normalize.js';
import { ACTION_RANK, type PolicyAction } from './policy-document.js';
import { TermAutomaton, type TermHit } from './term-automaton.js';
import { variantsOf } from './term-variants.js';

/** An operator's term (flag, mask or block), an allowed phrase, a crisis phrase, or an exception to those. */
type Kind = 'term' | 'allow' | 'crisis' | 'not_crisis';

interface Entry {
  kind: Kind;
  action: PolicyAction;
  /** The hit must begin (end) a word: what the term's first (last) character is, when it needs word edges. */
  wordStart: WordChar | undefined;
  wordEnd: WordChar | undefined;
  /** For an exception: the offsets in the folded phrase where the phrase has a space or punctuation. */
  breaks: ReadonlySet<number> | undefined;
  /** Whether the pattern is Latin letters and digits from end to end: only such a term is read with digits for letters. */
  latin: boolean;
  /** A stand-in spelling (term-variants.ts): written joined, and, when `notBeforeIdeograph`, not before a Chinese character. */
  variant?: { notBeforeIdeograph: boolean };
}

export interface TermMatch {
  /** The strongest action of the operator's terms that count (`allow`: none). */
  action: PolicyAction;
  /** Whether a term to flag, mask or block counts. */
  term: boolean;
  crisis: boolean;
  /** The spans of the original (UTF-16 offsets, end exclusive) that the `mask` terms cover. */
  masks: [number, number][];
}

export class TermMatcher {
  private readonly automaton: TermAutomaton<Entry>;

  /** Compiles the operator's terms (the strongest action wins for a term listed twice) with the crisis phrases. */
  constructor(terms: readonly { term: string; action: PolicyAction }[]) {
    const strongest = new Map<string, { action: PolicyAction; breaks: Set<number> }>();
    for (const { term, action } of terms) {
      const key = normalizeTerm(term);
      if (!key) continue;
      let known = strongest.get(key);
      if (!known) strongest.set(key, (known = { action, breaks: new Set() }));
      else if (ACTION_RANK[action] > ACTION_RANK[known.action]) known.action = action;
      // An allowed phrase written with and without a space ("essex chat", "essexchat") allows both.
      if (action === 'allow') for (const at of breaksOf(term)) known.breaks.add(at);
    }
    const entries: { pattern: string; data: Entry }[] = [];
    const add = (pattern: string, kind: Kind, action: PolicyAction, breaks?: Set<number>) => {
      const latin = isLatinWord(pattern);
      const wordStart = latin ? wordCharOf(pattern) : undefined;
      // A crisis phrase (and an exception to one) may go on into an ending.
      const wordEnd = latin && (kind === 'term' || kind === 'allow') ? wordCharOf([...pattern].at(-1)!) : undefined;
      entries.push({ pattern, data: { kind, action, wordStart, wordEnd, breaks, latin } });
    };
    const variants = new Set<string>();
    for (const [pattern, { action, breaks }] of strongest) {
      const kind: Kind = action === 'allow' ? 'allow' : 'term';
      add(pattern, kind, action, action === 'allow' ? breaks : undefined);
      // A stand-in for one of its characters (约pao), for a term and for an allowed phrase alike (约pao台山 is
      // still 约炮台山): a whole word where it begins or ends the pattern, written joined (an allowed
      // phrase's variant has no breaks: writtenAsPhrase then wants it joined too).
      for (const variant of variantsOf(pattern)) {
        if (strongest.has(variant.pattern) || variants.has(variant.pattern)) continue;
        variants.add(variant.pattern);
        const wordStart = variant.atStart ? wordCharOf(variant.pattern) : undefined;
        const wordEnd = variant.atEnd ? wordCharOf(variant.pattern.at(-1)!) : undefined;
        const data: Entry = { kind, action, wordStart, wordEnd, breaks: undefined, latin: false, variant: { notBeforeIdeograph: kind === 'term' && variant.notBeforeIdeograph } };
        entries.push({ pattern: variant.pattern, data });
      }
    }
    for (const phrase of CRISIS_TERMS) add(normalizeTerm(phrase), 'crisis', 'allow');
    for (const phrase of CRISIS_EXCEPTIONS) add(normalizeTerm(phrase), 'not_crisis', 'allow', breaksOf(phrase));
    this.automaton = new TermAutomaton(entries);
  }

  /** What counts in a message; undefined when nothing in the list occurs in it at all (most messages). */
  match(original: string, folded: string): TermMatch | undefined {
    const plain = this.automaton.test(folded) ? judge(this.automaton.search(folded), original, undefined) : undefined;
    // Digits or symbols for letters: only a message with one beside a Latin letter is read again.
    if (!mayHideLetters(original)) return plain;
    const hidden = this.readHidden(original);
    if (!hidden || !plain) return hidden ?? plain;
    return {
      action: ACTION_RANK[hidden.action] > ACTION_RANK[plain.action] ? hidden.action : plain.action,
      term: plain.term || hidden.term,
      crisis: plain.crisis,
      masks: [...plain.masks, ...hidden.masks],
    };
  }

  /**
   * The Latin terms and allowed phrases a message has with digits and symbols read as letters (leet-reading.ts):
   * whole words, each term with at least one such letter (one without is the plain reading's to judge).
   */
  private readHidden(original: string): TermMatch | undefined {
    const reading = leetReading(original);
    if (!reading) return undefined;
    const hits: TermHit<Entry>[] = [];
    for (let start = 0; start < reading.text.length; start++) {
      if (!wordStartsAt(reading, start)) continue;
      this.automaton.readFrom(reading.text, reading.readings, start, (end, data, changed) => {
        if (!data.latin || (data.kind !== 'term' && data.kind !== 'allow')) return;
        if ((changed || data.kind === 'allow') && wordEndsAt(reading, end)) hits.push({ start, end, data });
      });
    }
    return hits.length > 0 ? judge(hits, original, reading) : undefined;
  }
}

/**
 * What a message's hits add up to, exceptions and word edges applied. `reading`: the hits are of the reading
 * with digits for letters, already on whole words; otherwise of the folded text, where each folded
 * character came from worked out once, for the first hit that needs it.
 */
function judge(hits: readonly TermHit<Entry>[], original: string, reading: Normalized | undefined): TermMatch {
  let positions = reading;
  const counted: TermHit<Entry>[] = [];
  // Allowed phrases and crisis exceptions found (rare: undefined until one is).
  let exceptions: TermHit<Entry>[] | undefined;
  for (const hit of hits) {
    const { kind, wordStart, wordEnd, variant } = hit.data;
    const exception = kind === 'allow' || kind === 'not_crisis';
    if (!reading && (wordStart || wordEnd || exception || variant)) {
      positions ??= normalizeWithPositions(original);
      if (!onWordEdges(hit, original, positions)) continue;
      if (variant && !variantStands(hit, original, positions, variant.notBeforeIdeograph)) continue;
    }
    if (!exception) counted.push(hit);
    else if (writtenAsPhrase(hit, positions!)) (exceptions ??= []).push(hit);
  }
  const found: TermMatch = { action: 'allow', term: false, crisis: false, masks: [] };
  for (const hit of counted) {
    const { kind, action } = hit.data;
    if (exceptions && excepted(hit, exceptions)) continue;
    if (kind === 'crisis') {
      found.crisis = true;
      continue;
    }
    found.term = true;
    if (ACTION_RANK[action] > ACTION_RANK[found.action]) found.action = action;
    if (action === 'mask') {
      positions ??= normalizeWithPositions(original);
      found.masks.push([positions.from[hit.start]!, positions.to[hit.end - 1]!]);
    }
  }
  return found;
}

/**
 * Whether a hit stands on word edges where its term needs them: the original characters just outside it
 * do not go on with the term's word (see the top of this file), and it does not begin or end inside what
 * one character folded to (the "fi" of "ﬁ").
 */
function onWordEdges(hit: TermHit<Entry>, original: string, { from, to }: Normalized): boolean {
  const { wordStart, wordEnd } = hit.data;
  const start = from[hit.start]!;
  const end = to[hit.end - 1]!;
  if (wordStart && (wordCharBefore(original, start) === wordStart || (hit.start > 0 && from[hit.start - 1] === start))) return false;
  if (wordEnd && (wordCharAt(original, end) === wordEnd || to[hit.end] === end)) return false;
  return true;
}

const IDEOGRAPH_AT = /^[\u3400-\u4dbf\u4e00-\u9fff]/;

/**
 * Whether a stand-in spelling's hit reads as the term (term-variants.ts): written joined ("傻，13" is two
 * things said), and, for digits or one letter ending it, with no Chinese character after it, spaces aside
 * (傻13岁 is an age).
 */
function variantStands(hit: TermHit<Entry>, original: string, positions: Normalized, notBeforeIdeograph: boolean): boolean {
  for (let unit = hit.start + 1; unit < hit.end; unit++) if (brokenAt(unit, positions)) return false;
  if (!notBeforeIdeograph) return true;
  let next = positions.to[hit.end - 1]!;
  while (next < original.length && /\s/.test(original[next]!)) next++;
  return !IDEOGRAPH_AT.test(original.slice(next, next + 1));
}

/** Where a phrase as the operator (or crisis.ts) wrote it has a space or punctuation, in folded offsets. */
function breaksOf(phrase: string): Set<number> {
  const positions = normalizeWithPositions(phrase);
  const breaks = new Set<number>();
  for (let unit = 1; unit < positions.text.length; unit++) if (brokenAt(unit, positions)) breaks.add(unit);
  return breaks;
}

/**
 * Whether an exception's hit is written as its phrase: a space or punctuation in the original only where
 * the phrase has one. Otherwise the spaces show other words: "es sex chat" is "es" and "sex chat", and the
 * term is excused by no phrase.
 */
function writtenAsPhrase(hit: TermHit<Entry>, positions: Normalized): boolean {
  const breaks = hit.data.breaks;
  for (let unit = hit.start + 1; unit < hit.end; unit++) if (brokenAt(unit, positions) && !breaks?.has(unit - hit.start)) return false;
  return true;
}

/** Whether a hit lies inside an exception to it: a term inside an allowed phrase, a crisis phrase inside an everyday one. */
function excepted(hit: TermHit<Entry>, exceptions: readonly TermHit<Entry>[]): boolean {
  const kind: Kind = hit.data.kind === 'term' ? 'allow' : 'not_crisis';
  for (const span of exceptions) if (span.data.kind === kind && span.start <= hit.start && hit.end <= span.end) return true;
  return false;
}
