/**
 * The chat page's layout where space is short, in a real Chromium against the real server: the newest
 * message stays in view when the list gets shorter without a message coming (the input grows with
 * Shift+Enter lines, the typing indicator shows), and on a 320 px phone in English nothing sticks out
 * sideways — the chat header on the "Really?" step and the chat-ended bar with all its buttons — and the
 * Next button stays on screen. From 320 px up, in both languages, connected or reconnecting, the header
 * never pushes the page sideways on the start, waiting and chat screens (the ⚙ button whole on screen, the
 * name on two lines rather than cut mid-word);
 * the chat's title is shown whole beside the header's buttons (they wrap below); on a laptop's window
 * (1280 × 720 and up) and on phones, a first visit's age box and Start are reached by scrolling the page
 * itself. The partner is a raw Socket.IO client. Needs Debian's Chromium at /usr/bin/chromium: skipped
 * with a visible line without it, except under CI.
 */
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { DEFAULT_RULES, rulesText } from '../../src/door/rules.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest } from '../helpers/chat-page.js';
import { connect, request, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('chat page layout browser tests');

/** Long enough for socket.io-client's reconnection back-off (up to 5 s) after the connection is back. */
const WAIT_MS = 15_000;
const { until, visible, myId, messageTexts, acceptRules } = chatPageDriver(WAIT_MS);

/** Phone widths (and a few more) where the English header used to run off screen: 381–459 px and around. */
const WIDTHS = [320, 340, 360, 375, 381, 390, 400, 411, 414, 420, 421, 430, 445, 459, 480, 560, 600, 768, 1024];

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
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  async function openPage(width: number, height: number): Promise<Page> {
    const page = await tracked.newPage({ viewport: { width, height }, locale: 'en-US' });
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  const chatWithRawClient = async (page: Page): Promise<TestSocket> => (await tracked.partnerOf(page)).partner;

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
    // The buttons stay one row, on the name's line or under it: Leave is never wrapped alone under the others
    // (it was from 320 to about 450 px in English).
    const buttonTops = () =>
      page.evaluate(() =>
        ['report-btn', 'block-btn', 'keep-btn', 'save-btn', 'leave-btn'].map((id) => Math.round(document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().top)),
      );
    for (const width of [320, 360, 390, 414, 480]) {
      await page.setViewportSize({ width, height: 640 });
      const tops = await buttonTops();
      expect(new Set(tops).size, `${width} px: button tops ${tops.join(', ')}`).toBe(1);
      expect(await overflowing(page), `${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 320, height: 640 });
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

  /** A page whose WebSocket passes through the test, which can cut it (the header says "Reconnecting…") and let it back. */
  async function openRouted(locale: string): Promise<{ page: Page; cut(): Promise<void>; reconnect(): Promise<void> }> {
    const page = await tracked.newPage({ viewport: { width: 390, height: 700 }, locale });
    let route: { toPage: WebSocketRoute; toServer: WebSocketRoute } | undefined;
    let offline = false;
    await page.routeWebSocket(/\/socket\.io\//, (toPage) => {
      if (offline) return void toPage.close();
      route = { toPage, toServer: toPage.connectToServer() };
    });
    await page.goto(suite.url);
    await myId(page);
    const state = () => page.getByTestId('connection-status').getAttribute('data-state');
    return {
      page,
      async cut() {
        offline = true;
        void route?.toServer.close();
        void route?.toPage.close();
        await expect.poll(state, until).toBe('reconnecting');
      },
      async reconnect() {
        offline = false;
        // Back online, as a phone leaving a tunnel: the page tries now, not at its next backoff step.
        await page.evaluate(() => window.dispatchEvent(new Event('online')));
        await expect.poll(state, until).toBe('connected');
      },
    };
  }

  /**
   * At every width of WIDTHS: what sticks out sideways of the header and the screen shown (by test id or
   * class), whether the page scrolls sideways, and whether the ⚙ button is whole on screen.
   */
  async function sidewaysAtEveryWidth(page: Page): Promise<string[]> {
    const found: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 700 });
      const out = await page.evaluate(() => {
        const viewport = document.documentElement.clientWidth;
        const out: string[] = [];
        for (const el of document.querySelectorAll<HTMLElement>('.topbar, .topbar *, .screen:not([hidden]) *')) {
          if (el.closest('details:not([open]) > :not(summary)')) continue; // a closed disclosure's content is not drawn
          const box = el.getBoundingClientRect();
          if (box.width <= 1 && box.height <= 1) continue; // not drawn, or visually hidden
          if (box.left < -0.5 || box.right > viewport + 0.5) out.push(el.dataset['testid'] ?? el.className);
        }
        const settings = document.querySelector('[data-testid="settings-btn"]')!.getBoundingClientRect();
        if (settings.right > viewport + 0.5) out.push(`⚙ cut at ${Math.round(settings.right - viewport)} px`);
        // The name may take two lines, but no word of it is cut in two ("Anonymou / s Chat").
        const brand = document.querySelector<HTMLElement>('.brand')!;
        const measure = document.createElement('canvas').getContext('2d')!;
        measure.font = getComputedStyle(brand).font;
        const longestWord = Math.max(...(brand.textContent ?? '').split(' ').map((word) => measure.measureText(word).width));
        if (brand.getBoundingClientRect().width + 0.5 < longestWord) out.push('the name cut mid-word');
        if (document.documentElement.scrollWidth > viewport) out.push(`the page scrolls sideways by ${document.documentElement.scrollWidth - viewport} px`);
        return out;
      });
      for (const what of new Set(out)) found.push(`${width} px: ${what}`);
    }
    await page.setViewportSize({ width: 390, height: 700 });
    return found;
  }

  for (const locale of ['en-US', 'zh-CN']) {
    it(`from 320 px up (${locale}), connected or reconnecting, nothing pushes the page sideways on the start, waiting and chat screens`, { timeout: 180_000 }, async () => {
      const a = await openRouted(locale);
      const check = async (screen: string): Promise<void> => {
        expect(await sidewaysAtEveryWidth(a.page), `${screen}, connected`).toEqual([]);
        await a.cut();
        expect(await sidewaysAtEveryWidth(a.page), `${screen}, reconnecting`).toEqual([]);
        await a.reconnect();
      };
      await check('start');
      await a.page.getByTestId('start-btn').click();
      await visible(a.page.getByTestId('waiting-screen'));
      await check('waiting');
      // The wait resumed after the reconnection: a raw client joins it.
      await visible(a.page.getByTestId('waiting-screen'));
      const { socket } = await connect(suite.url);
      tracked.track(socket);
      expect(await request(socket, 'join_queue')).toMatchObject({ ok: true, status: 'matched' });
      await visible(a.page.getByTestId('chat-screen'));
      await visible(a.page.getByTestId('report-btn'));
      await check('chat');
    });
  }

  /** The chat title's box and text width, and the header buttons shown that overlap it. */
  const titleShown = (page: Page) =>
    page.evaluate(() => {
      const title = document.querySelector<HTMLElement>('.chat-title')!;
      const box = title.getBoundingClientRect();
      const covering: string[] = [];
      for (const button of document.querySelectorAll<HTMLElement>('.chat-header .btn')) {
        const b = button.getBoundingClientRect();
        if (b.width === 0) continue;
        if (b.left < box.right - 0.5 && b.right > box.left + 0.5 && b.top < box.bottom - 0.5 && b.bottom > box.top + 0.5) covering.push(button.dataset['testid'] ?? '');
      }
      return { whole: title.scrollWidth <= title.clientWidth, width: Math.round(box.width), covering };
    });

  it('the chat’s title is shown whole beside Report, Block, Keep in touch, Save and Next (they wrap below), on “Really?” too', { timeout: 90_000 }, async () => {
    for (const locale of ['en-US', 'zh-CN']) {
      const page = await tracked.newPage({ viewport: { width: 390, height: 844 }, locale });
      await page.goto(suite.url);
      await myId(page);
      await chatWithRawClient(page);
      await visible(page.getByTestId('report-btn'));
      await visible(page.getByTestId('keep-btn'));
      const next = page.getByTestId('leave-btn');
      for (const step of ['leave', 'confirm']) {
        if (step === 'confirm') await next.click();
        await expect.poll(() => next.getAttribute('data-step'), until).toBe(step);
        for (const width of [320, 360, 375, 390, 411, 430, 560, 760]) {
          await page.setViewportSize({ width, height: 844 });
          const shown = await titleShown(page);
          expect(shown, `${locale}, ${width} px, ${step}`).toMatchObject({ whole: true, covering: [] });
          expect(shown.width, `${locale}, ${width} px, ${step}`).toBeGreaterThanOrEqual(40);
          expect(await nextOnScreen(page), `${locale}, ${width} px, ${step}`).toBe(true);
        }
      }
    }
  });
});

describe.skipIf(skip)('chat page layout on a first visit, with the rules to accept', () => {
  const suite = browserSuite({ config: { rules: { ...defaultConfig().rules, enabled: true } } });
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  /** Where the age box and Start are against the window, and whether the start screen scrolls on its own. */
  const startReach = (page: Page) =>
    page.evaluate(() => {
      const inView = (id: string): boolean => {
        const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
        const box = el.getBoundingClientRect();
        if (box.top < 0 || box.bottom > window.innerHeight || box.left < 0 || box.right > window.innerWidth) return false;
        // Drawn there, not clipped by the card: what is at its centre is it.
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit !== null && (hit === el || el.contains(hit) || hit.contains(el));
      };
      const screen = document.querySelector<HTMLElement>('[data-testid="start-screen"]')!;
      return { box: inView('rules-checkbox'), start: inView('start-btn'), screenScrollsAlone: screen.scrollHeight > screen.clientHeight + 1 };
    });

  const SIZES = [
    { width: 1366, height: 768 },
    { width: 1280, height: 800 },
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
    { width: 390, height: 844 },
    { width: 320, height: 568 },
  ];

  for (const locale of ['en-US', 'zh-CN']) {
    it(`the age box and Start are on screen, or reached by scrolling the page itself (${locale}: laptops and phones)`, { timeout: 120_000 }, async () => {
      for (const viewport of SIZES) {
        const page = await tracked.newPage({ viewport, locale });
        await page.goto(suite.url);
        await myId(page);
        await visible(page.getByTestId('rules-checkbox'));
        await expect.poll(() => page.getByTestId('rules-text').textContent(), until).toBe(rulesText(DEFAULT_RULES, locale === 'en-US' ? 'en' : 'zh-CN', 18));
        const where = `${locale}, ${viewport.width} × ${viewport.height}`;
        expect((await startReach(page)).screenScrollsAlone, where).toBe(false);
        if (!(await startReach(page)).start) {
          // The wheel anywhere on the page (on a laptop: beside the card) scrolls the page down to them.
          await page.mouse.move(8, viewport.height / 2);
          await page.mouse.wheel(0, 3_000);
          await expect.poll(() => page.evaluate(() => window.scrollY), until).toBeGreaterThan(0);
        }
        expect(await startReach(page), where).toEqual({ box: true, start: true, screenScrollsAlone: false });
        await acceptRules(page);
        await page.getByTestId('start-btn').click();
        await visible(page.getByTestId('waiting-screen'));
        // The waiting screen fits the window again: nothing left scrolled.
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight), until).toBe(true);
        await page.context().close();
      }
    });
  }
});
