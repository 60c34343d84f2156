/**
 * What a new content-policy term must be, checked in the page before it is added to the list. The server's
 * matcher compares a message and a term with everything but letters and digits left out (src/policy/
 * normalize.ts), so a term of symbols or emoji alone ("😀", "***") could never match and "Sex-Chat" is the
 * "sex chat" already listed. No DOM here: the rules are tested on their own (test/unit/admin-policy-terms).
 */

/** Longest term the server accepts (`policyDocumentSchema`: 64, counted by the page in characters). */
export const MAX_TERM_CHARS = 64;

/** Lone surrogates and NUL are refused by the server; saying so here is clearer. */
const storable = (text: string) => !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * A term as duplicates are told apart, near enough to the matcher's folding: compatibility forms (full
 * width) folded, lower case, letters and digits only. "Sex-Chat", "sex chat" and "ＳＥＸ ＣＨＡＴ" are one term.
 */
export function termKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

export type TermProblem =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'invalid' }
  | { kind: 'noLetter' }
  | { kind: 'tooMany'; max: number }
  /** `existing` is the listed term it repeats, as written there. */
  | { kind: 'duplicate'; existing: string };

/** Why `text` (already trimmed) cannot be added to the listed `terms`, or undefined. */
export function termProblem(text: string, terms: readonly string[], maxTerms: number): TermProblem | undefined {
  if (text === '') return { kind: 'required' };
  if ([...text].length > MAX_TERM_CHARS) return { kind: 'tooLong', max: MAX_TERM_CHARS };
  if (!storable(text)) return { kind: 'invalid' };
  if (!LETTER_OR_DIGIT.test(text)) return { kind: 'noLetter' };
  if (terms.length >= maxTerms) return { kind: 'tooMany', max: maxTerms };
  const key = termKey(text);
  const existing = terms.find((term) => termKey(term) === key);
  return existing === undefined ? undefined : { kind: 'duplicate', existing };
}
