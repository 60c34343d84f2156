/**
 * The operator's terms and the crisis phrases, compiled into one Aho–Corasick automaton
 * (term-automaton.ts) over folded text (normalize.ts), and the rules a hit must pass to count:
 *
 * - **Whole words for English.** Folding leaves spaces and punctuation out, so on its own the automaton
 *   finds "sex chat" in "I'm from Essex, chat later?" and "whatsapp me" in "whatsapp message". A term that
 *   begins (ends) with a Latin letter or digit counts only where the original character just before
 *   (after) the hit is not one. Spelling tricks inside the hit ("s e x chat", "s\u200bex", full-width)
 *   still match; Chinese, written without spaces, matches anywhere.
 * - **`allow` terms are exceptions**: a hit that lies entirely inside a hit of an allowed phrase does not
 *   count ("essex chat" allowed, "sex chat" blocked).
 * - **Everyday phrases are no crisis**: a crisis phrase inside one of `CRISIS_EXCEPTIONS` (想死你了,
 *   跳楼价), written without anything between its characters, does not count.
 *
 * A clean message costs one pass of the automaton; where each folded character came from is worked out
 * only for a message with a hit.
 */
import { CRISIS_EXCEPTIONS, CRISIS_TERMS } from './crisis.js';
import { endsLatin, latinAt, latinBefore, normalizeTerm, normalizeWithPositions, startsLatin, type Normalized } from './normalize.js';
import { ACTION_RANK, type PolicyAction } from './policy-document.js';
import { TermAutomaton, type TermHit } from './term-automaton.js';

/** An operator's term (flag, mask or block), an allowed phrase, a crisis phrase, or an exception to those. */
type Kind = 'term' | 'allow' | 'crisis' | 'not_crisis';

interface Entry {
  kind: Kind;
  action: PolicyAction;
  /** The term begins (ends) with a Latin letter or digit: the hit must begin (end) a word. */
  wordStart: boolean;
  wordEnd: boolean;
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
    const strongest = new Map<string, PolicyAction>();
    for (const { term, action } of terms) {
      const key = normalizeTerm(term);
      if (!key) continue;
      const known = strongest.get(key);
      if (!known || ACTION_RANK[action] > ACTION_RANK[known]) strongest.set(key, action);
    }
    const entries: { pattern: string; data: Entry }[] = [];
    const add = (pattern: string, kind: Kind, action: PolicyAction) =>
      entries.push({ pattern, data: { kind, action, wordStart: startsLatin(pattern), wordEnd: endsLatin(pattern) } });
    for (const [pattern, action] of strongest) add(pattern, action === 'allow' ? 'allow' : 'term', action);
    for (const phrase of CRISIS_TERMS) add(normalizeTerm(phrase), 'crisis', 'allow');
    for (const phrase of CRISIS_EXCEPTIONS) add(normalizeTerm(phrase), 'not_crisis', 'allow');
    this.automaton = new TermAutomaton(entries);
  }

  /** What counts in a message; undefined when nothing in the list occurs in it at all (most messages). */
  match(original: string, folded: string): TermMatch | undefined {
    if (!this.automaton.test(folded)) return undefined;
    // Where each folded character came from: worked out once, for the first hit that needs it.
    let positions: Normalized | undefined;
    const counted: TermHit<Entry>[] = [];
    // Allowed phrases and crisis exceptions found (rare: undefined until one is).
    let exceptions: TermHit<Entry>[] | undefined;
    for (const hit of this.automaton.search(folded)) {
      const { kind, wordStart, wordEnd } = hit.data;
      if (wordStart || wordEnd || kind === 'not_crisis') {
        positions ??= normalizeWithPositions(original);
        if (!onWordEdges(hit, original, positions)) continue;
      }
      if (kind === 'term' || kind === 'crisis') counted.push(hit);
      else if (kind === 'allow' || (positions && unbroken(hit, positions))) (exceptions ??= []).push(hit);
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
}

/**
 * Whether a hit stands on word edges where its term needs them: the original characters just outside it
 * are no Latin letters or digits, and it does not begin or end inside what one character folded to (the
 * "fi" of "ﬁ").
 */
function onWordEdges(hit: TermHit<Entry>, original: string, { from, to }: Normalized): boolean {
  const start = from[hit.start]!;
  const end = to[hit.end - 1]!;
  if (hit.data.wordStart && (latinBefore(original, start) || (hit.start > 0 && from[hit.start - 1] === start))) return false;
  if (hit.data.wordEnd && (latinAt(original, end) || to[hit.end] === end)) return false;
  return true;
}

/** Whether the original has nothing between the characters a hit folded from (no space, no punctuation). */
function unbroken(hit: TermHit<Entry>, { from, to }: Normalized): boolean {
  for (let unit = hit.start + 1; unit < hit.end; unit++) if (from[unit] !== to[unit - 1] && from[unit] !== from[unit - 1]) return false;
  return true;
}

/** Whether a hit lies inside an exception to it: a term inside an allowed phrase, a crisis phrase inside an everyday one. */
function excepted(hit: TermHit<Entry>, exceptions: readonly TermHit<Entry>[]): boolean {
  const kind: Kind = hit.data.kind === 'term' ? 'allow' : 'not_crisis';
  for (const span of exceptions) if (span.data.kind === kind && span.start <= hit.start && hit.end <= span.end) return true;
  return false;
}
