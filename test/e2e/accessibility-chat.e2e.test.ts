/**
 * Accessibility of the chat page and its bot check, in a real Chromium against the real server: axe-core
 * (WCAG 2.x A/AA and best practices) on each state — the start screen with and without the rules gate,
 * the privacy notice, waiting, a chat with own, partner and system messages, the report dialog and its
 * thanks, the block confirmation, the contact-details warning, the crisis card, the mute banner with a
 * warning, the chat-ended bar on both sides, the start screen after a chat with its receipt, the ban
 * screen, the bot check — in Chinese and English and in
 * the light and dark colour schemes (test/helpers/axe-walk.ts). Any serious or critical violation fails,
 * after every screen has been looked at, with the rule and the elements named. With the keyboard alone,
 * Tab reaches every control of the start and chat screens and each shows a focus ring; the message list is
 * a live log; reduced motion stills the spinner, the toasts and the dialogs. The admin pages and /my have
 * files of their own. Needs Debian's Chromium at /usr/bin/chromium (skipped with a visible line without
 * it, except under CI).
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SanctionRequest } from '../../src/moderation/moderation-service.js';
import { newPage, settled, tabThrough, walkScreens, WAIT_MS } from '../helpers/axe-walk.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { challengeSettings } from '../helpers/challenge.js';
import { browserSuite, chatPageDriver, sanctionIdentity, send } from '../helpers/chat-page.js';

const { until, text, visible, myId, messageTexts, acceptRules, leaveChat } = chatPageDriver(WAIT_MS);
const skip = skipWithoutChromium('accessibility browser tests');
describe.skipIf(skip)('accessibility of the chat page', () => {
  const suite = browserSuite({ config: { rules: { enabled: true, minAge: 18, file: undefined } } });

  /** The chat page in a new browser (a new identity), once the server has sent the ID. */
  async function openPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await newPage(suite, options);
    await page.goto(suite.url);
    await myId(page);
    return page;
  }

  const sanction = (userId: string, kind: SanctionRequest['kind'], reason: string, durationS?: number) => sanctionIdentity(suite.server, userId, kind, reason, durationS);

  it('every screen and dialog of a chat passes axe in both languages and both colour schemes', { timeout: 900_000 }, async () => {
    await walkScreens(async (check) => {
      const a = await openPage();
      const b = await openPage({ locale: 'en-US' });
      const idA = await myId(a);

      // The door: the rules gate, then the privacy notice opened.
      await expect.poll(text(a.getByTestId('rules-text')), until).not.toBe('');
      await check(a, 'start screen with the rules gate');
      await a.getByTestId('privacy-notice').locator('summary').click();
      await expect.poll(text(a.getByTestId('privacy-text')), until).not.toBe('');
      await check(a, 'privacy notice');
      await a.getByTestId('privacy-notice').locator('summary').click();

      // Waiting, then a chat with messages from both sides and the system line.
      await acceptRules(a);
      await acceptRules(b);
      await a.getByTestId('start-btn').click();
      await visible(a.getByTestId('waiting-screen'));
      await check(a, 'waiting screen');
      await b.getByTestId('start-btn').click();
      await visible(a.getByTestId('chat-screen'));
      await send(a, '你好，在吗？');
      await send(b, 'Hi! Yes, I am here.');
      await send(a, '今天过得怎么样');
      await expect.poll(() => messageTexts(a).count(), until).toBe(3);
      await expect.poll(() => messageTexts(b).count(), until).toBe(3);
      await check(a, 'chat screen');
      await check(b, 'chat screen (the other side)', { languages: ['en'] });

      // The report dialog, its error, and its thanks.
      await a.getByTestId('report-btn').click();
      await visible(a.getByTestId('report-dialog'));
      await a.getByTestId('report-submit').click();
      await visible(a.getByTestId('report-reason-error'));
      await check(a, 'report dialog');
      await a.getByTestId('report-reasons').getByRole('radio').first().check();
      await a.getByTestId('report-submit').click();
      await visible(a.getByTestId('report-done'));
      await check(a, 'report sent');
      await a.getByTestId('report-close').click();
      await a.getByTestId('report-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      // The block confirmation (put off).
      await a.getByTestId('block-btn').click();
      await visible(a.getByTestId('block-dialog'));
      await check(a, 'block confirmation');
      await a.keyboard.press('Escape');
      await a.getByTestId('block-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      // The contact-details warning (Edit), then the crisis card.
      await send(a, '我的电话是 138 1234 5678');
      await visible(a.getByTestId('pii-dialog'));
      await check(a, 'contact-details warning');
      await a.getByTestId('pii-edit').click();
      await a.getByTestId('pii-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await send(a, '我真的不想活了');
      await visible(a.getByTestId('crisis-card'));
      await check(a, 'crisis card');
      await a.getByTestId('crisis-dismiss').click();

      // A warning, then a mute (a sanction shown ends any stronger one shown, so the warning comes first).
      await sanction(idA, 'warning', 'spam');
      await visible(a.getByTestId('warning-notice'));
      const mute = await sanction(idA, 'muted', 'harassment', 600);
      await visible(a.getByTestId('mute-banner'));
      await visible(a.getByTestId('warning-notice'));
      await check(a, 'mute banner and warning notice');
      await suite.server.app.moderation.lift(mute.id, 'admin');
      await a.getByTestId('mute-banner').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await a.getByTestId('warning-dismiss').click();

      // The partner leaves (the Next button: Leave, then Really?): the chat-ended bar on both sides.
      await leaveChat(b);
      await visible(a.getByTestId('chat-ended'));
      await check(a, 'chat-ended bar');
      await check(b, 'chat-ended bar of the one who left', { languages: ['en'] });

      // Back at the start: the last chat's receipt stays there (in the dark scheme too).
      await a.getByTestId('home-btn').click();
      await visible(a.getByTestId('start-screen'));
      await visible(a.getByTestId('last-receipt'));
      await check(a, 'start screen after a chat, with its receipt');

      // Banned: the ban screen; lifted, a start screen without the gate (accepted already).
      const ban = await sanction(idA, 'banned', 'spam', 3600);
      await visible(a.getByTestId('ban-screen'));
      await check(a, 'ban screen');
      await suite.server.app.moderation.lift(ban.id, 'admin');
      await a.getByTestId('ban-screen').waitFor({ state: 'hidden', timeout: WAIT_MS });
      await a.reload();
      await myId(a);
      await expect.poll(() => a.getByTestId('start-btn').isEnabled(), until).toBe(true);
      expect(await a.getByTestId('rules-gate').isHidden()).toBe(true);
      await check(a, 'start screen');
    });
  });

  it('with the keyboard alone every control of the start and chat screens is reached by Tab and shows its focus; the messages are a live log', { timeout: 90_000 }, async () => {
    const a = await openPage();
    const b = await openPage();
    await expect.poll(text(a.getByTestId('rules-text')), until).not.toBe('');
    await a.getByTestId('privacy-notice').locator('summary').click();
    const start = await tabThrough(a);
    expect(start).toEqual(expect.arrayContaining(['lang-switch', 'new-identity-btn', 'rules-text', 'rules-checkbox', 'summary', 'my-chats-link']));

    // Ticked with Space and started with Enter, from the keyboard.
    await a.getByTestId('rules-checkbox').focus();
    await a.keyboard.press('Space');
    await a.getByTestId('start-btn').focus();
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('waiting-screen'));
    expect(await tabThrough(a)).toEqual(expect.arrayContaining(['cancel-btn']));

    await acceptRules(b);
    await b.getByTestId('start-btn').click();
    await visible(a.getByTestId('chat-screen'));
    await send(b, 'hello');
    await expect.poll(() => messageTexts(a, false).count(), until).toBe(1);
    const chat = await tabThrough(a);
    // The conversation is a tab stop of its own: arrows and Page Down scroll a long one in any browser.
    expect(chat).toEqual(expect.arrayContaining(['report-btn', 'block-btn', 'leave-btn', 'message-list', 'message-input', 'send-btn']));

    // The messages are a polite live log named in the page's language; the list inside stays a list.
    const log = a.getByRole('log');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    expect(await log.getByTestId('message-list').count()).toBe(1);
    expect(await a.getByRole('log', { name: '聊天消息' }).count()).toBe(1);
    await a.getByTestId('lang-switch').selectOption('en');
    expect(await a.getByRole('log', { name: 'Messages' }).count()).toBe(1);
    expect(await a.getByTestId('message-list').getAttribute('aria-live')).toBeNull();

    // Escape from a dialog gives the focus back to what opened it.
    await a.getByTestId('report-btn').focus();
    await a.keyboard.press('Enter');
    await visible(a.getByTestId('report-dialog'));
    await a.keyboard.press('Escape');
    await expect.poll(focused(a), until).toBe('report-btn');
  });

  it('with reduced motion the spinner, the toasts, the dialogs and the buttons do not move', { timeout: 60_000 }, async () => {
    const a = await openPage({ reducedMotion: 'reduce' });
    const moving = (selector: string) =>
      a.locator(selector).first().evaluate((el) => {
        const style = getComputedStyle(el);
        const longest = (list: string) => Math.max(...list.split(',').map((d) => parseFloat(d) * (d.trim().endsWith('ms') ? 1 : 1000)));
        return { animation: style.animationName === 'none' ? 0 : longest(style.animationDuration), transition: longest(style.transitionDuration) };
      });
    // Nothing lasts long enough to be seen (a hundredth of a millisecond keeps the end events coming).
    const still = { animation: expect.any(Number), transition: expect.any(Number) };
    const check = async (selector: string) => {
      const found = await moving(selector);
      expect(found, selector).toEqual(still);
      expect(found.animation, `${selector} animation`).toBeLessThanOrEqual(1);
      expect(found.transition, `${selector} transition`).toBeLessThanOrEqual(1);
    };
    await check('[data-testid="start-btn"]');
    await acceptRules(a);
    await a.getByTestId('start-btn').click();
    await visible(a.getByTestId('waiting-screen'));
    await check('.spinner');
    await a.getByTestId('cancel-btn').click();
    await visible(a.getByTestId('start-screen'));
    // A toast and a dialog, shown as the page shows them.
    await a.evaluate(() => {
      const toast = document.querySelector<HTMLElement>('[data-testid="toast"]')!;
      toast.hidden = false;
    });
    await check('[data-testid="toast"]');
    await a.evaluate(() => {
      document.querySelector<HTMLDialogElement>('[data-testid="block-dialog"]')!.showModal();
    });
    await check('[data-testid="block-dialog"]');

    // Without the preference they do move (so the checks above can fail).
    await a.emulateMedia({ reducedMotion: 'no-preference' });
    expect((await moving('[data-testid="block-dialog"]')).animation).toBeGreaterThan(50);
    await a.evaluate(() => document.querySelector<HTMLDialogElement>('[data-testid="block-dialog"]')!.close());
    expect((await moving('[data-testid="start-btn"]')).transition).toBeGreaterThan(50);
  });
});

describe.skipIf(skip)('accessibility of the bot check', () => {
  const suite = browserSuite({ config: { challenge: challengeSettings('always', { cost: 50, maxAttempts: 400 }) } });

  it('the bot-check dialog passes axe in both languages and both colour schemes', { timeout: 240_000 }, async () => {
    const page = await newPage(suite);
    // The widget would solve its tiny proof of work at once: its challenge is held while axe looks.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/challenge', async (route) => {
      await released;
      await route.continue().catch(() => undefined);
    });
    await page.goto(suite.url);
    await visible(page.getByTestId('challenge-dialog'));
    await visible(page.getByTestId('challenge-widget'));
    await walkScreens((check) => check(page, 'bot-check dialog'));
    release();
    await page.getByTestId('challenge-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await myId(page);
  });
});

