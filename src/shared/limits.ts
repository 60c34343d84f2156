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
