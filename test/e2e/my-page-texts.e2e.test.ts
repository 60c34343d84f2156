/**
 * The receipts page /my in a real Chromium, what it says when something goes wrong: the form's error and
 * the toast follow a language switch; a failed erasure says the erasure failed (not that something could
 * not be loaded), with the specific texts where there are some; a conversation that could not be opened
 * leaves the one on screen; a code with a letter Crockford's alphabet lacks (U) is called mistyped, as the
 * server would refuse it, without asking the server. The server is real; `page.route` makes single answers
 * fail. The chats and their receipts are given straight to the server.
 */
import type { Page, Request, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { chatPageDriver } from '../helpers/chat-page.js';
import { myPageSuite, endedChat, openByCode, transcriptTexts, isErase } from '../helpers/my-page.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('receipts page browser tests');

const isReceiptCall = (request: Request) => new URL(request.url()).pathname.startsWith('/api/receipts/');

/** A code of the right shape that no chat has (Crockford's alphabet, 28 symbols). */
const UNKNOWN_CODE = '0000-0000-0000-0000-0000-0000-0000';

/** 'not a code' is eight symbols of the alphabet (N, 0 for O, T, A, C, 0, D, E): too few. */
const CODE_INVALID = { zh: '回执码应为 28 个字母或数字（可带短横线），这里是 8 个', en: 'A receipt code has 28 letters or digits (dashes are fine): this has 8' };
const CODE_WITH_U = { zh: '回执码里不会有“U”：请检查这个字符', en: 'A receipt code never has “U” in it: check that character' };
const NOT_FOUND = {
  zh: '找不到这个回执码对应的聊天。请检查是否输入正确；聊天记录也可能已按保留期限删除。',
  en: 'No chat has this receipt code. Check that it is typed right; the chat may also have been deleted after the retention period.',
};

describe.skipIf(skip)('the receipts page’s errors and notices', () => {
  const suite = myPageSuite();




  it('the form’s error and the toast are said again in the language switched to', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my`);
    const error = my.getByTestId('code-error');

    // Mistyped: the page's own check.
    await openByCode(my, 'not a code');
    await expect.poll(text(error), until).toBe(CODE_INVALID.zh);
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await error.textContent()).toBe(CODE_INVALID.en);
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await error.textContent()).toBe(CODE_INVALID.zh);

    // Unknown: the server's answer.
    await openByCode(my, UNKNOWN_CODE);
    await expect.poll(text(error), until).toBe(NOT_FOUND.zh);
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await error.textContent()).toBe(NOT_FOUND.en);
    expect(await my.getByTestId('code-input').getAttribute('aria-invalid')).toBe('true');
    await my.getByTestId('lang-switch').selectOption('zh-CN');

    // The toast of an erasure.
    await openByCode(my, code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(await error.isVisible()).toBe(false);
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('toast').textContent()).toBe('2 messages erased');
  });

  it('one message erased is “1 message erased” in English (it said “1 messages”)', { timeout: 60_000 }, async () => {
    // The holder's messages are the 1st, 3rd…: one of them here.
    const { code } = await endedChat(suite, { texts: ['only one of mine', 'partner says hi'] });
    const my = await newPage(suite, { locale: 'en-US' });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(2);
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('1 message erased');
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await my.getByTestId('toast').textContent()).toBe('已删除 1 条消息');
  });

  it('a whole line pasted from a downloaded file, or the chat page’s link, opens the code in it; a /my#code address typed into a tab already on /my opens it (found by the /my exploratory test)', { timeout: 60_000 }, async () => {
    const first = await endedChat(suite);
    const second = await endedChat(suite);
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my`);
    await openByCode(my, `回执码: ${first.code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    expect(await my.getByTestId('code-input').inputValue()).toBe(first.code);
    expect(await my.getByTestId('code-error').isVisible()).toBe(false);
    // The link, pasted whole into the field (longer than any code written out).
    await openByCode(my, `${suite.url}/my#${second.code}`);
    await expect.poll(() => my.getByTestId('code-input').inputValue(), until).toBe(second.code);
    // Only the fragment changes: no page load, and the address bar is cleaned again.
    await my.goto(`${suite.url}/my#${first.code}`);
    await expect.poll(() => my.getByTestId('code-input').inputValue(), until).toBe(first.code);
    await expect.poll(() => my.evaluate(() => window.location.hash), until).toBe('');
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
  });

  it('at 320 px in English the header keeps “Anonymous” whole (it broke as “Anonymou|s”)', { timeout: 30_000 }, async () => {
    const my = await newPage(suite, { locale: 'en-US', viewport: { width: 320, height: 640 } });
    await my.goto(`${suite.url}/my`);
    const firstWordLines = () =>
      my.evaluate(() => {
        const text = document.querySelector('.brand')!.firstChild!;
        const range = document.createRange();
        range.setStart(text, 0);
        range.setEnd(text, 'Anonymous'.length);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      });
    await expect.poll(() => my.locator('.brand').textContent(), until).toBe('Anonymous Chat');
    expect(await firstWordLines()).toBe(1);
    expect(await my.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it('an erasure that fails says the erasure failed, or why it was refused, in both languages', { timeout: 60_000 }, async () => {
    const { code } = await endedChat(suite);
    const my = await newPage(suite);
    const failures: ((route: Route) => Promise<void>)[] = [
      (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) }),
      (route) => route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'CONFLICT', message: 'this conversation is still going on' }) }),
      (route) => route.abort('connectionreset'),
      (route) => route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'REPORT_OPEN', message: 'under review' }) }),
    ];
    await my.route('**/api/receipts/*/erase', async (route: Route) => {
      const fail = failures.shift();
      await (fail ? fail(route) : route.continue());
    });
    await my.goto(`${suite.url}/my#${code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    const toast = my.getByTestId('toast');
    const eraseOnce = async (): Promise<void> => {
      await expect.poll(() => my.getByTestId('erase-btn').isEnabled(), until).toBe(true);
      await my.getByTestId('erase-btn').click();
      const answered = my.waitForEvent('requestfinished', { predicate: isErase }).catch(() => undefined);
      const failed = my.waitForEvent('requestfailed', { predicate: isErase }).catch(() => undefined);
      await my.getByTestId('erase-confirm').click();
      await Promise.race([answered, failed]);
    };

    await eraseOnce();
    await expect.poll(text(toast), until).toBe('删除没有成功，请稍后再试');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await toast.textContent()).toBe('Your messages could not be erased; please try again later');

    await eraseOnce();
    await expect.poll(text(toast), until).toBe('This chat has not ended yet; it can be erased once it has');
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    expect(await toast.textContent()).toBe('这次聊天还没有结束，结束后才能删除');

    await eraseOnce();
    await expect.poll(text(toast), until).toBe('删除没有成功，请稍后再试');

    // A text of its own where there was one: the catalogue's for an open report.
    await eraseOnce();
    await expect.poll(text(toast), until).toBe('这次聊天正在安全审核中，暂时不能删除。审核结束后可以再试。');
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await toast.textContent()).toBe('This chat is under a safety review, so it cannot be erased now. Try again once the review is over.');

    // Nothing was erased, and the chat is still there to erase.
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
    expect(await my.getByTestId('erase-btn').isEnabled()).toBe(true);
  });

  it('a conversation that could not be opened leaves the one on screen', { timeout: 60_000 }, async () => {
    const shown = await endedChat(suite);
    const other = await endedChat(suite);
    const my = await newPage(suite);
    await my.route('**/api/receipts/**', async (route: Route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === `/api/receipts/${encodeURIComponent(other.code)}`) {
        await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'INTERNAL_ERROR', message: 'boom' }) });
      } else {
        await route.continue();
      }
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, shown.code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);

    await openByCode(my, UNKNOWN_CODE);
    await expect.poll(text(my.getByTestId('code-error')), until).toBe(NOT_FOUND.zh);
    expect(await my.getByTestId('conversation').isVisible()).toBe(true);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${shown.when.zh} 的聊天`);

    await openByCode(my, other.code);
    await expect.poll(text(my.getByTestId('code-error')), until).toBe('暂时无法读取，请稍后再试');
    expect(await my.getByTestId('conversation').isVisible()).toBe(true);
    expect(await my.getByTestId('conversation-title').textContent()).toBe(`${shown.when.zh} 的聊天`);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
    // What is on screen still works: its erasure.
    await my.getByTestId('erase-btn').click();
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
  });

  it('a code with a U (not in Crockford’s alphabet) is called mistyped without asking the server; the look-alikes it forgives still open', { timeout: 60_000 }, async () => {
    const { code, when } = await endedChat(suite);
    const my = await newPage(suite);
    const asked: string[] = [];
    my.on('request', (request) => {
      if (isReceiptCall(request)) asked.push(request.url());
    });
    const withU = `U${code.slice(1)}`;
    await my.goto(`${suite.url}/my#${withU}`);
    await visible(my.getByTestId('code-error'));
    expect(await my.getByTestId('code-error').textContent()).toBe(CODE_WITH_U.zh);

    await openByCode(my, withU.toLowerCase());
    await expect.poll(text(my.getByTestId('code-error')), until).toBe(CODE_WITH_U.zh);
    await my.getByTestId('lang-switch').selectOption('en');
    expect(await my.getByTestId('code-error').textContent()).toBe(CODE_WITH_U.en);
    await my.getByTestId('lang-switch').selectOption('zh-CN');
    expect(asked).toEqual([]);
    expect(await my.getByTestId('conversation').isVisible()).toBe(false);

    // Lower case, spaces, and I/L for 1, O for 0, as the server forgives them.
    const lookAlikes = code.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o');
    await openByCode(my, lookAlikes);
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${when.zh} 的聊天`);
    expect(await my.getByTestId('code-error').isVisible()).toBe(false);
  });
});
