/**
 * The dashboard keeps its figures fresh while shown, in a real Chromium against the real server, its timers
 * on Playwright's fake clock, paused once the page has its first figures (5 s moved on at once, not waited
 * for; nothing comes by itself):
 * - a person connecting shows in "online now" at the next read;
 * - a hidden browser tab reads nothing, however long it stays hidden, and reads at once when shown again
 *   (not up to an interval late);
 * - leaving the dashboard stops the reads.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATS_TIMING } from '../../src/admin/stats-query.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { connect, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('admin dashboard refresh browser tests');

const WAIT_MS = 10_000;
/** The dashboard's interval (dashboard.ts). */
const REFRESH_MS = 5_000;
const { until, text } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the dashboard keeps itself fresh', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 120_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  const online = (page: Page) => async () => Number(((await text(page.getByTestId('stat-online_now'))()) ?? '').replace(/\D/g, '') || '-1');
  async function dashboard(): Promise<{ page: Page; reads: string[] }> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn });
    context.setDefaultTimeout(WAIT_MS);
    await context.clock.install();
    const page = await context.newPage();
    const reads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/admin/api/stats')) reads.push(r.url());
    });
    await page.goto(`${suite.url}/admin#dashboard`);
    await expect.poll(online(page), until).toBeGreaterThanOrEqual(0);
    // From here on the page's time moves only when the test moves it: no read comes by itself.
    await page.clock.pauseAt(new Date(Date.now() + 60_000));
    return { page, reads };
  }

  /** The page's tab hidden or shown, as the browser says it when the admin switches tabs. */
  const setHidden = (page: Page, hidden: boolean) =>
    page.evaluate((value) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  async function someoneConnects(): Promise<void> {
    sockets.push((await connect(suite.url)).socket);
  }

  it('a new person shows at the next read; a hidden tab reads nothing and reads at once when shown', { timeout: 60_000 }, async () => {
    const { page, reads } = await dashboard();
    const before = await online(page)();

    await someoneConnects();
    // Each 5 s moved on is one read; the server keeps its figures 2 s, so one read may not have it yet.
    await expect.poll(async () => (await page.clock.runFor(REFRESH_MS), online(page)()), until).toBe(before + 1);

    await setHidden(page, true);
    const readsWhileShown = reads.length;
    await someoneConnects();
    await page.clock.runFor(REFRESH_MS * 6);
    // Hidden longer than the server keeps its figures (stats-query.ts), so the next read has the new one.
    await page.waitForTimeout(DEFAULT_STATS_TIMING.cacheMs + 200);
    expect(reads.length).toBe(readsWhileShown);
    expect(await online(page)()).toBe(before + 1);

    // Shown again: read at once, the clock not moved on (nothing else can read now); it has the new figure.
    await setHidden(page, false);
    await expect.poll(() => reads.length, until).toBe(readsWhileShown + 1);
    await expect.poll(online(page), until).toBe(before + 2);
  });

  it('leaving the dashboard stops its reads', { timeout: 60_000 }, async () => {
    const { page, reads } = await dashboard();
    await page.getByTestId('tab-reports').click();
    await page.waitForTimeout(300);
    const atLeave = reads.length;
    await page.clock.runFor(REFRESH_MS * 4);
    await setHidden(page, true);
    await setHidden(page, false);
    await page.waitForTimeout(300);
    expect(reads.length).toBe(atLeave);
  });
});
