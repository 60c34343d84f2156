/**
 * The receipts page /my in a real Chromium says when its holder may erase, instead of confirming and then
 * refusing: right after a chat's end (the partner may still report it) the Erase button is disabled, with
 * a hint linked to it saying until when, in both languages, and it enables by itself once that time has
 * passed; a chat with an open report says so, with no time. At 390 px wide the code field shows a whole
 * code. The server is real; the chats and their receipts are given straight to it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { beijingClock, endedChat, MY_PAGE_ZONE, openByCode, transcriptTexts } from '../helpers/my-page.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('receipts page browser tests');

/** The partner's report window here: long enough to look at the page, short enough to wait for. */
const REPORT_WINDOW_MS = 15_000;

describe.skipIf(skip)('the receipts page says when its holder may erase', () => {
  const suite = browserSuite({
    config: {
      timezone: MY_PAGE_ZONE,
      moderation: { ...defaultConfig().moderation, reportWindowMs: REPORT_WINDOW_MS },
      receipts: { lookupsPerAddressPerMin: 600, reportSettleMs: 0 },
    },
  });

  const describedBy = (my: Page) => my.getByTestId('erase-btn').getAttribute('aria-describedby');

  it('right after the end the Erase button is disabled until the report window has passed, saying until when, and then enables by itself', { timeout: 60_000 }, async () => {
    const endedAt = new Date();
    const { code } = await endedChat(suite, { endedAt });
    // As the server says it: the end + the window, rounded up to the second, in the chat's zone.
    const erasable = beijingClock(new Date(Math.ceil((endedAt.getTime() + REPORT_WINDOW_MS) / 1000) * 1000));
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);

    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await my.getByTestId('erase-hint').textContent()).toBe(`对方在 ${erasable} 前仍可举报这次聊天，之后才能删除你的消息`);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(true);
    // The hint is the button's description, for screen readers.
    expect(await describedBy(my)).toBe('erase-hint');
    expect(await my.locator('#erase-hint').getAttribute('data-testid')).toBe('erase-hint');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('erase-hint').textContent()).toBe(`Your partner can report this chat until ${erasable}; you can erase your messages after that.`);
    await my.getByTestId('lang-switch').selectOption('zh-CN');

    // Nothing is asked nor read again: the page's own timer enables the button.
    await expect.poll(() => my.getByTestId('erase-btn').isEnabled(), { timeout: REPORT_WINDOW_MS + WAIT_MS, interval: 200 }).toBe(true);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(false);
    expect(await describedBy(my)).toBeNull();
    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
  });

  it('a chat with an open report has its Erase button disabled, saying why, with no time', { timeout: 60_000 }, async () => {
    const { code, roomId } = await endedChat(suite);
    await suite.server.database.query(
      `INSERT INTO reports (room_id, reporter_id, reported_id, reason, status, created_at, updated_at)
       SELECT id, user2_id, user1_id, 'harassment', 'open', now(), now() FROM chat_rooms WHERE id = $1`,
      [roomId],
    );
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await my.getByTestId('erase-hint').textContent()).toBe('这次聊天有举报正在处理，处理完成后才能删除你的消息');
    expect(await describedBy(my)).toBe('erase-hint');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('erase-hint').textContent()).toBe('A report on this chat is under review; you can erase your messages once it is settled.');
  });

  it('at 390 px wide the code field shows a whole code', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    const field = await my.getByTestId('code-input').evaluate((input: HTMLInputElement) => ({ value: input.value, clientWidth: input.clientWidth, scrollWidth: input.scrollWidth }));
    expect(field.value).toBe(code);
    expect(field.scrollWidth).toBeLessThanOrEqual(field.clientWidth);
  });
});
