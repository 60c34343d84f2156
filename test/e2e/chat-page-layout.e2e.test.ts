/**
 * The chat page's layout where space is short, in a real Chromium against the real server: the newest
 * message stays in view when the list gets shorter without a message coming (the input grows with
 * Shift+Enter lines, the typing indicator shows), and on a 320 px phone in English nothing sticks out
 * sideways — the chat header on the "Really?" step and the chat-ended bar with all its buttons — and the
 * Next button stays on screen. The partner is a raw Socket.IO client. Needs Debian's Chromium at
 * /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, chatWithRawClient as partnerOf } from '../helpers/chat-page.js';
import { request, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('chat page layout browser tests');

const WAIT_MS = 10_000;
const { until, visible, myId, messageTexts } = chatPageDriver(WAIT_MS);

/** Where the newest message stands against the message list's rectangle (px, in the viewport). */
const lastMessageInList = (page: Page) => () =>
  page.evaluate(() => {
    const list = document.querySelector<HTMLElement>('[data-testid="message-list"]')!.getBoundingClientRect();
    const items = document.querySelectorAll<HTMLElement>('[data-testid="message"]');
    const last = items[items.length - 1]!.getBoundingClientRect();
    return { inside: last.top >= list.top - 1 && last.bottom <= list.bottom + 1, lastBottom: Math.round(last.bottom), listBottom: Math.round(list.bottom) };
  });

/** What on the chat screen is shown outside the viewport sideways (named by test id or class), and whether the page scrolls sideways. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="chat-screen"] *')) {
      const box = el.getBoundingClientRect();
      // Not drawn, or drawn as one pixel for screen readers only (visually-hidden, margin -1px).
      if (box.width <= 1 && box.height <= 1) continue;
      if (box.left < -0.5 || box.right > width + 0.5) out.push(el.dataset['testid'] ?? el.className);
    }
    if (document.documentElement.scrollWidth > width) out.push('the page scrolls sideways');
    return out;
  });

/** Whether the whole Next button is inside the viewport. */
const nextOnScreen = (page: Page) =>
  page.getByTestId('leave-btn').evaluate((button) => {
    const box = button.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight;
  });

describe.skipIf(skip)('chat page layout', () => {
  const suite = browserSuite({ config: {} });
  const sockets: TestSocket[] = [];
  const opened: Page[] = [];
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.context().close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function openPage(width: number, height: number): Promise<Page> {
    const context = await suite.newContext({ viewport: { width, height }, locale: 'en-US' });
    const page = await context.newPage();
    opened.push(page);
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  const chatWithRawClient = async (page: Page): Promise<TestSocket> => (await partnerOf(page, suite.url, WAIT_MS, (socket) => sockets.push(socket))).partner;

  it('the newest message stays in view when the input grows with Shift+Enter lines and the typing indicator shows', { timeout: 60_000 }, async () => {
    const page = await openPage(390, 640);
    const partner = await chatWithRawClient(page);
    // More than one screen of messages.
    for (let i = 1; i <= 24; i++) expect(await request(partner, 'send_message', { content: `message ${i}` })).toMatchObject({ ok: true });
    await expect.poll(() => messageTexts(page, false).count(), until).toBe(24);
    expect(await page.getByTestId('message-list').evaluate((list) => list.scrollHeight > list.clientHeight * 1.5)).toBe(true);
    await expect.poll(lastMessageInList(page), until).toMatchObject({ inside: true });

    // Several lines typed: the input grows, the list gets shorter — the newest message stays inside it.
    const input = page.getByTestId('message-input');
    const before = await input.evaluate((el) => el.getBoundingClientRect().height);
    await input.focus();
    for (const line of ['one', 'two', 'three', 'four', 'five']) {
      await page.keyboard.type(line);
      await page.keyboard.press('Shift+Enter');
    }
    expect(await input.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(before + 40);
    await expect.poll(lastMessageInList(page), until).toMatchObject({ inside: true });

    // The partner types: the indicator takes its line under the list, and the newest message stays in view.
    partner.emit('typing', { typing: true });
    await visible(page.getByTestId('typing-indicator'));
    await expect.poll(lastMessageInList(page), until).toMatchObject({ inside: true });
  });

  it('on a 320 px phone in English nothing sticks out sideways and Next stays on screen: the “Really?” step and the chat-ended bar', { timeout: 60_000 }, async () => {
    const page = await openPage(320, 640);
    const partner = await chatWithRawClient(page);
    const next = page.getByTestId('leave-btn');
    await visible(page.getByTestId('report-btn'));
    await visible(page.getByTestId('keep-btn'));
    await next.click();
    await expect.poll(() => next.textContent(), until).toBe('Really?');
    expect(await overflowing(page)).toEqual([]);
    expect(await nextOnScreen(page)).toBe(true);

    // The partner leaves: the ended bar with every button it has.
    expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
    await visible(page.getByTestId('chat-ended'));
    await visible(page.getByTestId('ended-keep-btn'));
    await visible(page.getByTestId('ended-report-btn'));
    await expect.poll(() => next.textContent(), until).toBe('New chat');
    expect(await overflowing(page)).toEqual([]);
    expect(await nextOnScreen(page)).toBe(true);
  });
});
