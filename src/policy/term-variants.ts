/**
 * Well-known stand-ins for a few characters of sexual and abusive Chinese terms, written to get a term past
 * a filter: the character's pinyin (约pao for 约炮, cao你妈 for 操你妈) or digits and a letter that look like
 * it (傻13 and 傻b for 傻逼: "13" written close is a B). The matcher compiles each operator term that has one
 * of these characters once more for each stand-in, with that one character replaced (term-matcher.ts).
 *
 * Why a short table and not a pinyin reading of every character: a syllable is also a piece of English and
 * of names ("pao" in Paolo, "ma", "bi", "yin"), and every reading of every character of every term would be
 * states of the automaton that every message walks. These are the characters such terms are made of and the
 * spellings people use for them; an operator lists any other spelling as a term. Kept sound three ways: one
 * character is replaced at a time, so a Chinese character of the term is always left ("ma" or "13" alone is
 * never a term); only terms of two characters or more; and where the stand-in begins or ends the term it
 * must be a whole word there — 约pao and 约pao吗, not 约paolo; 傻13, not 傻1314.
 */

/** Each character's stand-ins, folded as terms are (Simplified, lower case). */
const STAND_INS: ReadonlyMap<string, readonly string[]> = new Map([
  ['逼', ['b', 'bi', '13']],
  ['炮', ['pao']],
  ['操', ['cao']],
  ['妈', ['ma']],
  ['嫖', ['piao']],
  ['娼', ['chang']],
  ['淫', ['yin']],
  ['裸', ['luo']],
  ['约', ['yue']],
]);

export interface TermVariant {
  /** The folded term with one character written as its stand-in. */
  pattern: string;
  /** Whether the stand-in begins (ends) the pattern: there it must be a whole word. */
  atStart: boolean;
  atEnd: boolean;
}

const IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff]/;

/** The variants of a folded term (none for most terms: they have none of the characters above). */
export function variantsOf(folded: string): TermVariant[] {
  const variants: TermVariant[] = [];
  if (folded.length < 2) return variants;
  for (let at = 0; at < folded.length; at++) {
    const standIns = STAND_INS.get(folded[at]!);
    if (!standIns) continue;
    const rest = folded.slice(0, at) + folded.slice(at + 1);
    if (!IDEOGRAPH.test(rest)) continue;
    for (const standIn of standIns) {
      variants.push({ pattern: folded.slice(0, at) + standIn + folded.slice(at + 1), atStart: at === 0, atEnd: at === folded.length - 1 });
    }
  }
  return variants;
}
