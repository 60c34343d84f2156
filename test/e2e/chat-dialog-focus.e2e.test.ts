/**
 * Where the keyboard focus goes around the chat page's dialogs and the Keep in touch banner when the chat
 * changes behind them, in a real Chromium against the real server, two strangers matched: the Report or
 * Block dialog closed (Escape, Cancel) after the partner left while it was open gives the focus to the
 * chat's heading, not the page's body; the Block dialog stops saying "this chat ends now" once it has
 * ended; when both press 保持联系 the key's banner takes the focus from the button that goes, and its Close
 * gives it to the input (chat going on) or the heading (chat over). Needs Debian's Chromium at
 * /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('chat dialog focus browser tests');

const WAIT_MS = 10_000;
const { until, visible, matchPages, leaveChat } = chatPageDriver(WAIT_MS);
const DESKTOP = { viewport: { width: 1024, height: 768 } } satisfies BrowserContextOptions;

/** What has the focus: its `data-testid`, else its tag and first class ('h1.chat-title'); 'body' when nothing. */
const focusOf = (page: Page) => () =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return 'body';
    return active.dataset['testid'] ?? `${active.tagName.toLowerCase()}${active.classList[0] ? `.${active.classList[0]}` : ''}`;
  });

describe.skipIf(skip)('chat page dialogs and banner keep the focus when the chat changes behind them', () => {
  const suite = browserSuite({ config: {} });
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await tracked.newPage({ ...DESKTOP, ...options });
    await page.goto(suite.url);
    return page;
  }

  /** Two strangers in a chat with each other, `a` opened with `options`. */
  async function chatting(options: BrowserContextOptions = {}): Promise<[Page, Page]> {
    const a = await openPage(options);
    const b = await openPage();
    await matchPages(a, b);
    return [a, b];
  }

  /** `b` leaves; `a` sees the chat end (its ended bar shown behind whatever dialog is open). */
  async function partnerLeaves(a: Page, b: Page): Promise<void> {
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    await expect.poll(() => a.getByTestId('report-btn').isHidden(), until).toBe(true);
  }

  it('the Report dialog closed with Escape, after the partner left behind it, gives the focus to the chat heading', async () => {
    const [a, b] = await chatting();
    await a.getByTestId('report-btn').click();
    await visible(a.getByTestId('report-dialog'));
    await a.getByRole('radio', { name: '骚扰' }).check();
    await expect.poll(focusOf(a), until).toBe('report-reason-harassment');
    await partnerLeaves(a, b);
    await a.keyboard.press('Escape');
    await a.getByTestId('report-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(a), until).toBe('h1.chat-title');
  });

  it('the Report dialog closed with Cancel, after the partner left behind it, gives the focus to the chat heading', async () => {
    const [a, b] = await chatting();
    await a.getByTestId('report-btn').click();
    await visible(a.getByTestId('report-dialog'));
    await a.getByRole('radio', { name: '垃圾信息' }).check();
    await partnerLeaves(a, b);
    await a.getByTestId('report-cancel').click();
    await a.getByTestId('report-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(a), until).toBe('h1.chat-title');
  });

  for (const { locale, endsChat, close } of [
    { locale: 'zh-CN', endsChat: '当前聊天会随即结束。', close: 'Escape' },
    { locale: 'en-US', endsChat: 'This chat ends now.', close: 'Cancel' },
  ] as const) {
    it(`the Block dialog (${locale}) stops saying the chat ends now once it has ended, and closed (${close}) gives the focus to the chat heading`, async () => {
      const [a, b] = await chatting({ locale });
      await a.getByTestId('block-btn').click();
      const dialog = a.getByTestId('block-dialog');
      await visible(dialog);
      const line = a.getByTestId('block-ends-chat');
      expect(await line.isVisible()).toBe(true);
      expect(await line.textContent()).toBe(endsChat);
      await expect.poll(focusOf(a), until).toBe('block-cancel');

      await partnerLeaves(a, b);
      await expect.poll(() => line.isHidden(), until).toBe(true);
      // What the dialog says is true of an ended chat: never matched again.
      expect(await a.getByTestId('block-lead').isVisible()).toBe(true);

      if (close === 'Escape') await a.keyboard.press('Escape');
      else await a.getByTestId('block-cancel').click();
      await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
      await expect.poll(focusOf(a), until).toBe('h1.chat-title');

      // Opened again from the ended bar: no such line either.
      await a.getByTestId('ended-block-btn').click();
      await visible(dialog);
      expect(await line.isHidden()).toBe(true);
      await a.getByTestId('block-cancel').click();
      await expect.poll(focusOf(a), until).toBe('ended-block-btn');
    });
  }

  it('Keep in touch in the chat header: the key’s banner takes the focus from the button that goes, and its Close gives it to the input', async () => {
    const [a, b] = await chatting({ bypassCSP: true });
    await a.getByTestId('keep-btn').click();
    await expect.poll(() => a.getByTestId('keep-btn').getAttribute('aria-disabled'), until).toBe('true');
    await expect.poll(focusOf(a), until).toBe('keep-btn');
    await b.getByTestId('keep-btn').click();

    for (const page of [a, b]) {
      await visible(page.getByTestId('contact-key-banner'));
      await expect.poll(() => page.getByTestId('keep-btn').isHidden(), until).toBe(true);
      await expect.poll(focusOf(page), until).toBe('h2.contact-title');
    }
    await expectNoSeriousViolations(a, 'contact key banner with the focus on its title');

    await a.getByTestId('contact-dismiss').click();
    await a.getByTestId('contact-key-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(a), until).toBe('message-input');
    // By keyboard too.
    await b.getByTestId('contact-dismiss').focus();
    await b.keyboard.press('Enter');
    await b.getByTestId('contact-key-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focusOf(b), until).toBe('message-input');
  });

  it('Keep in touch on the chat-ended bar: the key’s banner takes the focus from the button that goes, and its Close gives it to the chat heading', async () => {
    const [a, b] = await chatting({ bypassCSP: true });
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    await a.getByTestId('ended-keep-btn').click();
    await expect.poll(() => a.getByTestId('ended-keep-btn').getAttribute('aria-disabled'), until).toBe('true');
    await b.getByTestId('ended-keep-btn').click();

    for (const page of [a, b]) {
      await visible(page.getByTestId('contact-key-banner'));
      await expect.poll(() => page.getByTestId('ended-keep-btn').isHidden(), until).toBe(true);
      await expect.poll(focusOf(page), until).toBe('h2.contact-title');
    }

    await a.getByTestId('contact-dismiss').click();
    await a.getByTestId('contact-key-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    await expect.poll(focusOf(a), until).toBe('h1.chat-title');
    await expectNoSeriousViolations(a, 'chat ended, contact key banner closed');
  });
});
