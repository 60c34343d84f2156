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
 * must be a whole word there — 约pao and 约pao吗, not 约paolo; 傻13, not 傻1314. Review found more that
 * read innocently, now left alone: a surname before one character is a name before a verb (和Luo聊了,
 * Yue炮仗响了), so at the start of a term a surname stands in only before two characters or more; digits or one letter at the end
 * are not followed by a Chinese character (傻，13岁 is an age, 13号 a date, B超 an ultrasound); and a variant
 * is written joined, never across a space or punctuation (term-matcher.ts). An allowed phrase has the same
 * variants as a term (约炮台山 allows 约pao台山).
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
  /**
   * A stand-in of digits or one letter (13, b) ending the term: what follows must not be a Chinese
   * character either — "傻13岁", "13号", "B超" are an age, a date and an ultrasound, not the term.
   */
  notBeforeIdeograph: boolean;
}

const IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff]/;
/** Stand-ins that are also common surnames in pinyin (罗/骆, 岳/乐, 曹, 马, 常, 尹, 朴). */
const SURNAMES: ReadonlySet<string> = new Set(['luo', 'yue', 'cao', 'ma', 'chang', 'yin', 'piao']);
/** A stand-in that is a pinyin syllable (two letters or more), not digits or one look-alike letter. */
const SYLLABLE = /^[a-z]{2,}$/;

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
      const syllable = SYLLABLE.test(standIn);
      // A surname before one more character reads as a name before a verb ("和Luo聊了", "Yue炮仗"): at the
      // start of a term, such a syllable stands in only before two characters or more (cao你妈, not luo聊;
      // pao友 stays, pao being no surname).
      if (at === 0 && SURNAMES.has(standIn) && folded.length < 3) continue;
      const atEnd = at === folded.length - 1;
      variants.push({ pattern: folded.slice(0, at) + standIn + folded.slice(at + 1), atStart: at === 0, atEnd, notBeforeIdeograph: atEnd && !syllable });
    }
  }
  return variants;
}
