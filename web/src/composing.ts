/**
 * Whether a key press belongs to an IME composition (typing Chinese with pinyin, say): Enter or Escape
 * then picks or drops a candidate, and must not also send, leave or close anything. Safari ends the
 * composition before the keydown, which then says `isComposing: false` but carries keyCode 229 (the
 * composing key) — so both are checked.
 */
export function isComposing(event: KeyboardEvent): boolean {
  // keyCode is deprecated, and the one sign of a composition in Safari's keydown.
  return event.isComposing || event.keyCode === 229;
}
