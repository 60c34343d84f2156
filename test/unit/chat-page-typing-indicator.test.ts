/**
 * The partner's "is typing" (web/src/typing-indicator.ts): the hidden live region that tells screen readers
 * is emptied when the line goes — the partner stops, the chat ends, a new chat begins — even when the
 * announcement was still on its way, and its text is marked as a page text (`data-i18n`), so a language
 * switch re-renders it. Fake elements and timers: no DOM needed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../../web/src/i18n.js';
import { createTypingIndicator } from '../../web/src/typing-indicator.js';

/** What the indicator sets on its elements. */
const fakeElement = () => ({ hidden: true, dataset: {} as Record<string, string>, textContent: '' }) as unknown as HTMLElement;

describe('the typing indicator’s announcer (web/src/typing-indicator.ts)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => void vi.useRealTimers());

  function indicator() {
    const line = fakeElement();
    const announcer = fakeElement();
    return { line, announcer, typing: createTypingIndicator(line, announcer) };
  }

  it('says "is typing" as a page text, re-rendered by a language switch', () => {
    const { line, announcer, typing } = indicator();
    typing.set(true);
    vi.advanceTimersByTime(100);
    expect(line.hidden).toBe(false);
    expect(announcer.textContent).toBe(t('partnerTyping'));
    expect(announcer.dataset['i18n']).toBe('partnerTyping');
  });

  it('is emptied when the chat ends (hide), when the partner stops, and after the line expires', () => {
    for (const end of ['hide', 'stop', 'expire'] as const) {
      const { line, announcer, typing } = indicator();
      typing.set(true);
      vi.advanceTimersByTime(100);
      if (end === 'hide') typing.hide();
      else if (end === 'stop') typing.set(false);
      else vi.advanceTimersByTime(10_000);
      expect(line.hidden).toBe(true);
      expect(announcer.textContent).toBe('');
      // Not re-rendered into a stale "is typing" by a later language switch.
      expect(announcer.dataset['i18n']).toBeUndefined();
    }
  });

  it('an announcement still on its way when the chat ends is not made afterwards', () => {
    const { announcer, typing } = indicator();
    typing.set(true);
    typing.hide();
    vi.advanceTimersByTime(1_000);
    expect(announcer.textContent).toBe('');
  });
});
