/**
 * The crisis card and the page's language, in a real Chromium against the real server. The card's title
 * and message are the page's own texts; its hotlines are the server's, sent for every language with the
 * notice (`hotlines_by_lang`), so a card shown follows a language switch at once, lines included. The
 * partner is a raw Socket.IO client. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible
 * line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { noticeText } from '../../src/shared/codes.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest, send } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('crisis card language browser tests');

/** How long the page may take to show what the test waits for. */
const WAIT_MS = 15_000;
const { until, text, visible, myId } = chatPageDriver(WAIT_MS);

/** A line of the built-in English list and of the built-in Chinese one (src/policy/crisis.ts). */
const EN_LINE = 'US: 988 Suicide & Crisis Lifeline';
const ZH_LINE = '全国心理援助热线';

describe.skipIf(skip)('the crisis card in the language the page shows', () => {
  const suite = browserSuite({ config: {} });
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  /** An English page, connected. */
  async function openEnglish(): Promise<{ page: Page }> {
    const page = await tracked.newPage({ locale: 'en-US', viewport: { width: 1024, height: 720 } });
    await page.goto(suite.url);
    await myId(page);
    return { page };
  }

  const chatWithRawClient = (page: Page) => tracked.partnerOf(page);

  it('a shown card follows a language switch: title, message and hotlines at once', { timeout: 90_000 }, async () => {
    const { page } = await openEnglish();
    await chatWithRawClient(page);
    const card = page.getByTestId('crisis-card');
    const list = page.getByTestId('hotlines');
    const lines = () => card.locator('.hotline-name').allTextContents();
    const switchTo = (lang: 'en' | 'zh-CN') => page.getByTestId('lang-switch').selectOption(lang);

    // The connection began in English: the card comes with the English lines.
    await send(page, 'sometimes I want to die');
    await visible(card);
    expect(await lines()).toContain(EN_LINE);
    expect(await list.getAttribute('lang')).toBeNull();

    // Switched to Chinese: the title, the message and the lines follow (the notice carried every
    // language's lines; before, the English ones stayed until a new connection and new crisis words).
    await switchTo('zh-CN');
    await expect.poll(text(page.getByTestId('crisis-message')), until).toBe(noticeText['zh-CN'].crisis);
    expect(await card.getByRole('heading').textContent()).toBe('有人愿意帮助你');
    await expect.poll(lines, until).toContain(ZH_LINE);
    expect(await lines()).not.toContain(EN_LINE);
    expect(await list.getAttribute('lang')).toBeNull();
    expect(await card.getByRole('link', { name: '12356' }).getAttribute('href')).toBe('tel:12356');

    // And back.
    await switchTo('en');
    await expect.poll(text(page.getByTestId('crisis-message')), until).toBe(noticeText.en.crisis);
    expect(await lines()).toContain(EN_LINE);
    expect(await lines()).not.toContain(ZH_LINE);
    expect(await card.getByRole('link', { name: '988' }).getAttribute('href')).toBe('tel:988');
  });
});
