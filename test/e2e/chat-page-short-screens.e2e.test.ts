/**
 * The chat page on short and narrow screens, in a real Chromium against the real server, in Chinese and in
 * English: a phone in landscape (844 × 390) and a small phone (320 × 568). With the contact key's banner
 * and the crisis card shown, the conversation keeps a usable height, during the chat and after it ended, and
 * every control of the ended bar is on screen or reached by scrolling something that scrolls (the body does
 * not); the waiting screen's spinner and Cancel are never drawn above its top or cut off; a short screen gets
 * the phone layout (no desktop card, the compact ended bar); a long interest stays inside the screen with its
 * ×; placeholders keep 4.5:1 in light and dark; the contact key is never broken across lines. Boxes are
 * measured; screenshots go to test-results/short-*.png. The partner is a raw Socket.IO client. Needs Debian's
 * Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, closedAfterEachTest } from '../helpers/chat-page.js';
import { request } from '../helpers/client.js';

const skip = skipWithoutChromium('chat page on short screens');

const WAIT_MS = 10_000;
const { until, visible, myId, messageTexts } = chatPageDriver(WAIT_MS);

const LANDSCAPE = { width: 844, height: 390 } as const;
const SMALL = { width: 320, height: 568 } as const;
/** Room for the conversation: at least this many px of the message log (three short bubbles). */
const MIN_LOG_PX = 120;
const LOCALES = ['zh-CN', 'en-US'] as const;

/** The message log's height (px). */
const logHeight = (page: Page) => page.evaluate(() => Math.round(document.querySelector('.message-log')!.getBoundingClientRect().height));

/**
 * Whether the element (by test id) can be brought on screen by the person: it is scrolled into view, and
 * then it must be inside the viewport, drawn there (what is at its centre is it), and every box scrolled to
 * get there must be one that scrolls for the person (overflow auto or scroll) — a script can scroll a body
 * with overflow hidden, a finger cannot. Returns what is wrong, or '' when reachable.
 */
const unreachable = (page: Page, testId: string) =>
  page.evaluate((testId) => {
    // The receipt's parts are in the ended bar's receipt (the start screen has another one, hidden).
    const within = testId.startsWith('receipt-') ? '[data-testid="ended-receipt"] ' : '';
    const el = document.querySelector<HTMLElement>(`${within}[data-testid="${testId}"]`);
    if (!el) return `${testId}: missing`;
    const scrolled = new Map<Element, number>();
    for (let box: Element | null = el.parentElement; box; box = box.parentElement) scrolled.set(box, box.scrollTop);
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const problems: string[] = [];
    for (const [box, before] of scrolled) {
      if (box.scrollTop === before) continue;
      const overflow = getComputedStyle(box).overflowY;
      const scrollsForPeople = (overflow === 'auto' || overflow === 'scroll') && box !== document.body;
      const isRoot = box === document.documentElement && getComputedStyle(document.body).overflowY !== 'hidden' && overflow !== 'hidden';
      if (!scrollsForPeople && !isRoot) problems.push(`scrolled a box that does not scroll (${box.className || box.tagName})`);
    }
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) problems.push('not drawn');
    if (rect.top < -0.5 || rect.bottom > window.innerHeight + 0.5 || rect.left < -0.5 || rect.right > window.innerWidth + 0.5) {
      problems.push(`outside the screen (${Math.round(rect.left)},${Math.round(rect.top)}–${Math.round(rect.right)},${Math.round(rect.bottom)})`);
    }
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    if (!hit || !(hit === el || el.contains(hit))) problems.push(`covered by ${hit ? (hit as HTMLElement).className || hit.tagName : 'nothing'}`);
    return problems.length === 0 ? '' : `${testId}: ${problems.join(', ')}`;
  }, testId);

/** Scrolls every box back to its top (the screen as it first shows). */
const scrollAllToTop = (page: Page) =>
  page.evaluate(() => {
    for (const box of document.querySelectorAll('*')) if (box.scrollTop > 0 && !box.classList.contains('messages')) box.scrollTop = 0;
  });

/** The lines the element's text is laid out on (by their tops). */
const lines = (page: Page, testId: string) =>
  page.evaluate((testId) => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(`[data-testid="${testId}"]`)!);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  }, testId);

/** Whether the page scrolls sideways. */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe.skipIf(skip)('the chat page on short screens', () => {
  const suite = browserSuite({ config: {} });
  const tracked = closedAfterEachTest(suite, WAIT_MS);

  async function openPage(locale: string, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await tracked.newPage({ viewport, locale, colorScheme, bypassCSP: true });
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  for (const locale of LOCALES) {
    it(`with the contact key and the crisis card (${locale}), the conversation keeps its room and the ended bar is reachable, at 844 × 390 and 320 × 568`, { timeout: 120_000 }, async () => {
      const page = await openPage(locale, SMALL);
      const { partner } = await tracked.partnerOf(page);
      for (const content of ['你好', 'hello there', '再见啦', 'bye for now']) expect(await request(partner, 'send_message', { content })).toMatchObject({ ok: true });
      await expect.poll(() => messageTexts(page, false).count(), until).toBe(4);
      // Both keep in touch: the banner with the key.
      await visible(page.getByTestId('keep-btn'));
      await page.getByTestId('keep-btn').click();
      expect(await request(partner, 'keep_in_touch')).toMatchObject({ ok: true });
      await visible(page.getByTestId('contact-key-banner'));
      await expect.poll(() => page.getByTestId('contact-key').textContent(), until).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
      partner.emit('typing', { typing: true });
      await visible(page.getByTestId('typing-indicator'));

      const found: string[] = [];
      // The key whole on one line, on narrow phones.
      for (const width of [320, 340, 360, 375, 390]) {
        await page.setViewportSize({ width, height: 568 });
        if ((await lines(page, 'contact-key')) !== 1) found.push(`${width} px: the contact key is broken across lines`);
        const problem = await unreachable(page, 'contact-key');
        if (problem) found.push(`${width} px: ${problem}`);
        await scrollAllToTop(page);
      }
      for (const size of [LANDSCAPE, SMALL]) {
        await page.setViewportSize(size);
        const where = `${size.width} × ${size.height}, chatting with the contact key`;
        await page.screenshot({ path: resolve(screenshotDir, `short-chat-key-${size.width}x${size.height}-${locale}.png`) });
        const log = await logHeight(page);
        if (log < MIN_LOG_PX) found.push(`${where}: the messages get ${log} px`);
        for (const id of ['typing-indicator', 'message-input', 'send-btn', 'contact-dismiss', 'leave-btn']) {
          const problem = await unreachable(page, id);
          if (problem) found.push(`${where}: ${problem}`);
        }
        await scrollAllToTop(page);
        if (await sideways(page)) found.push(`${where}: the page scrolls sideways`);
      }

      // Words that bring the crisis card as well.
      await page.setViewportSize(SMALL);
      await page.getByTestId('message-input').fill(locale === 'zh-CN' ? '有时候我想死' : 'sometimes I want to die');
      await page.getByTestId('message-input').press('Enter');
      await visible(page.getByTestId('crisis-card'));
      for (const size of [SMALL, LANDSCAPE]) {
        await page.setViewportSize(size);
        const where = `${size.width} × ${size.height}, with the crisis card`;
        await page.screenshot({ path: resolve(screenshotDir, `short-chat-crisis-${size.width}x${size.height}-${locale}.png`) });
        const log = await logHeight(page);
        if (log < MIN_LOG_PX) found.push(`${where}: the messages get ${log} px`);
        for (const id of ['crisis-dismiss', 'message-input', 'send-btn']) {
          const problem = await unreachable(page, id);
          if (problem) found.push(`${where}: ${problem}`);
        }
        await scrollAllToTop(page);
      }

      // The partner leaves: the ended bar, every control of it reachable, the conversation still readable.
      expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
      await visible(page.getByTestId('chat-ended'));
      await visible(page.getByTestId('ended-receipt'));
      await visible(page.getByTestId('ended-report-btn'));
      for (const size of [LANDSCAPE, SMALL]) {
        await page.setViewportSize(size);
        const where = `${size.width} × ${size.height}, ended`;
        await scrollAllToTop(page);
        await page.screenshot({ path: resolve(screenshotDir, `short-ended-${size.width}x${size.height}-${locale}.png`) });
        const log = await logHeight(page);
        if (log < MIN_LOG_PX) found.push(`${where}: the messages get ${log} px`);
        for (const id of ['chat-ended-text', 'new-chat-btn', 'home-btn', 'ended-save-btn', 'ended-report-btn', 'ended-block-btn', 'receipt-code', 'receipt-copy', 'receipt-my-link']) {
          const problem = await unreachable(page, id);
          if (problem) found.push(`${where}: ${problem}`);
        }
        await page.screenshot({ path: resolve(screenshotDir, `short-ended-scrolled-${size.width}x${size.height}-${locale}.png`) });
        await scrollAllToTop(page);
      }

      // Back to the start, the key's banner still there: a private room's wait on a phone in landscape.
      await page.getByTestId('crisis-dismiss').click();
      await page.setViewportSize(LANDSCAPE);
      await scrollAllToTop(page);
      await page.getByTestId('home-btn').click();
      await visible(page.getByTestId('start-screen'));
      await page.getByTestId('private-rooms-summary').click();
      await page.getByTestId('create-private-btn').click();
      await visible(page.getByTestId('private-key'));
      await visible(page.getByTestId('contact-key-banner'));
      await scrollAllToTop(page);
      await page.screenshot({ path: resolve(screenshotDir, `short-private-wait-${locale}.png`) });
      const spinner = await page.evaluate(() => {
        const top = (selector: string) => document.querySelector(selector)!.getBoundingClientRect().top;
        return { spinner: Math.round(top('.waiting-screen .spinner')), screen: Math.round(top('.waiting-screen')) };
      });
      if (spinner.spinner < spinner.screen - 0.5) found.push(`private wait: the spinner is drawn ${spinner.screen - spinner.spinner} px above its screen (over the banner)`);
      for (const id of ['private-key', 'private-copy', 'cancel-btn']) {
        const problem = await unreachable(page, id);
        if (problem) found.push(`private wait: ${problem}`);
      }
      expect(found).toEqual([]);
    });
  }

  for (const locale of LOCALES) {
    it(`the waiting screen with three interests (${locale}, 844 × 390): the spinner under the header, Cancel reachable`, { timeout: 60_000 }, async () => {
      const page = await openPage(locale, LANDSCAPE);
      const field = page.getByTestId('interest-input');
      for (const interest of ['movies', 'basketball', 'music']) {
        await field.fill(interest);
        await field.press('Enter');
      }
      await expect.poll(() => page.getByTestId('interest-chip').count(), until).toBe(3);
      await page.getByTestId('start-btn').click();
      await visible(page.getByTestId('interest-wait'));
      await page.screenshot({ path: resolve(screenshotDir, `short-waiting-interests-${locale}.png`) });
      const where = await page.evaluate(() => ({
        spinner: Math.round(document.querySelector('.waiting-screen .spinner')!.getBoundingClientRect().top),
        header: Math.round(document.querySelector('.topbar')!.getBoundingClientRect().bottom),
      }));
      expect(where.spinner, 'the spinner starts under the header').toBeGreaterThanOrEqual(where.header);
      for (const id of ['interest-countdown', 'cancel-btn']) expect(await unreachable(page, id)).toBe('');
      // Phones in landscape get the phone's layout: no card around the page.
      expect(await page.evaluate(() => ({ padding: getComputedStyle(document.body).paddingTop, radius: getComputedStyle(document.querySelector('.app')!).borderTopLeftRadius }))).toEqual({ padding: '0px', radius: '0px' });
    });
  }

  for (const locale of LOCALES) {
    it(`a phone in landscape (${locale}, 844 × 390): once the chat ended, the compact bar leaves the conversation on screen, without scrolling`, { timeout: 60_000 }, async () => {
      const page = await openPage(locale, LANDSCAPE);
      const { partner } = await tracked.partnerOf(page);
      for (const content of ['你好', 'hello there', '再见啦']) expect(await request(partner, 'send_message', { content })).toMatchObject({ ok: true });
      await expect.poll(() => messageTexts(page, false).count(), until).toBe(3);
      expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
      await visible(page.getByTestId('chat-ended'));
      await visible(page.getByTestId('ended-receipt'));
      await page.screenshot({ path: resolve(screenshotDir, `short-ended-landscape-${locale}.png`) });
      const m = await page.evaluate(() => ({
        bodyPadding: getComputedStyle(document.body).paddingTop,
        composerShown: getComputedStyle(document.querySelector('[data-testid="composer"]')!).display !== 'none',
        barBottom: Math.round(document.querySelector('[data-testid="chat-ended"]')!.getBoundingClientRect().bottom),
        log: Math.round(document.querySelector('.message-log')!.getBoundingClientRect().height),
      }));
      expect(m, JSON.stringify(m)).toMatchObject({ bodyPadding: '0px', composerShown: false });
      expect(m.barBottom, JSON.stringify(m)).toBeLessThanOrEqual(LANDSCAPE.height);
      expect(m.log).toBeGreaterThanOrEqual(MIN_LOG_PX);
    });
  }

  for (const locale of LOCALES) {
    it(`a long unbroken interest stays inside a 320 px screen with its × (${locale}), on the start and waiting screens`, { timeout: 60_000 }, async () => {
      const page = await openPage(locale, SMALL);
      const field = page.getByTestId('interest-input');
      await field.fill('abcdefghijklmnopqrstuvwxyzabcdef');
      await field.press('Enter');
      await visible(page.getByTestId('interest-chip'));
      await page.screenshot({ path: resolve(screenshotDir, `short-long-interest-${locale}.png`) });
      const inside = (selector: string) =>
        page.evaluate((selector) => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll<HTMLElement>(selector)].filter((el) => el.getBoundingClientRect().width > 0).map((el) => {
            const box = el.getBoundingClientRect();
            return { left: box.left >= -0.5, right: box.right <= width + 0.5 };
          });
        }, selector);
      expect(await inside('[data-testid="interest-chip"], [data-testid="interest-remove"]')).toEqual([
        { left: true, right: true },
        { left: true, right: true },
      ]);
      // The text itself inside its chip, clear of the ×: its lines (drawn or overflowing) end before the button.
      const text = await page.evaluate(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('[data-testid="interest-chip"] .tag-text')!);
        const right = Math.max(...[...range.getClientRects()].map((rect) => rect.right));
        return { right: Math.round(right), remove: Math.round(document.querySelector('[data-testid="interest-remove"]')!.getBoundingClientRect().left) };
      });
      expect(text.right, 'the interest’s text runs under its ×').toBeLessThanOrEqual(text.remove);
      expect(await unreachable(page, 'interest-remove')).toBe('');
      expect(await sideways(page)).toBe(false);
      await scrollAllToTop(page);
      await page.getByTestId('start-btn').click();
      await visible(page.getByTestId('interest-wait'));
      expect(await inside('[data-testid="interest-wait-list"] .tag')).toEqual([{ left: true, right: true }]);
      expect(await sideways(page)).toBe(false);
    });
  }

  /** Each placeholder's contrast against its field's background (the field's own, or the box around it when transparent). */
  const placeholderContrast = (page: Page) =>
    page.evaluate(() => {
      const rgb = (colour: string): number[] => (colour.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]: number[]): number => {
        const channel = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
      };
      const background = (el: Element): number[] => {
        for (let box: Element | null = el; box; box = box.parentElement) {
          const colour = rgb(getComputedStyle(box).backgroundColor);
          if (colour.length === 3 || colour[3] === 1) return colour.slice(0, 3);
          if (colour[3]! > 0) return colour.slice(0, 3); // (none of the fields is translucent)
        }
        return [255, 255, 255];
      };
      const out: Record<string, number> = {};
      for (const id of ['message-input', 'interest-input', 'private-key-input']) {
        const field = document.querySelector(`[data-testid="${id}"]`)!;
        const style = getComputedStyle(field, '::placeholder');
        const [r, g, b, a = 1] = rgb(style.color);
        const opacity = Number(style.opacity);
        const bg = background(field);
        // The text colour blended over the background by its alpha and opacity.
        const alpha = a * opacity;
        const fg = [r!, g!, b!].map((c, i) => c * alpha + bg[i]! * (1 - alpha));
        const [l1, l2] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
        out[id] = Math.round(((l1! + 0.05) / (l2! + 0.05)) * 100) / 100;
      }
      return out;
    });

  for (const locale of LOCALES) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`placeholders keep 4.5:1 (${locale}, ${scheme}): the message, the interests and the key`, { timeout: 60_000 }, async () => {
        const page = await openPage(locale, { width: 390, height: 844 }, scheme);
        await page.getByTestId('private-rooms-summary').click();
        const contrast = await placeholderContrast(page);
        for (const [id, ratio] of Object.entries(contrast)) expect(ratio, `${id} placeholder, ${scheme}`).toBeGreaterThanOrEqual(4.5);
        // The message input's placeholder in the chat, too, and axe on the screens.
        await expectNoSeriousViolations(page, `start screen, ${locale}, ${scheme}`);
        const { partner } = await tracked.partnerOf(page);
        expect((await placeholderContrast(page))['message-input']).toBeGreaterThanOrEqual(4.5);
        await expectNoSeriousViolations(page, `chat screen, ${locale}, ${scheme}`);
        // Once ended, the disabled input (kept while it holds nothing on a wide screen).
        expect(await request(partner, 'leave_room_event')).toMatchObject({ ok: true });
        await visible(page.getByTestId('chat-ended'));
        await page.setViewportSize({ width: 760, height: 900 });
        expect((await placeholderContrast(page))['message-input'], 'disabled input').toBeGreaterThanOrEqual(4.5);
      });
    }
  }
});
