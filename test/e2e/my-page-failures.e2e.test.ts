/**
 * The receipts page /my in a real Chromium when answers fail, come late or out of order, or a button is
 * pressed twice: an erasure is reported as done even when reading the conversation again fails, one
 * confirmation erases once, the latest open wins, and a recent-chats list that could not be read says so
 * with a retry (never "no recent chats", and passing axe). The server is real; `page.route` makes single answers fail or
 * wait. The chats and their receipts are given straight to the server.
 */
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, WAIT_MS, walkScreens } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { chatPageDriver } from '../helpers/chat-page.js';
import { myPageSuite, endedChat, openByCode, transcriptTexts, isTranscriptRead, isErase, gate, settle } from '../helpers/my-page.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('receipts page browser tests');




describe.skipIf(skip)('the receipts page when answers fail, come late or twice', () => {
  const suite = myPageSuite();



  const erasedCount = (my: Page) => my.locator('[data-testid="transcript-message"][data-erased="true"]').count();

  it('an erasure whose conversation cannot be read again is still reported as done and shows the messages erased', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite);
    let erased = false;
    my.on('request', (request) => {
      if (isErase(request)) erased = true;
    });
    // Reading the conversation works until the erasure has been asked for; then the reading is rate limited.
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (erased && isTranscriptRead(route.request(), code)) {
        await route.fulfill({ status: 429, headers: { 'retry-after': '30' }, contentType: 'application/json', body: JSON.stringify({ error: 'RATE_LIMITED', message: 'slow down' }) });
      } else {
        await route.continue();
      }
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, code);
    await expect.poll(() => transcriptTexts(my), until).toEqual(['第一句', 'partner says hi', '第二句']);

    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await expect.poll(() => erasedCount(my), until).toBe(2);
    expect(await transcriptTexts(my)).toEqual([expect.stringMatching(/^已删除（\d{4}-\d\d-\d\d \d\d:\d\d:\d\d）$/), 'partner says hi', expect.stringMatching(/^已删除（/)]);
    // The failed reading did not replace the outcome, and nothing is left to erase.
    expect(await my.getByTestId('toast').textContent()).toBe('已删除 2 条消息');
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await my.getByTestId('erase-hint').isVisible()).toBe(true);
    // The server agrees: reading it again (now allowed) shows the same.
    await my.unrouteAll();
    await openByCode(my, code);
    await expect.poll(() => erasedCount(my), until).toBe(2);
  });

  it('confirming twice while the erasure is under way erases once', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite);
    const erases: string[] = [];
    my.on('request', (request) => {
      if (isErase(request)) erases.push(request.url());
    });
    const answer = gate();
    await my.route('**/api/receipts/*/erase', async (route: Route) => {
      await answer.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);

    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(() => erases.length, until).toBe(1);
    // While the first is held back, confirm again: through the Erase button (forced, should it be
    // disabled) and its dialog, and with a click on the dialog's confirm button itself.
    const eraseDisabledMeanwhile = await my.getByTestId('erase-btn').isDisabled();
    await my.getByTestId('erase-btn').click({ force: true });
    if (await my.getByTestId('erase-dialog').isVisible()) await my.getByTestId('erase-confirm').click();
    await my.evaluate(() => (document.querySelector('[data-testid="erase-confirm"]') as HTMLButtonElement).click());
    answer.open();
    await expect.poll(() => erasedCount(my), until).toBe(2);
    await settle(my);
    expect(erases).toHaveLength(1);
    // A second erasure would have found nothing left and said "0 erased" over the first one's count.
    expect(await my.getByTestId('toast').textContent()).toBe('已删除 2 条消息');
    expect(eraseDisabledMeanwhile).toBe(true);
  });

  it('of two conversations opened quickly, the one opened last stays on screen when the first answers last', { timeout: 60_000 }, async () => {
    const first = await endedChat(suite);
    const second = await endedChat(suite);
    const my = await newPage(suite);
    const firstAnswer = gate();
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (isTranscriptRead(route.request(), first.code)) await firstAnswer.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, first.code);
    await openByCode(my, second.code);
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${second.when.zh} 的聊天`);
    const late = my.waitForResponse((response) => isTranscriptRead(response.request(), first.code));
    firstAnswer.open();
    await late;
    await settle(my);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${second.when.zh} 的聊天`);
    expect(await my.getByTestId('code-error').isVisible()).toBe(false);
  });

  it('a conversation opened while another is being erased is not replaced when the erasure ends', { timeout: 60_000 }, async () => {
    const erasedOne = await endedChat(suite);
    const other = await endedChat(suite);
    const my = await newPage(suite);
    const reads: string[] = [];
    my.on('request', (request) => {
      if (isTranscriptRead(request, erasedOne.code)) reads.push(request.url());
    });
    const answer = gate();
    await my.route('**/api/receipts/*/erase', async (route: Route) => {
      await answer.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, erasedOne.code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();

    await openByCode(my, other.code);
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${other.when.zh} 的聊天`);
    // The other conversation can be erased on its own; this one's erasure is not under way.
    expect(await my.getByTestId('erase-btn').isEnabled()).toBe(true);
    const readsBefore = reads.length;
    answer.open();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await settle(my);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${other.when.zh} 的聊天`);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
    expect(reads.length).toBe(readsBefore);
  });

  it('a conversation whose opening began before an erasure and arrived before the erasure’s re-read stays on screen', { timeout: 60_000 }, async () => {
    const erasedOne = await endedChat(suite);
    const other = await endedChat(suite);
    const my = await newPage(suite);
    const otherArrives = gate();
    const rereadArrives = gate();
    let readsOfErased = 0;
    await my.route('**/api/receipts/**', async (route: Route) => {
      const request = route.request();
      if (isTranscriptRead(request, other.code)) await otherArrives.opened;
      if (isTranscriptRead(request, erasedOne.code) && ++readsOfErased === 2) await rereadArrives.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, erasedOne.code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    // The other one is asked for (and held); the shown one is erased meanwhile.
    await openByCode(my, other.code);
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    otherArrives.open();
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${other.when.zh} 的聊天`);
    // Now the erased one's re-read comes back: it must not replace the conversation asked for last.
    rereadArrives.open();
    await expect.poll(() => readsOfErased, until).toBe(2);
    await settle(my);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${other.when.zh} 的聊天`);
  });

  it('recent chats that could not be loaded say so with a retry, in both languages, instead of "no recent chats"', { timeout: 60_000 }, async () => {
    const my = await newPage(suite);
    const answers: { status: number; headers: Record<string, string>; body: unknown }[] = [
      { status: 500, headers: {}, body: { error: 'INTERNAL_ERROR', message: 'boom' } },
      { status: 429, headers: { 'retry-after': '7' }, body: { error: 'RATE_LIMITED', message: 'slow down' } },
    ];
    let asked = 0;
    await my.route('**/api/my/chats', async (route: Route) => {
      asked += 1;
      const failure = answers.shift();
      if (!failure) return route.continue();
      return route.fulfill({ status: failure.status, headers: failure.headers, contentType: 'application/json', body: JSON.stringify(failure.body) });
    });
    await my.goto(`${suite.url}/my`);
    await expect.poll(text(my.getByTestId('recent-failed')), until).toBe('暂时无法读取这个浏览器最近的聊天。');
    expect(await my.getByTestId('recent-empty').isVisible()).toBe(false);
    expect(await my.getByTestId('recent-retry').textContent()).toBe('重试');
    await walkScreens((check) => check(my, 'receipts page, recent chats not loaded'));
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('recent-failed').textContent()).toBe('The recent chats of this browser could not be loaded.');
    expect(await my.getByTestId('recent-retry').textContent()).toBe('Try again');

    // A retry that is rate limited says when to try again; the next one lists (nothing, for a new browser).
    await my.getByTestId('recent-retry').click();
    await expect.poll(text(my.getByTestId('recent-failed')), until).toBe('Too many attempts; try again in 7 s');
    expect(await my.getByTestId('recent-empty').isVisible()).toBe(false);
    await my.getByTestId('recent-retry').focus();
    await my.keyboard.press('Enter');
    await visible(my.getByTestId('recent-empty'));
    expect(asked).toBe(3);
    expect(await my.getByTestId('recent-failed').textContent()).toBe('');
    expect(await my.getByTestId('recent-retry').isVisible()).toBe(false);
    // The retry button went away with the focus on it: the focus is on the list's heading, not lost.
    expect(await my.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('recent-title');
  });

  it('recent chats are listed and opened without an end reason in the answer', { timeout: 60_000 }, async () => {
    const { code, roomId, when } = await endedChat(suite);
    const my = await newPage(suite);
    const chat = { room_id: roomId, code, started_at: '2026-01-03T15:14:38+08:00', ended_at: '2026-01-03T16:14:38+08:00', message_count: 3 };
    await my.route('**/api/my/chats', (route: Route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ user_id: 'someone', chats: [chat] }) }));
    await my.goto(`${suite.url}/my`);
    await expect.poll(() => my.getByTestId('recent-code').allTextContents(), until).toEqual([code]);
    // Named by when it began, to the second, as the page names it once opened — not by when it ended.
    expect(await my.getByTestId('recent-chat').textContent()).toContain('1 月 3 日 15:14:38');
    expect(await my.getByTestId('recent-chat').textContent()).not.toContain('16:14');
    expect(await my.getByTestId('recent-open').getAttribute('aria-label')).toBe('打开 1 月 3 日 15:14:38 的聊天');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('recent-chat').textContent()).toContain('3 January, 15:14:38');
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    await my.getByTestId('recent-open').click();
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${when.zh} 的聊天`);
    await expect.poll(() => transcriptTexts(my), until).toEqual(['第一句', 'partner says hi', '第二句']);
  });
});
