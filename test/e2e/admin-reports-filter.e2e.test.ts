/**
 * The reports queue filtered in a real Chromium against the real server: by reason and by a person,
 * from the keyboard; how many reports and which page, said politely and in both languages; the filters
 * kept across the status tabs and back from a report; Reset shows the whole queue again.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { adminLoginState } from '../helpers/admin-page.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin reports filter browser tests');

const WAIT_MS = 10_000;
const { until, text } = chatPageDriver(WAIT_MS);
/** Spam reports about one person: more than a page of the queue (50). */
const ABOUT_ONE = 52;

describe.skipIf(skip)('filtering the reports queue in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let loggedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

  beforeAll(async () => {
    const { repository, moderation } = suite.server.app;
    const at = Date.now() - 3_600_000;
    const file = async (reporter: string, reported: string, reason: 'spam' | 'scam', i: number) => {
      const room = await repository.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: new Date(at + i * 1_000) });
      await moderation.report(reporter, { reason, room_id: room.id });
    };
    for (let i = 0; i < ABOUT_ONE; i += 1) await file(`rfreporter${String(i).padStart(2, '0')}`, 'rfspammer001', 'spam', i);
    await file('rfvictim0001', 'rfscammer001', 'scam', ABOUT_ONE);
    await file('rfvictim0002', 'rfscammer001', 'scam', ABOUT_ONE + 1);
    await file('rfspammer001', 'rfreporter00', 'scam', ABOUT_ONE + 2);
    loggedIn = await adminLoginState(await suite.newContext(), suite.url);
  }, 120_000);

  async function queue(): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, storageState: loggedIn });
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin#reports/open`);
    return page;
  }
  const rows = (page: Page) => page.getByTestId('report-row');

  it('filters by reason and by person from the keyboard, and says how many there are and which page', { timeout: 60_000 }, async () => {
    const page = await queue();
    const count = page.getByTestId('report-count');
    await expect.poll(text(count), until).toBe(`共 ${ABOUT_ONE + 3} 条举报 · 第 1 页`);
    expect(await count.getAttribute('role')).toBe('status');

    // The reason from the keyboard: focus the select, choose, Enter in the user field searches.
    await page.getByTestId('report-filter-reason').focus();
    await page.getByTestId('report-filter-reason').selectOption('scam');
    await page.keyboard.press('Tab');
    await page.keyboard.type('rfscammer001');
    await page.keyboard.press('Enter');
    await expect.poll(text(count), until).toBe('共 2 条举报 · 第 1 页');
    expect(await rows(page).count()).toBe(2);

    // A person on either side: the one reported 52 times, who also reported once.
    await page.getByTestId('report-filter-reason').selectOption('');
    await page.getByTestId('report-filter-user').fill('rfspammer001');
    await page.getByTestId('report-search').click();
    await expect.poll(text(count), until).toBe(`共 ${ABOUT_ONE + 1} 条举报 · 第 1 页`);
    expect(await rows(page).count()).toBe(50);
    // The next page held back: a language switch while it loads still says the page shown, then the new one.
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const nextPage = /\/admin\/api\/reports\?.*cursor=/;
    await page.route(nextPage, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByTestId('reports-next-page').click();
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(count), until).toBe(`${ABOUT_ONE + 1} reports · page 1`);
    release();
    await expect.poll(text(count), until).toBe(`${ABOUT_ONE + 1} reports · page 2`);
    expect(await rows(page).count()).toBe(ABOUT_ONE + 1 - 50);
    await page.unroute(nextPage);
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(count), until).toBe(`共 ${ABOUT_ONE + 1} 条举报 · 第 2 页`);
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await page.getByTestId('report-filter-reason').locator('option').first().textContent()).toBe('Any reason');

    // Nobody matches: the empty queue says the filters found nothing.
    await page.getByTestId('report-filter-user').fill('rfnobody0001');
    await page.getByTestId('report-search').click();
    await expect.poll(text(count), until).toBe('0 reports · page 1');
    expect(await page.getByTestId('reports-empty').textContent()).toBe('No reports match these filters');

    // Reset: the whole queue again, on its first page.
    await page.getByTestId('report-reset').click();
    await expect.poll(text(count), until).toBe(`${ABOUT_ONE + 3} reports · page 1`);
    expect(await page.getByTestId('report-filter-user').inputValue()).toBe('');
  });

  it('keeps the filters on the other status tabs and back from a report', { timeout: 60_000 }, async () => {
    const page = await queue();
    const count = page.getByTestId('report-count');
    await page.getByTestId('report-filter-reason').selectOption('scam');
    await page.getByTestId('report-search').click();
    await expect.poll(text(count), until).toBe('共 3 条举报 · 第 1 页');

    await page.getByTestId('reports-tab-dismissed').click();
    await expect.poll(text(count), until).toBe('共 0 条举报 · 第 1 页');
    expect(await page.getByTestId('report-filter-reason').inputValue()).toBe('scam');
    await page.getByTestId('reports-tab-open').click();
    await expect.poll(text(count), until).toBe('共 3 条举报 · 第 1 页');

    await rows(page).first().click();
    await page.getByTestId('report-back').click();
    await expect.poll(text(count), until).toBe('共 3 条举报 · 第 1 页');
    expect(await rows(page).count()).toBe(3);
  });
});
