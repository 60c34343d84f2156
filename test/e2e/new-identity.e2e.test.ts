/**
 * "换个身份 / New identity" with two tabs of one browser in a real Chromium: the cookie is the browser's, so
 * while tab 1 chats, tab 2's press is refused — it says so in the page's language, the cookie stays, and tab
 * 1's chat goes on both ways. Once tab 1's chat is over the press works, and tab 1 comes back as the new
 * identity too (its old connection closed by the server), saying why. It asks first — this browser's /my
 * lists the old identity's chats no more — and Cancel or Escape change nothing. Needs Debian's Chromium at /usr/bin/chromium:
 * skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('new identity browser tests');

const WAIT_MS = 15_000;
const { until, text, myId, messageTexts, matchPages, leaveChat, say } = chatPageDriver(WAIT_MS);

const BUSY_ZH = '你在另一个标签页中正在聊天或等待：先结束那边，再换身份（刚关闭的标签页要几秒后才结束）';
const BUSY_EN = 'You are chatting or waiting in another tab: end that first, then get a new identity (a tab closed just now ends within seconds)';
const DONE_ZH = '已换成新的身份：本浏览器不再使用之前的身份';
const ELSEWHERE_ZH = '你在另一个标签页换了新身份，这个页面也已改用新身份';

/** New identity, confirmed in its dialog. */
async function newIdentity(page: Page): Promise<void> {
  await page.getByTestId('new-identity-btn').click();
  await page.getByTestId('new-identity-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.getByTestId('new-identity-confirm').click();
}

const identityCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'uid')?.value;

describe.skipIf(skip)('a new identity with two tabs open', () => {
  const suite = browserSuite({});

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  it('refused while the other tab chats (its chat goes on); allowed once it is over, and both tabs are the new identity', { timeout: 90_000 }, async () => {
    const browser = await suite.newContext();
    const tab1 = await open(browser);
    const stranger = await open(await suite.newContext());
    await matchPages(tab1, stranger);
    // The button is the start screen's: a tab in a chat has none to press.
    expect(await tab1.getByTestId('new-identity-btn').isVisible()).toBe(false);
    const tab2 = await open(browser);
    const oldId = await myId(tab2);
    const cookie = await identityCookie(browser);

    await newIdentity(tab2);
    await expect.poll(text(tab2.getByTestId('toast')), until).toBe(BUSY_ZH);
    expect(await identityCookie(browser)).toBe(cookie);
    expect(await tab2.getByTestId('my-id').textContent()).toBe(oldId);
    // Tab 1's chat goes on, both ways.
    await say(tab1, '还在吗');
    await expect.poll(() => messageTexts(stranger, false).allTextContents(), until).toEqual(['还在吗']);
    await say(stranger, '在');
    await expect.poll(() => messageTexts(tab1, false).allTextContents(), until).toEqual(['在']);

    // The same refusal in English.
    await tab2.getByTestId('lang-switch').selectOption('en');
    await newIdentity(tab2);
    await expect.poll(text(tab2.getByTestId('toast')), until).toBe(BUSY_EN);
    await tab2.getByTestId('lang-switch').selectOption('zh-CN');

    // Over in tab 1: now it works, and tab 1 (its old connection closed) comes back as the new identity.
    await leaveChat(tab1);
    // Tab 1 is in the background while tab 2 is used (a headless page counts as visible: it is told otherwise).
    const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { value, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility(tab1, 'hidden');
    await newIdentity(tab2);
    await expect.poll(text(tab2.getByTestId('toast')), until).toBe(DONE_ZH);
    await expect.poll(text(tab2.getByTestId('my-id')), until).not.toBe(oldId);
    const newId = await myId(tab2);
    expect(await identityCookie(browser)).not.toBe(cookie);
    await expect.poll(text(tab1.getByTestId('my-id')), until).toBe(newId);
    // Tab 1 says why it reconnected once it is seen (a toast in a hidden tab would be gone before that);
    // tab 2, whose own press it was, is not told twice.
    expect(await tab1.getByTestId('toast').isVisible()).toBe(false);
    await setVisibility(tab1, 'visible');
    await expect.poll(text(tab1.getByTestId('toast')), until).toBe(ELSEWHERE_ZH);
    expect(await tab1.getByTestId('toast').isVisible()).toBe(true);
    expect(await tab2.getByTestId('toast').textContent()).toBe(DONE_ZH);
  });

  it('asks first, saying the earlier chats leave this browser’s /my, with a link to note their codes; Cancel and Escape change nothing', { timeout: 60_000 }, async () => {
    const browser = await suite.newContext({ bypassCSP: true });
    const page = await open(browser);
    const id = await myId(page);
    const cookie = await identityCookie(browser);
    const dialog = page.getByTestId('new-identity-dialog');
    await page.getByTestId('new-identity-btn').click();
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await dialog.getByRole('heading').textContent()).toBe('换个身份？');
    expect(await page.locator('#new-identity-text').textContent()).toBe('换身份后，本浏览器的“我的聊天记录”不再列出之前的聊天：以后要下载或删除它们，需要它们的回执码。');
    const link = page.getByTestId('new-identity-my');
    expect([await link.getAttribute('href'), await link.getAttribute('target')]).toEqual(['/my', '_blank']);
    await expectNoSeriousViolations(page, 'new identity dialog');
    await page.getByTestId('new-identity-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(page), until).toBe('new-identity-btn');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await myId(page)).toBe(id);
    expect(await identityCookie(browser)).toBe(cookie);

    // In English; confirmed, it is done.
    await page.getByTestId('lang-switch').selectOption('en');
    await page.getByTestId('new-identity-btn').click();
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await page.locator('#new-identity-text').textContent()).toBe('After this, this browser’s “My chats” page no longer lists your earlier chats: to download or erase them later, you will need their receipt codes.');
    expect(await link.textContent()).toBe('Open “My chats” first to note their codes (new tab)');
    await page.getByTestId('new-identity-confirm').click();
    await expect.poll(text(page.getByTestId('toast')), until).toBe('You have a new identity: this browser no longer uses the old one');
    await expect.poll(text(page.getByTestId('my-id')), until).not.toBe(id);
  });
});
