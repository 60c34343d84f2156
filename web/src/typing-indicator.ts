/**
 * "对方正在输入… / Stranger is typing…" under the messages, from `partner_typing`. It goes on
 * `partner_typing {typing: false}`, with the partner's next message, when the chat ends or their
 * connection drops, and by itself after 6 s without news (a page repeats `true` every 2 s while typing,
 * so a lost `false` cannot leave it up). The visible line is hidden from screen readers; a polite live
 * region says it at most once in 30 s, so a reader is not interrupted at every keystroke pause. The live
 * region is emptied whenever the line goes: a reader browsing the page after the chat ended must not find
 * "is typing" there. Its text is marked as a page text, so a language switch re-renders it.
 */
import { showText } from './i18n.js';

/** Shown this long after the last `typing: true`. */
const EXPIRY_MS = 6_000;
/** A screen reader hears it at most this often. */
const ANNOUNCE_EVERY_MS = 30_000;
/** The live region is emptied first and filled this much later, so the same text is spoken again. */
const ANNOUNCE_DELAY_MS = 50;

export interface TypingIndicator {
  set(typing: boolean): void;
  hide(): void;
  /** A new chat: the next `typing` is announced again. */
  reset(): void;
}

export function createTypingIndicator(line: HTMLElement, announcer: HTMLElement): TypingIndicator {
  let expiry: ReturnType<typeof setTimeout> | undefined;
  let announcing: ReturnType<typeof setTimeout> | undefined;
  let announcedMs = -Infinity;

  const hide = (): void => {
    clearTimeout(expiry);
    clearTimeout(announcing);
    line.hidden = true;
    showText(announcer, null);
  };

  return {
    set(typing) {
      if (!typing) return hide();
      line.hidden = false;
      clearTimeout(expiry);
      expiry = setTimeout(hide, EXPIRY_MS);
      const now = performance.now();
      if (now - announcedMs < ANNOUNCE_EVERY_MS) return;
      announcedMs = now;
      // Set anew so the live region speaks it (the same text again would be silent).
      showText(announcer, null);
      announcing = setTimeout(() => showText(announcer, 'partnerTyping'), ANNOUNCE_DELAY_MS);
    },
    hide,
    reset() {
      hide();
      announcedMs = -Infinity;
    },
  };
}
