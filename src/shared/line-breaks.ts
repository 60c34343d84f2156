/**
 * A message's own line breaks in a text file (the /my download, the chat page's Save as text): each
 * continuation line is indented, so every line of the file still starts with a time or a space and a
 * message cannot pass for another. Every line terminator Unicode names counts (CR LF, CR, LF, VT, FF, NEL,
 * U+2028, U+2029): editors and scripts break lines on them too, and a partner could otherwise write
 * "hi\u2028[2026-12-07 08:00:00] 我: …", a line seemingly written by the holder. Python's `splitlines`
 * also breaks on the file, group and record separators (U+001C–U+001E): they count too.
 */
const LINE_BREAK = /\r\n|[\n\v\f\r\u001c-\u001e\u0085\u2028\u2029]/gu;

/** `text` with each of its line breaks made a newline followed by `indent`. */
export function indentLineBreaks(text: string, indent: string): string {
  return text.replace(LINE_BREAK, `\n${indent}`);
}
