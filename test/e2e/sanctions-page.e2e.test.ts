/**
 * What a sanction does to the chat page, in a real Chromium against the real server: a ban covers the page
 * with its reason and end and disables starting until lifted, leaving the way to /my (with the ended chat's
 * code); a ban lifted while the page was offline is gone when it reconnects; a mute shows a banner and
 * disables sending, and on the start screen disables starting with a line that says until when (a wait it
 * ends goes back there); a warning can be dismissed. Sanctions are issued through the app's moderation service,
 * as the admin's would be. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line
 * without it, except under CI.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SanctionRequest } from '../../src/moderation/moderation-service.js';
import { formatPlain } from '../../src/shared/time.js';
import { focused, screenshotDir, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver, sanctionIdentity, send } from '../helpers/chat-page.js';
import { untoldMute } from '../helpers/sanctions.js';

const skip = skipWithoutChromium('sanctions browser tests');

const WAIT_MS = 10_000;
const ZONE = 'Asia/Shanghai';
const { until, text, visible, myId, messageTexts, matchPages, leaveChat } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('sanctions on the chat page', () => {
  const suite = browserSuite({ config: { timezone: ZONE } });

  /**
   * A page of a new browser (a new identity), in New York: the chat's clock is Beijing's, so the end of a
   * sanction is written with its zone.
   */
  async function openPage(): Promise<Page> {
    const page = await (await suite.newContext({ timezoneId: 'America/New_York' })).newPage();
    await page.goto(suite.url);
    return page;
  }

  const sanction = (userId: string, kind: SanctionRequest['kind'], reason: string, durationS?: number) => sanctionIdentity(suite.server, userId, kind, reason, durationS);

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
    expect(await a.getByTestId('ban-until').textContent()).toBe(`封禁至 ${formatPlain(timed.endsAt!, ZONE).slice(0, 16)} (UTC+08:00)`);
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
    // The new connection's session and sanctions: the ban is no longer shown, the mute is (and still keeps
    // starting off, saying so).
    await banScreen.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await a.getByTestId('mute-banner').getAttribute('hidden')).toBeNull();
    expect(await a.getByTestId('mute-start').isVisible()).toBe(true);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);
  });

  it('a mute ends a wait and keeps the start screen’s ways in off, saying until when, in both languages; lifted, Start works', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const idA = await myId(a);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));

    await a.getByTestId('cancel-btn').focus();
    const mute = await sanction(idA, 'muted', 'spam', 3600);
    const line = a.getByTestId('mute-start');
    await visible(a.getByTestId('start-screen'));
    await visible(line);
    // The wait's screen went with the focus on its Cancel: the line that says why takes it.
    await expect.poll(focused(a), until).toBe('mute-start');
    const end = `${formatPlain(mute.endsAt!, ZONE).slice(0, 16)} (UTC+08:00)`;
    expect(await line.textContent()).toBe(`你已被禁言，${end} 前不能发消息或开始新的聊天`);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);
    expect(await a.getByTestId('create-private-btn').isDisabled()).toBe(true);
    expect(await a.getByTestId('join-private-btn').isDisabled()).toBe(true);
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    await a.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(line), until).toBe(`You are muted: no messages or new chats until ${end}`);
    await a.screenshot({ path: resolve(screenshotDir, 'mute-start.png') });
    await a.getByTestId('lang-switch').selectOption('zh-CN');

    // Told again on connecting while it is in force.
    await a.reload();
    await visible(line);
    expect(await a.getByTestId('start-btn').isDisabled()).toBe(true);

    await suite.server.app.moderation.lift(mute.id, 'admin');
    await line.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(() => a.getByTestId('start-btn').isEnabled(), until).toBe(true);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    // Out of the queue again, for the next test's pages to meet each other.
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
    await expect.poll(() => suite.server.app.liveStats.waitingCount(), until).toBe(0);
  });

  it('muted: an ended chat stays when New is pressed (it says why); a mute ending a private wait keeps the room’s key at hand', { timeout: 90_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    const idA = await myId(a);
    await matchPages(a, b);
    const mute = await sanction(idA, 'muted', 'spam', 3600);
    await visible(a.getByTestId('mute-banner'));
    await leaveChat(b);
    await visible(a.getByTestId('chat-ended'));
    await expect.poll(() => a.getByTestId('leave-btn').getAttribute('data-step'), until).toBe('new');
    // New, from the button and with Escape: no join (it would be refused), the ended chat stays, a toast says why.
    await a.getByTestId('leave-btn').click();
    await expect.poll(text(a.getByTestId('toast')), until).toBe('你已被禁言，暂时不能发消息或开始新的聊天');
    await a.keyboard.press('Escape');
    expect(await a.getByTestId('chat-ended').isVisible()).toBe(true);
    expect(await a.getByTestId('ended-receipt').getByTestId('receipt-code').isVisible()).toBe(true);
    expect(await suite.server.app.liveStats.waitingCount()).toBe(0);
    await suite.server.app.moderation.lift(mute.id, 'admin');
    await a.getByTestId('mute-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });

    // A private room's wait ended by a mute: the room outlives it, its key is put in "join with a key".
    await a.getByTestId('home-btn').click();
    await a.getByTestId('private-rooms-summary').click();
    await a.getByTestId('create-private-btn').click();
    await visible(a.getByTestId('private-created'));
    const key = (await a.getByTestId('private-key').textContent()) ?? '';
    expect(key).not.toBe('');
    await sanction(idA, 'muted', 'spam', 3600);
    await visible(a.getByTestId('mute-start'));
    await expect.poll(() => a.getByTestId('private-key-input').inputValue(), until).toBe(key);
    expect(await a.getByTestId('join-private-btn').isDisabled()).toBe(true);
    // Still muted when a ban is lifted: the ban's title goes, and the mute's line takes the focus.
    const ban = await sanction(idA, 'banned', 'spam', 3600);
    await expect.poll(focused(a), until).toBe('ban-title');
    await suite.server.app.moderation.lift(ban.id, 'admin');
    await a.getByTestId('ban-screen').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(focused(a), until).toBe('mute-start');
  });

  it('a mute shows a banner above the composer and disables sending until lifted; a warning can be dismissed', { timeout: 60_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    const idA = await myId(a);
    await matchPages(a, b);

    // Typing when it comes: the input goes off under the person's fingers, and the banner's line takes the focus.
    await a.getByTestId('message-input').focus();
    const mute = await sanction(idA, 'muted', 'harassment', 600);
    const banner = a.getByTestId('mute-banner');
    await visible(banner);
    await expect.poll(focused(a), until).toBe('mute-until');
    expect(await a.getByTestId('mute-until').textContent()).toBe(`你已被禁言，${formatPlain(mute.endsAt!, ZONE).slice(0, 16)} (UTC+08:00) 前不能发消息或开始新的聊天`);
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
    const untold = await untoldMute(suite.server, idA);
    await send(a, '还能说话吗');
    await visible(banner);
    expect(await a.getByTestId('mute-until').textContent()).toBe('你已被禁言，暂时不能发消息或开始新的聊天');
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
