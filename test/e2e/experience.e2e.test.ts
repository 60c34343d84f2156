/**
 * The chat experience in real Chromium pages against the real server: the partner sees 对方正在输入… while
 * the other types, and it goes away when they stop or send; the Next button cycles Leave → Really? → (the
 * chat ends on screen) → New, which goes straight back into the queue, and Escape drives the same cycle;
 * a double-click or a double-tap on Leave stops at Really?, while Enter, Enter from the keyboard leaves;
 * a message sent takes a pending Really? back to Leave; the start screen says how many are online; Save
 * downloads the conversation as a text file (and a web page) with both sides' messages; a hidden page
 * counts what arrives in its title; the dark theme chosen in the ⚙ menu applies before the first paint
 * and survives a reload; the page is installable (manifest, icons); the whole of it in English too.
 * Screenshots at 390×844 and 1280×800 go to test-results/ (CI artifacts). Needs Debian's Chromium at
 * /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, send, settleAnimations } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('chat experience browser tests');

const WAIT_MS = 10_000;
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

/** Makes the page believe it is hidden (another tab in front), or visible again, as the browser would tell it. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const step = (page: Page) => () => page.getByTestId('leave-btn').getAttribute('data-step');
const shot = (page: Page, name: string) => page.screenshot({ path: resolve(screenshotDir, name) });

describe.skipIf(skip)('the chat experience in a browser', () => {
  const suite = browserSuite({ config: { timezone: 'Asia/Shanghai' } });

  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await suite.newContext(options);
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  it('a double-click on Leave, or a double-tap, stops at Really? and the chat goes on; Enter, Enter on the button leaves', { timeout: 60_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(PHONE);
    await matchPages(a, b);
    const next = a.getByTestId('leave-btn');
    await next.dblclick();
    await expect.poll(step(a), until).toBe('confirm');
    // Still a chat: B's message, sent after the double-click, reaches A (a leave would have ended it first).
    await send(b, '还在吗');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['还在吗']);
    expect(await step(a)()).toBe('confirm');
    expect(await a.getByTestId('chat-ended').isHidden()).toBe(true);

    // Two quick taps on a phone: the same.
    const nextB = b.getByTestId('leave-btn');
    await nextB.tap();
    await nextB.tap();
    await expect.poll(step(b), until).toBe('confirm');
    await send(a, '在');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['在']);
    expect(await step(b)()).toBe('confirm');

    // From the keyboard, Enter and Enter again are two presses, however quick: Leave, Really? — the chat ends.
    expect(await step(a)()).toBe('leave'); // A's message took its Really? back
    await next.focus();
    await a.keyboard.press('Enter');
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('chat-ended'));
    await expect.poll(step(a), until).toBe('new');
    await visible(b.getByTestId('chat-ended'));
  });

  it('typing shows on the other side and goes away on stop and on send; Next with the button and with Escape; a message takes back Really?', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(PHONE);
    await matchPages(a, b);
    const typingOnA = a.getByTestId('typing-indicator');
    expect(await typingOnA.isHidden()).toBe(true);

    // B types: A sees it (and a screen reader hears it once, politely); B empties the input: it goes.
    await b.getByTestId('message-input').fill('你好，');
    await visible(typingOnA);
    expect(await typingOnA.textContent()).toContain('对方正在输入…');
    await expect.poll(text(a.getByTestId('typing-announcer')), until).toBe('对方正在输入…');
    expect(await a.getByTestId('typing-announcer').getAttribute('role')).toBe('status');
    await shot(a, 'experience-typing-desktop.png');
    await b.getByTestId('message-input').fill('');
    await typingOnA.waitFor({ state: 'hidden', timeout: WAIT_MS });

    // B types again and sends: the indicator goes as the message comes.
    await b.getByTestId('message-input').fill('在吗');
    await visible(typingOnA);
    await b.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['在吗']);
    await typingOnA.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await shot(b, 'experience-chat-mobile.png');

    // The Next button: Leave → Really?; a message sent meanwhile takes it back to Leave.
    const next = a.getByTestId('leave-btn');
    expect(await next.textContent()).toBe('离开');
    await next.click();
    await expect.poll(step(a), until).toBe('confirm');
    expect(await next.textContent()).toBe('确定离开？');
    await shot(a, 'experience-really-desktop.png');
    await send(a, '还是聊聊吧');
    await expect.poll(step(a), until).toBe('leave');
    expect(await next.textContent()).toBe('离开');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['还是聊聊吧']);

    // Escape drives the same cycle: Leave → Really? → the chat ends on screen, for both.
    await a.keyboard.press('Escape');
    await expect.poll(step(a), until).toBe('confirm');
    await a.keyboard.press('Escape');
    await visible(a.getByTestId('chat-ended'));
    await expect.poll(step(a), until).toBe('new');
    expect(await next.textContent()).toBe('新的聊天');
    await expect.poll(text(a.getByTestId('system-text').last()), until).toBe('你已离开聊天');
    await expect.poll(text(b.getByTestId('system-text').last()), until).toBe('对方已离开聊天');
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    // The conversation stays on screen to be read, saved or reported.
    expect(await messageTexts(a).allTextContents()).toEqual(['在吗', '还是聊聊吧']);
    await shot(a, 'experience-ended-desktop.png');
    await shot(b, 'experience-ended-mobile.png');

    // Escape once more is New: straight back into the queue; B's New matches them again.
    await a.keyboard.press('Escape');
    await visible(a.getByTestId('waiting-screen'));
    await b.getByTestId('leave-btn').click();
    await expect.poll(step(a), until).toBe('leave');
    await expect.poll(step(b), until).toBe('leave');
    await visible(a.getByTestId('chat-screen'));
    expect(await messageTexts(a).count()).toBe(0);
    expect(await typingOnA.isHidden()).toBe(true);
    await send(b, '又是你');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['又是你']);

    // Leaving with the helper (two presses) works from the other side as well.
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
  });

  it('the start screen says how many are online', { timeout: 90_000 }, async () => {
    const a = await openPage(PHONE);
    const b = await openPage(DESKTOP);
    const online = a.getByTestId('online-count');
    await visible(online);
    await expect.poll(text(online), until).toMatch(/^\d+ 人在线（含你）$/);
    const figure = async (page: Page) => Number(/\d+/.exec((await page.getByTestId('online-count').textContent()) ?? '')?.[0]);
    // Both pages are connected: at least two (read again every 10 s; the server keeps a figure 1.5 s).
    await b.reload();
    await myId(b);
    await expect.poll(() => figure(b), { ...until, timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await shot(a, 'experience-start-mobile.png');
    await shot(b, 'experience-start-desktop.png');
  });

  it('Save downloads the conversation as a text file with both sides, and as a web page from the ended bar', { timeout: 120_000 }, async () => {
    const a = await openPage({ ...DESKTOP, acceptDownloads: true, timezoneId: 'America/New_York' });
    const b = await openPage(PHONE);
    await matchPages(a, b);

    // Nothing said yet: nothing to save.
    await a.getByTestId('save-btn').click();
    await expect.poll(text(a.getByTestId('toast')), until).toBe('还没有消息可以保存');

    await send(a, '第一句');
    await expect.poll(() => messageTexts(b, false).count(), until).toBe(1);
    await send(b, '第二句\n第二行');
    await expect.poll(() => messageTexts(a, false).count(), until).toBe(1);

    await a.getByTestId('save-btn').click();
    const dialog = a.getByTestId('save-dialog');
    await visible(dialog);
    expect(await a.getByRole('dialog', { name: '保存聊天记录' }).isVisible()).toBe(true);
    expect(await a.getByTestId('save-lead').textContent()).toContain('UTC+08:00');
    await shot(a, 'experience-save-desktop.png');
    const [txt] = await Promise.all([a.waitForEvent('download'), a.getByTestId('save-txt').click()]);
    expect(txt.suggestedFilename()).toMatch(/^匿名聊天-\d{8}-\d{4}\.txt$/);
    const body = readFileSync(await txt.path(), 'utf8');
    // Times in the chat's zone (Beijing) although the browser is in New York.
    expect(body).toMatch(/^\ufeff匿名聊天室 · 聊天记录\n时间：UTC\+08:00\n\n/);
    expect(body).toMatch(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] 我：第一句\n/);
    expect(body).toMatch(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] 陌生人：第二句\n {4}第二行\n/);
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    // The focus is back on the button that opened it.
    await expect.poll(() => a.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid']), until).toBe('save-btn');

    // After the chat ended: from the ended bar, as a web page with the markup shown as text.
    await send(b, '<b>再见</b>');
    await expect.poll(() => messageTexts(a, false).count(), until).toBe(2);
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    // Its receipt came: the files now keep it, with what it is for (erasing one's messages on /my).
    const receipt = a.getByTestId('ended-receipt').getByTestId('receipt-code');
    await visible(receipt);
    const code = (await receipt.textContent()) ?? '';
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    await a.getByTestId('ended-save-btn').click();
    await visible(dialog);
    const [html] = await Promise.all([a.waitForEvent('download'), a.getByTestId('save-html').click()]);
    expect(html.suggestedFilename()).toMatch(/^匿名聊天-\d{8}-\d{4}\.html$/);
    const page = readFileSync(await html.path(), 'utf8');
    expect(page).toContain(`<p class="zone">回执码: ${code}（凭它在“我的聊天记录”页面 /my 查看这段对话或删除你的消息）</p>`);
    await a.getByTestId('ended-save-btn').click();
    await visible(dialog);
    const [endedTxt] = await Promise.all([a.waitForEvent('download'), a.getByTestId('save-txt').click()]);
    const endedBody = readFileSync(await endedTxt.path(), 'utf8');
    expect(endedBody.startsWith(`\ufeff匿名聊天室 · 聊天记录\n回执码: ${code}（凭它在“我的聊天记录”页面 /my 查看这段对话或删除你的消息）\n时间：UTC+08:00\n\n`)).toBe(true);
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('&lt;b&gt;再见&lt;/b&gt;');
    expect(page).not.toContain('<b>再见</b>');
    expect(page).not.toContain('<script');
  });

  it('a hidden page counts new messages in its title, and clears it when looked at again', { timeout: 90_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(PHONE);
    await matchPages(a, b);
    expect(await a.title()).toBe('匿名聊天室');

    await setHidden(a, true);
    await send(b, '一');
    await send(b, '二');
    await expect.poll(() => messageTexts(a, false).count(), until).toBe(2);
    // It alternates with "新消息" every second: either way it counts two.
    await expect.poll(() => a.title(), until).toMatch(/^\(2\) (匿名聊天室|新消息)$/);
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) {
      seen.add(await a.title());
      await a.waitForTimeout(100);
    }
    expect([...seen].sort()).toEqual(['(2) 匿名聊天室', '(2) 新消息']);

    await setHidden(a, false);
    await expect.poll(() => a.title(), until).toBe('匿名聊天室');
    // Own messages and a visible page count nothing.
    await send(b, '三');
    await send(a, '我在');
    await expect.poll(() => messageTexts(a).count(), until).toBe(4);
    expect(await a.title()).toBe('匿名聊天室');

    // With reduced motion the count stays but does not flash.
    await a.emulateMedia({ reducedMotion: 'reduce' });
    await a.reload();
    await myId(a);
    await expect.poll(() => a.getByTestId('chat-screen').isVisible(), { ...until, timeout: 20_000 }).toBe(true);
    await setHidden(a, true);
    await send(b, '四');
    await expect.poll(() => a.title(), until).toBe('(1) 匿名聊天室');
    await a.waitForTimeout(1_500);
    expect(await a.title()).toBe('(1) 匿名聊天室');
  });

  it('dark mode: follows the system, a choice in ⚙ applies before the first paint and survives a reload; the chime is remembered', { timeout: 90_000 }, async () => {
    const a = await openPage({ ...PHONE, colorScheme: 'light', bypassCSP: true });
    const background = () => a.evaluate(() => getComputedStyle(document.querySelector('.app')!).backgroundColor);
    expect(await background()).toBe('rgb(255, 255, 255)');
    // Following the system: a dark system gets the dark page, without any choice made.
    await a.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(26, 32, 41)');
    await a.emulateMedia({ colorScheme: 'light' });

    // The ⚙ menu, from the keyboard: Enter opens it, the dark theme is picked, Escape closes it.
    const menu = a.getByTestId('settings-menu');
    await a.getByTestId('settings-btn').focus();
    await a.keyboard.press('Enter');
    await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open), until).toBe(true);
    expect(await a.getByTestId('theme-system').isChecked()).toBe(true);
    expect(await a.getByTestId('sound-toggle').isChecked()).toBe(false);
    await a.getByTestId('theme-dark').check();
    expect(await a.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await background()).toBe('rgb(26, 32, 41)');
    await a.getByTestId('sound-toggle').check();
    await settleAnimations(a);
    await expectNoSeriousViolations(a, 'settings menu (dark)');
    await shot(a, 'experience-settings-dark-mobile.png');
    await a.keyboard.press('Escape');
    await expect.poll(() => menu.evaluate((el) => (el as HTMLDetailsElement).open), until).toBe(false);
    expect(await a.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('settings-btn');

    // Reloaded with the page's script held back: the theme is already dark (theme.js in <head>), so there is no flash.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolveHeld) => (release = resolveHeld));
    await a.route(/\/assets\/index-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    const reloaded = a.reload();
    // The new document, parsed, its script not run yet (the ID is still the placeholder).
    await expect.poll(() => a.evaluate(() => document.querySelector('[data-testid="my-id"]')?.textContent), until).toBe('········');
    expect(await a.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await background()).toBe('rgb(26, 32, 41)');
    release();
    await reloaded;
    await a.unroute(/\/assets\/index-[^/]*\.js$/);
    await myId(a);
    expect(await a.getByTestId('theme-dark').isChecked()).toBe(true);
    expect(await a.getByTestId('sound-toggle').isChecked()).toBe(true);
    await settleAnimations(a);
    await expectNoSeriousViolations(a, 'start screen (dark theme chosen)');
    await shot(a, 'experience-start-dark-mobile.png');

    // Back to the system's: the choice is forgotten.
    await a.getByTestId('settings-btn').click();
    await a.getByTestId('theme-system').check();
    expect(await a.getAttribute('html', 'data-theme')).toBeNull();
    expect(await background()).toBe('rgb(255, 255, 255)');
    await a.reload();
    await myId(a);
    expect(await a.getAttribute('html', 'data-theme')).toBeNull();
  });

  it('is installable: a manifest named 匿名聊天室 with SVG and PNG icons, served with their types', { timeout: 30_000 }, async () => {
    const a = await openPage(DESKTOP);
    expect(await a.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest');
    const res = await fetch(`${suite.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await res.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; type: string; purpose?: string }[] };
    expect(manifest).toMatchObject({ name: '匿名聊天室', start_url: '/', display: 'standalone' });
    const sizes = manifest.icons.map((icon) => `${icon.type} ${icon.sizes} ${icon.purpose ?? 'any'}`);
    expect(sizes).toEqual(
      expect.arrayContaining(['image/svg+xml any any', 'image/png 192x192 any', 'image/png 512x512 any', 'image/png 512x512 maskable']),
    );
    for (const icon of manifest.icons) {
      const file = await fetch(new URL(icon.src, suite.url));
      expect(file.status, icon.src).toBe(200);
      expect(file.headers.get('content-type'), icon.src).toMatch(new RegExp(`^${icon.type.replace('+', '\\+')}`));
      if (icon.type === 'image/png') {
        // The PNG's own header says its size.
        const bytes = new DataView(await file.arrayBuffer());
        expect(`${bytes.getUint32(16)}x${bytes.getUint32(20)}`, icon.src).toBe(icon.sizes);
      }
    }
    // Chromium reads it as a valid manifest for the page (DevTools protocol).
    const cdp = await a.context().newCDPSession(a);
    const parsed = (await cdp.send('Page.getAppManifest')) as { url: string; errors: { message: string; critical: number }[] };
    expect(parsed.url).toBe(`${suite.url}/manifest.webmanifest`);
    expect(parsed.errors.filter((e) => e.critical)).toEqual([]);
  });

  it('in English: typing, the Next cycle, the online count and the settings', { timeout: 90_000 }, async () => {
    const a = await openPage({ ...DESKTOP, locale: 'en-US' });
    const b = await openPage({ ...PHONE, locale: 'en-US' });
    await expect.poll(text(a.getByTestId('online-count')), until).toMatch(/^\d+ online, you included$/);
    await matchPages(a, b);
    await b.getByTestId('message-input').fill('hey');
    await expect.poll(text(a.getByTestId('typing-indicator')), until).toContain('Stranger is typing…');
    await b.getByTestId('message-input').press('Enter');
    await a.getByTestId('typing-indicator').waitFor({ state: 'hidden', timeout: WAIT_MS });

    const next = b.getByTestId('leave-btn');
    expect(await next.textContent()).toBe('Leave');
    await next.click();
    await expect.poll(text(next), until).toBe('Really?');
    await shot(b, 'experience-really-en-mobile.png');
    await next.click();
    await expect.poll(text(next), until).toBe('New chat');
    await expect.poll(text(b.getByTestId('system-text').last()), until).toBe('You left the chat');
    await expect.poll(text(a.getByTestId('system-text').last()), until).toBe('Your partner left the chat');
    expect(await b.getByTestId('ended-save-btn').textContent()).toBe('Save the conversation');

    await b.getByTestId('settings-btn').click();
    expect(await b.getByRole('group', { name: 'Appearance' }).isVisible()).toBe(true);
    expect(await b.getByTestId('theme-dark').locator('xpath=..').textContent()).toBe('Dark');
    await b.getByTestId('theme-dark').check();
    await b.keyboard.press('Escape');
    await shot(b, 'experience-ended-dark-en-mobile.png');

    // Switching the language mid-chat renders the button's current step in the new language.
    await b.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await next.textContent()).toBe('新的聊天');
    expect(await b.title()).toBe('匿名聊天室');
  });
});
