/**
 * Accessibility of the receipts page /my in a real Chromium: axe-core on it empty, with a mistyped code,
 * with a conversation opened by its code, its erase confirmation and the erased markers, in Chinese and
 * English, light and dark (test/helpers/axe-walk.ts); Tab reach with a focus ring. The chats and their
 * receipts are given straight to the server.
 */
import { defaultConfig } from '../../src/config/config.js';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReceiptCodes } from '../../src/privacy/receipt-codes.js';
import { newPage, tabThrough, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { TEST_SECRET } from '../helpers/server.js';

const { until, text, visible } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('accessibility browser tests');
describe.skipIf(skip)('accessibility of the receipts page', () => {
  // Erasing right after the end (the partner's report window is the integration test's: receipts.test.ts).
  const suite = browserSuite({ config: { moderation: { ...defaultConfig().moderation, reportWindowMs: 0 } } });
  /** Receipt codes of ended chats of one holder: one to look at and erase in, one to Tab through, one to erase with the keyboard. */
  const codes = { looked: '', tabbed: '', keyed: '' };

  // Chats that ended, with the holder's receipts, given straight to the server.
  beforeAll(async () => {
    const { repository } = suite.server.app;
    const receiptCodes = createReceiptCodes(TEST_SECRET);
    const [holder, partner] = ['a11ymyholder1', 'a11ymypartner2'];
    const at = Date.now() - 3_600_000;
    const endedChat = async (): Promise<string> => {
      const room = await repository.createRoom({ user1Id: holder, user2Id: partner, matchType: 'random', createdAt: new Date(at) });
      const texts = ['你好，在吗？', 'Hi! Yes, I am here.', '今天过得怎么样'];
      await repository.appendMessages(texts.map((content, i) => ({ roomId: room.id, senderId: i % 2 === 0 ? holder : partner, content, createdAt: new Date(at + (i + 1) * 1_000) })));
      await repository.endRoom(room.id, 'left', new Date(at + 60_000));
      const code = receiptCodes.codeFor(room.id, holder);
      await suite.server.database.query('INSERT INTO receipts (code_hash, room_id, user_id, created_at) VALUES ($1, $2, $3, $4)', [receiptCodes.hashOf(code), room.id, holder, new Date()]);
      return code;
    };
    codes.looked = await endedChat();
    codes.tabbed = await endedChat();
    codes.keyed = await endedChat();
  });

  it('/my empty, with a mistyped code, with a conversation opened by its code, its erase confirmation and the erased messages passes axe in both languages and both colour schemes', { timeout: 240_000 }, async () => {
    await walkScreens(async (check) => {
      const my = await newPage(suite);
      await my.goto(`${suite.url}/my`);
      await visible(my.getByTestId('recent-empty'));
      await check(my, 'receipts page, empty');

      await my.getByTestId('code-input').fill('not a code');
      await my.getByTestId('code-input').press('Enter');
      await visible(my.getByTestId('code-error'));
      await check(my, 'receipts page with a mistyped code');

      await my.getByTestId('code-input').fill(codes.looked);
      await my.getByTestId('code-input').press('Enter');
      await visible(my.getByTestId('conversation'));
      await expect.poll(() => my.getByTestId('transcript-message').count(), until).toBe(3);
      await check(my, 'receipts page with a conversation', { shot: 'my-conversation' });

      await my.getByTestId('erase-btn').click();
      await visible(my.getByTestId('erase-dialog'));
      await check(my, 'receipts page, erase confirmation');
      await my.getByTestId('erase-confirm').click();
      await my.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await expect.poll(() => my.locator('[data-testid="transcript-message"][data-erased="true"]').count(), until).toBe(2);
      await check(my, 'receipts page with my messages erased');
    });
  });

  it('with the keyboard alone every control of /my with a conversation is reached by Tab and shows its focus', { timeout: 60_000 }, async () => {
    const my = await newPage(suite);
    await my.goto(`${suite.url}/my#${codes.tabbed}`);
    await expect.poll(() => my.getByTestId('transcript-message').count(), until).toBe(3);
    expect(await tabThrough(my)).toEqual(expect.arrayContaining(['back-to-chat', 'lang-switch', 'code-input', 'code-open', 'download-txt', 'download-json', 'erase-btn']));
  });

  it('erasing with the keyboard alone leaves the focus on the conversation, not on the page, once the Erase button is disabled', { timeout: 60_000 }, async () => {
    const my = await newPage(suite);
    const focusedId = () => my.evaluate(() => (document.activeElement === document.body ? 'body' : ((document.activeElement as HTMLElement | null)?.dataset['testid'] ?? null)));
    await my.goto(`${suite.url}/my#${codes.keyed}`);
    await expect.poll(() => my.getByTestId('transcript-message').count(), until).toBe(3);
    await my.getByTestId('erase-btn').focus();
    await my.keyboard.press('Enter');
    await visible(my.getByTestId('erase-dialog'));
    expect(await focusedId()).toBe('erase-cancel');
    await my.keyboard.press('Tab');
    expect(await focusedId()).toBe('erase-confirm');
    await my.keyboard.press('Enter');
    await my.getByTestId('erase-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(() => my.locator('[data-testid="transcript-message"][data-erased="true"]').count(), until).toBe(2);
    await expect.poll(text(my.getByTestId('toast')), until).toBe('已删除 2 条消息');
    expect(await my.getByTestId('erase-btn').isDisabled()).toBe(true);
    expect(await focusedId()).toBe('conversation-title');
    // Tab goes on from there: to the first control after the title, the text download.
    await my.keyboard.press('Tab');
    expect(await focusedId()).toBe('download-txt');
  });
});
