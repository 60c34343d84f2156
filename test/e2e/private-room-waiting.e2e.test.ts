/**
 * A private room as its two new users meet it, in real Chromium pages against the real server. Someone who
 * enters a key the creator has stopped waiting with (cancelled, or closed the tab) is told the chat starts
 * when the other person enters the same key, that the room stays (with the key and Copy, so they still have
 * it after cancelling), and after 30 s without them — the page's clock moved on — one status line that the
 * other may have left: in Chinese and in English. After a private room's chat ends, the ended bar shows the
 * room's key again with 再次进入这个房间, which takes each back into the room, where they meet with their
 * earlier messages; a chance chat's ended bar has none of it. Needs Debian's Chromium at /usr/bin/chromium:
 * skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest, send, settleAnimations } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('private room waiting browser tests');

const WAIT_MS = 10_000;
const KEY = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

/** The narrowest phone the page is made for. */
const NARROW: BrowserContextOptions = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

const LEAD_ZH = '对方输入同一个密钥后，聊天就会开始。房间会一直保留：你也可以先取消，以后用同一个密钥再来。';
const LEAD_EN = 'The chat starts when the other person enters the same key. The room stays: you can cancel now and come back later with the same key.';
const LATE_ZH = '对方还没有进来，可能已经离开了。你可以继续等待，也可以先取消，稍后用同一个密钥再试。';
const LATE_EN = "The other person hasn't come in yet and may have left. You can keep waiting, or cancel and try again later with the same key.";
const AGAIN_LEAD_ZH = '这个私密房间还在：你们两人再次输入这个密钥，就能重新相聚，并看到之前的聊天。';

const shot = (page: Page, name: string) => page.screenshot({ path: resolve(screenshotDir, name) });
const earlierTexts = (page: Page) => page.locator('[data-testid="earlier-message"] [data-testid="message-text"]').allTextContents();
/** Nothing on the page wider than its window (no sideways scrolling at 320 px). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Opens the start screen's private rooms and enters a key. */
async function joinWithKey(page: Page, key: string): Promise<void> {
  const section = page.getByTestId('private-rooms');
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open))) await page.getByTestId('private-rooms-summary').click();
  await page.getByTestId('private-key-input').fill(key);
  await page.getByTestId('join-private-btn').click();
}

/** Creates a private room and returns its key (the creator waits in it). */
async function createRoom(page: Page): Promise<string> {
  await page.getByTestId('private-rooms-summary').click();
  await page.getByTestId('create-private-btn').click();
  await visible(page.getByTestId('private-created'));
  const key = (await page.getByTestId('private-key').textContent()) ?? '';
  expect(key).toMatch(KEY);
  return key;
}

describe.skipIf(skip)('a private room for its new users, in a browser', () => {
  // A heartbeat slower than the page's one 30 s jump of its fake clock: with the default 15 s + 10 s that jump
  // would expire the page's ping timeout, and the page would link again meanwhile.
  const suite = browserSuite({ config: { pingIntervalMs: 60_000 } });
  const pages = closedAfterEachTest(suite, WAIT_MS);

  /** A page of a new browser (a new identity); with `fakeClock`, the test can move the page's time on. */
  async function openPage(options: BrowserContextOptions = {}, fakeClock = false): Promise<Page> {
    const page = await pages.newPage({ bypassCSP: true, ...options });
    if (fakeClock) await page.context().clock.install();
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  it('someone who enters a key nobody waits at is told the room stays, keeps the key, and after a while that the other may have left', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(NARROW, true);
    await b.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.url });

    // A creates a room and stops waiting (Escape): the room stays. The creator's own wait has no such hint.
    const key = await createRoom(a);
    expect(await a.getByTestId('private-entered').isHidden()).toBe(true);
    await a.keyboard.press('Escape');
    await visible(a.getByTestId('start-screen'));

    // B opens it: the title, then what happens and that the room stays, with the key entered and Copy.
    await joinWithKey(b, key);
    await visible(b.getByTestId('private-entered'));
    expect(await b.getByTestId('private-wait-title').textContent()).toBe('正在等待对方进入房间…');
    expect(await b.getByTestId('private-entered-lead').textContent()).toBe(LEAD_ZH);
    expect(await b.getByTestId('private-entered-key').textContent()).toBe(key);
    const late = b.getByTestId('private-late');
    expect(await late.getAttribute('role')).toBe('status');
    expect(await late.textContent()).toBe('');
    await b.getByTestId('private-entered-copy').click();
    await expect.poll(text(b.getByTestId('private-entered-copy-status')), until).toBe('已复制');
    expect(await b.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect(await b.getByTestId('private-entered-copy').getAttribute('aria-label')).toBe(`复制密钥 ${key}`);
    expect(await overflow(b)).toBeLessThanOrEqual(0);

    // Nobody comes for a while: one polite line says the other may have left, and what can be done.
    await b.clock.runFor(29_000);
    expect(await late.textContent()).toBe('');
    await b.clock.runFor(1_500);
    await expect.poll(text(late), until).toBe(LATE_ZH);
    await visible(b.getByTestId('waiting-screen'));
    expect(await overflow(b)).toBeLessThanOrEqual(0);
    await settleAnimations(b);
    await shot(b, 'private-entered-late-320.png');
    await expectNoSeriousViolations(b, 'waiting in a private room entered by key, the other late');

    // In English, the same.
    await b.getByTestId('lang-switch').selectOption('en');
    expect(await b.getByTestId('private-wait-title').textContent()).toBe('Waiting for the other person to enter the room…');
    expect(await b.getByTestId('private-entered-lead').textContent()).toBe(LEAD_EN);
    expect(await late.textContent()).toBe(LATE_EN);
    expect(await b.getByTestId('private-entered-copy').getAttribute('aria-label')).toBe(`Copy the key ${key}`);
    expect(await overflow(b)).toBeLessThanOrEqual(0);

    // B cancels: the key waits in "join with a key"; entered again, the wait starts afresh (no late line yet).
    await b.getByTestId('cancel-btn').click();
    await visible(b.getByTestId('start-screen'));
    expect(await b.getByTestId('private-key-input').inputValue()).toBe(key);
    await b.getByTestId('join-private-btn').click();
    await visible(b.getByTestId('private-entered'));
    expect(await late.textContent()).toBe('');
    // A comes back with the key: they meet, and the hint is gone with the wait.
    await joinWithKey(a, key);
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await b.clock.runFor(31_000);
    expect(await late.textContent()).toBe('');
  });

  it('after a private room chat ends, both see its key and meet again with the earlier messages by entering the room again', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(NARROW);

    const key = await createRoom(a);
    await joinWithKey(b, key);
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    // Nothing of it while the chat goes on.
    expect(await a.getByTestId('private-again').isHidden()).toBe(true);
    await send(a, '第一次见面');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['第一次见面']);

    // B leaves: both ended bars show the room's key, with Copy and 再次进入这个房间.
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    for (const page of [a, b]) {
      await visible(page.getByTestId('private-again'));
      expect(await page.getByTestId('private-again-key').textContent()).toBe(key);
      expect(await page.getByTestId('private-again-lead').textContent()).toBe(AGAIN_LEAD_ZH);
      expect(await page.getByTestId('private-again-btn').textContent()).toBe('再次进入这个房间');
      expect(await page.getByTestId('private-again-copy').isVisible()).toBe(true);
    }
    expect(await overflow(b)).toBeLessThanOrEqual(0);
    await settleAnimations(b);
    await shot(b, 'private-again-320.png');
    await b.getByTestId('lang-switch').selectOption('en');
    expect(await b.getByTestId('private-again-btn').textContent()).toBe('Enter this room again');
    expect(await b.getByTestId('private-again-copy').getAttribute('aria-label')).toBe(`Copy the key ${key}`);
    expect(await overflow(b)).toBeLessThanOrEqual(0);
    await shot(b, 'private-again-320-en.png');
    await settleAnimations(a);
    await shot(a, 'private-again-desktop.png');
    await expectNoSeriousViolations(a, 'private room chat ended, its key on the ended bar');

    // A reload on the ended screen keeps it (the key is kept for the tab).
    await a.reload();
    await visible(a.getByTestId('private-again'));
    expect(await a.getByTestId('private-again-key').textContent()).toBe(key);
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await a.getByTestId('private-again-btn').textContent()).toBe('Enter this room again');
    expect(await a.getByTestId('private-again-lead').textContent()).toBe(
      'This private room stays: when you both enter this key again, you meet again with your earlier messages.',
    );

    // A, the creator, enters again from the keyboard: a wait in the room, shown like any entered by its key.
    await a.getByTestId('private-again-btn').focus();
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('private-entered'));
    expect(await a.getByTestId('private-entered-key').textContent()).toBe(key);
    // B enters again too: they meet, with the earlier conversation above.
    await b.getByTestId('private-again-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await visible(b.getByTestId('chat-screen'));
    await expect.poll(() => earlierTexts(a), until).toEqual(['第一次见面']);
    await expect.poll(() => earlierTexts(b), until).toEqual(['第一次见面']);
    await send(b, '又见面了');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['又见面了']);
  });

  it('a private room chat ended by a block offers the blocker no way back into the closed room, and tells the other nothing', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(NARROW);
    const key = await createRoom(a);
    await joinWithKey(b, key);
    await visible(a.getByTestId('chat-screen'));
    await a.getByTestId('block-btn').click();
    await visible(a.getByTestId('block-dialog'));
    await a.getByTestId('block-confirm').click();
    await visible(a.getByTestId('chat-ended'));
    await visible(b.getByTestId('chat-ended'));
    // The other is told nothing of the block: their bar is the same as after any leave.
    await visible(b.getByTestId('private-again'));
    expect(await b.getByTestId('private-again-key').textContent()).toBe(key);
    expect(await a.getByTestId('private-again').count()).toBe(1);
    expect(await a.getByTestId('private-again').isHidden()).toBe(true);
    // The blocker's tab keeps no key to the closed room; the other's goes once they leave the ended screen.
    const keptKey = (page: typeof a) => page.evaluate(() => sessionStorage.getItem('private-chat-key'));
    expect(await keptKey(a)).toBeNull();
    expect(await keptKey(b)).not.toBeNull();
    await b.getByTestId('home-btn').click();
    await visible(b.getByTestId('start-screen'));
    expect(await keptKey(b)).toBeNull();
  });

  it('a chance chat that ends shows no room key and no way back into a room', { timeout: 120_000 }, async () => {
    const a = await openPage(DESKTOP);
    const b = await openPage(NARROW);

    // A private chat first: its ended bar offers the room…
    const key = await createRoom(a);
    await joinWithKey(b, key);
    await visible(b.getByTestId('chat-screen'));
    await leaveChat(b);
    await visible(a.getByTestId('private-again'));

    // …then a chance chat between the same two: its ended bar offers nothing of the kind.
    await a.getByTestId('home-btn').click();
    await b.getByTestId('home-btn').click();
    await visible(a.getByTestId('start-screen'));
    await visible(b.getByTestId('start-screen'));
    await matchPages(a, b);
    await leaveChat(a);
    await visible(b.getByTestId('chat-ended'));
    for (const page of [a, b]) {
      await expect.poll(() => page.getByTestId('private-again').count(), until).toBe(1);
      expect(await page.getByTestId('private-again').isHidden()).toBe(true);
      expect(await page.getByTestId('chat-ended').innerText()).not.toContain(key);
    }
    // A wait in the queue has no key hint either.
    await a.getByTestId('new-chat-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    expect(await a.getByTestId('private-entered').count()).toBe(1);
    expect(await a.getByTestId('private-entered').isHidden()).toBe(true);
  });
});
