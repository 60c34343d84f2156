/**
 * Traditional Chinese characters read as their Simplified forms (賣淫 as 卖淫, 殺 as 杀, 號 as 号), so that
 * an operator's term matches a message in either script, whichever script the term was entered in. The
 * data is OpenCC's (`opencc-js`, its dictionaries under Apache-2.0): the Traditional → Simplified chain
 * that OpenCC's `t2s` conversion uses (`to.cn` of the `t2cn` preset), of which only the single-character
 * entries are taken (TSCharacters). Its phrase entries (TSPhrases: 一目瞭然 → 一目了然) are left out: a
 * phrase rewrites by context and may change a text's length, while one character read as one character
 * keeps every folded unit where it was in the original (normalize.ts's positions) and costs one table
 * lookup. What that leaves out is the few characters whose reading depends on the phrase (乾 is always 干
 * here, also in 乾隆): both scripts still fold alike, which is what matching needs.
 *
 * Hong Kong's and Taiwan's own variant characters (衞 for 衛, 敍 for 敘, 粧 for 妝) are read first as the
 * standard Traditional form, as OpenCC's `hk2s` and `tw2s` do (`from.hk`, `from.tw`: HKVariantsRev,
 * TWVariantsRev, single characters only), then as Simplified: 衞 → 衛 → 卫. Except two that are mainland
 * characters of their own (NOT_VARIANTS): Taiwan reads 么 as 幺 and 著 as 着, which here would make 什么 match
 * 幺 and 著名 match 着. A character the standard conversion knows keeps its route there (顎 → 颚, not
 * Taiwan's 顎 → 齶 → 腭): the variants only add characters it had no form for.
 *
 * Left unchanged, so that every Traditional BMP ideograph stays one UTF-16 unit: the ~190 whose Simplified
 * form lies beyond the BMP (綖 → 𫄧, rare characters that few keyboards or fonts have). Characters beyond
 * the BMP that have a Simplified form are folded (𡻕 → 岁), through `simplifiedChar`, by code point.
 */
import { from, to } from 'opencc-js/preset/t2cn';

/**
 * For each UTF-16 code unit: its Simplified form's code unit, 0 for none. Built once, at load; 128 KiB, so
 * that a message's scan is one load per unit with no range check (the entries lie in U+3400–U+9FFF today).
 */
const SIMPLIFIED = new Uint16Array(0x10000);
/** Characters beyond the BMP with a Simplified form, by their string. */
const SIMPLIFIED_ASTRAL = new Map<string, string>();

/** Sources of a regional variant entry that Simplified Chinese uses as characters of their own (see the top). */
const NOT_VARIANTS = new Set(['么', '著']);

/** The entries of one OpenCC dictionary: a `from to|from to` string, or pairs. */
function entriesOf(dictionary: string | readonly (readonly [string, string])[]): (readonly [string, string])[] {
  if (typeof dictionary !== 'string') return [...dictionary];
  return dictionary.split('|').map((entry) => {
    const [source = '', into = ''] = entry.split(' ');
    return [source, into] as const;
  });
}

function load(): void {
  const toSimplified = to['cn'];
  const [hk, tw] = [from['hk'], from['tw']];
  if (!toSimplified || !hk || !tw) throw new Error('opencc-js: no Traditional → Simplified dictionaries (preset t2cn: to.cn, from.hk, from.tw)');
  // The regional variants first, as one group (Hong Kong's, then Taiwan's where Hong Kong has none).
  const chain = [[...hk.flat(), ...tw.flat()], ...toSimplified];
  // A character the standard conversion knows keeps its own route (顎 → 颚, not Taiwan's 顎 → 齶 → 腭).
  const standard = new Set(toSimplified.flat().flatMap((dictionary) => entriesOf(dictionary).map(([source]) => source)));
  const single = new Map<string, string>();
  // A chain of groups, applied one after another; within a group the first dictionary with an entry wins.
  for (const [index, group] of chain.entries()) {
    const step = new Map<string, string>();
    for (const dictionary of group) {
      for (const [source, into] of entriesOf(dictionary)) {
        if (index === 0 && (NOT_VARIANTS.has(source) || standard.has(source))) continue;
        if (source !== into && [...source].length === 1 && [...into].length === 1 && !step.has(source)) step.set(source, into);
      }
    }
    for (const [source, into] of single) single.set(source, step.get(into) ?? into);
    for (const [source, into] of step) if (!single.has(source)) single.set(source, into);
  }
  // Followed to the end (薴 → 苧 → 苎), so that folding twice reads as folding once: a Simplified text stays as it is.
  for (const [source, first] of single) {
    let into = first;
    for (let hops = 0; hops < 8 && single.has(into); hops++) into = single.get(into)!;
    if (into === source) continue;
    // One unit for one unit, or not at all (see the top of this file).
    if (source.length === 1 && into.length === 1) SIMPLIFIED[source.charCodeAt(0)] = into.charCodeAt(0);
    else if (source.length === 2) SIMPLIFIED_ASTRAL.set(source, into);
  }
}
load();

/** The BMP character at offset `at` of `text`, as Simplified (itself when it has no other form). */
export function simplifiedAt(text: string, at: number): string {
  const code = SIMPLIFIED[text.charCodeAt(at)]!;
  return code === 0 ? text[at]! : String.fromCharCode(code);
}

/** The Simplified form of one character (a code point, any plane), or the character itself. */
export function simplifiedChar(char: string): string {
  return char.length === 1 ? simplifiedAt(char, 0) : (SIMPLIFIED_ASTRAL.get(char) ?? char);
}

/**
 * `text` with its BMP ideographs read as Simplified, unit for unit: the same length, and `text` itself
 * (nothing allocated) when nothing in it changes — a Simplified or ASCII text pays one scan.
 */
export function simplifyIdeographs(text: string): string {
  const length = text.length;
  let at = 0;
  while (at < length && SIMPLIFIED[text.charCodeAt(at)] === 0) at++;
  if (at === length) return text;
  // Runs of the text between the characters that change: a mixed message copies its ASCII in slices.
  let out = '';
  let copiedTo = 0;
  for (; at < length; at++) {
    const simplified = SIMPLIFIED[text.charCodeAt(at)]!;
    if (simplified === 0) continue;
    out += text.slice(copiedTo, at) + String.fromCharCode(simplified);
    copiedTo = at + 1;
  }
  return out + text.slice(copiedTo);
}
