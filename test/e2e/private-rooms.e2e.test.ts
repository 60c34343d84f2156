/**
 * Private rooms and staying in touch in real Chromium pages against the real server: one person creates
 * a room and copies its key (a reload still shows it), another enters it on their own page and they chat in a private room; after
 * they leave, both enter the key again and meet with their earlier conversation shown above, marked as
 * earlier. Two strangers who both press 保持联系 (one during the chat, one after it) both get the same key
 * in a banner, and that key reunites them with their conversation; a key for an earlier chat that comes
 * during the next one is not credited to the chat on screen. A key that opens nothing and too
 * many tries are said in Chinese and in English. Needs Debian's Chromium at /usr/bin/chromium: skipped
 * with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, send, settleAnimations } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('private room browser tests');

const WAIT_MS = 10_000;
const KEY = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

const notes = (page: Page) => page.getByTestId('system-text').allTextContents();
const earlierTexts = (page: Page, own?: boolean) =>
  page.locator(`[data-testid="earlier-message"]${own === undefined ? '' : `[data-own="${own}"]`} [data-testid="message-text"]`).allTextContents();
const shot = (page: Page, name: string) => page.screenshot({ path: resolve(screenshotDir, name) });

/** No serious or critical axe finding, in the light and the dark scheme (the page's context bypasses the CSP for axe). */
async function accessible(page: Page, where: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await settleAnimations(page); // the colours' transitions over first
    await expectNoSeriousViolations(page, `${where} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Opens the start screen's private rooms and enters a key. */
async function joinWithKey(page: Page, key: string): Promise<void> {
  const section = page.getByTestId('private-rooms');
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open))) await page.getByTestId('private-rooms-summary').click();
  await page.getByTestId('private-key-input').fill(key);
  await page.getByTestId('join-private-btn').click();
}

describe.skipIf(skip)('private rooms in a browser', () => {
  const suite = browserSuite({ config: {} });

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await suite.newContext({ bypassCSP: true, ...options });
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  it('create a room, share its key, chat; both enter the key again later and see their earlier conversation', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    await a.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    const b = await openPage(PHONE);

    // A creates a room: the waiting screen shows its key to share, with Copy.
    await a.getByTestId('private-rooms-summary').click();
    await a.getByTestId('create-private-btn').click();
    await visible(a.getByTestId('private-created'));
    expect(await a.getByTestId('private-wait-title').textContent()).toBe('私密房间已创建');
    expect(await a.getByTestId('waiting-count').isHidden()).toBe(true);
    const key = (await a.getByTestId('private-key').textContent()) ?? '';
    expect(key).toMatch(KEY);
    await a.getByTestId('private-copy').click();
    await expect.poll(text(a.getByTestId('private-copy-status')), until).toBe('已复制');
    expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(key);
    // A reload keeps the key to share: the server has only its hash, the page kept it for this tab.
    await a.reload();
    await visible(a.getByTestId('private-created'));
    expect(await a.getByTestId('private-key').textContent()).toBe(key);
    await shot(a, 'private-created-desktop.png');
    await accessible(a, 'private room created');

    // B enters it (in lower case and without dashes: it is forgiven): both are in the private room.
    await joinWithKey(b, key.toLowerCase().replaceAll('-', ''));
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => notes(a), until).toContain('你们在私密房间里，只有你们两人能进入');
    await expect.poll(() => notes(b), until).toContain('你们在私密房间里，只有你们两人能进入');
    // Nothing earlier yet; no "keep in touch" in a private room (its two hold its key already).
    expect(await a.getByTestId('earlier-message').count()).toBe(0);
    expect(await a.getByTestId('keep-btn').isHidden()).toBe(true);
    await send(a, '是我，A');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['是我，A']);
    await send(b, '收到，我是 B');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['收到，我是 B']);

    // B leaves; both go back to the start.
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    await a.getByTestId('home-btn').click();
    await b.getByTestId('home-btn').click();
    await visible(a.getByTestId('start-screen'));
    await visible(b.getByTestId('start-screen'));

    // Later: B enters the key first and waits for A; A enters it: the earlier conversation is above.
    await joinWithKey(b, key);
    await visible(b.getByTestId('private-wait'));
    expect(await b.getByTestId('private-wait-title').textContent()).toBe('正在等待对方进入房间…');
    expect(await b.getByTestId('private-created').isHidden()).toBe(true);
    await shot(b, 'private-waiting-mobile.png');
    await joinWithKey(a, key);
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => earlierTexts(a), until).toEqual(['是我，A', '收到，我是 B']);
    expect(await earlierTexts(a, true)).toEqual(['是我，A']);
    await expect.poll(() => earlierTexts(b, true), until).toEqual(['收到，我是 B']);
    expect(await a.getByTestId('earlier-divider').textContent()).toBe('以上是你们之前的聊天');
    // Above everything of the new chat, which starts empty.
    const order = await a.getByTestId('message-list').evaluate((list) => [...list.children].map((li) => (li as HTMLElement).dataset['testid']));
    expect(order.slice(0, 3)).toEqual(['earlier-message', 'earlier-message', 'earlier-divider']);
    expect(await messageTexts(a).count()).toBe(0);
    await send(b, '又见面了');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['又见面了']);
    await shot(a, 'private-history-desktop.png');
    await accessible(a, 'private room with its earlier conversation');
    await shot(b, 'private-history-mobile.png');

    // In English the same marks speak English.
    await b.getByTestId('lang-switch').selectOption('en');
    expect(await b.getByTestId('earlier-divider').textContent()).toBe('Your earlier conversation is above');
    await expect.poll(() => notes(b), until).toContain('You are in a private room that only the two of you can enter');
  });

  it('two strangers who both ask to keep in touch get the same key, and it reunites them with their conversation', { timeout: 120_000 }, async () => {
    const d = await openPage(DESKTOP);
    const e = await openPage(PHONE);
    await matchPages(d, e);
    await send(d, '很高兴认识你');
    await expect.poll(() => messageTexts(e, false).count(), until).toBe(1);

    // D asks during the chat: marked as asked, and told what happens next; E is told nothing.
    const keepD = d.getByTestId('keep-btn');
    expect(await keepD.textContent()).toContain('保持联系');
    await keepD.click();
    await expect.poll(() => keepD.getAttribute('aria-disabled'), until).toBe('true');
    expect(await keepD.textContent()).toContain('已请求保持联系');
    await expect.poll(() => notes(d), until).toContain('你已请求保持联系。如果对方也点了“保持联系”，你们会收到同一个密钥。');
    await accessible(d, 'chat with keep in touch asked');
    expect((await notes(e)).some((note) => note.includes('保持联系'))).toBe(false);
    expect(await e.getByTestId('contact-key-banner').isHidden()).toBe(true);

    // E leaves, then asks from the chat-ended bar: both get the same key at the top of the page.
    await leaveChat(e);
    await e.getByTestId('ended-keep-btn').click();
    await visible(d.getByTestId('contact-key-banner'));
    await visible(e.getByTestId('contact-key-banner'));
    const keyD = (await d.getByTestId('contact-key').textContent()) ?? '';
    const keyE = (await e.getByTestId('contact-key').textContent()) ?? '';
    expect(keyD).toMatch(KEY);
    expect(keyE).toBe(keyD);
    expect(await e.getByTestId('contact-key-banner').textContent()).toContain('用密钥加入');
    await expect.poll(() => notes(e), until).toContain('你们都选择了保持联系，密钥已显示在页面顶部');
    // Asked and answered: no more buttons for this chat.
    expect(await e.getByTestId('ended-keep-btn').isHidden()).toBe(true);
    await shot(e, 'private-contact-key-mobile.png');
    await accessible(e, 'contact key banner over the chat-ended bar');
    await accessible(d, 'chat ended after asking to keep in touch');

    // The banner stays until closed, whatever the screen; the key reunites them.
    await d.getByTestId('home-btn').click();
    await visible(d.getByTestId('contact-key-banner'));
    await d.getByTestId('contact-dismiss').click();
    expect(await d.getByTestId('contact-key-banner').isHidden()).toBe(true);
    await e.getByTestId('home-btn').click();
    await joinWithKey(d, keyD);
    await visible(d.getByTestId('private-wait'));
    await joinWithKey(e, keyE);
    await visible(d.getByTestId('chat-screen'));
    await visible(e.getByTestId('chat-screen'));
    await expect.poll(() => earlierTexts(d, true), until).toEqual(['很高兴认识你']);
    await expect.poll(() => earlierTexts(e, false), until).toEqual(['很高兴认识你']);
  });

  it('a key for an earlier chat that comes during the next one is credited to the earlier chat, not the one on screen', { timeout: 120_000 }, async () => {
    const d = await openPage(DESKTOP);
    const e = await openPage(PHONE);
    const f = await openPage(PHONE);
    const arrived = '你们都选择了保持联系，密钥已显示在页面顶部';

    // D asks in a chat with E; E leaves; D presses New and asks again in a chat with F.
    await matchPages(d, e);
    const keepD = d.getByTestId('keep-btn');
    await keepD.click();
    await expect.poll(() => keepD.getAttribute('aria-disabled'), until).toBe('true');
    await leaveChat(e);
    await visible(d.getByTestId('chat-ended'));
    await expect.poll(() => d.getByTestId('leave-btn').getAttribute('data-step'), until).toBe('new');
    await d.getByTestId('leave-btn').click();
    await visible(d.getByTestId('waiting-screen'));
    await f.getByTestId('start-btn').click();
    await visible(d.getByTestId('chat-screen'));
    await visible(f.getByTestId('chat-screen'));
    await keepD.click();
    await expect.poll(() => keepD.getAttribute('aria-disabled'), until).toBe('true');
    await expect.poll(() => notes(d), until).toContain('你已请求保持联系。如果对方也点了“保持联系”，你们会收到同一个密钥。');

    // E asks within the window: D gets E's key at the top of the page, but the chat with F says nothing of
    // it, and its button still waits for F.
    await e.getByTestId('ended-keep-btn').click();
    await visible(d.getByTestId('contact-key-banner'));
    await visible(e.getByTestId('contact-key-banner'));
    const keyWithE = (await e.getByTestId('contact-key').textContent()) ?? '';
    expect(keyWithE).toMatch(KEY);
    // Polled: once read empty in a fresh-clone CI run on a loaded machine (cause not found; the banner and its
    // key are set in one task) — the key must still come, or this fails.
    await expect.poll(() => d.getByTestId('contact-key').textContent(), until).toBe(keyWithE);
    await expect.poll(() => d.getByTestId('toast').textContent(), until).toBe(arrived);
    expect(await notes(d)).not.toContain(arrived);
    expect(await keepD.isVisible()).toBe(true);
    expect(await keepD.getAttribute('aria-disabled')).toBe('true');

    // F asks: now the chat on screen is the one the key is for.
    await f.getByTestId('keep-btn').click();
    await expect.poll(() => notes(d), until).toContain(arrived);
    const keyWithF = (await d.getByTestId('contact-key').textContent()) ?? '';
    expect(keyWithF).toMatch(KEY);
    expect(keyWithF).not.toBe(keyWithE);
    expect(await f.getByTestId('contact-key').textContent()).toBe(keyWithF);
    await expect.poll(() => keepD.isHidden(), until).toBe(true);
  });
});

describe.skipIf(skip)('private room keys that open nothing', () => {
  // Two tries per minute from one network, so the third is refused.
  const suite = browserSuite({ config: { privateRooms: { keyAttemptsPerMin: 2, keyAttemptsPerAddressPerMin: 2, keepInTouchWindowMs: 120_000, historyMaxMessages: 1_000 } } });

  it('an unknown key, and too many tries, are said in Chinese and in English; the page is back at the start', { timeout: 60_000 }, async () => {
    const zh = await (await suite.newContext({ ...PHONE, bypassCSP: true })).newPage();
    const en = await (await suite.newContext({ ...DESKTOP, locale: 'en-US' })).newPage();
    await zh.goto(suite.url);
    await en.goto(suite.url);
    await myId(zh);
    await myId(en);

    // Nothing typed: said without asking the server.
    await zh.getByTestId('private-rooms-summary').click();
    await zh.getByTestId('join-private-btn').click();
    await expect.poll(text(zh.getByTestId('toast')), until).toBe('请先输入密钥');

    // Two tries (the whole budget, taken quickly so that none comes back meanwhile).
    await joinWithKey(zh, 'ABCD-EFGH-JKMN-PQRS');
    await joinWithKey(en, 'not a key');
    await expect.poll(text(zh.getByTestId('toast')), until).toBe('没有找到这个密钥的房间，请检查后再试');
    await expect.poll(text(en.getByTestId('toast')), until).toBe('No room was found for that key. Check it and try again');
    await visible(zh.getByTestId('start-screen'));
    // The key stays in the field, to be corrected.
    expect(await zh.getByTestId('private-key-input').inputValue()).toBe('ABCD-EFGH-JKMN-PQRS');
    await shot(zh, 'private-not-found-mobile.png');
    await accessible(zh, 'start screen with the private rooms open');

    // A third: too many, said with when to try again.
    await joinWithKey(en, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await expect.poll(text(en.getByTestId('toast')), until).toMatch(/^Too many requests, try again in \d+ s$/);
    await visible(en.getByTestId('start-screen'));
    await joinWithKey(zh, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await expect.poll(text(zh.getByTestId('toast')), until).toMatch(/^操作太频繁，请 \d+ 秒后再试$/);
  });
});
