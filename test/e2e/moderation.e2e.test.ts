/**
 * The safety loop on the chat page, in a real Chromium against the real server: a report from the
 * report dialog (reason, note, a ticked message) is stored as sent — a note pasted over 500 kept whole, said
 * and not sent until it fits — and the reported person is never told; a block ends the chat and the two
 * are never matched again while a third person is. The dialogs are checked in both languages, with the
 * keyboard (Escape, focus). What a sanction does to the page is sanctions-page.e2e.test.ts's. Needs
 * Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { focused, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, send } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('moderation browser tests');

const WAIT_MS = 10_000;
const ZONE = 'Asia/Shanghai';
const { until, text, visible, myId, messageTexts, matchPages } = chatPageDriver(WAIT_MS);

const ZH_REASONS = ['垃圾信息', '骚扰', '色情内容', '涉及未成年人', '仇恨言论', '诈骗', '自残或轻生', '其他'];
const EN_REASONS = ['Spam', 'Harassment', 'Sexual content', 'Involves a minor', 'Hate speech', 'Scam or fraud', 'Self-harm or suicide', 'Other'];

describe.skipIf(skip)('reporting and blocking in a browser', () => {
  const suite = browserSuite({ config: { timezone: ZONE } });

  /** A page of a new browser (a new identity); with `fakeClock`, the test can move the page's time on. */
  async function openPage(options: BrowserContextOptions = {}, fakeClock = false): Promise<Page> {
    const context = await suite.newContext(options);
    if (fakeClock) await context.clock.install();
    const page = await context.newPage();
    await page.goto(suite.url);
    return page;
  }

  it('a report carries the reason, the note and the ticked messages, and the reported person is not told', { timeout: 60_000 }, async () => {
    const a = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const b = await openPage();
    const [idA, idB] = [await myId(a), await myId(b)];
    await matchPages(a, b);
    expect(await a.getByTestId('report-btn').isVisible()).toBe(true);
    expect(await a.getByTestId('block-btn').isVisible()).toBe(true);

    // Spam-like but no term of the default policy (a policy hit would count as a strike and warn B).
    await send(b, '便宜卖货，私聊我');
    await send(b, '在吗');
    await send(a, '不要');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['便宜卖货，私聊我', '在吗']);
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['不要']);
    const spamId = Number(await a.locator('[data-testid="message"][data-own="false"]').first().getAttribute('data-id'));

    // The dialog opens with the focus inside, lists the reasons and only the partner's messages.
    await a.getByTestId('report-btn').click();
    const dialog = a.getByTestId('report-dialog');
    await visible(dialog);
    expect(await a.getByRole('dialog', { name: '举报对方' }).isVisible()).toBe(true);
    expect(await a.evaluate(() => document.activeElement?.closest('dialog')?.dataset['testid'])).toBe('report-dialog');
    expect(await a.getByTestId('report-reasons').locator('label').allTextContents()).toEqual(ZH_REASONS);
    expect(await dialog.getByTestId('report-message').count()).toBe(2);
    expect((await dialog.boundingBox())!.width).toBeLessThanOrEqual(390);

    // A reason is required: said under the reasons, in view on a small phone (the dialog scrolls to it;
    // the dialog's own error line, by Send, was below its fold).
    await a.setViewportSize({ width: 320, height: 568 });
    await a.getByTestId('report-submit').click();
    const reasonError = a.getByTestId('report-reason-error');
    await expect.poll(text(reasonError), until).toBe('请选择举报原因');
    await expect.poll(focused(a), until).toBe('report-reason-spam');
    const [errorBox, dialogBox] = [(await reasonError.boundingBox())!, (await dialog.boundingBox())!];
    expect(errorBox.y).toBeGreaterThanOrEqual(dialogBox.y);
    expect(errorBox.y + errorBox.height).toBeLessThanOrEqual(Math.min(dialogBox.y + dialogBox.height, 568));
    expect(await a.getByTestId('report-error').isHidden()).toBe(true);
    await a.setViewportSize({ width: 390, height: 844 });

    await a.getByRole('radio', { name: '垃圾信息' }).check();
    expect(await reasonError.isHidden()).toBe(true);
    // A pasted note over 500 is kept whole (a maxlength cut its end unseen): red counter, the limit in
    // words, and Send refuses it with the focus on the note.
    const noteField = a.getByTestId('report-note');
    const tooLong = a.getByTestId('report-note-too-long');
    await noteField.focus();
    await a.keyboard.insertText('广告'.repeat(300));
    expect((await noteField.inputValue()).length).toBe(600);
    expect(await a.getByTestId('report-note-count').textContent()).toBe('600/500');
    expect(await a.getByTestId('report-note-count').getAttribute('data-over')).toBe('true');
    expect(await noteField.getAttribute('aria-invalid')).toBe('true');
    await visible(tooLong);
    expect(await tooLong.textContent()).toBe('太长了：说明最多 500 字，删减后才能提交');
    await a.getByTestId('report-submit').click();
    await expect.poll(focused(a), until).toBe('report-note');
    expect(await a.getByTestId('report-done').isHidden()).toBe(true);
    expect((await new ReportRepository(suite.server.database).list('open', 100)).some((r) => r.reporterId === idA)).toBe(false);

    const note = '一直发广告，还要加微信';
    await a.getByLabel('补充说明（可选）').fill(note);
    expect(await a.getByTestId('report-note-count').textContent()).toBe(`${note.length}/500`);
    expect(await noteField.getAttribute('aria-invalid')).toBe('false');
    expect(await tooLong.isHidden()).toBe(true);
    await a.getByRole('checkbox', { name: /便宜卖货/ }).check();
    await a.screenshot({ path: resolve(screenshotDir, 'report-dialog-mobile.png') });
    await a.getByTestId('report-submit').click();

    await expect.poll(text(a.getByTestId('report-done-text')), until).toBe('已举报，我们会尽快处理');
    await expect.poll(focused(a), until).toBe('report-close');

    const reports = await new ReportRepository(suite.server.database).list('open', 100);
    const report = reports.find((r) => r.reporterId === idA);
    expect(report).toMatchObject({ reportedId: idB, reason: 'spam', note, messageIds: [spamId], status: 'open' });

    // Closed, the focus is back on the button that opened it; the chat goes on.
    await a.getByTestId('report-close').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(a), until).toBe('report-btn');
    expect(await a.getByTestId('message-input').isEnabled()).toBe(true);

    // The reported person saw nothing of it.
    await send(a, '再见');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['不要', '再见']);
    expect(await b.getByTestId('system-text').allTextContents()).toEqual(['已匹配到聊天对象，开始聊天吧！']);
    expect(await b.getByTestId('toast').isHidden()).toBe(true);
    expect(await b.getByTestId('warning-notice').isHidden()).toBe(true);
  });

  it('blocking ends the chat and the two are never matched again while a third person is; the dialogs speak English too', { timeout: 90_000 }, async () => {
    const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
    const a = await openPage(phone);
    const b = await openPage(phone, true);
    await matchPages(a, b);

    // Asked first; Escape closes without blocking and gives the focus back.
    await a.getByTestId('block-btn').click();
    const blockDialog = a.getByTestId('block-dialog');
    await visible(blockDialog);
    expect(await a.getByRole('alertdialog', { name: '屏蔽对方？' }).isVisible()).toBe(true);
    expect(await a.getByTestId('block-lead').textContent()).toBe('屏蔽后你们将不会再被匹配');
    expect(await a.getByTestId('block-ends-chat').isVisible()).toBe(true);
    await expect.poll(focused(a), until).toBe('block-cancel');
    await a.keyboard.press('Escape');
    await blockDialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(a), until).toBe('block-btn');
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(true);

    // In English, then confirmed: A's chat ends on screen, B sees an ordinary goodbye.
    await a.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(a.getByTestId('block-btn')), until).toBe('Block');
    expect(await a.getByTestId('report-btn').textContent()).toBe('Report');
    // Report, Block and Leave fit a 360px phone's header in English too.
    expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect((await a.getByTestId('leave-btn').boundingBox())!.x + (await a.getByTestId('leave-btn').boundingBox())!.width).toBeLessThanOrEqual(360);
    await a.screenshot({ path: resolve(screenshotDir, 'chat-360-en.png') });
    await a.getByTestId('block-btn').click();
    await visible(blockDialog);
    expect(await a.getByRole('alertdialog', { name: 'Block this person?' }).isVisible()).toBe(true);
    expect(await a.getByTestId('block-lead').textContent()).toBe('You will never be matched with this person again');
    expect(await a.getByTestId('block-ends-chat').textContent()).toBe('This chat ends now.');
    await a.getByRole('button', { name: 'Block', exact: true }).and(a.getByTestId('block-confirm')).click();
    // The chat ends on A's screen, with what was said: a harassed person blocks first and can still report.
    await visible(a.getByTestId('ended-report-btn'));
    await expect.poll(text(a.getByTestId('system-text').last()), until).toBe('You blocked them; the chat has ended');
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(true);
    await expect.poll(() => a.getByTestId('ended-block-btn').isHidden(), until).toBe(true);
    expect(await a.getByTestId('ended-keep-btn').isHidden()).toBe(true);
    await expect.poll(text(a.getByTestId('toast')), until).toBe('Blocked — you will not be matched again');
    await expect.poll(text(b.getByTestId('system-text').last()), until).toBe('对方已离开聊天');

    // B can still report or block from the ended bar; in English the report dialog says so too.
    await visible(b.getByTestId('ended-report-btn'));
    await visible(b.getByTestId('ended-block-btn'));
    await b.getByTestId('lang-switch').selectOption('en');
    await b.getByTestId('ended-report-btn').click();
    const reportDialog = b.getByTestId('report-dialog');
    await visible(reportDialog);
    expect(await b.getByRole('dialog', { name: 'Report this person' }).isVisible()).toBe(true);
    expect(await b.getByTestId('report-reasons').locator('label').allTextContents()).toEqual(EN_REASONS);
    expect(await b.getByTestId('report-no-messages').textContent()).toBe('They have not sent any messages in this chat');
    expect(await b.getByTestId('report-submit').textContent()).toBe('Send report');
    await b.getByTestId('report-submit').click();
    await expect.poll(text(b.getByTestId('report-reason-error')), until).toBe('Please choose a reason');
    await b.keyboard.press('Escape');
    await reportDialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(b), until).toBe('ended-report-btn');
    await b.screenshot({ path: resolve(screenshotDir, 'chat-ended-360-en.png') });
    await b.getByTestId('lang-switch').selectOption('zh-CN');

    // Two minutes after the end the chat can no longer be reported: Report goes, Block stays.
    await b.clock.fastForward('02:01');
    await b.getByTestId('ended-report-btn').waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await b.getByTestId('ended-block-btn').isVisible()).toBe(true);
    // (Time jumped past the connection's heartbeat too: it may have reconnected meanwhile.)
    await expect.poll(() => b.getByTestId('connection-status').getAttribute('data-state'), until).toBe('connected');

    // Both queue again: B's join finds A waiting and is not matched with them.
    await a.getByTestId('new-chat-btn').click();
    await visible(a.getByTestId('waiting-count'));
    await b.getByTestId('new-chat-btn').click();
    await expect.poll(text(b.getByTestId('waiting-count')), until).toBe('另有 1 人在等待');
    expect(await a.getByTestId('waiting-screen').isVisible()).toBe(true);

    // A third person is matched with one of them.
    const c = await openPage();
    await myId(c);
    await c.getByTestId('start-btn').click();
    await visible(c.getByTestId('chat-screen'));
    const inChat = async (page: Page) => page.getByTestId('chat-screen').isVisible();
    await expect.poll(async () => [await inChat(a), await inChat(b)].filter(Boolean).length, until).toBe(1);
    const [matched, left] = (await inChat(a)) ? [a, b] : [b, a];
    await send(c, '你好');
    await expect.poll(() => messageTexts(matched, false).allTextContents(), until).toEqual(['你好']);
    expect(await left.getByTestId('waiting-screen').isVisible()).toBe(true);
    await left.getByTestId('cancel-btn').click(); // nobody left waiting for the next tests
    await visible(left.getByTestId('start-screen'));
  });
});
