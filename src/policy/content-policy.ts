/**
 * The content policy over one message, before it is stored or delivered: terms (Chinese and English,
 * folded so spacing and full-width tricks do not hide them), links, contact details, words of crisis and
 * copy-paste spam. Answers from memory: the policy is compiled once into one Aho–Corasick automaton
 * (term-automaton.ts) holding both the operator's terms and the crisis phrases, so a clean message
 * costs one automaton pass.
 */
import { LinkifyIt } from 'linkify-it';
import { findPii, type PiiKind } from '../shared/pii.js';
import { CRISIS_TERMS } from './crisis.js';
import { normalizeForMatching, normalizeTerm, normalizeWithPositions } from './normalize.js';
import type { LinkAction, PolicyAction, PolicyDocument } from './policy-document.js';
import { RepeatTracker } from './repeat-tracker.js';
import { TermAutomaton } from './term-automaton.js';

/** What the policy noticed about a message; stored with it for review. */
export type PolicyFlag = 'term' | 'link' | 'pii' | 'crisis' | 'spam' | 'masked';

export interface Verdict {
  /** What happens to the message: delivered as is, stored and marked, delivered masked, or refused. */
  action: Exclude<PolicyAction, 'allow'> | 'allow';
  /** The text to store and deliver (masked when `action` is `mask`). */
  content: string;
  flags: PolicyFlag[];
  /** Whether this counts as a strike against the sender. */
  strike: boolean;
  crisis: boolean;
  pii: PiiKind[];
}

/** Strongest first. */
const RANK: Record<PolicyAction, number> = { allow: 0, flag: 1, mask: 2, block: 3 };

interface Entry {
  /** Null for a crisis phrase. */
  action: PolicyAction | null;
}

export class ContentPolicy {
  private automaton: TermAutomaton<Entry> | undefined;
  private links: LinkAction = 'flag';
  private readonly linkify = linkFinder();
  private readonly repeats: RepeatTracker;

  /** @param options.repeatRooms the same text sent into this many different chats within the window is spam */
  constructor(options: { repeatRooms: number; repeatWindowMs: number; now: () => number }) {
    this.repeats = new RepeatTracker(options);
  }

  /** Compiles a policy document (a few milliseconds for thousands of terms). */
  load(document: PolicyDocument): void {
    const strongest = new Map<string, PolicyAction>();
    for (const { term, action } of document.terms) {
      const key = normalizeTerm(term);
      if (!key) continue;
      const known = strongest.get(key);
      if (!known || RANK[action] > RANK[known]) strongest.set(key, action);
    }
    const patterns: { pattern: string; data: Entry }[] = [];
    for (const [pattern, action] of strongest) if (action !== 'allow') patterns.push({ pattern, data: { action } });
    for (const phrase of CRISIS_TERMS) patterns.push({ pattern: normalizeTerm(phrase), data: { action: null } });
    this.automaton = new TermAutomaton(patterns);
    this.links = document.links;
  }

  evaluate(content: string, context: { senderId: string; roomId: number }): Verdict {
    const flags = new Set<PolicyFlag>();
    let action: Verdict['action'] = 'allow';
    let crisis = false;
    let masked = content;
    const folded = normalizeForMatching(content);
    const automaton = this.automaton;
    if (automaton && automaton.test(folded)) {
      const toMask: [number, number][] = [];
      const hits = automaton.search(folded);
      for (const hit of hits) {
        const hitAction = hit.data.action;
        if (hitAction === null) {
          crisis = true;
          continue;
        }
        flags.add('term');
        if (RANK[hitAction] > RANK[action]) action = hitAction;
      }
      if (action === 'mask') {
        // Only now: where in the original each folded character came from.
        const { from, to } = normalizeWithPositions(content);
        for (const hit of hits) if (hit.data.action === 'mask') toMask.push([from[hit.start]!, to[hit.end - 1]!]);
        masked = mask(content, toMask);
        flags.add('masked');
      }
    }
    if (crisis) flags.add('crisis');
    if (this.links !== 'allow' && LINK_HINT.test(content) && this.linkify.test(content)) {
      flags.add('link');
      if (RANK[this.links] > RANK[action]) action = this.links;
    }
    const pii = findPii(content);
    if (pii.length > 0) flags.add('pii');
    const spam = this.repeats.seen(context.senderId, folded, context.roomId);
    if (spam) {
      flags.add('spam');
      if (RANK.flag > RANK[action]) action = 'flag';
    }
    // A term the rules flag, mask or block, or copy-paste spam, counts against the sender; links and
    // contact details are about the sender's own safety, and crisis words about their wellbeing.
    const strike = flags.has('term') || spam;
    return { action, content: masked, flags: [...flags], strike, crisis, pii };
  }
}

/** Something that may be a link (a scheme, `www.`, or a dot before letters): only then is linkify-it asked. */
const LINK_HINT = /:\/\/|www\.|[\p{L}\p{N}-][.．。][a-z]{2}/iu;

/**
 * Links with or without a scheme ("example.com", "t.me/x", "bit.ly/y"): linkify-it with fuzzy links on,
 * and the country and new top-level domains spammers favour besides its short default list.
 */
function linkFinder(): LinkifyIt {
  const finder = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true });
  finder.tlds(['cn', 'io', 'me', 'ly', 'co', 'cc', 'tv', 'xyz', 'top', 'vip', 'club', 'link', 'app', 'dev', 'gg', 'ru', 'uk', 'de', 'jp', 'hk', 'tw', 'us', 'in', 'to', 'site', 'online', 'live'], true);
  return finder;
}

/** Replaces each range of `text` with one `*` per character. */
function mask(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    out += text.slice(at, from) + '*'.repeat([...text.slice(from, end)].length);
    at = end;
  }
  return out + text.slice(at);
}
