/**
 * The receipts page /my in a real Chromium says when its holder may erase, instead of confirming and then
 * refusing: right after a chat's end (the partner may still report it) the Erase button is disabled, with
 * a hint linked to it saying until when, in both languages, and it enables by itself once that time has
 * passed — timed from the answer, so a browser clock an hour off the server's changes nothing, and only
 * the button and its hint change then (the messages, a selection in them, are left alone); a chat with an
 * open report says so, with no time; a chat whose end is not written yet is read again until it is —
 * only while the tab is seen, and each reading changes only what changed (a new message is added, the
 * others and a selection in them are left alone); a refusal that comes anyway is told, and the
 * conversation read again shows why. At 390 and 375 px wide the code field shows a whole code, in 16px
 * text (iOS zooms in on a field of smaller text); at 320 px, where no 16px code fits, the field takes its
 * whole row; the page never scrolls sideways. The server is real; the chats and their receipts are given
 * straight to it.
 */
import { resolve } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { focused, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import type { Transcript } from '../../src/privacy/transcript.js';
import { ACTIVE_RECHECK_MS } from '../../web/src/my/erase-wait.js';
import { beijingClock, endedChat, isTranscriptRead, MY_PAGE_ZONE, openByCode, transcriptTexts } from '../helpers/my-page.js';

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

  /** The page's wall clock (`Date.now()`) reads `offMs` off the real one, as a badly set computer's does. */
  const clockOff = (my: Page, offMs: number) =>
    my.addInitScript((off: number) => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + off;
    }, offMs);

  /** From now on, the `data-testid` of whatever changes in the conversation's section (read with `changedInConversation`). */
  const watchConversation = (my: Page) =>
    my.evaluate(() => {
      const changed = new Set<string>();
      const root = document.querySelector('[data-testid="conversation"]')!;
      new MutationObserver((records) => {
        for (const record of records) {
          const target = record.target instanceof Element ? record.target : record.target.parentElement;
          changed.add(target?.closest('[data-testid]')?.getAttribute('data-testid') ?? '(none)');
        }
      }).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      (window as unknown as { changedInConversation: Set<string> }).changedInConversation = changed;
    });
  const changedInConversation = (my: Page) => my.evaluate(() => [...(window as unknown as { changedInConversation: Set<string> }).changedInConversation].sort());

  /**
   * The page's `document.visibilityState` is the test's to set (`setSeen`, with its `visibilitychange`): a
   * headless browser keeps every tab visible.
   */
  const fakeVisibility = (my: Page) =>
    my.addInitScript(() => {
      let state: DocumentVisibilityState = 'visible';
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => state });
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => state !== 'visible' });
      (window as unknown as { setSeen: (seen: boolean) => void }).setSeen = (seen) => {
        state = seen ? 'visible' : 'hidden';
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
  const setSeen = (my: Page, seen: boolean) => my.evaluate((value) => (window as unknown as { setSeen: (seen: boolean) => void }).setSeen(value), seen);

  it.each([
    ['an hour behind', -3_600_000],
    ['an hour ahead of', 3_600_000],
  ])('right after the end the Erase button is disabled until the report window has passed, saying until when, and then enables by itself (browser clock %s the server’s)', { timeout: 60_000 }, async (_clock, offMs) => {
    const endedAt = new Date();
    const { code } = await endedChat(suite, { endedAt });
    // As the server says it: the end + the window, rounded up to the second, in the chat's zone.
    const erasable = beijingClock(new Date(Math.ceil((endedAt.getTime() + REPORT_WINDOW_MS) / 1000) * 1000));
    const my = await newPage(suite);
    // Ahead, a page trusting its clock would enable the button at once; behind, keep it disabled for an hour.
    await clockOff(my, offMs);
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);

    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await my.getByTestId('erase-hint').textContent()).toBe(`聊天刚结束，对方还可以举报这次聊天：${erasable} 起可以删除你的消息`);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(true);
    // The hint is the button's description, for screen readers.
    expect(await describedBy(my)).toBe('erase-hint');
    expect(await my.locator('#erase-hint').getAttribute('data-testid')).toBe('erase-hint');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('erase-hint').textContent()).toBe(`This chat just ended and your partner may still report it: you can erase your messages from ${erasable}.`);
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    // Off, yet reached by Tab (aria-disabled), so that its hint is heard; a press opens nothing.
    expect(await my.getByTestId('erase-btn').getAttribute('aria-disabled')).toBe('true');
    await my.getByTestId('download-json').focus();
    await my.keyboard.press('Tab');
    await expect.poll(focused(my), until).toBe('erase-btn');
    await my.keyboard.press('Enter');
    await my.waitForTimeout(200);
    expect(await my.getByTestId('erase-dialog').isVisible()).toBe(false);
    // Still disabled once the page has settled (a clock ahead would have enabled it by now).
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);

    // A reader's place in the messages: a selection in the first one.
    await my.evaluate(() => getSelection()!.selectAllChildren(document.querySelector('[data-testid="transcript-text"]')!));
    await watchConversation(my);
    let reads = 0;
    my.on('request', (request) => {
      if (isTranscriptRead(request, code)) reads++;
    });

    // Nothing is asked nor read again: the page's own timer enables the button.
    await expect.poll(() => my.getByTestId('erase-btn').isEnabled(), { timeout: REPORT_WINDOW_MS + WAIT_MS, interval: 200 }).toBe(true);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(false);
    expect(await describedBy(my)).toBeNull();
    expect(reads).toBe(0);
    // Only the button and its hint changed: the messages were not rebuilt, the selection is still there.
    expect(await changedInConversation(my)).toEqual(['erase-btn', 'erase-hint']);
    expect(await my.evaluate(() => getSelection()!.toString())).toBe('第一句');
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
    expect(await my.getByTestId('erase-hint').textContent()).toBe('这次聊天正在安全审核中，审核结束后才能删除你的消息');
    expect(await describedBy(my)).toBe('erase-hint');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('erase-hint').textContent()).toBe('This chat is under a safety review; you can erase your messages once the review is over.');
  });

  it.each([
    {
      why: 'the partner may still report it',
      chat: () => endedChat(suite, { endedAt: new Date() }),
      refusal: /^聊天刚结束，对方还可以举报这次聊天。请 \d+ 秒后再删除你的消息。$/,
      hint: /^聊天刚结束，对方还可以举报这次聊天：\d\d:\d\d:\d\d 起可以删除你的消息$/,
    },
    {
      why: 'a report on it is under review',
      chat: async () => {
        const chat = await endedChat(suite);
        await suite.server.database.query(
          `INSERT INTO reports (room_id, reporter_id, reported_id, reason, status, created_at, updated_at)
           SELECT id, user2_id, user1_id, 'harassment', 'open', now(), now() FROM chat_rooms WHERE id = $1`,
          [chat.roomId],
        );
        return chat;
      },
      refusal: /^这次聊天正在安全审核中，暂时不能删除。审核结束后可以再试。$/,
      hint: /^这次聊天正在安全审核中，审核结束后才能删除你的消息$/,
    },
  ])('an erasure refused because $why is told, and the conversation read again disables the button, saying why', { timeout: 60_000 }, async ({ chat, refusal, hint }) => {
    const { code } = await chat();
    const my = await newPage(suite);
    // The first reading says nothing stops an erasure (as if the report came just after it): the server refuses.
    let reads = 0;
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (!isTranscriptRead(route.request(), code) || ++reads > 1) return route.continue();
      const answer = await route.fetch();
      const transcript = (await answer.json()) as Transcript;
      return route.fulfill({ response: answer, json: { ...transcript, erase_blocked: null, erasable_at: null, erasable_in_ms: null } });
    });
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(await my.getByTestId('erase-btn').isEnabled()).toBe(true);

    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toMatch(refusal);
    // Read again: the button says what the server says now, and the refusal is still what the toast says.
    await expect.poll(text(my.getByTestId('erase-hint')), until).toMatch(hint);
    expect(reads).toBe(2);
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await describedBy(my)).toBe('erase-hint');
    expect(await my.getByTestId('toast').textContent()).toMatch(refusal);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
  });

  it('a chat whose end is not written yet says so, and is read again until it is: then the button enables', { timeout: 60_000 }, async () => {
    const { code, roomId } = await endedChat(suite, { endedAt: null });
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await my.getByTestId('erase-hint').textContent()).toBe('这次聊天还没有结束，结束后才能删除');
    // The server gets to write its end (long enough ago for the report window to have passed).
    await suite.server.app.repository.endRoom(roomId, 'left', new Date(Date.now() - 3_600_000));
    await expect.poll(() => my.getByTestId('erase-btn').isEnabled(), { timeout: ACTIVE_RECHECK_MS + WAIT_MS, interval: 200 }).toBe(true);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(false);
    expect(await describedBy(my)).toBeNull();
  });

  it('a chat not ended is read again only while its tab is seen, and each reading redraws only what changed', { timeout: 60_000 }, async () => {
    const { code, roomId } = await endedChat(suite, { endedAt: null });
    const my = await newPage(suite);
    // The page's timers on a clock the test moves: a reading every ACTIVE_RECHECK_MS without waiting for it.
    await my.clock.install();
    await fakeVisibility(my);
    let reads = 0;
    my.on('request', (request) => {
      if (isTranscriptRead(request, code)) reads++;
    });
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(reads).toBe(1);
    // A reader's place: a selection in the first message, whose item is marked to tell it from a new one.
    await my.evaluate(() => {
      const first = document.querySelector<HTMLElement>('[data-testid="transcript-message"]')!;
      first.dataset['seenBefore'] = 'yes';
      getSelection()!.selectAllChildren(first.querySelector('[data-testid="transcript-text"]')!);
    });
    await watchConversation(my);

    // The partner writes meanwhile: the next reading adds the message and leaves the others as they were.
    const [room] = await suite.server.database.query<{ user2_id: string }>('SELECT user2_id FROM chat_rooms WHERE id = $1', [roomId]);
    await suite.server.app.repository.appendMessages([{ roomId, senderId: room!.user2_id, content: 'still here', createdAt: new Date() }]);
    await my.clock.runFor(ACTIVE_RECHECK_MS);
    await expect.poll(() => transcriptTexts(my), until).toEqual(['第一句', 'partner says hi', '第二句', 'still here']);
    expect(reads).toBe(2);
    expect(await changedInConversation(my)).toEqual(['transcript']);
    expect(await my.evaluate(() => document.querySelector<HTMLElement>('[data-testid="transcript-message"]')!.dataset['seenBefore'])).toBe('yes');
    expect(await my.evaluate(() => getSelection()!.toString())).toBe('第一句');

    // In a background tab nothing is read, however long, even once the chat has ended.
    await setSeen(my, false);
    await suite.server.app.repository.endRoom(roomId, 'left', new Date(Date.now() - 3_600_000));
    await watchConversation(my);
    await my.clock.runFor(4 * ACTIVE_RECHECK_MS);
    expect(reads).toBe(2);
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);

    // Seen again, it is read at once: the end and the Erase button change, the messages are left alone.
    await setSeen(my, true);
    await expect.poll(() => my.getByTestId('erase-btn').isEnabled(), until).toBe(true);
    expect(reads).toBe(3);
    expect(await changedInConversation(my)).toEqual(['conversation-meta', 'erase-btn', 'erase-hint']);
    expect(await my.evaluate(() => getSelection()!.toString())).toBe('第一句');
    // Ended: nothing is read again.
    await my.clock.runFor(4 * ACTIVE_RECHECK_MS);
    expect(reads).toBe(3);
  });

  it('at 390 px wide the code field shows a whole code, in text of at least 16px, as are the page’s other fields', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    const field = await my.getByTestId('code-input').evaluate((input: HTMLInputElement) => ({ value: input.value, clientWidth: input.clientWidth, scrollWidth: input.scrollWidth }));
    expect(field.value).toBe(code);
    expect(field.scrollWidth).toBeLessThanOrEqual(field.clientWidth);
    await my.screenshot({ path: resolve(screenshotDir, 'my-page-390.png') });
    // Below 16px, iOS Safari zooms in on a field as it is focused (and stays zoomed in).
    const fontPx = (testId: string) => my.getByTestId(testId).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(await fontPx('code-input')).toBeGreaterThanOrEqual(16);
    expect(await fontPx('lang-switch')).toBeGreaterThanOrEqual(16);
    // The page fits the screen: nothing to scroll sideways.
    expect(await my.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`at 375 and 320 px wide in ${lang}, a pasted code is in a field on the screen, whole at 375 px, and the page needs no sideways scroll`, { timeout: 60_000 }, async () => {
      const { code } = await endedChat(suite);
      for (const width of [375, 320]) {
        const my = await newPage(suite, { viewport: { width, height: 740 }, isMobile: true, hasTouch: true, locale: lang === 'en' ? 'en-US' : 'zh-CN' });
        await my.goto(`${suite.url}/my`);
        await my.getByTestId('code-input').fill(code);
        const fit = await codeFieldFit(my);
        console.info(`/my code field at ${width} px (${lang}): ${JSON.stringify(fit)}`);
        await my.screenshot({ path: resolve(screenshotDir, `my-page-code-${width}-${lang}.png`) });
        expect(fit.value).toBe(code);
        expect(fit.fontPx).toBeGreaterThanOrEqual(16);
        expect(fit.page.scrollWidth, `the page scrolls sideways at ${width} px`).toBeLessThanOrEqual(fit.page.clientWidth);
        for (const box of [fit.field, fit.button]) {
          expect(box.left).toBeGreaterThanOrEqual(fit.row.left);
          expect(box.right).toBeLessThanOrEqual(fit.row.right);
        }
        expect(fit.row.right).toBeLessThanOrEqual(width);
        if (width === 375) {
          // Whole: its first character was scrolled out of sight (a 333 px code in a 323 px field).
          expect(fit.field.scrollWidth, 'the code scrolls in its field').toBeLessThanOrEqual(fit.field.clientWidth);
        } else {
          // No 16px code fits 320 px: the field takes its whole row, and shows 28 of its 34 characters at least
          // (it showed 27: 252 of 317 px).
          expect(fit.field.right - fit.field.left).toBe(fit.row.right - fit.row.left);
          const shown = (fit.field.clientWidth - fit.field.paddingPx) / (fit.field.scrollWidth - fit.field.paddingPx);
          expect(shown * code.length).toBeGreaterThanOrEqual(28);
        }
        // The code still opens its chat, and the chat needs no sideways scroll either.
        await my.getByTestId('code-input').press('Enter');
        await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
        const opened = (await codeFieldFit(my)).page;
        expect(opened.scrollWidth, `the page with the chat scrolls sideways at ${width} px`).toBeLessThanOrEqual(opened.clientWidth);
        await my.context().close();
      }
    });
  }
});

/** The code field's text and box, the Open button's and the page's widths (px, rounded). */
function codeFieldFit(my: Page) {
  return my.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="code-input"]')!;
    const box = (el: Element) => {
      const { left, right } = el.getBoundingClientRect();
      return { left: Math.round(left), right: Math.round(right) };
    };
    return {
      value: input.value,
      fontPx: parseFloat(getComputedStyle(input).fontSize),
      field: { ...box(input), clientWidth: input.clientWidth, scrollWidth: input.scrollWidth, paddingPx: parseFloat(getComputedStyle(input).paddingLeft) + parseFloat(getComputedStyle(input).paddingRight) },
      button: box(document.querySelector('[data-testid="code-open"]')!),
      row: box(input.parentElement!),
      page: { clientWidth: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth },
    };
  });
}
