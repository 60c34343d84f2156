/**
 * Comforts of the chat page in real Chromium against the real server: what was being written survives a
 * reload mid-chat (and only in that chat); Escape cancels a wait; a private room's key is copied as a link,
 * and a page opened by that link has the key filled in (the address bar loses it, and nothing is joined
 * before the person presses Join); while the rules' box is not ticked, Start and the private rooms'
 * buttons say why they are disabled; the online count says that it counts the reader. Needs Debian's
 * Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('chat page comfort browser tests');

const WAIT_MS = 10_000;
const { until, text, visible, myId, messageTexts, acceptRules, matchPages } = chatPageDriver(WAIT_MS);

const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(skip)('chat page comforts in a browser', () => {
  const suite = browserSuite({ config: {} });

  async function openPage(options: BrowserContextOptions = DESKTOP, path = '/'): Promise<Page> {
    const context = await suite.newContext(options);
    const page = await context.newPage();
    await page.goto(new URL(path, suite.url).href);
    await myId(page);
    return page;
  }

  it('a draft survives a reload mid-chat, once', { timeout: 90_000 }, async () => {
    const a = await openPage();
    const b = await openPage(PHONE);
    await matchPages(a, b);
    await a.getByTestId('message-input').fill('写到一半的话');
    await a.reload();
    await visible(a.getByTestId('chat-screen'));
    await expect.poll(() => a.getByTestId('message-input').inputValue(), until).toBe('写到一半的话');
    // The counter follows the text given back.
    expect(await a.getByTestId('char-count').textContent()).toBe('6/500');
    // Nothing was sent by the reload.
    expect(await messageTexts(b, false).count()).toBe(0);
    // Sent now: a second reload gives back nothing.
    await a.getByTestId('message-input').press('Enter');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['写到一半的话']);
    await a.reload();
    await visible(a.getByTestId('chat-screen'));
    await expect.poll(() => messageTexts(a, true).count(), until).toBe(1);
    expect(await a.getByTestId('message-input').inputValue()).toBe('');
  });

  it('Escape on the waiting screen cancels the wait', { timeout: 60_000 }, async () => {
    const a = await openPage();
    expect(await a.getByTestId('cancel-btn').getAttribute('aria-keyshortcuts')).toBe('Escape');
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await a.keyboard.press('Escape');
    await visible(a.getByTestId('start-screen'));
    // Really out of the queue: someone who starts now waits instead of being paired with A.
    const b = await openPage(PHONE);
    await b.getByTestId('start-btn').click();
    await visible(b.getByTestId('waiting-screen'));
    await new Promise((r) => setTimeout(r, 500));
    expect(await b.getByTestId('waiting-screen').isVisible()).toBe(true);
    expect(await a.getByTestId('start-screen').isVisible()).toBe(true);
    // Out of the queue, for the tests after this one.
    await b.keyboard.press('Escape');
    await visible(b.getByTestId('start-screen'));
  });

  it("a private room's link fills in its key on the page it opens, and joining it meets the creator", { timeout: 90_000 }, async () => {
    const a = await openPage();
    await a.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });
    await a.getByTestId('private-rooms-summary').click();
    await a.getByTestId('create-private-btn').click();
    await visible(a.getByTestId('private-created'));
    const key = (await a.getByTestId('private-key').textContent()) ?? '';
    // Cancelled, the room's key stays at hand in "join with a key" (the room still exists), and enters it again.
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
    expect(await a.getByTestId('private-key-input').inputValue()).toBe(key);
    await a.getByTestId('join-private-btn').click();
    await visible(a.getByTestId('private-wait'));
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
    await a.getByTestId('create-private-btn').click();
    await visible(a.getByTestId('private-created'));
    expect(await a.getByTestId('private-key').textContent()).not.toBe(key);
    const fresh = (await a.getByTestId('private-key').textContent()) ?? '';
    await a.getByTestId('private-copy-link').click();
    await expect.poll(text(a.getByTestId('private-copy-status')), until).toBe('已复制');
    const link = await a.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${new URL(suite.url).origin}/#key=${fresh}`);

    const b = await openPage(PHONE, `/#key=${fresh}`);
    // The key is in the field, the disclosure open, and the address bar no longer carries the key.
    await expect.poll(() => b.getByTestId('private-key-input').inputValue(), until).toBe(fresh);
    expect(await b.getByTestId('private-rooms').evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    expect(await b.getByTestId('private-from-link').textContent()).toContain('用密钥加入');
    expect(new URL(b.url()).hash).toBe('');
    // Nothing joined by itself.
    expect(await b.getByTestId('start-screen').isVisible()).toBe(true);
    await b.getByTestId('join-private-btn').click();
    expect(await b.getByTestId('private-from-link').isHidden()).toBe(true);
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));

    // A link pasted into a tab already open (only the fragment changes: no reload) fills the field too.
    const c = await openPage(DESKTOP);
    await c.evaluate(() => (location.hash = '#key=ABCD-EFGH-JKMN-PQRS'));
    await expect.poll(() => c.getByTestId('private-key-input').inputValue(), until).toBe('ABCD-EFGH-JKMN-PQRS');
  });

  it('a toast on a phone goes under the chat header, not over Report and Block (a tap there only closed it)', { timeout: 60_000 }, async () => {
    const a = await openPage(PHONE);
    const b = await openPage(DESKTOP);
    await matchPages(a, b);
    // Sending nothing: a toast says so.
    await a.getByTestId('send-btn').evaluate((el) => (el as HTMLButtonElement).form?.requestSubmit());
    const toast = a.getByTestId('toast');
    await visible(toast);
    const header = (await a.locator('.chat-header').boundingBox())!;
    expect((await toast.boundingBox())!.y).toBeGreaterThanOrEqual(header.y + header.height);
    // Report is tapped, not the toast.
    await a.getByTestId('report-btn').tap();
    await visible(a.getByTestId('report-dialog'));
  });

  it('the key field shows its example key whole (English, desktop)', { timeout: 30_000 }, async () => {
    const context = await suite.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    await page.getByTestId('private-rooms-summary').click();
    const field = page.getByTestId('private-key-input');
    const fits = await field.evaluate((el) => {
      const input = el as HTMLInputElement;
      const style = getComputedStyle(input);
      const measure = document.createElement('canvas').getContext('2d')!;
      measure.font = `${style.fontSize} ${style.fontFamily}`;
      const letters = input.placeholder.length * parseFloat(style.letterSpacing || '0');
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { placeholder: input.placeholder, text: measure.measureText(input.placeholder).width + letters, room };
    });
    expect(fits.placeholder).toBe('e.g. ABCD-EFGH-JKMN-PQRS');
    expect(fits.text).toBeLessThanOrEqual(fits.room);
  });

  it('online count says it counts the reader', { timeout: 60_000 }, async () => {
    const a = await openPage();
    await expect.poll(text(a.getByTestId('online-count')), until).toMatch(/^\d+ 人在线（含你）$/);
  });

  it('a newcomer told a figure from before it connected reads it again within seconds, not 10 s later', { timeout: 60_000 }, async () => {
    const a = await openPage();
    await expect.poll(text(a.getByTestId('online-count')), until).toMatch(/^\d+ 人在线（含你）$/);
    // B's first answer is what the server's 1.5 s cache held before B connected: A alone.
    const context = await suite.newContext(DESKTOP);
    let answers = 0;
    await context.route('**/api/online', (route) =>
      answers++ === 0 ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ online: 1, waiting: 0 }) }) : route.continue(),
    );
    const b = await context.newPage();
    await b.goto(suite.url);
    const online = b.getByTestId('online-count');
    await expect.poll(text(online), until).toBe('1 人在线（含你）');
    const shownAt = Date.now();
    await expect.poll(text(online), { ...until, timeout: 6_000 }).toMatch(/^([2-9]|\d\d+) 人在线（含你）$/);
    expect(Date.now() - shownAt).toBeLessThan(6_000);
  });
});

describe.skipIf(skip)('the rules gate says why starting is disabled', () => {
  const suite = browserSuite({ config: { rules: { enabled: true, minAge: 18, file: undefined } } });

  it('Start and the private buttons are described by "tick the rules first" until the box is ticked', { timeout: 60_000 }, async () => {
    const context = await suite.newContext({ ...DESKTOP, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(suite.url);
    await myId(page);
    const start = page.getByTestId('start-btn');
    const hint = page.getByTestId('start-rules-first');
    await visible(hint);
    expect(await hint.textContent()).toBe('Read the rules above and tick the box to start.');
    expect(await start.isDisabled()).toBe(true);
    expect(await start.getAttribute('aria-describedby')).toBe('start-rules-first');
    await page.getByTestId('private-rooms-summary').click();
    await visible(page.getByTestId('private-rules-first'));
    expect(await page.getByTestId('create-private-btn').getAttribute('aria-describedby')).toBe('private-rules-first');

    await acceptRules(page);
    await expect.poll(() => start.isEnabled(), until).toBe(true);
    expect(await hint.isHidden()).toBe(true);
    expect(await page.getByTestId('private-rules-first').isHidden()).toBe(true);
    expect(await start.getAttribute('aria-describedby')).toBeNull();
    expect(await page.getByTestId('join-private-btn').getAttribute('aria-describedby')).toBeNull();
  });
});
