/**
 * The bot check when something goes wrong, in a real Chromium against the real server with
 * CHALLENGE=always: a challenge that could not be fetched (the network dropped) is said to have failed,
 * with the panel's Retry, and tried again by Retry or by itself once the browser is back online; a
 * challenge that cannot be solved (tampered with on the way) fails within the widget's time bound rather
 * than "Verifying…" for ever; while the check is open the header says so (not "Connecting…"), and put off
 * with "Not now" the focus goes to the header's "Verify now" — solved, to the screen's heading.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium } from '../helpers/browser.js';
import { challengeSettings, holdChallenge } from '../helpers/challenge.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('bot challenge recovery browser tests');

const WAIT_MS = 20_000;
const { until, text, visible, myId } = chatPageDriver(WAIT_MS);
/** Small but real: a few hundred PBKDF2 attempts in the widget's workers. */
const DIFFICULTY = { cost: 50, maxAttempts: 400 };
/** The widget's bound on one challenge (SOLVE_TIMEOUT_MS in web/src/challenge-widget.ts), and some slack. */
const SOLVE_TIMEOUT_MS = 30_000;

/** The page's first `drops` `GET /api/challenge` fail as if the network had dropped; the later ones go through. */
async function dropChallenges(page: Page, drops: number): Promise<{ requests(): number }> {
  let count = 0;
  await page.route('**/api/challenge', async (route) => {
    count += 1;
    if (count <= drops) await route.abort('internetdisconnected');
    else await route.continue().catch(() => undefined);
  });
  return { requests: () => count };
}

/** The element that has the focus, by its test id (or its tag when it has none). */
const focused = (page: Page) => () =>
  page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    return active?.dataset['testid'] ?? active?.tagName ?? null;
  });

describe.skipIf(skip)('the bot check recovers from failures, CHALLENGE=always', () => {
  // Each page comes from an address of its own (through a trusted proxy's header): one that solved the
  // check is verified, and would not be asked again in the next test.
  const suite = browserSuite({ config: { challenge: challengeSettings('always', DIFFICULTY), trustProxy: true } });
  let addresses = 0;
  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    addresses += 1;
    const context = await suite.newContext({ ...options, extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${addresses}` } });
    return context.newPage();
  }

  it('a challenge lost to the network shows Retry, and Retry completes the check so the person can start', { timeout: 60_000 }, async () => {
    const page = await newPage();
    const route = await dropChallenges(page, 2);
    await page.goto(suite.url);

    const dialog = page.getByRole('dialog', { name: '先确认你不是机器人' });
    await visible(dialog);
    const retry = dialog.getByRole('button', { name: '重试' });
    await visible(retry);
    expect(await page.getByTestId('challenge-problem').textContent()).toContain('验证没有完成');
    // The header says what the page waits for: the check, not the network.
    expect(await page.getByTestId('connection-label').textContent()).toBe('人机验证中…');
    // Nothing retried behind the person's back meanwhile (the browser never went offline).
    expect(route.requests()).toBe(1);

    // Retry by keyboard fails once more: the focus, lost with the button, comes back to it.
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => route.requests(), until).toBe(2);
    await visible(retry);
    await expect.poll(focused(page), until).toBe('challenge-retry');
    await page.keyboard.press('Enter');
    await myId(page);
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(page.getByTestId('connection-label')), until).toBe('已连接');
    await page.getByTestId('start-btn').click();
    await visible(page.getByTestId('waiting-screen'));
  });

  it('a challenge lost to the network is tried again by itself when the browser is back online, in English too', { timeout: 60_000 }, async () => {
    const page = await newPage({ locale: 'en-US' });
    await dropChallenges(page, 1);
    await page.goto(suite.url);

    const dialog = page.getByRole('dialog', { name: 'A quick check that you are not a bot' });
    const retry = dialog.getByRole('button', { name: 'Retry' });
    await visible(retry);
    expect(await page.getByTestId('challenge-problem').textContent()).toContain('The check did not complete');
    expect(await page.getByTestId('connection-label').textContent()).toBe('Bot check…');

    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await myId(page);
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(page.getByTestId('connection-label')), until).toBe('Connected');
  });

  it('a challenge that cannot be solved fails within the bound and shows Retry, which then succeeds', { timeout: SOLVE_TIMEOUT_MS + 40_000 }, async () => {
    const page = await newPage();
    let tampered = false;
    await page.route('**/api/challenge', async (route) => {
      if (tampered) return route.continue().catch(() => undefined);
      tampered = true;
      // A key prefix no counter derives: the widget would search until it gives up.
      const response = await route.fetch();
      const challenge = (await response.json()) as { parameters: { keyPrefix: string } };
      challenge.parameters.keyPrefix = 'f'.repeat(challenge.parameters.keyPrefix.length);
      await route.fulfill({ response, json: challenge });
    });
    const started = Date.now();
    await page.goto(suite.url);

    const dialog = page.getByTestId('challenge-dialog');
    const retry = page.getByTestId('challenge-retry');
    await retry.waitFor({ state: 'visible', timeout: SOLVE_TIMEOUT_MS + 10_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SOLVE_TIMEOUT_MS - 1_000);
    await retry.click();
    await myId(page);
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
  });

  it('a browser without Web Workers is told it cannot do the check, and why — not a network failure and a Retry that cannot work', { timeout: 60_000 }, async () => {
    for (const [lang, words] of [['zh-CN', '不支持 Web Worker'], ['en-US', 'no Web Workers']] as const) {
      const page = await newPage({ locale: lang });
      await page.addInitScript(() => {
        delete (window as { Worker?: unknown }).Worker;
      });
      await page.goto(suite.url);
      const problem = page.getByTestId('challenge-problem');
      await visible(problem);
      expect(await problem.textContent(), lang).toContain(words);
      expect(await page.getByTestId('challenge-retry').isHidden(), lang).toBe(true);
    }
  });

  it('"Not now" gives the focus to the header\'s "Verify now"', { timeout: 60_000 }, async () => {
    const page = await newPage();
    // Held: the check stays open until the person answers it.
    await page.route('**/api/challenge', () => new Promise<void>(() => undefined));
    await page.goto(suite.url);
    const dialog = page.getByTestId('challenge-dialog');
    await visible(dialog);
    await page.getByTestId('challenge-later').focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(page.getByTestId('connection-label')), until).toBe('未连接：需要人机验证');
    await expect.poll(focused(page), until).toBe('verify-btn');
  });

  it('solved, the check that opened as the page loaded gives the focus to the screen\'s heading, not the page\'s body', { timeout: 60_000 }, async () => {
    for (const [locale, heading, connected] of [['zh-CN', '匿名聊天室', '已连接'], ['en-US', 'Anonymous Chat', 'Connected']] as const) {
      const page = await newPage({ locale });
      const held = await holdChallenge(page);
      await page.goto(suite.url);
      const dialog = page.getByTestId('challenge-dialog');
      await visible(dialog);
      // Nothing had the focus before: the dialog took it, from the page's body.
      expect(await page.evaluate(() => document.activeElement?.closest('dialog')?.dataset['testid']), locale).toBe('challenge-dialog');
      held.release();
      await myId(page);
      await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
      const focusedHeading = () => page.evaluate(() => (document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : document.activeElement?.tagName));
      await expect.poll(focusedHeading, { ...until, message: locale }).toBe(heading);
      // Still there once connected: nothing that followed dropped it.
      await expect.poll(text(page.getByTestId('connection-label')), until).toBe(connected);
      expect(await focusedHeading(), locale).toBe(heading);
    }
  });
});
