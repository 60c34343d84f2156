/**
 * The content policy over one message, before it is stored or delivered: terms (Chinese and English,
 * folded so spacing and full-width tricks do not hide them, English ones as whole words, also with digits
 * or symbols for letters and Chinese ones with a well-known stand-in for a character), links, contact
 * details, words of crisis and copy-paste spam. Answers from memory: the policy is compiled once into one
 * Aho–Corasick automaton (term-matcher.ts) holding the operator's terms and the crisis phrases, so a clean
 * message costs one automaton pass.
 */
import { LinkifyIt } from 'linkify-it';
import { findPii, type PiiKind } from '../shared/pii.js';
import { normalizeForMatching } from './normalize.js';
import { ACTION_RANK as RANK, type LinkAction, type PolicyAction, type PolicyDocument } from './policy-document.js';
import { RepeatTracker } from './repeat-tracker.js';
import { TermMatcher } from './term-matcher.js';

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

export class ContentPolicy {
  private matcher: TermMatcher | undefined;
  private links: LinkAction = 'flag';
  private readonly linkify = linkFinder();
  private readonly repeats: RepeatTracker;

  /** @param options.repeatRooms the same text sent into this many different chats within the window is spam */
  constructor(options: { repeatRooms: number; repeatWindowMs: number; now: () => number }) {
    this.repeats = new RepeatTracker(options);
  }

  /** Compiles a policy document (a few milliseconds for thousands of terms). */
  load(document: PolicyDocument): void {
    this.matcher = new TermMatcher(document.terms);
    this.links = document.links;
  }

  /** Whether `content` has words of crisis — and nothing else looked at or remembered (no spam count). */
  crisisIn(content: string): boolean {
    return this.matcher?.match(content, normalizeForMatching(content))?.crisis === true;
  }

  evaluate(content: string, context: { senderId: string; roomId: number }): Verdict {
    const flags = new Set<PolicyFlag>();
    let action: Verdict['action'] = 'allow';
    let masked = content;
    const folded = normalizeForMatching(content);
    const found = this.matcher?.match(content, folded);
    if (found?.term) {
      flags.add('term');
      action = found.action;
      if (action === 'mask') {
        masked = mask(content, found.masks);
        flags.add('masked');
      }
    }
    const crisis = found?.crisis === true;
    if (crisis) flags.add('crisis');
    if (this.links !== 'allow' && hasLink(content, this.linkify)) {
      flags.add('link');
      if (RANK[this.links] > RANK[action]) action = this.links;
    }
    const pii = findPii(content);
    if (pii.length > 0) flags.add('pii');
    const repetition = this.repeats.seen(context.senderId, folded, context.roomId);
    if (repetition !== 'none') {
      flags.add('spam');
      if (RANK.flag > RANK[action]) action = 'flag';
    }
    // A term the rules mask or block, or copy-paste spam, counts against the sender. A term they only flag
    // does not: flagging is the rules saying "a person should look" (加微信 is also in 不要加微信, advice
    // against it), and the message goes to the queue, where an upheld report counts the strike. Before, two
    // such harmless lines muted a newcomer for a day. Links and contact details are about the sender's own
    // safety, and crisis words about their wellbeing. Spam counts once, when the text becomes spam: sending
    // it on is flagged again, not struck again.
    const strike = (found?.term === true && RANK[found.action] >= RANK.mask) || repetition === 'crossed';
    return { action, content: masked, flags: [...flags], strike, crisis, pii };
  }
}

/**
 * Something that may be a link (a scheme, `www.`, a dot before letters, a dotted IPv4 address): only then
 * is linkify-it asked. Both read the text with compatibility forms folded and an ideographic full stop as
 * a dot after an ASCII letter, digit or hyphen, or in a name begun with `www.`: "ｅｘａｍｐｌｅ．ｃｏｍ",
 * "example。com", "t｡me/x" and "www.百度。com" are the links they look like. After anything else the stop
 * ends a Chinese sentence: "我明白了。me too" is no link to "了.me" — and so neither is "百度。com" (with
 * an ASCII dot, "百度.com" is one).
 */
const LINK_HINT = /:\/\/|www\.|[\p{L}\p{N}-]\.(?:[a-z]{2}|\d{1,3}\.\d{1,3}\.\d)/iu;
/** The hint, or anything beyond ASCII (which may fold into one): one scan of an ASCII message that is no link. */
const LINK_HINT_OR_WIDE = /:\/\/|www\.|[\p{L}\p{N}-]\.(?:[a-z]{2}|\d{1,3}\.\d{1,3}\.\d)|[^\u0000-\u007f]/iu;
const NON_ASCII = /[^\u0000-\u007f]/;
/**
 * What NFKC leaves of the ideographic full stops (。, half-width ｡ and the vertical ︒), where it may be a
 * dot. The stop is matched first and only then looked behind: a look-behind first would be tried at every
 * offset, scanning back over the letters of a long Chinese message each time (6 ms for 500 characters).
 */
const IDEOGRAPHIC_STOP = /\u3002(?<=(?:[a-z0-9-]|www\.[\p{L}\p{N}.-]*)\u3002)/giu;

function hasLink(content: string, linkify: LinkifyIt): boolean {
  if (!LINK_HINT_OR_WIDE.test(content)) return false;
  const text = NON_ASCII.test(content) ? content.normalize('NFKC').replace(IDEOGRAPHIC_STOP, '.') : content;
  return LINK_HINT.test(text) && linkify.test(text);
}

/**
 * Links with or without a scheme ("example.com", "t.me/x", "bit.ly/y"): linkify-it with fuzzy links on,
 * and the country and new top-level domains spammers favour besides its short default list.
 */
function linkFinder(): LinkifyIt {
  const finder = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true });
  finder.tlds(['cn', 'io', 'me', 'ly', 'co', 'cc', 'tv', 'xyz', 'top', 'vip', 'club', 'link', 'app', 'dev', 'gg', 'ru', 'uk', 'de', 'jp', 'hk', 'tw', 'us', 'in', 'to', 'site', 'online', 'live'], true);
  return finder;
}

const MARKS = /\p{M}/gu;

/** Replaces each range of `text` with one `*` per character (a combining mark is part of its letter). */
function mask(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    out += text.slice(at, from) + '*'.repeat([...text.slice(from, end).replace(MARKS, '')].length);
    at = end;
  }
  return out + text.slice(at);
}
