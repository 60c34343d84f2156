/**
 * The safety loop on the chat page, in a real Chromium against the real server: a report from the
 * report dialog (reason, note, a ticked message) is stored as sent — a note pasted over 500 kept whole, said
 * and not sent until it fits — and the reported person is never told; a block ends the chat and the two are never matched again while a third person is; a ban covers
 * the page and disables starting until lifted, leaving the way to /my (with the ended chat's code); a mute shows a banner and disables sending; a warning can
 * be dismissed. The dialogs are checked in both languages, with the keyboard (Escape, focus). Needs
 * Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import { resolve } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import type { SanctionRequest } from '../../src/moderation/moderation-service.js';
import { SanctionRepository } from '../../src/moderation/sanction-repository.js';
import { formatPlain } from '../../src/shared/time.js';
import { screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('moderation browser tests');

const WAIT_MS = 10_000;
const ZONE = 'Asia/Shanghai';
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

const ZH_REASONS = ['垃圾信息', '骚扰', '色情内容', '涉及未成年人', '仇恨言论', '诈骗', '自残或轻生', '其他'];
const EN_REASONS = ['Spam', 'Harassment', 'Sexual content', 'Involves a minor', 'Hate speech', 'Scam or fraud', 'Self-harm or suicide', 'Other'];

describe.skipIf(skip)('reporting, blocking and sanctions in a browser', () => {
  const suite = browserSuite({ config: { timezone: ZONE } });

  /** A page of a new browser (a new identity); with `fakeClock`, the test can move the page's time on. */
  async function openPage(options: BrowserContextOptions = {}, fakeClock = false): Promise<Page> {
    const context = await suite.newContext(options);
    if (fakeClock) await context.clock.install();
    const page = await context.newPage();
    await page.goto(suite.url);
    return page;
  }

  const sanction = (userId: string, kind: SanctionRequest['kind'], reason: string, durationS?: number) =>
    suite.server.app.moderation.issue({
      userId,
      networkHash: null,
      scope: 'identity',
      kind,
      reason,
      createdBy: 'admin',
      ...(durationS === undefined ? {} : { durationS }),
    });

  /** The test id of the element that has the focus. */
  const focused = (page: Page) => () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? null);

  async function send(page: Page, message: string): Promise<void> {
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('message-input').press('Enter');
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

  it('a ban covers the page with its reason and end, disables starting, and goes when lifted', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    const idA = await myId(a);
    // An earlier chat: its code is kept for the ban screen (not shown) once it ends…
    await matchPages(a, b);
    await send(a, '更早的一句');
    await leaveChat(a);
    const heldCode = a.getByTestId('ban-receipt').getByTestId('receipt-code');
    await expect.poll(() => heldCode.evaluate((el) => !(el as HTMLElement).hidden && el.textContent !== ''), until).toBe(true);
    // …until the next chat starts: a ban during it must not name the earlier chat as the last one.
    await a.getByTestId('leave-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await expect.poll(() => b.getByTestId('leave-btn').getAttribute('data-step'), until).toBe('new');
    await b.getByTestId('leave-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await expect.poll(() => heldCode.evaluate((el) => (el as HTMLElement).hidden), until).toBe(true);
    await send(a, '封禁前的一句');
    await expect.poll(() => messageTexts(b, false).count(), until).toBe(1);

    // Banned mid-chat: the notice replaces everything, the partner sees an ordinary goodbye.
    const ban = await sanction(idA, 'banned', 'spam');
    const banScreen = a.getByTestId('ban-screen');
    await visible(banScreen);
    expect(await a.getByTestId('ban-title').textContent()).toBe('你已被封禁');
    expect(await a.getByTestId('ban-reason').textContent()).toBe('原因：垃圾信息');
    expect(await a.getByTestId('ban-until').textContent()).toBe('封禁期限：永久');
    // For good: not "while the ban lasts".
    expect(await a.locator('.ban-body').textContent()).toBe('你不能再匹配，也不能发送消息。');
    await expect.poll(focused(a), until).toBe('ban-title');
    expect(await a.getByTestId('chat-screen').isVisible()).toBe(false);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);
    await expect.poll(text(b.getByTestId('system-text').last()), until).toBe('对方已离开聊天');
    // The chat the ban ended is still the person's own: its code, and the way to /my, where it opens.
    const banReceipt = a.getByTestId('ban-receipt');
    await visible(banReceipt.getByTestId('receipt-code'));
    const code = (await banReceipt.getByTestId('receipt-code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    expect(await banReceipt.getByTestId('receipt-my-link').textContent()).toBe('查看或删除你的聊天记录');
    expect(await banReceipt.getByTestId('receipt-my-link').getAttribute('href')).toBe(`/my#${code}`);
    await a.screenshot({ path: resolve(screenshotDir, 'ban-screen.png') });
    const my = await a.context().newPage();
    await my.goto(`${suite.url}/my#${code}`);
    await visible(my.getByTestId('conversation'));
    await expect.poll(() => my.getByTestId('transcript').textContent(), until).toContain('封禁前的一句');
    await my.close();

    // Told again on connecting while it is in force; English says "permanently".
    await a.reload();
    await visible(banScreen);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);
    await a.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(a.getByTestId('ban-until')), until).toBe('Banned permanently');
    // The code went with the page; the link stays (/my knows this browser's chats).
    expect(await banReceipt.getByTestId('receipt-code').isHidden()).toBe(true);
    expect(await banReceipt.getByTestId('receipt-my-link').isVisible()).toBe(true);
    expect(await banReceipt.getByTestId('receipt-my-link').textContent()).toBe('See or erase your chats');
    expect(await banReceipt.getByTestId('receipt-my-link').getAttribute('href')).toBe('/my');
    expect(await a.getByTestId('ban-reason').textContent()).toBe('Reason: Spam');
    expect(await a.locator('.ban-body').textContent()).toBe('You can no longer match or send messages.');
    await a.getByTestId('lang-switch').selectOption('zh-CN');

    // Lifted: back to a usable start screen.
    await suite.server.app.moderation.lift(ban.id, 'admin');
    await banScreen.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await visible(a.getByTestId('start-screen'));
    expect(await a.getByTestId('start-btn').isEnabled()).toBe(true);

    // A ban for a while shows when it ends, in the chat's zone, and a reason as the moderator wrote it.
    const timed = await sanction(idA, 'banned', '多次发送广告', 3600);
    await visible(banScreen);
    expect(await a.getByTestId('ban-reason').textContent()).toBe('原因：多次发送广告');
    expect(await a.getByTestId('ban-until').textContent()).toBe(`封禁至 ${formatPlain(timed.endsAt!, ZONE).slice(0, 16)}`);
    expect(await a.locator('.ban-body').textContent()).toBe('封禁期间不能匹配，也不能发送消息。');
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);

    // A warning issued during the ban (an older report resolved) is shown without ending the ban.
    await sanction(idA, 'warning', '请文明聊天');
    await visible(a.getByTestId('warning-notice'));
    expect(await banScreen.isVisible()).toBe(true);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);
    // Lifting the ban leaves the warning.
    await suite.server.app.moderation.lift(timed.id, 'admin');
    await banScreen.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await a.getByTestId('start-btn').isEnabled()).toBe(true);
    expect(await a.getByTestId('warning-notice').isVisible()).toBe(true);
  });

  it('a ban lifted while the page was offline is gone when it reconnects; the mute still in force is shown', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const idA = await myId(a);
    await sanction(idA, 'muted', 'harassment', 600);
    const ban = await sanction(idA, 'banned', 'spam');
    const banScreen = a.getByTestId('ban-screen');
    await visible(banScreen);
    // A reconnection with the ban still on changes nothing on screen: no flash of the start screen, the
    // focus left where it was, the notices not rewritten (they would be read out again).
    await a.evaluate(() => {
      const changes: string[] = [];
      (window as unknown as { banChanges: string[] }).banChanges = changes;
      const observer = new MutationObserver((records) => changes.push(...records.map((r) => `${(r.target as HTMLElement).dataset['testid']}:${r.attributeName ?? 'text'}`)));
      for (const id of ['ban-screen', 'mute-banner']) observer.observe(document.querySelector(`[data-testid="${id}"]`)!, { attributes: true, childList: true, subtree: true, characterData: true });
    });
    await a.getByTestId('lang-switch').focus();
    await a.context().setOffline(true);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).not.toBe('connected');
    await a.context().setOffline(false);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).toBe('connected');
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.evaluate(() => (window as unknown as { banChanges: string[] }).banChanges)).toEqual([]);
    expect(await a.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('lang-switch');

    await a.context().setOffline(true);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), until).not.toBe('connected');
    await suite.server.app.moderation.lift(ban.id, 'admin');
    await a.context().setOffline(false);
    // The new connection's session and sanctions: the ban is no longer shown, the mute is.
    await banScreen.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await a.getByTestId('start-btn').isEnabled()).toBe(true);
    expect(await a.getByTestId('mute-banner').getAttribute('hidden')).toBeNull();
  });

  it('a mute shows a banner above the composer and disables sending until lifted; a warning can be dismissed', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    const idA = await myId(a);
    await matchPages(a, b);

    const mute = await sanction(idA, 'muted', 'harassment', 600);
    const banner = a.getByTestId('mute-banner');
    await visible(banner);
    expect(await a.getByTestId('mute-until').textContent()).toBe(`你已被禁言，${formatPlain(mute.endsAt!, ZONE).slice(0, 16)} 前不能发送消息`);
    expect(await a.getByTestId('mute-reason').textContent()).toBe('原因：骚扰');
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    expect(await a.getByTestId('send-btn').isDisabled()).toBe(true);
    // The banner sits right above the composer.
    const [bannerBox, composerBox] = [await banner.boundingBox(), await a.getByTestId('composer').boundingBox()];
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(composerBox!.y + 1);
    await a.screenshot({ path: resolve(screenshotDir, 'mute-banner.png') });

    // The partner is not muted, and the muted person still reads.
    await send(b, '你还在吗');
    await expect.poll(() => messageTexts(a, false).allTextContents(), until).toEqual(['你还在吗']);

    await suite.server.app.moderation.lift(mute.id, 'admin');
    await banner.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(() => a.getByTestId('message-input').isEnabled(), until).toBe(true);
    await send(a, '在的');
    await expect.poll(() => messageTexts(b, false).allTextContents(), until).toEqual(['在的']);

    // A mute the page was never told of (put straight into the enforcement cache, no event): the MUTED
    // answer shows the banner all the same, and the text stays in the input.
    const untold = await new SanctionRepository(suite.server.database).insert({
      userId: idA,
      networkHash: null,
      kind: 'muted',
      reason: 'spam',
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 600_000),
      createdBy: 'admin',
      reportId: null,
    });
    suite.server.app.moderation.sanctionCache.put(untold);
    await send(a, '还能说话吗');
    await visible(banner);
    expect(await a.getByTestId('mute-until').textContent()).toBe('你已被禁言，暂时不能发送消息');
    expect(await a.getByTestId('mute-reason').isHidden()).toBe(true);
    expect(await a.getByTestId('message-input').inputValue()).toBe('还能说话吗');
    expect(await a.getByTestId('message-input').isDisabled()).toBe(true);
    await suite.server.app.moderation.lift(untold.id, 'admin');
    await banner.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(() => a.getByTestId('message-input').isEnabled(), until).toBe(true);
    expect(await messageTexts(b, false).allTextContents()).toEqual(['在的']); // the refused text never arrived

    // A warning is a notice with its reason, gone when dismissed; the chat is not affected.
    await sanction(idA, 'warning', '请文明聊天');
    const warning = a.getByTestId('warning-notice');
    await visible(warning);
    expect(await a.getByTestId('warning-reason').textContent()).toBe('原因：请文明聊天');
    expect(await a.getByTestId('message-input').isEnabled()).toBe(true);
    await a.getByTestId('warning-dismiss').click();
    await warning.waitFor({ state: 'hidden', timeout: WAIT_MS });
  });
});
