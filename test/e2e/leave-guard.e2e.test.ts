/**
 * Closing the tab in the middle of a chat asks first (the browser's own leave-page prompt), in a real
 * Chromium: once something was said, and while something is being written; "Stay" keeps the chat going
 * both ways, "Leave" closes the page and the partner is told. Not before anything was said with nothing
 * written, and not once the chat has ended.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Dialog, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('leave guard browser tests');

const WAIT_MS = 15_000;
const { until, visible, messageTexts, matchPages, say, leaveChat } = chatPageDriver(WAIT_MS);
const GONE = '对方已断开连接';

describe.skipIf(skip)('closing the tab mid-chat asks first', () => {
  const suite = browserSuite({ config: { closeGraceMs: 1_000 } });

  async function matchedPair() {
    const a = await (await suite.newContext()).newPage();
    const b = await (await suite.newContext()).newPage();
    await a.goto(suite.url);
    await b.goto(suite.url);
    await matchPages(a, b);
    return { a, b };
  }

  /** Each leave-page prompt the page shows, answered as `answer` says (a test may change it). */
  function prompts(page: Page) {
    const seen: string[] = [];
    const state = { answer: 'stay' as 'stay' | 'leave' };
    page.on('dialog', (dialog: Dialog) => {
      seen.push(dialog.type());
      void (state.answer === 'leave' ? dialog.accept() : dialog.dismiss());
    });
    return { seen, state };
  }

  /**
   * Asks the page to close as a person closing the tab would (its beforeunload runs): 'asked' once its
   * leave-page prompt shows (answered by `prompts`), 'closed' once it is closed — whichever comes first.
   */
  async function tryToClose(page: Page): Promise<'asked' | 'closed'> {
    const outcome = Promise.race([
      // A page that closed ends this wait too (with an error): closed, then.
      page.waitForEvent('dialog', { timeout: WAIT_MS }).then(
        () => 'asked' as const,
        (error: unknown) => {
          if (page.isClosed()) return 'closed' as const;
          throw error;
        },
      ),
      page.waitForEvent('close', { timeout: WAIT_MS }).then(() => 'closed' as const),
    ]);
    await page.close({ runBeforeUnload: true });
    return outcome;
  }

  it('once something was said: "Stay" keeps the chat both ways, "Leave" closes the page and the partner is told', { timeout: 60_000 }, async () => {
    const { a, b } = await matchedPair();
    await say(a, '你好');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['你好']);
    const asked = prompts(a);

    expect(await tryToClose(a)).toBe('asked');
    expect(asked.seen).toEqual(['beforeunload']);
    await say(b, '还在吗');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['还在吗']);
    await say(a, '在');

    asked.state.answer = 'leave';
    await a.close({ runBeforeUnload: true });
    await expect.poll(() => a.isClosed(), until).toBe(true);
    expect(asked.seen).toEqual(['beforeunload', 'beforeunload']);
    await expect.poll(() => b.getByTestId('system-text').allTextContents(), until).toContain(GONE);
  });

  it('nothing said yet: asks only while something is being written; never once the chat has ended', { timeout: 60_000 }, async () => {
    const { a, b } = await matchedPair();
    const asked = prompts(a);
    await a.getByTestId('message-input').click();
    await a.keyboard.type('草稿');
    expect(await tryToClose(a)).toBe('asked');
    expect(asked.seen).toEqual(['beforeunload']);
    await a.getByTestId('message-input').fill('');

    // Ended by the partner: nothing more to lose by closing.
    await say(b, '再见');
    await leaveChat(b);
    await visible(a.getByTestId('new-chat-btn'));
    expect(await tryToClose(a)).toBe('closed');
    expect(asked.seen).toEqual(['beforeunload']);
  });

  it('before anything is said or written, the tab closes without asking', { timeout: 60_000 }, async () => {
    const { a } = await matchedPair();
    const asked = prompts(a);
    // The browser asks only a page the person has used: a click, as anyone would.
    await a.getByTestId('message-input').click();
    expect(await tryToClose(a)).toBe('closed');
    expect(asked.seen).toEqual([]);
  });
});
