/**
 * The chat page in a real Chromium against the real server: two strangers match, chat (markup shows
 * literally, 500 code points fit, 501 do not), one leaves with the Next button, both start a new chat, and a closed tab
 * ends the chat only after the reconnect grace; a message over the rate limit says when to retry and is kept
 * in the list with Retry; and
 * the language follows the browser's until the visitor chooses one, which persists. Reconnecting is in
 * reconnect.e2e.test.ts. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line
 * without it, except under CI, where its absence fails the run.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { GENEROUS_LIMITS, startTestServer } from '../helpers/server.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';


const skip = skipWithoutChromium('chat page browser tests');

const WAIT_MS = 10_000;
/** A closed tab keeps its chat this long (the product's default is 20 s). */
const RECONNECT_GRACE_MS = 1500;
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('chat page in a browser', () => {
  const suite = browserSuite({ config: { reconnectGraceMs: RECONNECT_GRACE_MS } });

  async function openPage(options: BrowserContextOptions = {}, url = suite.url): Promise<Page> {
    // A zone far from Beijing: message times must still show the Beijing clock the server wrote.
    const context = await suite.newContext({ timezoneId: 'America/New_York', ...options });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  it('two strangers match, chat safely within the limits, and one leaves', { timeout: 90_000 }, async () => {
    const a = await openPage({ viewport: { width: 1280, height: 800 } });
    const b = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

    const [idA, idB] = [await myId(a), await myId(b)];
    expect(idA).not.toBe(idB);
    expect(await a.getByTestId('start-btn').textContent()).toBe('开始匹配');
    await a.screenshot({ path: resolve(screenshotDir, 'start-desktop.png') });

    // A waits alone, then B arrives and both are in the same chat.
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await expect.poll(text(a.getByTestId('waiting-count')), until).toMatch(/^另有 \d+ 人在等待$/);
    await b.screenshot({ path: resolve(screenshotDir, 'start-mobile.png') });
    await a.screenshot({ path: resolve(screenshotDir, 'waiting-desktop.png') });
    await a.getByTestId('cancel-btn').click(); // changes their mind, then queues again
    await visible(a.getByTestId('start-btn'));
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(text(a.getByTestId('system-message').first()), until).toBe('已匹配到聊天对象，开始聊天吧！');
    await expect.poll(text(b.getByTestId('system-message').first()), until).toBe('已匹配到聊天对象，开始聊天吧！');

    // A blank message is not sent.
    await a.getByTestId('message-input').fill('   ');
    await a.getByTestId('send-btn').click();
    await expect.poll(text(a.getByTestId('toast')), until).toBe('消息不能为空');

    // Enter sends; both sides render the server's broadcast, each marking whose it is.
    await a.getByTestId('message-input').fill('你好');
    await a.getByTestId('message-input').press('Enter');
    await expect.poll(text(messageTexts(b, false).last()), until).toBe('你好');
    await expect.poll(text(messageTexts(a, true).last()), until).toBe('你好');
    await expect.poll(() => a.getByTestId('message-input').inputValue(), until).toBe('');
    const time = a.locator('[data-testid="message"][data-own="true"] [data-testid="message-time"]').last();
    const written = (await time.getAttribute('datetime')) ?? '';
    expect(written).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    expect(await time.textContent()).toBe(written.slice(11, 16)); // Beijing HH:mm although the browser is in New York

    // The same text twice is two messages (each send has its own cid).
    await b.getByTestId('message-input').fill('哈哈');
    await b.getByTestId('message-input').press('Enter');
    await b.getByTestId('message-input').fill('哈哈');
    await b.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['哈哈', '哈哈']);
    // Heard with who said it (sides and colours are not read out), and only as it arrives (not reworded news).
    const log = a.getByRole('log', { name: '聊天消息' });
    expect(await log.getAttribute('aria-relevant')).toBe('additions');
    const heard = await log.ariaSnapshot();
    expect(heard).toMatch(/listitem:[^\n]*\n\s*- text: 你说：\n\s*- paragraph: 你好/);
    expect(heard).toMatch(/listitem:[^\n]*\n\s*- text: 陌生人说：\n\s*- paragraph: 哈哈/);
    expect(await a.getByTestId('message-sender').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width))).toEqual([1, 1, 1]);

    // Markup from a stranger is shown as text and never runs.
    const markup = '<b>x</b><script>window.__xss=1</script>';
    await b.getByTestId('message-input').fill(markup);
    await b.getByTestId('send-btn').click();
    await expect.poll(text(messageTexts(a, false).last()), until).toBe(markup);
    await expect.poll(text(messageTexts(b, true).last()), until).toBe(markup);
    expect(await a.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await a.getByTestId('message-list').locator('b, script').count()).toBe(0);
    await a.getByTestId('toast').click(); // dismissed by a tap
    await a.getByTestId('toast').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await a.screenshot({ path: resolve(screenshotDir, 'chat-desktop.png') });
    await b.screenshot({ path: resolve(screenshotDir, 'chat-mobile.png') });

    // 500 code points fit, emoji counting once each; 501 do not.
    const input = a.getByTestId('message-input');
    await input.fill('😀'.repeat(500));
    await expect.poll(text(a.getByTestId('char-count')), until).toBe('500/500');
    const longText = '汉'.repeat(500);
    await input.fill(longText);
    await expect.poll(text(a.getByTestId('char-count')), until).toBe('500/500');
    expect(await a.getByTestId('send-btn').isEnabled()).toBe(true);
    await a.getByTestId('send-btn').click();
    await expect.poll(text(messageTexts(b, false).last()), until).toBe(longText);
    await input.fill('汉'.repeat(501));
    await expect.poll(text(a.getByTestId('char-count')), until).toBe('501/500');
    expect(await a.getByTestId('char-count').getAttribute('data-over')).toBe('true');
    expect(await a.getByTestId('send-btn').isDisabled()).toBe(true);
    // Said in words above the input (a long paste shows only its end, and a red counter is easy to miss).
    await expect.poll(text(a.getByTestId('composer-hint')), until).toBe('太长了：一条消息最多 500 字，删减后才能发送');
    expect(await a.getByTestId('composer-hint').getAttribute('data-status')).toBe('tooLong');
    // The input is described by it: a screen reader coming back to the input hears why it is invalid.
    expect(await input.getAttribute('aria-describedby')).toBe('composer-hint');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const sentByA = await messageTexts(a, true).count();
    await input.press('Enter');
    await expect.poll(text(a.getByTestId('toast')), until).toBe('消息长度不能超过500字');
    expect(await messageTexts(a, true).count()).toBe(sentByA);
    await input.fill('汉'.repeat(500));
    await a.getByTestId('composer-hint').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await input.fill('');

    // B leaves (Leave, then Really?): the chat ends on B's screen too; A is told and can start over.
    await leaveChat(b);
    await expect.poll(text(b.getByTestId('system-message').last()), until).toBe('你已离开聊天');
    expect(await b.getByTestId('message-input').isDisabled()).toBe(true);
    await expect.poll(text(a.getByTestId('system-message').last()), until).toBe('对方已离开聊天');
    await visible(a.getByTestId('new-chat-btn'));
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    await a.screenshot({ path: resolve(screenshotDir, 'chat-ended-desktop.png') });

    await a.getByTestId('new-chat-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    expect(await b.getByTestId('leave-btn').textContent()).toBe('新的聊天');
    await b.getByTestId('leave-btn').click(); // the Next button, now New: straight back into the queue
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => a.getByTestId('message').count(), until).toBe(0);
    await expect.poll(() => a.getByTestId('message-input').isEnabled(), until).toBe(true);

    // The new room works both ways.
    await b.getByTestId('message-input').fill('又见面了');
    await b.getByTestId('send-btn').click();
    await expect.poll(text(messageTexts(a, false).last()), until).toBe('又见面了');

    // Closing the tab may be a reload: the other side is told and waits for the grace period; then the
    // chat ends.
    await b.close();
    const notices = a.getByTestId('system-text');
    await expect.poll(() => notices.allTextContents(), until).toContain('对方连接中断，等待重连…');
    await expect.poll(text(notices.last()), until).toBe('对方已断开连接');
    const seen = await notices.allTextContents();
    expect(seen.indexOf('对方连接中断，等待重连…')).toBeLessThan(seen.indexOf('对方已断开连接'));
    await visible(a.getByTestId('new-chat-btn'));
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
  });

  it('a message over the rate limit says when to try again and stays in the list, not sent, with Retry; the next one typed at once starts empty', { timeout: 60_000 }, async () => {
    // One message per 10 s, for this test only.
    const strict = await startTestServer({ config: { rateLimits: { ...GENEROUS_LIMITS, messagesBurst: 1, messagesPerS: 0.1 } } });
    try {
      const a = await openPage({}, strict.url);
      const b = await openPage({}, strict.url);
      await matchPages(a, b);

      const input = a.getByTestId('message-input');
      await input.fill('第一条');
      await input.press('Enter');
      await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['第一条']);
      // Typed on at once, as someone typing fast does: the refusal comes back between the keystrokes.
      await input.fill('太快了');
      await input.press('Enter');
      await input.pressSequentially('下一句');
      // The toast names the wait in whole seconds; the refused text is kept in the list, marked not sent.
      await expect.poll(text(a.getByTestId('toast')), until).toMatch(/^操作太频繁，请 ([1-9]|10) 秒后再试$/);
      const unsent = a.getByTestId('message-unsent');
      await visible(unsent);
      expect(await unsent.getByTestId('message-text').textContent()).toBe('太快了');
      expect(await unsent.getByTestId('unsent-label').textContent()).toBe('未发送');
      // What was typed next is a message of its own (given back, the refused text had its end written onto).
      expect(await input.inputValue()).toBe('下一句');
      expect(await messageTexts(a, true).allTextContents()).toEqual(['第一条']);
      await a.screenshot({ path: resolve(screenshotDir, 'rate-limited.png') });
      // Enter, or Retry, again at once: not sent before the wait is over (it would only be refused again); said again.
      await a.getByTestId('toast').evaluate((toast) => (toast.textContent = ''));
      // Whether a bubble on its way shows at all (a send), however briefly.
      await a.evaluate(() => {
        (window as unknown as { sentAgain: boolean }).sentAgain = false;
        new MutationObserver((records) => {
          const added = records.flatMap((record) => [...record.addedNodes]);
          if (added.some((node) => node instanceof HTMLElement && node.dataset['testid'] === 'message-pending')) (window as unknown as { sentAgain: boolean }).sentAgain = true;
        }).observe(document.body, { childList: true, subtree: true });
      });
      await input.press('Enter');
      await expect.poll(text(a.getByTestId('toast')), until).toMatch(/^操作太频繁，请 ([1-9]|10) 秒后再试$/);
      expect(await input.inputValue()).toBe('下一句');
      await a.getByTestId('toast').evaluate((toast) => (toast.textContent = ''));
      await unsent.getByTestId('unsent-retry').click();
      await expect.poll(text(a.getByTestId('toast')), until).toMatch(/^操作太频繁，请 ([1-9]|10) 秒后再试$/);
      expect(await a.evaluate(() => (window as unknown as { sentAgain: boolean }).sentAgain)).toBe(false);
      expect(await unsent.count()).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('a message in Arabic or Hebrew reads right to left, in the input and in both bubbles; a Chinese one left to right', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    await matchPages(a, b);
    const input = a.getByTestId('message-input');
    await input.fill('مرحبا بك 123');
    expect(await input.evaluate((field) => field.matches(':dir(rtl)'))).toBe(true);
    await input.press('Enter');
    await input.fill('שלום');
    await input.press('Enter');
    await input.fill('你好 hello');
    await input.press('Enter');
    await expect.poll(() => messageTexts(b, false).count(), until).toBe(3);
    const directions = (page: Page, own: boolean) => messageTexts(page, own).evaluateAll((texts) => texts.map((p) => (p.matches(':dir(rtl)') ? 'rtl' : 'ltr')));
    expect(await directions(a, true)).toEqual(['rtl', 'rtl', 'ltr']);
    expect(await directions(b, false)).toEqual(['rtl', 'rtl', 'ltr']);
    expect(await input.evaluate((field) => field.matches(':dir(ltr)'))).toBe(true);
  });

  it('remembers English after a reload, and fits a 360px phone', { timeout: 30_000 }, async () => {
    const page = await openPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    await visible(page.getByTestId('start-btn'));
    expect(await page.getByTestId('start-btn').textContent()).toBe('开始匹配');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    await expect.poll(text(page.getByTestId('my-id').locator('xpath=..')), until).toMatch(/^\s*你的 ID：[0-9a-z]{8,16}\s+换个身份\s*$/);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(page.getByTestId('start-btn')), until).toBe('Start matching');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    await page.reload();
    await expect.poll(text(page.getByTestId('start-btn')), until).toBe('Start matching');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByTestId('lang-switch').inputValue()).toBe('en');
    await expect.poll(text(page.getByTestId('my-id').locator('xpath=..')), until).toMatch(/^\s*Your ID: [0-9a-z]{8,16}\s+New identity\s*$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: resolve(screenshotDir, 'start-360-en.png') });
  });

  it("speaks the browser's language on a first visit, and a chosen language is kept across reloads", { timeout: 30_000 }, async () => {
    const en = await openPage({ locale: 'en-US' });
    await expect.poll(text(en.getByTestId('start-btn')), until).toBe('Start matching');
    expect(await en.getAttribute('html', 'lang')).toBe('en');
    expect(await en.title()).toBe('Anonymous Chat');
    expect(await en.getByTestId('lang-switch').inputValue()).toBe('en');

    const zh = await openPage({ locale: 'zh-CN' });
    await visible(zh.getByTestId('start-btn'));
    expect(await zh.getByTestId('start-btn').textContent()).toBe('开始匹配');
    expect(await zh.getAttribute('html', 'lang')).toBe('zh-CN');

    // The English browser's visitor picks Chinese: it stays Chinese after reloads.
    await en.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(en.getByTestId('start-btn')), until).toBe('开始匹配');
    for (let i = 0; i < 2; i++) {
      await en.reload();
      await expect.poll(text(en.getByTestId('start-btn')), until).toBe('开始匹配');
      expect(await en.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await en.getByTestId('lang-switch').inputValue()).toBe('zh-CN');
    }
  });
});
