/**
 * The receipts page /my in a real Chromium: an erase confirmation erases the conversation it was opened
 * for, never one that took the screen behind the dialog meanwhile (a slow open of another chat that
 * arrived while the dialog was up). Such a confirmation is closed unanswered — nothing erased, the holder
 * told why — and the dialog names the chat it erases in (by when it began, as the page's title does: never
 * by the room's number, which would tell how many chats the service had). The server is real; `page.route` holds an answer
 * back. The chats and their receipts are given straight to the server.
 */
import type { Page, Request, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { newPage, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { chatPageDriver } from '../helpers/chat-page.js';
import { TEST_SECRET } from '../helpers/server.js';
import { myPageSuite, endedChat, openByCode, transcriptTexts, isTranscriptRead, isErase, gate, settle } from '../helpers/my-page.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('receipts page browser tests');



/** The receipt code an erase request names. */
const erasedCode = (request: Request) => decodeURIComponent(new URL(request.url()).pathname.split('/')[3] ?? '');

describe.skipIf(skip)('the receipts page erases the conversation its confirmation was opened for', () => {
  const suite = myPageSuite();



  const focusedId = (my: Page) => my.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? null);

  it('a chat whose slow opening arrives while the erase confirmation of another is up is not erased, nor the other', { timeout: 60_000 }, async () => {
    const a = await endedChat(suite);
    const b = await endedChat(suite);
    const my = await newPage(suite);
    const erases: string[] = [];
    my.on('request', (request) => {
      if (isErase(request)) erases.push(erasedCode(request));
    });
    const bArrives = gate();
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (isTranscriptRead(route.request(), b.code)) await bArrives.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, a.code);
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${a.when.zh} 的聊天`);

    // B is asked for (slow); meanwhile the holder asks to erase A, and the dialog says it is A.
    await openByCode(my, b.code);
    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    const askedAbout = await my.locator('#erase-title').textContent();

    // B arrives behind the dialog.
    const bRead = my.waitForResponse((response) => isTranscriptRead(response.request(), b.code));
    bArrives.open();
    await bRead;
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${b.when.zh} 的聊天`);
    await settle(my);
    // Whatever a confirmation still on screen would do, it must not erase B.
    if (await my.getByTestId('erase-dialog').isVisible()) await my.getByTestId('erase-confirm').click();
    await settle(my);
    expect(erases).not.toContain(b.code);
    expect(askedAbout).toBe(`删除你在 ${a.when.zh} 的聊天中发的所有消息？`);

    // The confirmation was closed unanswered: nothing erased, the holder told so, the focus on B's title.
    expect(erases).toEqual([]);
    expect(await my.getByTestId('erase-dialog').isVisible()).toBe(false);
    await expect.poll(text(my.getByTestId('toast')), until).toBe('另一个聊天已打开，删除已取消，没有删除任何消息');
    await expect.poll(() => focusedId(my), until).toBe('conversation-title');
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
    // A was not erased either.
    await openByCode(my, a.code);
    await expect.poll(text(my.getByTestId('conversation-title')), until).toBe(`${a.when.zh} 的聊天`);
    expect(await transcriptTexts(my)).toEqual(['第一句', 'partner says hi', '第二句']);
  });

  it('the same chat read again while its confirmation is up keeps the confirmation, which erases that chat', { timeout: 60_000 }, async () => {
    const a = await endedChat(suite);
    const my = await newPage(suite);
    const erases: string[] = [];
    my.on('request', (request) => {
      if (isErase(request)) erases.push(erasedCode(request));
    });
    const againArrives = gate();
    let reads = 0;
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (isTranscriptRead(route.request(), a.code) && ++reads === 2) await againArrives.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, a.code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    await openByCode(my, a.code);
    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    const again = my.waitForResponse((response) => isTranscriptRead(response.request(), a.code));
    againArrives.open();
    await again;
    await settle(my);
    expect(await my.getByTestId('erase-dialog').isVisible()).toBe(true);
    await my.getByTestId('erase-confirm').click();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    expect(erases).toEqual([a.code]);
  });

  it('an erasure that ends after a failed opening of another code still shows the chat on screen as erased', { timeout: 60_000 }, async () => {
    const a = await endedChat(suite);
    const my = await newPage(suite);
    const eraseAnswered = gate();
    await my.route('**/api/receipts/**', async (route: Route) => {
      if (isErase(route.request())) await eraseAnswered.opened;
      await route.continue();
    });
    await my.goto(`${suite.url}/my`);
    await openByCode(my, a.code);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    await my.getByTestId('erase-confirm').click();
    // While the erasure is under way, a well-formed code nobody holds is tried: not found, A stays on screen.
    await openByCode(my, createReceiptCodes(TEST_SECRET).codeFor(999_999, 'nobody'));
    await expect.poll(text(my.getByTestId('code-error')), until).not.toBe('');
    eraseAnswered.open();
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    // Before, the failed opening counted as another chat shown: A stayed with its old text, Erase enabled.
    await expect.poll(() => transcriptTexts(my), until).not.toContain('第一句');
    expect(await transcriptTexts(my)).toContain('partner says hi');
  });

  it('the confirmation names the chat in English too', { timeout: 60_000 }, async () => {
    const a = await endedChat(suite);
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${a.code}`);
    await expect.poll(() => transcriptTexts(my), until).toHaveLength(3);
    await my.getByTestId('lang-switch').selectOption('en');
    await my.getByTestId('erase-btn').click();
    await visible(my.getByTestId('erase-dialog'));
    expect(await my.getByTestId('erase-title').textContent()).toBe(`Erase all your messages in the chat of ${a.when.en}?`);
    await my.getByTestId('erase-cancel').click();
    await my.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
  });
});
