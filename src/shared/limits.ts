/** Limits shared by server and browser. No runtime dependencies, so the page can import it cheaply. */

/** Longest message, counted in Unicode code points (so 500 Chinese characters or emoji fit). */
export const MAX_MESSAGE_CHARS = 500;

/** Longest client message id (`cid`), in characters. */
export const MAX_CID_CHARS = 64;

/** Number of Unicode code points in a string (surrogate pairs count once). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** NUL (PostgreSQL text cannot hold it) or half of a surrogate pair (stored as U+FFFD: not what was sent). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether text can be stored and read back exactly as it was sent. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * Blank look-alikes: characters that show nothing though they are neither white space nor format
 * characters — the Hangul fillers (letters, to Unicode), the blank Braille pattern, the combining grapheme
 * joiner. Used to post "empty" messages, and to split a term so the content policy does not see it. For
 * use inside a regular expression's character class.
 */
export const BLANK_LOOKALIKES = '\u115F\u1160\u3164\uFFA0\u2800\u034F';

/**
 * Characters that show nothing: white space, format characters (zero-width spaces and joiners, the BOM,
 * direction marks) and the blank look-alikes.
 */
const INVISIBLE_ONLY = new RegExp(`^[\\p{White_Space}\\p{Cf}${BLANK_LOOKALIKES}]*$`, 'u');

/** Whether a message would show nothing at all. */
export function isBlankText(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}

/** Longest admin password, in characters: what the login takes, and so what ADMIN_PASSWORD may be. */
export const ADMIN_PASSWORD_MAX = 1_024;
